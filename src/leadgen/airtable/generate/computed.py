"""Fill the computed fields from the (already mirrored) links, as Airtable would return them.

count → number of linked records (0 is present); lookup → one value per linked record, `null`
for an empty scalar source, array sources flattened; rollup → its aggregation over the linked
values; formula → `formulas.py`; createdTime → the record's createdTime. Then a small share of
formula cells is replaced by Airtable's error objects (see `messy.FORMULA_ERROR_RATES`).
"""

from __future__ import annotations

import math
import random
from typing import Any

from leadgen.airtable.generate import messy
from leadgen.airtable.generate.context import number_value
from leadgen.airtable.generate.formulas import FormulaEnv, formula_for
from leadgen.airtable.generate.schema_index import JSON, SchemaIndex, TableIndex

Record = dict[str, Any]
Empty = object()  # "omit this cell"


class Computer:
    """Computes the computed cells of every record of the base."""

    def __init__(self, schema: SchemaIndex, records: dict[str, list[Record]], now: int) -> None:
        self.schema = schema
        self.records = records
        self.now = now
        self.by_id: dict[str, Record] = {}
        self.primary_of: dict[str, str] = {}  # record id → its table's primary field id
        for table_id, recs in records.items():
            primary = schema.table_by_id(table_id).primary_field_id
            for r in recs:
                self.by_id[r["id"]] = r
                self.primary_of[r["id"]] = primary

    def run(self, seed: int) -> None:
        # Order matters only when computed fields read each other; none of the plain lookups
        # here read a formula, so counts/rollups/lookups first, formulas last.
        for kinds in (("count", "rollup", "multipleLookupValues", "createdTime"), ("formula",)):
            for table in self.schema.tables:
                for fld in table.fields:
                    if fld["type"] in kinds:
                        self._fill(table, fld)
        self._inject_errors(seed)

    def _fill(self, table: TableIndex, fld: JSON) -> None:
        compute = {
            "count": self._count,
            "rollup": self._rollup,
            "multipleLookupValues": self._lookup,
            "createdTime": lambda rec, _f: rec["createdTime"],
            "formula": self._formula_factory(table, fld),
        }[fld["type"]]
        for rec in self.records[table.id]:
            value = compute(rec, fld)
            if value is Empty or value is None or value == "" or value == []:
                rec["fields"].pop(fld["id"], None)
            else:
                rec["fields"][fld["id"]] = value

    def _linked(self, rec: Record, link_field: str) -> list[Record]:
        return [self.by_id[i] for i in rec["fields"].get(link_field, ()) if i in self.by_id]

    def _count(self, rec: Record, fld: JSON) -> Any:
        return len(rec["fields"].get(fld["options"]["recordLinkFieldId"], ()))

    def _lookup(self, rec: Record, fld: JSON) -> Any:
        opts = fld["options"]
        values: list[Any] = []
        for linked in self._linked(rec, opts["recordLinkFieldId"]):
            value = linked["fields"].get(opts["fieldIdInLinkedTable"])
            if isinstance(value, list):
                values.extend(value)  # array sources are flattened
            else:
                values.append(value)  # None stays: Airtable sends [null]
        return values or Empty

    def _rollup(self, rec: Record, fld: JSON) -> Any:
        opts = fld["options"]
        values = [
            v
            for linked in self._linked(rec, opts["recordLinkFieldId"])
            if (v := linked["fields"].get(opts["fieldIdInLinkedTable"])) is not None
        ]
        aggregate = opts.get("formula", "SUM(values)").split("(")[0].strip().upper()
        numbers = [float(v) for v in values if isinstance(v, int | float)]
        result_opts = (opts.get("result") or {}).get("options") or {}
        precision = int(result_opts.get("precision", 8))
        if aggregate == "SUM":
            return number_value(math.fsum(numbers), precision)
        if aggregate == "AVERAGE":
            if not numbers:
                return {"specialValue": "NaN"}
            return number_value(math.fsum(numbers) / len(numbers), precision)
        if aggregate in ("MIN", "MAX"):
            if not numbers:
                return 0
            return number_value((min if aggregate == "MIN" else max)(numbers), precision)
        if aggregate in ("COUNTA", "COUNTALL"):
            return len(values)
        if aggregate == "ARRAYJOIN":
            return ", ".join(str(v) for v in values)
        raise ValueError(f"rollup aggregation {aggregate!r} is not supported")

    def _formula_factory(self, table: TableIndex, fld: JSON) -> Any:
        if fld["type"] != "formula":
            return None
        fn = formula_for(fld["options"]["formula"], fld["name"])
        field_ids = {name: f["id"] for name, f in table.by_name.items()}

        def compute(rec: Record, _fld: JSON) -> Any:
            return fn(FormulaEnv(rec, field_ids, self._display, self.now))

        return compute

    def _display(self, field_id: str, value: Any) -> str:
        """A cell as a formula reads it: links become the linked records' primary values."""
        if isinstance(value, list):
            parts = []
            for item in value:
                linked = self.by_id.get(item) if isinstance(item, str) else None
                if linked is not None:
                    parts.append(str(linked["fields"].get(self.primary_of[item], "")))
                else:
                    parts.append(str(item))
            return ", ".join(parts)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def _inject_errors(self, seed: int) -> None:
        rng = random.Random(f"formula-errors:{seed}")
        for table in self.schema.tables:
            for name, rates in messy.FORMULA_ERROR_RATES.items():
                fld = table.by_name.get(name)
                if fld is None or fld["type"] != "formula":
                    continue
                for rec in self.records[table.id]:
                    roll = rng.random()
                    for rate, error in rates:
                        if roll < rate:
                            rec["fields"][fld["id"]] = dict(error)
                            break
                        roll -= rate
