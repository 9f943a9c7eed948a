"""SQL pieces for one mapped Airtable table: the output shape of records, and writable fields.

Airtable nodes output records as ``{id, createdTime, fields: {…}}`` (or flattened in v2/v2.1
search/get), with values in the REST API's format — choice names, arrays of record ids, absent
when empty. The converted queries project the same shape from the schema so expressions in
later nodes (``$json.fields['Company Name']``) keep working; ``id`` is the Airtable record id
(``airtable_record_id``), or the row uuid for rows created after the migration.

Constants quoted into the SQL text (field names, choice names, enum labels) come from the
mapping, a closed set read from a checked file; values from the workflow are parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from leadgen.migrate.mapping import FieldMapping, Mapping, TableMapping
from leadgen.n8n.catalog import cast_for, column_type

ISO_MS = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'"
SPLIT_KEYS = {"company_enrichment_l2": "company_id", "contact_enrichment": "contact_id"}


class ConversionProblem(Exception):
    """A node that cannot be converted faithfully; the node stays as it is."""

    def __init__(self, code: str, message: str, suggestion: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.suggestion = code, message, suggestion


def literal(text: str) -> str:
    """A mapping constant as an SQL string literal (never text from the workflow)."""
    if re.search(r"\$\d", text):  # pg-promise would substitute inside the literal
        raise ConversionProblem("UNKNOWN_FIELD", f"name {text!r} contains $<digit>")
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Params:
    """The node's parameters as JavaScript expressions; $1 is the tenant."""

    tenant: str
    exprs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.exprs.append(self.tenant)

    def add(self, expr: str, cast: str) -> str:
        self.exprs.append(expr)
        return f"${len(self.exprs)}::{cast}"


