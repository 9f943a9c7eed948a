"""Response and request shapes of the read APIs, pipeline runs and administration."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from leadgen.api.schemas import NO_NUL, Strict, UserRole


# ── pipeline runs ─────────────────────────────────────────────
class RunIn(Strict):
    batch_id: UUID
    owner_id: UUID


class RunOut(BaseModel):
    id: UUID
    batch_id: UUID | None
    batch_name: str | None
    owner_id: UUID | None
    execution_id: str | None
    status: Literal["running", "completed", "failed"] | None
    total_companies: int | None
    total_contacts: int | None
    l1_total: int | None
    l1_done: int | None
    l2_total: int | None
    l2_done: int | None
    person_total: int | None
    person_done: int | None
    cost_usd: float | None
    error: str | None
    started_at: datetime | None
    completed_at: datetime | None
    updated_at: datetime | None


# ── read APIs ─────────────────────────────────────────────────
class OwnerOut(BaseModel):
    id: UUID
    name: str
    email: str | None
    is_active: bool | None


class CampaignOut(BaseModel):
    id: UUID
    name: str
    owner_id: UUID | None
    batch_id: UUID | None
    channel: str | None
    is_active: bool | None


class CompanyItem(BaseModel):
    id: UUID
    name: str
    domain: str | None
    status: str | None
    tier: str | None
    batch_id: UUID | None
    owner_id: UUID | None
    hq_country: str | None
    industry: str | None
    enrichment_cost_usd: float | None


class CompanyPage(BaseModel):
    items: list[CompanyItem]
    next_cursor: str | None


class TagOut(BaseModel):
    category: str
    value: str


class CompanyDetail(CompanyItem):
    summary: str | None
    hq_city: str | None
    geo_region: str | None
    company_size: str | None
    triage_score: float | None
    pre_score: float | None
    notes: str | None
    created_at: datetime | None
    updated_at: datetime | None
    enrichment_l2: dict[str, object] | None
    tags: list[TagOut]


class ContactItem(BaseModel):
    id: UUID
    full_name: str
    job_title: str | None
    company_id: UUID | None
    company_name: str | None
    owner_id: UUID | None
    batch_id: UUID | None
    contact_score: int | None
    email_address: str | None
    linkedin_url: str | None
    message_status: str | None


class ContactPage(BaseModel):
    items: list[ContactItem]
    next_cursor: str | None


class ContactEnrichmentOut(BaseModel):
    person_summary: str | None
    linkedin_profile_summary: str | None
    relationship_synthesis: str | None
    enriched_at: datetime | None


class ContactDetail(ContactItem):
    seniority_level: str | None
    department: str | None
    location_city: str | None
    location_country: str | None
    language: str | None
    processed_enrich: bool | None
    notes: str | None
    created_at: datetime | None
    updated_at: datetime | None
    enrichment: ContactEnrichmentOut | None


class AuditEntry(BaseModel):
    id: UUID
    field_name: str | None
    old_value: str | None
    new_value: str | None
    event: str
    changed_by: str | None
    changed_at: datetime | None


# ── administration ────────────────────────────────────────────
class TenantIn(Strict):
    slug: str = Field(min_length=1, max_length=63, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class TenantRow(BaseModel):
    id: UUID
    slug: str
    name: str
    is_active: bool | None
    created_at: datetime | None


class TenantOverviewRow(BaseModel):
    id: UUID
    slug: str
    name: str
    is_active: bool | None
    created_at: datetime | None
    users: int
    rows: int = Field(description="the tenant's rows in every table with tenant_id")
    last_activity_at: datetime | None


class EraseIn(Strict):
    confirm: str | None = Field(default=None, max_length=63, pattern=NO_NUL,
                                description="the tenant's slug, typed again")


class ErasureReceipt(BaseModel):
    id: UUID
    tenant_id: UUID
    slug: str
    erased_at: datetime
    erased_by: str | None
    row_counts: dict[str, int]


class UserIn(Strict):
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str = Field(min_length=10, max_length=1024)
    role: UserRole = "reviewer"
    display_name: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    owner_id: UUID | None = None


class UserPatch(Strict):
    role: UserRole | None = None
    is_active: bool | None = None
    display_name: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    owner_id: UUID | None = None


class UserRow(BaseModel):
    id: UUID
    email: str
    display_name: str | None
    role: str
    owner_id: UUID | None
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class KeyIn(Strict):
    name: str = Field(min_length=1, max_length=100, pattern=NO_NUL)


class KeyRow(BaseModel):
    id: UUID
    name: str
    prefix: str
    role: str
    created_by: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewKeyOut(KeyRow):
    key: str


class SettingsOut(BaseModel):
    n8n_webhook_url: str | None
    has_webhook_secret: bool


class SettingsIn(Strict):
    n8n_webhook_url: str | None = Field(
        default=None, max_length=2000,
        pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s\x00]*)?$")
    n8n_webhook_secret: str | None = Field(default=None, max_length=500, pattern=NO_NUL)
