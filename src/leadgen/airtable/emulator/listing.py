"""Reading records: list parameters (query string or JSON body), views, filterByFormula,
sorting, paging through server-side iterators, and the record shape a client receives.

The spec is https://airtable.com/developers/web/api/list-records and
https://airtable.com/developers/web/api/get-record; docs/airtable-emulator.md lists what is
reproduced here and where each behaviour comes from.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from leadgen.airtable.emulator import api_errors
from leadgen.airtable.emulator.cells import display_text, is_empty
from leadgen.airtable.emulator.faults import Faults
from leadgen.airtable.emulator.iterators import IteratorRegistry
from leadgen.airtable.emulator.schema_index import TableInfo
from leadgen.airtable.emulator.store import RecordStore, StoredRecord

JSON = dict[str, Any]
Predicate = Callable[..., bool]
_SORT_KEY = re.compile(r"^sort\[(\d+)\]\[(field|direction)\]$")


@dataclass
class ListParams:
    page_size: int = 100
    max_records: int | None = None
    offset: str | None = None
    view: str | None = None
    fields: list[str] | None = None
    sort: list[tuple[str, str]] = field(default_factory=list)
    formula: str | None = None
    by_field_id: bool = False
    cell_format: str = "json"
    comment_count: bool = False


def parse_bool(value: Any) -> bool:
    """Booleans arrive as true/false/1/0 (pyairtable sends 1/0) or JSON booleans."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0", ""):
        return False
    raise api_errors.invalid_request()


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError as exc:
        raise api_errors.invalid_request() from exc


def params_from_query(pairs: Sequence[tuple[str, str]]) -> ListParams:
    params = ListParams()
    sort: dict[int, dict[str, str]] = {}
    for key, value in pairs:
        if key in ("fields[]", "fields"):  # `[]` may be left out with several values
            params.fields = [*(params.fields or []), value]
        elif match := _SORT_KEY.match(key):  # keys arrive in sorted, not index, order
            sort.setdefault(int(match.group(1)), {})[match.group(2)] = value
        elif key in ("recordMetadata[]", "recordMetadata"):
            params.comment_count = params.comment_count or value == "commentCount"
        else:
            _scalar(params, key, value)
    params.sort = [(s.get("field", ""), s.get("direction", "asc")) for _, s in sorted(sort.items())]
    return params


def params_from_body(body: Any) -> ListParams:
    """POST …/listRecords: the same parameters as a JSON body (https://airtable.com/developers/web/api/list-records)."""
    if not isinstance(body, dict):
        raise api_errors.invalid_request()
    params = ListParams()
    for key, value in body.items():
        if key == "fields":
            if not isinstance(value, list):
                raise api_errors.invalid_request()
            params.fields = [str(v) for v in value]
        elif key == "sort":
            if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
                raise api_errors.invalid_request()
            params.sort = [(str(s.get("field", "")), str(s.get("direction", "asc"))) for s in value]
        elif key == "recordMetadata":
            params.comment_count = "commentCount" in (value or [])
        else:
            _scalar(params, key, value)
    return params


def _scalar(params: ListParams, key: str, value: Any) -> None:
    if key == "pageSize":
        params.page_size = _int(value)
        if not 0 <= params.page_size <= 100:
            raise api_errors.invalid_page_size()
    elif key == "maxRecords":
        params.max_records = _int(value)
        if params.max_records < 0:
            raise api_errors.invalid_request()
    elif key == "offset":
        params.offset = str(value) or None  # an empty offset means "start"
    elif key == "view":
        params.view = str(value) or None
    elif key == "filterByFormula":
        params.formula = str(value) or None
    elif key == "returnFieldsByFieldId":
        params.by_field_id = parse_bool(value)
    elif key == "cellFormat":
        params.cell_format = str(value)
    # timeZone, userLocale and unknown keys are accepted and ignored, as for cellFormat=json.


def render(
    table: TableInfo,
    rec: StoredRecord,
    *,
    only: list[str] | None,
    by_id: bool,
    comment_count: bool = False,
) -> JSON:
    """The record as the API sends it: all three keys always, empty cells never."""
    cells: JSON = {}
    for fld in table.fields:
        if only is not None and fld["id"] not in only:
            continue
        value = rec.fields.get(fld["id"])
        if not is_empty(value):
            cells[fld["id"] if by_id else fld["name"]] = value
    out: JSON = {"id": rec.id, "createdTime": rec.created_time, "fields": cells}
    if comment_count:
        out["commentCount"] = rec.comment_count
    return out


def _sort_value(fld: JSON, value: Any) -> tuple[Any, ...]:
    """Empty cells sort first ascending (undocumented); selects by option order."""
    if is_empty(value):
        return (0,)
    if fld["type"] == "singleSelect":
        names = [c.get("name") for c in (fld.get("options") or {}).get("choices", [])]
        return (1, 0, names.index(value) if value in names else len(names), "")
    if isinstance(value, bool):
        return (1, 0, int(value), "")
    if isinstance(value, int | float):
        return (1, 0, value, "")
    text = display_text(value)
    return (1, 1, 0, text.casefold(), text)


def _sort_key(fld: JSON) -> Callable[[StoredRecord], tuple[Any, ...]]:
    return lambda rec: _sort_value(fld, rec.fields.get(fld["id"]))


