"""One Airtable operation → one SQL statement over the schema, with its parameter expressions.

    search  SELECT <shape> FROM T t WHERE t.tenant_id = $1 AND (<formula>) ORDER BY … LIMIT n
    get     SELECT <shape> FROM T t WHERE t.tenant_id = $1 AND <id matches $2>
    create  WITH main AS (INSERT … RETURNING *), <1:1 and tag writes> SELECT <shape> FROM main t
    update  WITH main AS (UPDATE … RETURNING t.*), …                  SELECT <shape> FROM main t
    upsert  update the first match, or insert when there is none (one statement)
    delete  DELETE … RETURNING id, true AS deleted

"<id matches>" accepts the Airtable record id (migrated rows) or the row uuid (rows created
since), so ``$json.id`` from an earlier node keeps working. Written values travel as
``JSON.stringify(expr ?? null)`` → ``$n::jsonb``, then are cast to the column's type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from leadgen.airtable.formula.errors import FormulaError
from leadgen.airtable.formula.sql import UnsupportedFormula, compile_condition
from leadgen.migrate.mapping import Mapping, TableMapping
from leadgen.n8n.airtable_node import AirtableOp
from leadgen.n8n.catalog import required_default
from leadgen.n8n.expressions import is_expression, split_template, to_js
from leadgen.n8n.table_sql import ConversionProblem, Params, TableSql, ident, literal


@dataclass(frozen=True)
class Write:
    """One written field: where it goes, the column, its SQL value, and (for values that may
    be absent) the SQL condition that it was given — absent fields keep what is stored."""

    where: str
    column: str
    value: str
    present: str | None = None


@dataclass
class NodeQuery:
    sql: str
    params: list[str]
    issues: list[tuple[str, str, str]] = field(default_factory=list)  # severity, code, message


def find_table(mapping: Mapping, ref: str) -> TableMapping:
    for t in mapping.tables.values():
        if ref in (t.table_id, t.name, t.target):
            return t
    raise ConversionProblem("UNKNOWN_TABLE", f"table {ref!r} is not in the mapping",
                            "add it to the mapping file (--mapping)")


def build_query(op: AirtableOp, mapping: Mapping, tenant: str) -> NodeQuery:
    tm = find_table(mapping, op.table)
    ts = TableSql(mapping, tm)
    params = Params(tenant)
    issues: list[tuple[str, str, str]] = []
    T = ident(tm.target)
    if op.view:
        issues.append(("warning", "VIEW_IGNORED",
                       f"view {op.view!r} is ignored: its filter and sort are not applied"))
    if op.operation == "search":
        where = _formula(op.formula, tm, mapping, params, issues)
        order = ", ".join(_sort_key(ts, f, d) for f, d in op.sort) or "t.created_at, t.id"
        sql = (f"SELECT {ts.projection(op.fields, flat=op.flat)} FROM {T} t"
               f" WHERE t.tenant_id = $1::uuid AND {where} ORDER BY {order}")
        if op.limit is not None:
            sql += f" LIMIT {int(op.limit)}"
        if op.flat:
            issues.append(("info", "OUTPUT_SHAPE", "flattened output: empty fields are null "
                                                   "instead of absent"))
        return NodeQuery(sql, params.exprs, issues)
    if op.operation == "get":
        match = _id_match(params, op.record_id)
        issues.append(("info", "NOT_FOUND_SEMANTICS", "a missing record gives no item "
                                                      "instead of Airtable's error"))
        return NodeQuery(f"SELECT {ts.projection(None, flat=op.flat)} FROM {T} t"
                         f" WHERE t.tenant_id = $1::uuid AND {match}", params.exprs, issues)
    if op.operation == "delete":
        match = _id_match(params, op.record_id)
        issues.append(("info", "NOT_FOUND_SEMANTICS", "deleting a missing record gives "
                                                      "{success: true}, not an error"))
        return NodeQuery(f"DELETE FROM {T} t WHERE t.tenant_id = $1::uuid AND {match}"
                         " RETURNING COALESCE(t.airtable_record_id, t.id::text) AS id,"
                         " true AS deleted", params.exprs, issues)
    writes = _writes(ts, op, params, issues)
    main = [(w.column, w.value) for w in writes if w.where == "main"]
    if op.operation == "create":
        cols = ", ".join(["tenant_id", *(ident(c) for c, _ in main)])
        vals = ", ".join(["$1::uuid", *(v for _, v in main)])
        head = f"main AS (INSERT INTO {T} ({cols}) VALUES ({vals}) RETURNING *)"
    elif op.operation == "update":
        head = _update_head(ts, op, params, main, issues)
    else:
        head = _upsert_head(ts, op, params, main, issues)
    ctes, overrides = _side_writes(ts, writes)
    sql = (f"WITH {', '.join([head, *ctes])} "
           f"SELECT {ts.projection(None, flat=False, overrides=overrides)} FROM main t")
    return NodeQuery(sql, params.exprs, issues)


def _formula(formula: str | None, tm: TableMapping, mapping: Mapping, params: Params,
             issues: list[tuple[str, str, str]]) -> str:
    if not formula:
        return "true"
    text = formula[1:] if is_expression(formula) else formula
    template, exprs = split_template(text) if is_expression(formula) else (text, [])
    _check_placeholders(template)
    try:
        compiled = compile_condition(template, tm, mapping, first_param=len(params.exprs) + 1,
                                     placeholders=exprs)
    except UnsupportedFormula as exc:
        code = ("FORMULA_UNSUPPORTED_FUNCTION" if exc.construct.endswith("()")
                else "FORMULA_UNSUPPORTED")
        raise ConversionProblem(code, exc.message, exc.hint or "") from None
    except FormulaError as exc:
        code = "UNKNOWN_FIELD" if "Unknown field" in exc.message else "FORMULA_PARSE_ERROR"
        raise ConversionProblem(code, exc.message, exc.hint or "") from None
    for p in compiled.params:
        params.exprs.append(p.expression or _js_constant(p.value))
    for note in compiled.notes:
        issues.append(("warning", "LINKED_RECORD_FIELD", note))
    return compiled.condition


def _check_placeholders(template: str) -> None:
    """A {{ }} must stand for a value inside a string literal; elsewhere it writes formula."""
    in_string: str | None = None
    i = 0
    while i < len(template):
        ch = template[i]
        if in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == in_string:
                in_string = None
        elif ch in "'\"":
            in_string = ch
        elif ch == "\u27e6":
            raise ConversionProblem(
                "DYNAMIC_FORMULA", "an expression writes part of the formula itself (outside "
                "a quoted value), so it cannot become a query parameter",
                "quote the value ('{{ … }}') or build the condition in SQL")
        i += 1


def _js_constant(value: Any) -> str:
    import json
    if hasattr(value, "isoformat"):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def _sort_key(ts: TableSql, name: str, direction: str) -> str:
    fm = ts.field(name)
    if fm.kind not in ("column", "enum", "derived") or (fm.kind == "derived" and (
            fm.airtable_type != "createdTime")):
        raise ConversionProblem("UNKNOWN_FIELD", f"cannot sort by {name!r} ({fm.kind})")
    col = "t.created_at" if fm.kind == "derived" else f"t.{ident(fm.column or '')}"
    if fm.kind == "enum":  # Airtable sorts selects by choice order, as the enum is declared
        col = f"{col}"
    return f"{col} {direction} NULLS {'FIRST' if direction == 'ASC' else 'LAST'}"


def _id_match(params: Params, record_id: Any, t: str = "t") -> str:
    p = params.add(to_js(record_id if record_id is not None else "={{ $json.id }}"), "text")
    return f"({t}.airtable_record_id = {p} OR {t}.id::text = {p})"


def _writes(ts: TableSql, op: AirtableOp, params: Params,
            issues: list[tuple[str, str, str]]) -> list[Write]:
    writes: list[Write] = []
    if op.values is None:  # auto-map: every mapped field present in the item
        doc = params.add("JSON.stringify($json)", "jsonb")
        for fm in ts.tm.fields.values():
            if fm.name in op.ignore or fm.kind in ("drop", "derived"):
                continue
            if fm.kind == "link" and (fm.junction or fm.entity_type):
                continue
            where, col, value = ts.write_value(fm, f"({doc} -> {literal(fm.name)})")
            if where == "main":
                current = f"t.{ident(col)}"
                if op.operation == "create":  # a NOT NULL column keeps its default
                    current = required_default(ts.target, col) or "NULL"
                    value = f"COALESCE({value}, {current})" if current != "NULL" else value
                value = f"(CASE WHEN {doc} ? {literal(fm.name)} THEN {value} ELSE {current} END)"
                writes.append(Write(where, col, value))
            else:
                present = f"({doc} ? {literal(fm.name)})"
                writes.append(Write(where, col, f"(CASE WHEN {present} THEN {value} END)",
                                    present))
        issues.append(("info", "OUTPUT_SHAPE", "auto-mapped input: keys that are not fields of "
                                               "the table are ignored instead of rejected"))
    else:
        # {v: value}: an undefined value leaves the field as it is (Airtable never receives
        # the key), null clears it
        for name, value in op.values.items():
            if name in op.ignore:
                continue
            fm = ts.field(name)
            p = params.add(f"JSON.stringify({{ v: {to_js(value)} }})", "jsonb")
            where, col, sql_value = ts.write_value(fm, f"({p} -> 'v')")
            if where == "main":
                current = f"t.{ident(col)}"
                if op.operation == "create":  # a NOT NULL column keeps its default
                    current = required_default(ts.target, col) or "NULL"
                    sql_value = f"COALESCE({sql_value}, {current})" if current != "NULL" \
                        else sql_value
                sql_value = f"(CASE WHEN {p} ? 'v' THEN {sql_value} ELSE {current} END)"
                writes.append(Write(where, col, sql_value))
            elif where.startswith("tags:"):
                writes.append(Write(where, col, sql_value))
            else:
                present = f"({p} ? 'v')"
                writes.append(Write(where, col, f"(CASE WHEN {present} THEN {sql_value} END)",
                                    present))
    if op.typecast and any(ts.field(n).kind == "enum" for n in (op.values or {})):
        issues.append(("warning", "TYPECAST_ENUM", "typecast would add missing select options "
                                                   "in Airtable; PostgreSQL rejects unknown "
                                                   "enum values"))
    return writes


def _update_head(ts: TableSql, op: AirtableOp, params: Params, main: list[tuple[str, str]],
                 issues: list[tuple[str, str, str]]) -> str:
    T = ident(ts.target)
    sets = ", ".join(f"{ident(c)} = {v}" for c, v in main) or "updated_at = updated_at"
    if op.match == ["id"] or op.version < 2:
        match = _id_match(params, op.record_id)
    else:
        if op.update_all_matches:
            match = _match_conditions(ts, op, params, "t")
        else:
            issues.append(("info", "UPDATE_FIRST_MATCH", "updates the oldest matching row only, "
                                                         "as Airtable updates the first match"))
            conds = _match_conditions(ts, op, params, "m")
            match = (f"t.id = (SELECT m.id FROM {T} m WHERE m.tenant_id = $1::uuid AND "
                     f"{conds} ORDER BY m.created_at, m.id LIMIT 1)")
    issues.append(("info", "NOT_FOUND_SEMANTICS", "no matching record gives no row instead of "
                                                  "Airtable's error"))
    return (f"main AS (UPDATE {T} t SET {sets} WHERE t.tenant_id = $1::uuid AND {match}"
            " RETURNING t.*)")


def _match_conditions(ts: TableSql, op: AirtableOp, params: Params, alias: str) -> str:
    conds = []
    for name in op.match:
        fm = ts.field(name)
        value = (op.values or {}).get(name, f"={{{{ $json[{_key(name)}] }}}}")
        p = params.add(f"JSON.stringify(({to_js(value)}) ?? null)", "jsonb")
        where, col, sql_value = ts.write_value(fm, p)
        if where != "main":
            raise ConversionProblem("UPSERT_NEEDS_UNIQUE", f"cannot match on {name!r} ({where})")
        conds.append(f"{alias}.{ident(col)} IS NOT DISTINCT FROM {sql_value}")
    return "(" + " AND ".join(conds) + ")"


def _upsert_head(ts: TableSql, op: AirtableOp, params: Params, main: list[tuple[str, str]],
                 issues: list[tuple[str, str, str]]) -> str:
    T = ident(ts.target)
    if op.match == ["id"]:
        raise ConversionProblem("UPSERT_NEEDS_UNIQUE", "upsert on the record id: use update")
    conds = _match_conditions(ts, op, params, "t")
    issues.append(("warning", "UPSERT_NEEDS_UNIQUE",
                   f"no unique constraint on {', '.join(op.match)}: concurrent upserts of one "
                   "key may both insert; add a unique index to make it safe"))
    sets = ", ".join(f"{ident(c)} = {v}" for c, v in main) or "updated_at = updated_at"
    cols = ", ".join(["tenant_id", *(ident(c) for c, _ in main)])
    vals = ", ".join(["$1::uuid", *(v for _, v in main)])
    found = (f"found AS (SELECT t.id FROM {T} t WHERE t.tenant_id = $1::uuid AND {conds}"
             " ORDER BY t.created_at, t.id LIMIT 1)")
    upd = (f"upd AS (UPDATE {T} t SET {sets} WHERE t.tenant_id = $1::uuid AND t.id IN "
           "(SELECT id FROM found) RETURNING t.*)")
    ins = (f"ins AS (INSERT INTO {T} ({cols}) SELECT {vals} WHERE NOT EXISTS "
           "(SELECT 1 FROM found) RETURNING *)")
    return f"{found}, {upd}, {ins}, main AS (SELECT * FROM upd UNION ALL SELECT * FROM ins)"


def _side_writes(ts: TableSql, writes: list[Write]) -> tuple[list[str], dict[str, str]]:
    """CTEs writing 1:1 tables and tag rows of the row(s) in ``main``."""
    ctes: list[str] = []
    overrides: dict[str, str] = {}
    split: dict[str, list[Write]] = {}
    for w in writes:
        if w.where.startswith("tags:"):
            cat, value, n = literal(w.where[5:]), w.value, len(ctes)
            ctes.append(
                f"w{n} AS (SELECT main.tenant_id, main.id, v.value FROM main, "
                f"jsonb_array_elements_text(COALESCE(NULLIF({value}, 'null'::jsonb), '[]'))"
                " AS v(value))")
            ctes.append(  # an absent field (SQL NULL) leaves the tags alone; null clears them
                f"d{n} AS (DELETE FROM company_tags tg USING main"
                f" WHERE tg.tenant_id = main.tenant_id"
                f" AND tg.company_id = main.id AND tg.category = {cat} AND ({value}) IS NOT NULL"
                f" AND tg.value NOT IN"
                f" (SELECT value FROM w{n} WHERE w{n}.id = main.id))")
            ctes.append(
                f"i{n} AS (INSERT INTO company_tags (tenant_id, company_id, category, value)"
                f" SELECT tenant_id, id, {cat}, value FROM w{n} ON CONFLICT DO NOTHING)")
        elif w.where != "main":
            split.setdefault(w.where, []).append(w)
    for table, cols in split.items():
        key = {"company_enrichment_l2": "company_id", "contact_enrichment": "contact_id"}[table]
        names = ", ".join(ident(w.column) for w in cols)
        values = ", ".join(w.value for w in cols)
        updates = ", ".join(
            f"{ident(w.column)} = CASE WHEN {w.present or 'true'} THEN EXCLUDED.{ident(w.column)}"
            f" ELSE s.{ident(w.column)} END" for w in cols)
        ctes.append(
            f"s{len(ctes)} AS (INSERT INTO {ident(table)} AS s (tenant_id, {key}, {names})"
            f" SELECT main.tenant_id, main.id, {values} FROM main"
            f" ON CONFLICT (tenant_id, {key}) DO UPDATE SET {updates})")
        for fm in ts.tm.fields.values():
            for w in cols:
                if fm.kind == "split" and fm.target_table == table and fm.column == w.column:
                    # the statement cannot read its own write: show the written value
                    written = ts.format_value(fm, w.value)
                    overrides[fm.name] = (f"(CASE WHEN {w.present or 'true'} THEN {written}"
                                          f" ELSE {ts.output(fm)} END)")
    return ctes, overrides


def _key(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"
