"""Read APIs: owners, campaigns, companies, contacts (keyset pages) and the audit trail."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from starlette.responses import Response

from leadgen.api.deps import Reader, TenantConn
from leadgen.api.errors import not_found
from leadgen.api.listing import decode_cursor, encode_cursor, like
from leadgen.api.responses import json_response, raw_json_response, rows
from leadgen.api.routes import errors
from leadgen.api.schemas import AuditTable
from leadgen.api.schemas_records import (
    AuditEntry,
    CampaignOut,
    CompanyDetail,
    CompanyPage,
    ContactDetail,
    ContactPage,
    OwnerOut,
)
from leadgen.sql import queries

router = APIRouter(prefix="/api", tags=["records"], responses=errors())
sql = queries("api/records")
Limit = Annotated[int, Query(ge=1, le=200)]
SearchText = Annotated[str | None, Query(max_length=200)]
CompanyStatus = Literal[
    "new", "enrichment_failed", "triage_passed", "triage_review", "triage_disqualified",
    "enrichment_l2_failed", "enriched_l2", "synced", "needs_review", "enriched",
    "error_pushing_lemlist"]
CompanyTier = Literal["tier_1_platinum", "tier_2_gold", "tier_3_silver", "tier_4_bronze",
                      "tier_5_copper", "deprioritize"]


def page(items: list[dict[str, Any]], limit: int, key: str) -> Response:
    more = len(items) > limit
    items = items[:limit]
    cursor = encode_cursor(items[-1][key], items[-1]["id"]) if more else None
    return json_response({"items": items, "next_cursor": cursor})


def after(cursor: str | None) -> tuple[str, UUID]:
    if cursor is None:
        return "", UUID(int=0)
    name, last_id = decode_cursor(cursor, (str, UUID))
    return str(name), last_id


@router.get("/owners", response_model=list[OwnerOut])
async def list_owners(conn: TenantConn, who: Reader) -> Response:
    return json_response(await rows(sql.list_owners(conn, tenant_id=who.tenant_id)))


@router.get("/campaigns", response_model=list[CampaignOut])
async def list_campaigns(conn: TenantConn, who: Reader) -> Response:
    return json_response(await rows(sql.list_campaigns(conn, tenant_id=who.tenant_id)))


@router.get("/companies", response_model=CompanyPage)
async def list_companies(
    conn: TenantConn, who: Reader, q: SearchText = None, status: CompanyStatus | None = None,
    tier: CompanyTier | None = None, batch_id: UUID | None = None, limit: Limit = 50,
    cursor: str | None = None,
) -> Response:
    after_name, after_id = after(cursor)
    found = await rows(sql.list_companies(
        conn, tenant_id=who.tenant_id, after_name=after_name, after_id=after_id, q=like(q),
        status=status, tier=tier, batch_id=batch_id, fetch=limit + 1))
    return page(found, limit, "name")


@router.get("/companies/{company_id}", response_model=CompanyDetail)
async def get_company(company_id: UUID, conn: TenantConn, who: Reader) -> Response:
    doc = await sql.company_detail(conn, tenant_id=who.tenant_id, company_id=company_id)
    if doc is None:
        raise not_found("company")
    return raw_json_response(doc)


@router.get("/contacts", response_model=ContactPage)
async def list_contacts(
    conn: TenantConn, who: Reader, q: SearchText = None, company_id: UUID | None = None,
    batch_id: UUID | None = None, owner_id: UUID | None = None, limit: Limit = 50,
    cursor: str | None = None,
) -> Response:
    after_name, after_id = after(cursor)
    found = await rows(sql.list_contacts(
        conn, tenant_id=who.tenant_id, after_name=after_name, after_id=after_id, q=like(q),
        company_id=company_id, batch_id=batch_id, owner_id=owner_id, fetch=limit + 1))
    return page(found, limit, "full_name")


@router.get("/contacts/{contact_id}", response_model=ContactDetail)
async def get_contact(contact_id: UUID, conn: TenantConn, who: Reader) -> Response:
    doc = await sql.contact_detail(conn, tenant_id=who.tenant_id, contact_id=contact_id)
    if doc is None:
        raise not_found("contact")
    return raw_json_response(doc)


@router.get("/audit/{table}/{entity_id}", response_model=list[AuditEntry])
async def audit_trail(table: AuditTable, entity_id: UUID, conn: TenantConn,
                      who: Reader) -> Response:
    """Who changed what on one record, newest first (at most 500 entries)."""
    found = await rows(sql.audit_trail(
        conn, tenant_id=who.tenant_id, table_name=table, entity_id=entity_id))
    if not found:
        raise not_found("audit trail for this record")
    return json_response(found)
