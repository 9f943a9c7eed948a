"""The state of one record, its table's compiled plan (plan.py builds it), the record rules.

The record rules receive the run's TransformContext (context.py) and run after every cell of
a record was handled: the owner fallback from a legacy text, createdTime for an empty NOT
NULL timestamp, the polymorphic research entity, activity dedup on (contact, source,
occurred_at), unique owner emails, NOT NULL columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from leadgen.migrate.ledger import DERIVED, DROPPED, LOADED, REJECTED
from leadgen.migrate.mapping import TableMapping
from leadgen.migrate.transform.context import TransformContext
from leadgen.migrate.transform.rules import message_key


class RecordState:
    """Everything one record produces while its cells are handled."""

    __slots__ = ("children", "created", "entities", "fallbacks", "fields", "outs", "plan",
                 "rec_id", "rejects", "row", "row_reason", "splits", "tenant_id", "uuid")

    def __init__(self, plan: TablePlan, tenant_id: UUID, rec_id: str, uuid: UUID,
                 created: Any, fields: dict[str, Any]) -> None:
        self.plan, self.tenant_id, self.rec_id, self.uuid = plan, tenant_id, rec_id, uuid
        self.created, self.fields = created, fields
        row = plan.template.copy()
        row[0], row[1], row[2] = uuid, tenant_id, rec_id
        if plan.created_pos is not None:
            row[plan.created_pos] = created
        self.row = row
        self.splits: dict[str, list[Any]] = {}
        self.children: list[tuple[str, tuple[Any, ...]]] = []
        self.fallbacks: dict[str, Any] = {}  # legacy text stashed for a link's fallback
        self.entities: dict[str, UUID] = {}  # research asset: "company"/"contact" → id
        self.outs: list[int] = []
        self.rejects: list[tuple[str | None, Any, str]] = []
        self.row_reason = ""

    def reject(self, field_name: str | None, value: Any, reason: str) -> None:
        self.rejects.append((field_name, value, reason))

    def split_row(self, table: str) -> list[Any]:
        row = self.splits.get(table)
        if row is None:
            row = self.splits[table] = [self.tenant_id, self.uuid] + [None] * (
                len(self.plan.split_columns[table]) - 2)
        return row

    def position(self, field_name: str) -> int | None:
        fid = self.plan.ids.get(field_name)
        for i, key in enumerate(self.fields):
            if key == fid:
                return i
        return None


@dataclass
class TablePlan:
    tm: TableMapping
    target: str
    columns: tuple[str, ...]
    index: dict[str, int]
    template: list[Any]
    created_pos: int | None
    names: dict[str, str]  # field id → name
    ids: dict[str, str]  # name → field id
    handlers: dict[str, Callable[[Any, RecordState], int]] = field(default_factory=dict)
    split_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    required: list[tuple[int, str, str | None]] = field(default_factory=list)
    defaults: list[tuple[int, Any]] = field(default_factory=list)
    link_fallbacks: list[tuple[int, str]] = field(default_factory=list)
    created_fallbacks: list[tuple[int, str]] = field(default_factory=list)
    # empty = "default" selects: (row position, field name, field id, column, DDL default)
    empty_defaults: list[tuple[int, str, str, str, Any]] = field(default_factory=list)

    def finish(self, ctx: TransformContext, st: RecordState) -> bool:
        """The record rules; False when the row cannot be loaded (st.row_reason says why)."""
        row = st.row
        for pos, fallback in self.link_fallbacks:
            _owner_fallback(ctx, st, pos, fallback)
        for pos, name in self.created_fallbacks:
            if row[pos] is None and st.created is not None and self.ids[name] not in st.fields:
                row[pos] = st.created
                ctx.ledger.find("timestamp_from_created_time", table=self.tm.name,
                               record_id=st.rec_id, field=name)
        for pos, name, fid, column, value in self.empty_defaults:
            if fid not in st.fields:  # Airtable leaves an empty cell out of the record
                row[pos] = value
                ctx.ledger.find("empty_select_default", table=self.tm.name, record_id=st.rec_id,
                               field=name, column=f"{self.target}.{column}", value=value)
        rule = TABLE_RULES.get(self.target)
        if rule is not None and not rule(ctx, self, st):
            return False
        for pos, value in self.defaults:
            if row[pos] is None:
                row[pos] = value
        for pos, column, fname in self.required:
            if row[pos] is None:
                st.row_reason = f"{self.target}.{column} is required"
                if fname is None or self.ids[fname] not in st.fields:
                    st.reject(fname, None, f"not null without a value: {self.target}.{column}")
                return False
        return True

    def completes(self) -> tuple[str, ...]:
        """The PG tables this Airtable table fills, parents first."""
        children = [f.junction for f in self.tm.fields.values() if f.kind == "link" and f.junction]
        if any(f.kind == "tags" for f in self.tm.fields.values()):
            children.insert(0, "company_tags")
        return (self.target, *self.split_columns, *(c for c in children if c))

    def after_load(self, ctx: TransformContext, st: RecordState) -> None:
        hook = AFTER_LOAD.get(self.target)
        if hook is not None:
            hook(ctx, self, st)


def _owner_fallback(ctx: TransformContext, st: RecordState, pos: int, fallback: str) -> None:
    value = st.fallbacks.get(fallback)
    if value is None:
        return
    names = value if type(value) is list else [value]
    text = names[0] if names and type(names[0]) is str else None
    if st.row[pos] is not None:
        if text is not None and st.row[pos] not in ctx.customer.owner_names.find(text):
            ctx.ledger.find("owner_link_and_legacy_text_disagree", table=st.plan.tm.name,
                           record_id=st.rec_id, field=fallback, value=value)
        return
    found = ctx.customer.owner_names.find(text) if text else []
    at = st.position(fallback)
    assert at is not None
    if len(found) == 1:
        st.row[pos] = found[0]
        st.outs[at] = DERIVED
        ctx.ledger.find("owner_from_legacy_text", table=st.plan.tm.name, record_id=st.rec_id,
                       field=fallback, value=value)
    else:
        st.outs[at] = REJECTED
        st.reject(fallback, value, f"dangling link: {len(found)} owners are named {text!r}")


def _research(ctx: TransformContext, plan: TablePlan, st: RecordState) -> bool:
    contact, company = st.entities.get("contact"), st.entities.get("company")
    kind_pos, id_pos = plan.index["entity_type"], plan.index["entity_id"]
    if contact is None and company is None:
        st.row_reason = "a research asset needs a company or a contact"
        st.reject(None, None, "not null without a value: research_assets.entity_id "
                              "(neither company nor contact is linked)")
        ctx.ledger.find("research_asset_rule", table=plan.tm.name, record_id=st.rec_id,
                       field=None, rule="neither company nor contact: not loaded")
        return False
    if contact is not None:
        st.row[kind_pos], st.row[id_pos] = "contact", contact
        if company is not None:
            same = ctx.customer.contact_company.get(contact) == company
            at = st.position("company")
            assert at is not None
            ctx.ledger.find("research_asset_rule", table=plan.tm.name, record_id=st.rec_id,
                           field="company", rule="both linked: the contact wins" + (
                               "" if same else " (its company differs: company cell rejected)"))
            if same:
                st.outs[at] = DERIVED
            else:
                st.outs[at] = REJECTED
                st.reject("company", None, "invalid value: the research asset is attached to "
                          "its contact, whose company is another one")
    else:
        assert company is not None
        st.row[kind_pos], st.row[id_pos] = "company", company
    return True


def _activity(ctx: TransformContext, plan: TablePlan, st: RecordState) -> bool:
    row, ix = st.row, plan.index
    key = (row[ix["contact_id"]], row[ix["source"]], row[ix["occurred_at"]])
    if None in key:
        return True  # NULLs never collide in the unique index
    first = ctx.customer.activity_keys.get(key)
    if first is None:
        ctx.customer.activity_keys[key] = st.rec_id
        return True
    st.row_reason = f"duplicate of {first} (same contact, source and occurred_at)"
    st.reject(None, None, f"duplicate: same contact, source and occurred_at as {first}")
    ctx.ledger.find("activity_duplicates", table=plan.tm.name, record_id=st.rec_id, field=None,
                   duplicate_of=first)
    return False


def _owner(ctx: TransformContext, plan: TablePlan, st: RecordState) -> bool:
    pos = plan.index.get("email")
    email = st.row[pos] if pos is not None else None
    if email is None:
        return True
    first = ctx.customer.owner_emails.get(email)
    if first is None:
        ctx.customer.owner_emails[email] = st.rec_id
        return True
    st.row[pos] = None  # type: ignore[index]
    at = st.position("Email")
    if at is not None:
        st.outs[at] = REJECTED
    st.reject("Email", email, f"duplicate: owner {first} already has this email")
    return True


TABLE_RULES: dict[str, Callable[[TransformContext, TablePlan, RecordState], bool]] = {
    "research_assets": _research, "activities": _activity, "owners": _owner,
}


def _after_owner(ctx: TransformContext, plan: TablePlan, st: RecordState) -> None:
    name = st.row[plan.index["name"]]
    if name:
        ctx.customer.owner_names.add(name, st.uuid)


def _after_company(ctx: TransformContext, plan: TablePlan, st: RecordState) -> None:
    name = st.row[plan.index["name"]]
    if name:
        ctx.customer.company_names.add(name, st.uuid)


def _after_contact(ctx: TransformContext, plan: TablePlan, st: RecordState) -> None:
    ctx.customer.contact_company[st.uuid] = st.row[plan.index["company_id"]]


def _after_message(ctx: TransformContext, plan: TablePlan, st: RecordState) -> None:
    row, ix = st.row, plan.index
    contact = row[ix["contact_id"]]
    if contact not in ctx.customer.legacy_contacts:
        # nothing of this contact to check (contacts come first: TARGET_ORDER); normalising
        # every message body for nothing was 7 % of the transform on the bench base
        return
    keys = ctx.customer.message_keys.setdefault(contact, set())
    keys.add(("any",))
    for column in ("body", "subject"):
        if row[ix[column]]:
            keys.add(("text", hash(message_key(row[ix[column]]))))
    if row[ix["tone"]]:
        keys.add(("tone", row[ix["tone"]]))


AFTER_LOAD: dict[str, Callable[[TransformContext, TablePlan, RecordState], None]] = {
    "owners": _after_owner, "companies": _after_company, "contacts": _after_contact,
    "messages": _after_message,
}

__all__ = ["DROPPED", "LOADED", "RecordState", "TablePlan"]
