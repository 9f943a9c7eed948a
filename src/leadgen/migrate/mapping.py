"""The customer's field mapping as data: load the TOML, resolve names to Airtable ids, check it.

    mapping = load_mapping()                      # the bundled leadgen_base.toml, resolved
    f = mapping.table("Contacts").field("Owner")  # against the bundled base schema
    f.kind, f.target_table, f.column, f.transform, f.field_id, f.choices

`load_mapping(path, schema=snapshot.schema)` resolves against a snapshot's schema instead.
Resolution fills what the file leaves implicit (default transform by Airtable type, the full
choice → enum-label map) and lists every coverage problem at once as a MappingError (exit 7):
a base field missing from the file, a mapped field missing from the base, a malformed entry.
The database half of the check (columns exist, labels are in pg_enum) is `coverage.py`.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from leadgen.errors import MappingError

KINDS = ("column", "enum", "link", "tags", "split", "derived", "drop")
# What an empty select cell loads as: NULL (the default), or the target column's DDL default
EMPTY = ("null", "default")
TRANSFORMS = (
    "text", "domain", "number", "integer", "checkbox", "datetime", "date", "json_or_string",
    "formula_text", "attachment_url", "table_name", "record_uuid", "batch_name", "company_name",
    "link", "enum", "tags",
)
# Default transform of a column/split field by its Airtable type.
DEFAULT_TRANSFORM = {
    "singleLineText": "text", "multilineText": "text", "richText": "text", "email": "text",
    "url": "text", "phoneNumber": "text", "singleSelect": "text", "number": "number",
    "currency": "number", "percent": "number", "rating": "integer", "autoNumber": "integer",
    "count": "integer", "checkbox": "checkbox", "dateTime": "datetime", "date": "date",
    "createdTime": "datetime", "lastModifiedTime": "datetime", "formula": "formula_text",
    "multipleAttachments": "attachment_url",
}
DEFAULT_PATH = "leadgen_base.toml"


def slug(label: str) -> str:
    """The enum label a select choice maps to unless the file says otherwise."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


@dataclass(frozen=True)
class FieldMapping:
    """What happens to one Airtable field."""

    table: str
    name: str
    kind: str
    target_table: str | None = None  # the PG table holding `column` (target, split, junction)
    column: str | None = None
    transform: str | None = None
    choices: dict[str, str] = field(default_factory=dict)  # Airtable choice → enum label
    category: str | None = None  # tags: the tag_category label
    junction: str | None = None
    entity_type: str | None = None
    fallback: str | None = None
    check: str | None = None
    derived_from: str | None = None
    reason: str | None = None
    field_id: str | None = None  # after resolution
    airtable_type: str | None = None
    linked_table: str | None = None  # the Airtable table name a link points at
    empty: str = "null"  # enum: an empty cell loads as NULL, or as the column's DDL default

    def enum_label(self, choice: str) -> str | None:
        """The enum label of a select choice (None when the choice is unknown to the base)."""
        return self.choices.get(choice)


@dataclass(frozen=True)
class TableMapping:
    name: str
    target: str
    fields: dict[str, FieldMapping]
    table_id: str | None = None
    primary_field: str | None = None

    def field(self, name: str) -> FieldMapping:
        try:
            return self.fields[name]
        except KeyError:
            raise MappingError(f"{self.name}.{name} is not in the mapping") from None

    def by_id(self) -> dict[str, FieldMapping]:
        return {f.field_id: f for f in self.fields.values() if f.field_id}


@dataclass(frozen=True)
class Mapping:
    path: Path | None
    sha256: str
    tables: dict[str, TableMapping]
    resolved: bool = False

    def table(self, name: str) -> TableMapping:
        try:
            return self.tables[name]
        except KeyError:
            raise MappingError(f"table {name!r} is not in the mapping") from None

    def target_of(self, airtable_table: str) -> str | None:
        t = self.tables.get(airtable_table)
        return t.target if t else None

    def fields(self) -> list[FieldMapping]:
        return [f for t in self.tables.values() for f in t.fields.values()]