class Lister:
    """Answers list-records and get-record requests for one store."""

    def __init__(
        self, store: RecordStore, iterators: IteratorRegistry, faults: Callable[[], Faults]
    ) -> None:
        self.store = store
        self.iterators = iterators
        self.faults = faults

    def _field_ids(self, table: TableInfo, names: list[str]) -> list[str]:
        ids = []
        for name in names:
            fld = table.field(name)
            if fld is None:
                raise api_errors.unknown_field(name)
            ids.append(fld["id"])
        return ids

    @staticmethod
    def _engine() -> Any:
        """The formula engine (leadgen.airtable.formula), imported late: a separate package."""
        try:
            engine = importlib.import_module("leadgen.airtable.formula")
        except ImportError:
            engine = None
        if engine is None or not hasattr(engine, "compile_filter"):
            raise api_errors.invalid_formula(
                "The formula for filtering records is invalid: the emulator's formula engine "
                "(leadgen.airtable.formula.compile_filter) is not available"
            )
        return engine

    def _compile(self, formula: str, table: TableInfo) -> Predicate:
        engine = self._engine()
        try:
            predicate: Predicate = engine.compile_filter(formula, table.schema)
        except engine.FormulaError as exc:
            raise api_errors.typed(422, str(exc.airtable_type), str(exc.message)) from exc
        return predicate

    def _matches(self, predicate: Predicate, rec: StoredRecord) -> bool:
        record = {"id": rec.id, "createdTime": rec.created_time, "fields": rec.fields}
        try:
            return bool(
                predicate(
                    record,
                    last_modified_time=rec.modified_time,
                    link_display=self.store.link_display,
                )
            )
        except self._engine().FormulaError:
            return False  # a per-record #ERROR! drops the record

    def _sorted(
        self, table: TableInfo, recs: list[StoredRecord], sort: Sequence[tuple[str, str]]
    ) -> list[StoredRecord]:
        keys = []
        for name, direction in sort:
            fld = table.field(name)
            if fld is None:
                raise api_errors.unknown_field(name)
            if direction not in ("asc", "desc"):
                raise api_errors.invalid_request()
            keys.append((fld, direction == "desc"))
        for fld, reverse in reversed(keys):  # stable multi-key sort, last key first
            recs.sort(key=_sort_key(fld), reverse=reverse)
        return recs

    def _match_ids(self, table: TableInfo, params: ListParams) -> list[str]:
        view_def = None
        if params.view is not None:
            view = table.view(params.view)
            if view is None:
                raise api_errors.view_not_found(params.view)
            view_def = self.store.views.get((table.id, view["id"]))
        predicates = []
        if view_def is not None and view_def.formula:
            predicates.append(self._compile(view_def.formula, table))
        if params.formula:  # ANDed with the view's own filter
            predicates.append(self._compile(params.formula, table))
        with self.store.lock:
            recs = self.store.records(table.id)
            if params.view is None and not params.sort and self.faults().shuffle:
                order = {
                    rid: i for i, rid in enumerate(self.faults().shuffled([r.id for r in recs]))
                }
                recs.sort(key=lambda r: order[r.id])
            recs = [r for r in recs if all(self._matches(p, r) for p in predicates)]
            sort = params.sort or (list(view_def.sort) if view_def else [])
            recs = self._sorted(table, recs, sort)
        ids = [r.id for r in recs]
        if params.max_records:  # 0 or absent: no cap [UNVERIFIED]
            ids = ids[: params.max_records]
        return ids

    def list_page(self, table: TableInfo, params: ListParams) -> JSON:
        if params.cell_format != "json":
            # cellFormat=string output is documented as unstable and unused by leadgen.
            raise api_errors.invalid_request()
        only = self._field_ids(table, params.fields) if params.fields is not None else None
        faults = self.faults()
        if params.offset:
            if faults.take("expire_iterator") or faults.expire_table_once(table.id):
                self.iterators.expire(params.offset)
            it, position = self.iterators.resume(params.offset, table.id, faults.iterator_ttl)
            if faults.take("churn"):
                self._churn(table, it.record_ids[position:])
        else:
            it, position = self.iterators.start(table.id, self._match_ids(table, params)), 0
        end = position + params.page_size
        page = []
        with self.store.lock:
            for rec_id in it.record_ids[position:end]:
                rec = self.store.peek(table.id, rec_id)
                if rec is not None:  # deleted since the scan began: skipped, not an error
                    page.append(
                        render(
                            table,
                            rec,
                            only=only,
                            by_id=params.by_field_id,
                            comment_count=params.comment_count,
                        )
                    )
        body: JSON = {"records": page}
        next_offset = it.offset_at(end) if params.page_size else None
        if next_offset:
            body["offset"] = next_offset
        else:
            self.iterators.finish(it.id)
        return body

    def _churn(self, table: TableInfo, unserved: list[str]) -> None:
        """Another user deletes a record the scan has not reached and adds a new one."""
        remaining = [rid for rid in unserved if self.store.peek(table.id, rid) is not None]
        if remaining:
            self.store.delete_many(table, [remaining[0]])
        primary = table.fields_by_id.get(table.primary_field_id, {})
        cells = {}
        if primary.get("type") in ("singleLineText", "multilineText"):
            cells[primary["id"]] = f"Added during a scan {self.store.ids.new('rec')[3:]}"
        self.store.create_many(table, [cells])

    def get(
        self,
        table: TableInfo,
        record_id: str,
        *,
        by_id: bool,
        missing: Callable[[], api_errors.ApiError],
    ) -> JSON:
        with self.store.lock:
            rec = self.store.peek(table.id, record_id)
            owner = table
            if rec is None:  # base-wide fallback (https://airtable.com/developers/web/api/get-record)
                found = self.store.find_anywhere(record_id)
                if found is None:
                    raise missing()
                owner, rec = found
            return render(owner, rec, only=None, by_id=by_id)