class TableSql:
    """Reads and writes of one Airtable table through the mapping, as SQL over alias ``t``."""

    def __init__(self, mapping: Mapping, tm: TableMapping) -> None:
        self.mapping, self.tm = mapping, tm
        self.target = tm.target

    # ── reading ─────────────────────────────────────────────────────────────────
    def readable(self, names: list[str] | None) -> list[FieldMapping]:
        if names is None:
            return [f for f in self.tm.fields.values() if self.output(f) is not None]
        out = []
        for n in names:
            fm = self.field(n)
            if self.output(fm) is None:
                raise ConversionProblem("COMPUTED_FIELD", f"field {n!r} is {fm.kind} "
                                        f"({fm.reason or 'not stored'})",
                                        "drop it from the field list or compute it in SQL")
            out.append(fm)
        return out

    def field(self, name: str) -> FieldMapping:
        fm = self.tm.fields.get(name)
        if fm is None:
            for f in self.tm.fields.values():
                if name in (f.field_id, f.name.lower()):
                    return f
            raise ConversionProblem("UNKNOWN_FIELD", f"{self.tm.name} has no field {name!r}")
        return fm

    def output(self, fm: FieldMapping, t: str = "t") -> str | None:
        """The field's value in the API's JSON format, NULL when Airtable would omit it."""
        row = f"{t}.tenant_id"
        if fm.kind in ("drop",) or (fm.kind == "derived" and fm.airtable_type != "createdTime"):
            return None
        if fm.kind == "derived":
            return f"to_char({t}.created_at AT TIME ZONE 'UTC', {ISO_MS})"
        if fm.kind == "tags":
            return (f"(SELECT jsonb_agg(tg.value ORDER BY tg.value) FROM company_tags tg"
                    f" WHERE tg.tenant_id = {row} AND tg.company_id = {t}.id"
                    f" AND tg.category = {literal(fm.category or '')})")
        col = ident(fm.column or "")
        if fm.kind == "link":
            if fm.transform == "batch_name":
                name = (f"(SELECT b.name FROM batches b WHERE b.tenant_id = {row}"
                        f" AND b.id = {t}.{col})")
                multiple = fm.airtable_type == "multipleSelects"
                return f"jsonb_build_array({name})" if multiple else name
            if fm.junction or fm.entity_type or not fm.linked_table:
                return None
            lt = self.mapping.table(fm.linked_table)
            return (f"(SELECT jsonb_build_array(COALESCE(l.airtable_record_id, l.id::text))"
                    f" FROM {ident(lt.target)} l WHERE l.tenant_id = {row} AND l.id = {t}.{col})")
        if fm.kind == "split":
            target = fm.target_table or ""
            ref = (f"(SELECT s.{col} FROM {ident(target)} s WHERE s.tenant_id = {row}"
                   f" AND s.{SPLIT_KEYS[target]} = {t}.id)")
            return self._format(fm, ref, column_type(target, fm.column or "") or "text")
        ref = f"{t}.{col}"
        if fm.kind == "enum":
            cases = " ".join(f"WHEN {literal(label)} THEN {literal(choice)}"
                             for choice, label in fm.choices.items())
            return f"(CASE ({ref})::text {cases} END)"
        return self._format(fm, ref, column_type(self.target, fm.column or "") or "text")

    def format_value(self, fm: FieldMapping, value: str) -> str:
        """A value just written to a 1:1 column, in the API's format."""
        target = fm.target_table or self.target
        return self._format(fm, value, column_type(target, fm.column or "") or "text")

    @staticmethod
    def _format(fm: FieldMapping, ref: str, sql_type: str) -> str:
        if sql_type == "boolean":
            return f"(CASE WHEN {ref} THEN true END)"
        if sql_type == "timestamptz":
            return f"to_char({ref} AT TIME ZONE 'UTC', {ISO_MS})"
        if sql_type == "date":
            return f"to_char({ref}, 'YYYY-MM-DD')"
        if sql_type == "text":
            return f"NULLIF({ref}, '')"
        if sql_type.split("(")[0] in ("numeric", "decimal", "bigint"):
            # node-postgres, n8n's driver, returns numeric and bigint as strings; Airtable
            # gives numbers. As jsonb they arrive parsed, i.e. as numbers, in flat outputs too
            # (https://github.com/brianc/node-pg-types#readme).
            return f"to_jsonb({ref})"
        return ref

    def projection(self, names: list[str] | None, *, flat: bool, t: str = "t",
                   overrides: dict[str, str] | None = None) -> str:
        """``id, "createdTime", fields`` (nested) or one column per field (flat)."""
        head = (f"COALESCE({t}.airtable_record_id, {t}.id::text) AS id, "
                f"to_char({t}.created_at AT TIME ZONE 'UTC', {ISO_MS}) AS \"createdTime\"")
        pairs = []
        for fm in self.readable(names):
            value = (overrides or {}).get(fm.name) or self.output(fm, t)
            pairs.append((fm.name, value))
        if flat:
            return ", ".join([head, *(f"{v} AS {ident(n)}" for n, v in pairs)])
        chunks = [pairs[i:i + 40] for i in range(0, len(pairs), 40)] or [[]]
        objects = " || ".join(
            "jsonb_build_object(" + ", ".join(f"{literal(n)}, {v}" for n, v in chunk) + ")"
            for chunk in chunks)
        return f"{head}, jsonb_strip_nulls({objects}) AS fields"

    # ── writing ─────────────────────────────────────────────────────────────────
    def write_value(self, fm: FieldMapping, param: str) -> tuple[str, str, str]:
        """(where, column, SQL value) for writing the text/JSON parameter ``param``.

        ``where`` is "main", a 1:1 table name, or "tags:<category>".
        """
        if fm.kind in ("drop", "derived"):
            raise ConversionProblem("COMPUTED_FIELD", f"field {fm.name!r} is {fm.kind} "
                                    f"({fm.reason}); it cannot be written",
                                    "write the underlying table, or drop the field")
        if fm.kind == "tags":
            return f"tags:{fm.category}", "value", f"({param})::jsonb"
        col = fm.column or ""
        if fm.kind == "link":
            if fm.transform == "batch_name":
                value = (f"(SELECT b.id FROM batches b WHERE b.tenant_id = $1::uuid AND b.name ="
                         f" COALESCE(({param})::jsonb ->> 0, ({param})::jsonb #>> '{{}}'))")
                return "main", col, value
            if fm.junction or fm.entity_type or not fm.linked_table:
                raise ConversionProblem("LINKED_RECORD_FIELD",
                                        f"field {fm.name!r} is a many-to-many link")
            lt = self.mapping.table(fm.linked_table)
            value = (f"(SELECT l.id FROM {ident(lt.target)} l WHERE l.tenant_id = $1::uuid AND"
                     f" (l.airtable_record_id = COALESCE(({param})::jsonb ->> 0,"
                     f" ({param})::jsonb #>> '{{}}') OR l.id::text = COALESCE(({param})::jsonb"
                     f" ->> 0, ({param})::jsonb #>> '{{}}')))")
            return "main", col, value
        table = fm.target_table if fm.kind == "split" else self.target
        sql_type = column_type(table or "", col) or "text"
        text = f"(({param})::jsonb #>> '{{}}')"
        if fm.kind == "enum":
            labels = ", ".join(literal(v) for v in fm.choices.values())
            names = ", ".join(literal(k) for k in fm.choices)
            value = (f"COALESCE((ARRAY[{labels}]::text[])[array_position(ARRAY[{names}]::text[],"
                     f" {text})], {text})::{cast_for(sql_type)}")
        elif sql_type == "jsonb":
            value = f"({param})::jsonb"
        else:
            value = f"{text}::{cast_for(sql_type)}"
        return ("main" if fm.kind != "split" else (table or "")), col, value
