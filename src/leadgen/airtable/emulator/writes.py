"""Writing records over HTTP: create, update (PATCH merges, PUT replaces), upsert via
`performUpsert`, delete — at most 10 records a call (https://airtable.com/developers/web/api/update-multiple-records).

Request shapes are the ones pyairtable sends (`pyairtable/api/table.py`): `{"fields": …}` for
one record, `{"records": [...]}` for a batch, `typecast` and `returnFieldsByFieldId` in the body.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from leadgen.airtable.emulator import api_errors
from leadgen.airtable.emulator.cells import is_empty
from leadgen.airtable.emulator.listing import parse_bool, render
from leadgen.airtable.emulator.schema_index import TableInfo
from leadgen.airtable.emulator.store import RecordStore, StoredRecord

JSON = dict[str, Any]
MAX_RECORDS_PER_REQUEST = 10


def _flags(body: JSON) -> tuple[bool, bool]:
    return parse_bool(body.get("typecast", False)), parse_bool(
        body.get("returnFieldsByFieldId", False)
    )


def _records(body: JSON, verb: str) -> list[Any]:
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise api_errors.invalid_request()
    if len(records) > MAX_RECORDS_PER_REQUEST:
        raise api_errors.too_many_records(verb, len(records))
    return records


def _fields(item: Any) -> Mapping[str, Any]:
    fields = item.get("fields", {}) if isinstance(item, dict) else None
    if not isinstance(fields, dict):
        raise api_errors.invalid_request()
    return fields


class Writer:
    def __init__(
        self, store: RecordStore, missing: Callable[[], api_errors.ApiError] | None = None
    ) -> None:
        self.store = store
        # A record ID in the path that does not exist: 403 today, configurable.
        self.missing = missing or api_errors.model_not_found

    def _out(self, table: TableInfo, recs: Sequence[StoredRecord], by_id: bool) -> list[JSON]:
        return [render(table, r, only=None, by_id=by_id) for r in recs]

    def create(self, table: TableInfo, body: JSON) -> JSON:
        typecast, by_id = _flags(body)
        if "records" not in body:
            rec = self.store.create_many(table, [_fields(body)], typecast=typecast)[0]
            return render(table, rec, only=None, by_id=by_id)
        batch = [_fields(item) for item in _records(body, "created")]
        return {
            "records": self._out(
                table, self.store.create_many(table, batch, typecast=typecast), by_id
            )
        }

    def update_one(self, table: TableInfo, record_id: str, body: JSON, *, replace: bool) -> JSON:
        typecast, by_id = _flags(body)
        with self.store.lock:
            if self.store.peek(table.id, record_id) is None:
                raise self.missing()
            rec = self.store.update_many(
                table, [(record_id, _fields(body))], replace=replace, typecast=typecast
            )[0]
            return render(table, rec, only=None, by_id=by_id)

    def update_many(self, table: TableInfo, body: JSON, *, replace: bool) -> JSON:
        if "performUpsert" in body:
            return self.upsert(table, body, replace=replace)
        typecast, by_id = _flags(body)
        batch = []
        for item in _records(body, "updated"):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise api_errors.invalid_request()
            batch.append((item["id"], _fields(item)))
        recs = self.store.update_many(table, batch, replace=replace, typecast=typecast)
        return {"records": self._out(table, recs, by_id)}

    def upsert(self, table: TableInfo, body: JSON, *, replace: bool) -> JSON:
        """performUpsert: match on 1–3 fields; one match updates, none creates (https://airtable.com/developers/web/api/update-multiple-records)."""
        typecast, by_id = _flags(body)
        spec = body.get("performUpsert")
        merge_on = spec.get("fieldsToMergeOn") if isinstance(spec, dict) else None
        if not isinstance(merge_on, list) or not 1 <= len(merge_on) <= 3:
            raise api_errors.invalid_request()
        keys = []
        for name in merge_on:
            fld = table.field(str(name))
            if fld is None:
                raise api_errors.unknown_field(str(name))
            keys.append(fld["id"])
        items = _records(body, "upserted")
        with self.store.lock:
            result: list[StoredRecord] = []
            created: list[str] = []
            updated: list[str] = []
            for item in items:
                fields = _fields(item)
                target = item.get("id") if isinstance(item, dict) else None
                if target is None:
                    target = self._match(table, keys, fields, typecast)
                if target is None:
                    rec = self.store.create_many(table, [fields], typecast=typecast)[0]
                    created.append(rec.id)
                else:
                    rec = self.store.update_many(
                        table, [(target, fields)], replace=replace, typecast=typecast
                    )[0]
                    updated.append(rec.id)
                result.append(rec)
            return {
                "records": self._out(table, result, by_id),
                "createdRecords": created,
                "updatedRecords": updated,
            }

    def _match(
        self, table: TableInfo, keys: list[str], fields: Mapping[str, Any], typecast: bool
    ) -> str | None:
        wanted = self.store.resolve_fields(table, fields, typecast=typecast)
        for key in keys:
            if key not in wanted:
                # Airtable rejects a record that lacks a merge field; pyairtable checks first too.
                raise api_errors.invalid_request()
        matches = [
            r.id
            for r in self.store.records(table.id)
            if all(
                (None if is_empty(r.fields.get(k)) else r.fields.get(k)) == wanted[k] for k in keys
            )
        ]
        if len(matches) > 1:
            # Several records match the merge fields: Airtable refuses [UNVERIFIED wording].
            raise api_errors.typed(
                422,
                "INVALID_RECORDS",
                "Cannot update more than one record at a time with performUpsert",
            )
        return matches[0] if matches else None

    def delete_one(self, table: TableInfo, record_id: str) -> JSON:
        with self.store.lock:
            if self.store.peek(table.id, record_id) is None:
                raise self.missing()
            self.store.delete_many(table, [record_id])
        return {"id": record_id, "deleted": True}

    def delete_many(self, table: TableInfo, record_ids: list[str]) -> JSON:
        if not record_ids:
            raise api_errors.invalid_request()
        if len(record_ids) > MAX_RECORDS_PER_REQUEST:
            raise api_errors.too_many_records("deleted", len(record_ids))
        self.store.delete_many(table, record_ids)
        return {"records": [{"id": rid, "deleted": True} for rid in record_ids]}