def bundled_schema() -> dict[str, Any]:
    text = resources.files("leadgen.airtable").joinpath("base_schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load_mapping(
    path: Path | str | None = None, schema: dict[str, Any] | None = None
) -> Mapping:
    """Read a mapping file (default: the customer's) and resolve it against `schema`."""
    if path is None:
        res = resources.files("leadgen.migrate.mappings").joinpath(DEFAULT_PATH)
        raw, where = res.read_bytes(), None
    else:
        where = Path(path)
        try:
            raw = where.read_bytes()
        except OSError as exc:
            raise MappingError(
                f"cannot read mapping file {where}: {exc.strerror or exc}",
                hint="pass an existing TOML file with --mapping, or omit it for the default",
            ) from exc
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(
            f"mapping file {where or DEFAULT_PATH} is not valid TOML: {exc}",
            hint="fix the line named above; the format is described at the top of the file",
        ) from exc
    mapping = parse_mapping(doc, where, hashlib.sha256(raw).hexdigest())
    return resolve(mapping, schema if schema is not None else bundled_schema())


def parse_mapping(doc: dict[str, Any], path: Path | None, sha: str) -> Mapping:
    problems: list[str] = []
    tables: dict[str, TableMapping] = {}
    for tname, tdoc in (doc.get("tables") or {}).items():
        target = tdoc.get("target")
        if not isinstance(target, str):
            problems.append(f"{tname}: `target` (the PG table) is missing")
            continue
        fields: dict[str, FieldMapping] = {}
        for fname, fdoc in (tdoc.get("fields") or {}).items():
            fm = _parse_field(tname, target, fname, fdoc, problems)
            if fm is not None:
                fields[fname] = fm
        tables[tname] = TableMapping(tname, target, fields)
    if not tables:
        problems.append("no [tables.…] sections")
    if problems:
        raise mapping_error(problems, path)
    return Mapping(path=path, sha256=sha, tables=tables)


