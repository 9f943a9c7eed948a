"""Request and response shapes (pydantic v2): the API contract of docs/api.md as types."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

MessageStatus = Literal["draft", "approved", "rejected", "sent", "delivered", "replied"]
MessageChannel = Literal["linkedin_connect", "linkedin_message", "email", "call_script"]
MessageTone = Literal["professional", "casual", "bold", "empathetic"]
Language = Literal["en", "de", "nl", "cs"]
Variant = Literal["a", "b"]
UserRole = Literal["platform_admin", "tenant_admin", "reviewer"]
AuditTable = Literal["companies", "contacts", "messages", "batches", "campaigns", "tasks",
                     "crm_events"]
STATUSES: tuple[str, ...] = ("draft", "approved", "rejected", "sent", "delivered", "replied")


# PostgreSQL text cannot hold NUL; saying so in the schema tells clients (and schemathesis)
# before the database refuses it.
NO_NUL = r"^[^\x00]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str
    hint: str | None = None


class ErrorOut(BaseModel):
    error: ErrorDetail


# ── auth ──────────────────────────────────────────────────────
class LoginIn(Strict):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    id: UUID
    email: str
    display_name: str | None
    role: str
    owner_id: UUID | None


class TenantOut(BaseModel):
    id: UUID
    slug: str
    name: str


class MeOut(BaseModel):
    user: UserOut
    tenant: TenantOut


# ── messages ──────────────────────────────────────────────────
class MessageOut(BaseModel):
    id: UUID
    contact_id: UUID
    contact_name: str | None
    job_title: str | None
    company_id: UUID | None
    company_name: str | None
    tier: str | None
    contact_score: int | None
    owner_id: UUID | None
    owner_name: str | None
    campaign_id: UUID | None
    batch_id: UUID | None
    channel: MessageChannel
    sequence_step: int
    variant: Variant | None
    subject: str | None
    body: str
    status: MessageStatus | None
    tone: MessageTone | None
    language: Language | None
    review_notes: str | None
    generation_cost_usd: float | None
    approved_at: datetime | None
    version: int
    created_at: datetime | None
    updated_at: datetime | None


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None


class MessageCounts(BaseModel):
    draft: int
    approved: int
    rejected: int
    sent: int
    delivered: int
    replied: int


class MessagePatch(Strict):
    subject: str | None = Field(default=None, max_length=1000, pattern=NO_NUL)
    body: str | None = Field(default=None, min_length=1, max_length=100_000, pattern=NO_NUL)
    tone: MessageTone | None = None
    review_notes: str | None = Field(default=None, max_length=10_000, pattern=NO_NUL)


class ApproveIn(Strict):
    notes: str | None = Field(default=None, max_length=10_000, pattern=NO_NUL)


class RejectIn(Strict):
    notes: str = Field(min_length=1, max_length=10_000, pattern=NO_NUL)


class BulkApproveIn(Strict):
    ids: list[UUID] = Field(min_length=1, max_length=500)


class Skipped(BaseModel):
    id: UUID
    reason: Literal["not_found", "not_draft"]


class BulkApproveOut(BaseModel):
    approved: list[UUID]
    skipped: list[Skipped]


class MessageCreate(Strict):
    contact_id: UUID
    channel: MessageChannel
    body: str = Field(min_length=1, max_length=100_000, pattern=NO_NUL)
    subject: str | None = Field(default=None, max_length=1000, pattern=NO_NUL)
    owner_id: UUID | None = None
    campaign_id: UUID | None = None
    batch_id: UUID | None = None
    sequence_step: int = Field(default=1, ge=1, le=50)
    variant: Variant = "a"
    tone: MessageTone | None = None
    language: Language = "en"
    generation_cost_usd: float | None = Field(default=None, ge=0, le=100_000)


class VersionConflictOut(ErrorOut):
    current: MessageOut


# ── batches ───────────────────────────────────────────────────
class BatchSummary(BaseModel):
    id: UUID
    name: str
    companies: int
    contacts: int
    messages: int


class BatchInfo(BaseModel):
    id: UUID
    name: str
    description: str | None
    owner_id: UUID | None
    created_at: datetime | None


class StatusTierCount(BaseModel):
    status: str | None
    tier: str | None
    count: int


class ContactProgress(BaseModel):
    total: int
    processed: int


class Funnel(BaseModel):
    contacts: int
    with_messages: int
    approved: int
    sent: int


class Cost(BaseModel):
    enrichment_usd: float
    generation_usd: float


class BatchStats(BaseModel):
    batch: BatchInfo
    companies_by_status_tier: list[StatusTierCount]
    contacts: ContactProgress
    # a MessageStatus, or "none" for messages migrated from an empty Airtable Status
    messages_by_status: dict[MessageStatus | Literal["none"], int]
    funnel: Funnel
    cost: Cost
