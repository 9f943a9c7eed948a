"""Test data for the formula tests: the customer's real base schema, records shaped as the API
returns them (fields keyed by field id) and a link resolver standing in for the emulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import leadgen.airtable

SCHEMA_PATH = Path(leadgen.airtable.__file__).parent / "base_schema.json"
NOW = datetime(2024, 6, 15, 12, 0, 0, tzinfo=UTC)

# Primary-field values of linked records, as the emulator's resolver would know them.
DISPLAY = {
    "recCompany0000001": "Acme s.r.o.",
    "recOwner00000001": "Michal",
    "recOwner00000002": "Anton",
    "recMessage000001": "Jana - Email #1",
    "recMessage000002": "Jana - LinkedIn #2",
}


def load_tables() -> dict[str, dict[str, Any]]:
    tables = json.loads(SCHEMA_PATH.read_text())["tables"]
    return {t["name"]: t for t in tables}


def by_name(table: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` given by name → keyed by field id, as with returnFieldsByFieldId=true."""
    ids = {f["name"]: f["id"] for f in table["fields"]}
    return {ids[name]: value for name, value in fields.items()}


def resolve(field_id: str, record_ids: list[str]) -> list[str]:
    return [DISPLAY.get(r, r) for r in record_ids]


CONTACT_FIELDS: dict[str, Any] = {
    "Full Name": "Jana Nováková",
    "Company": ["recCompany0000001"],
    "Owner": ["recOwner00000001"],
    "Contact of": ["Michal", "Anton"],
    "batch_name": ["batch-1", "batch-2"],
    "Job Title": "  Head of Sales  ",
    "Email Address": "jana@acme.cz",
    "LinkedIn URL": "https://www.linkedin.com/in/jana-novakova",
    "Seniority Level": "VP",
    "AI Champion": True,
    "AI Champion Score": 0,
    "Authority Score": 7,
    "Contact Score": 82.5,
    "Enrichment Cost ($)": 0.1234,
    "Messages": ["recMessage000001", "recMessage000002"],
    "Company Tier": ["Tier 1"],
    "Message Count": 2,
    "Message Generated At": "2024-05-01T08:30:00.000Z",
    "Profile Photo": [
        {
            "id": "attA1b2C3d4E5f6G7",
            "url": "https://v5.airtableusercontent.com/a.png",
            "filename": "a.png",
            "size": 7297,
            "type": "image/png",
        }
    ],
    "Created": "2024-01-15T10:00:00.000Z",
}

COMPANY_FIELDS: dict[str, Any] = {
    "Company Name": "Acme s.r.o.",
    "Contact Count": 0,
    "Total Contact Enrichment Cost": {"specialValue": "NaN"},
    "Days Since Created": 152,
    "Has L2": {"error": "#ERROR!"},
    "Primary Contact Name": [None, "Jana Nováková", "Jana Nováková"],
}

TASK_FIELDS: dict[str, Any] = {
    "Task Name": "Call Jana",
    "Scheduled": "2024-06-10",
}


def make_record(table: dict[str, Any], fields: dict[str, Any], rec: str) -> dict[str, Any]:
    return {"id": rec, "createdTime": "2024-01-15T10:00:00.000Z", "fields": by_name(table, fields)}