def _parse_field(
    tname: str, target: str, fname: str, fdoc: Any, problems: list[str]
) -> FieldMapping | None:
    where = f"{tname}.{fname}"
    if not isinstance(fdoc, dict):
        problems.append(f"{where}: expected an inline table {{ kind = … }}")
        return None
    kind = fdoc.get("kind", "column")
    if kind not in KINDS:
        problems.append(f"{where}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        return None
    known = {"kind", "column", "transform", "choices", "category", "junction", "entity_type",
             "fallback", "check", "from", "reason", "table", "empty"}
    for key in fdoc:
        if key not in known:
            problems.append(f"{where}: unknown key {key!r}")
    transform = fdoc.get("transform")
    if transform is not None and transform not in TRANSFORMS:
        problems.append(f"{where}: unknown transform {transform!r}")
    column = fdoc.get("column")
    target_table: str | None = target
    if kind in ("column", "enum", "link", "split") and not column:
        problems.append(f"{where}: kind {kind!r} needs `column`")
    if kind == "split":
        target_table = fdoc.get("table")
        if not target_table:
            problems.append(f"{where}: kind 'split' needs `table` (the 1:1 table)")
    if kind == "link" and fdoc.get("junction"):
        target_table = fdoc["junction"]
    if kind == "tags":
        target_table, column = "company_tags", "value"
        if not fdoc.get("category"):
            problems.append(f"{where}: kind 'tags' needs `category`")
    if kind in ("drop", "derived") and not fdoc.get("reason"):
        problems.append(f"{where}: kind {kind!r} needs a `reason`")
    if kind in ("drop", "derived"):
        target_table = None
    if fdoc.get("check") not in (None, "messages"):
        problems.append(f"{where}: unknown check {fdoc['check']!r} (only 'messages')")
    empty = fdoc.get("empty", "null")
    if empty not in EMPTY:
        problems.append(f"{where}: unknown empty {empty!r} (one of {', '.join(EMPTY)})")
        empty = "null"
    elif empty != "null" and kind != "enum":
        problems.append(f"{where}: `empty` applies to a select (kind 'enum'), not kind {kind!r}")
    choices = fdoc.get("choices") or {}
    if not isinstance(choices, dict) or not all(isinstance(v, str) for v in choices.values()):
        problems.append(f"{where}: `choices` must map choice names to enum labels")
        choices = {}
    return FieldMapping(
        table=tname, name=fname, kind=kind, target_table=target_table, column=column,
        transform=transform, choices=dict(choices), category=fdoc.get("category"),
        junction=fdoc.get("junction"), entity_type=fdoc.get("entity_type"),
        fallback=fdoc.get("fallback"), check=fdoc.get("check"), derived_from=fdoc.get("from"),
        reason=fdoc.get("reason"), empty=empty,
    )


def resolve(mapping: Mapping, schema: dict[str, Any]) -> Mapping:
    """Attach Airtable ids/types, default transforms and full choice maps; list every gap."""
    problems: list[str] = []
    base_tables = {t["name"]: t for t in schema.get("tables", [])}
    table_names = {t["id"]: t["name"] for t in schema.get("tables", [])}
    for name in base_tables:
        if name not in mapping.tables:
            problems.append(f"table {name!r} of the base is missing from the mapping")
    resolved: dict[str, TableMapping] = {}
    for tname, tm in mapping.tables.items():
        base = base_tables.get(tname)
        if base is None:
            problems.append(f"table {tname!r} of the mapping is not in the base")
            continue
        base_fields = {f["name"]: f for f in base["fields"]}
        for fname in base_fields:
            if fname not in tm.fields:
                problems.append(f"field {tname}.{fname} of the base is missing from the mapping")
        fields: dict[str, FieldMapping] = {}
        for fname, fm in tm.fields.items():
            bf = base_fields.get(fname)
            if bf is None:
                problems.append(f"field {tname}.{fname} of the mapping is not in the base")
                continue
            fields[fname] = _resolve_field(fm, bf, base_fields, table_names, problems)
        resolved[tname] = replace(
            tm, fields=fields, table_id=base["id"],
            primary_field=base.get("primaryFieldId"),
        )
    if problems:
        raise mapping_error(problems, mapping.path)
    return replace(mapping, tables=resolved, resolved=True)


def _resolve_field(
    fm: FieldMapping, bf: dict[str, Any], base_fields: dict[str, Any],
    table_names: dict[str, str], problems: list[str],
) -> FieldMapping:
    where = f"{fm.table}.{fm.name}"
    atype = bf["type"]
    options = bf.get("options") or {}
    transform = fm.transform
    linked = table_names.get(options.get("linkedTableId", ""))
    choices = dict(fm.choices)
    if fm.kind == "enum":
        if atype not in ("singleSelect", "multipleSelects"):
            problems.append(f"{where}: kind 'enum' needs a select field, not {atype}")
        for choice in options.get("choices", []):
            choices.setdefault(choice["name"], slug(choice["name"]))
        transform = "enum"
    elif fm.kind == "tags":
        if atype != "multipleSelects":
            problems.append(f"{where}: kind 'tags' needs a multipleSelects field, not {atype}")
        transform = "tags"
    elif fm.kind == "link":
        if transform in ("batch_name", "company_name"):
            pass
        elif atype == "multipleRecordLinks":
            transform = "link"
        else:
            problems.append(f"{where}: kind 'link' needs a link field (or transform batch_name/"
                            f"company_name), not {atype}")
    elif fm.kind in ("column", "split") and transform is None:
        transform = DEFAULT_TRANSFORM.get(atype)
        if transform is None:
            problems.append(f"{where}: no default transform for {atype}; name one")
    if fm.fallback and fm.fallback != "createdTime" and fm.fallback not in base_fields:
        problems.append(f"{where}: fallback field {fm.fallback!r} is not in the base")
    return replace(fm, field_id=bf["id"], airtable_type=atype, transform=transform,
                   choices=choices, linked_table=linked)


def mapping_error(problems: list[str], path: Path | None) -> MappingError:
    listing = "\n".join(f"  - {p}" for p in problems)
    return MappingError(
        f"the mapping {path or DEFAULT_PATH} does not cover the base "
        f"({len(problems)} problem{'s' if len(problems) != 1 else ''}):\n{listing}",
        hint="add or fix these entries in the mapping file (format at its top), then re-run",
    )
