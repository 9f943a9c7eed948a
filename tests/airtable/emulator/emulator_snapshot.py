"""A small hand-written snapshot of the customer's real base schema for the emulator tests:
consistent links, counts, lookups and rollups over five tables."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from leadgen.airtable.snapshot import write_snapshot

BASE_ID = "appEmuLatorTest01"
TOKEN = "patEMULATORtest000.secret"


def base_schema() -> dict[str, Any]:
    text = resources.files("leadgen.airtable").joinpath("base_schema.json").read_text("utf-8")
    return dict(json.loads(text))


class Names:
    """Field IDs by (table name, field name), so fixtures read like the base."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.tables = {t["name"]: t for t in schema["tables"]}

    def tid(self, table: str) -> str:
        return str(self.tables[table]["id"])

    def fid(self, table: str, field: str) -> str:
        for fld in self.tables[table]["fields"]:
            if fld["name"] == field:
                return str(fld["id"])
        raise KeyError((table, field))

    def record(self, table: str, rec_id: str, created: str, **cells: Any) -> dict[str, Any]:
        fields = {self.fid(table, name.replace("_", " ")): v for name, v in cells.items()}
        return {"id": rec_id, "createdTime": created, "fields": fields}


# 17-character IDs, as Airtable issues them.
O1, O2 = "recOwnerAlice0001", "recOwnerBob000002"
C1, C2, C3 = "recCompanyAcme001", "recCompanyGlobex2", "recCompanyInitec3"
P1, P2, P3 = "recContactAnnLee1", "recContactBenOde2", "recContactCara003"
M1 = "recMessageFirst01"
A1 = "recActivityCall01"


def fixture_records(n: Names) -> dict[str, list[dict[str, Any]]]:
    def t(i: int) -> str:
        return f"2024-01-0{i}T10:00:00.000Z"

    r = n.record
    companies = [
        r(
            "Companies",
            C1,
            t(1),
            Company_Name="Acme",
            Domain="acme.test",
            Status="New",
            Tier="Tier 1 - Platinum",
            Account_Owner_Link=[O1],
            Contacts=[P1, P2],
            Contact_Count=2,
            Primary_Contact_Name=["Ann Lee", "Ben Ode"],
            Total_Contact_Enrichment_Cost=0.75,
            Has_L2=0,
            Days_Since_Created=10,
        ),
        r(
            "Companies",
            C2,
            t(2),
            Company_Name="Globex",
            Status="Triage: Passed",
            Tier="Tier 2 - Gold",
            Account_Owner_Link=[O2],
            Contact_Count=0,
            Total_Contact_Enrichment_Cost=0,
            Has_L2=0,
            Days_Since_Created=9,
        ),
        r(
            "Companies",
            C3,
            t(3),
            Company_Name="Initech",
            Domain="initech.test",
            Tier="Tier 3 - Silver",
            Contacts=[P3],
            Contact_Count=1,
            Primary_Contact_Name=["Cara Diaz"],
            Total_Contact_Enrichment_Cost=0,
            Has_L2=0,
            Days_Since_Created=8,
        ),
    ]
    # Field names with characters that cannot be keyword arguments are set by ID.
    companies[0]["fields"][n.fid("Companies", "Company Intel")] = "Makes everything"
    companies[0]["fields"][n.fid("Companies", "Has L2")] = 1
    contacts = [
        r(
            "Contacts",
            P1,
            t(4),
            Full_Name="Ann Lee",
            Company=[C1],
            Owner=[O1],
            Company_Tier=["Tier 1 - Platinum"],
            Messages=[M1],
            Message_Count=1,
            Activities=[A1],
            Created=t(4),
            Job_Title="CTO",
        ),
        r(
            "Contacts",
            P2,
            t(5),
            Full_Name="Ben Ode",
            Company=[C1],
            Company_Tier=["Tier 1 - Platinum"],
            Message_Count=0,
            Created=t(5),
        ),
        r(
            "Contacts",
            P3,
            t(6),
            Full_Name="Cara Diaz",
            Company=[C3],
            Owner=[O2],
            Company_Tier=["Tier 3 - Silver"],
            Message_Count=0,
            Created=t(6),
        ),
    ]
    contacts[0]["fields"][n.fid("Contacts", "Email Address")] = "ann@acme.test"
    contacts[0]["fields"][n.fid("Contacts", "Enrichment Cost ($)")] = 0.5
    contacts[1]["fields"][n.fid("Contacts", "Enrichment Cost ($)")] = 0.25
    owners = [
        r(
            "Owners",
            O1,
            t(1),
            Name="Alice",
            Active=True,
            Companies=[C1],
            Contacts=[P1],
            Messages=[M1],
        ),
        r("Owners", O2, t(2), Name="Bob", Companies=[C2], Contacts=[P3]),
    ]
    messages = [
        r(
            "Messages",
            M1,
            t(7),
            Label="Ann Lee - Email #1",
            Contact=[P1],
            Owner=[O1],
            Channel="Email",
            Sequence_Step=1,
            Status="Draft",
        ),
    ]
    activity = [
        r(
            "Activity",
            A1,
            t(8),
            Activity_Name="Call Ann",
            Contact=[P1],
            Owner=[O2],
            Contact_Company=[C1],
        ),
    ]
    return {
        n.tid("Companies"): companies,
        n.tid("Contacts"): contacts,
        n.tid("Owners"): owners,
        n.tid("Messages"): messages,
        n.tid("Activity"): activity,
    }


def write_fixture_snapshot(root: Path) -> Path:
    write_snapshot(
        root,
        base_id=BASE_ID,
        base_name="Lead engine",
        schema=base_schema(),
        records=fixture_records(Names(base_schema())),
        exported_at="2024-02-01T00:00:00Z",
    )
    return root
