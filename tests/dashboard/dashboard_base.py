"""The Airtable base the dashboard's test tenant is migrated from.

A small generated base (`generate_base`: the customer's schema with its deliberate mess) plus
planted records the tests rely on, written by field *name* the way the generator writes its
own and then given Airtable's shape the same way (empty cells omitted, links mirrored to their
inverse fields, counts, lookups and formulas computed):

- three owners (Michal Dvorak, Petra Svobodova, Queue Tester) and three batches, which are new
  choices of every `batch_name` select (Airtable has no batch table; migration promotes them);
- 60 companies across statuses and tiers (40 in "batch-1 DACH SaaS", 20 in "batch-2
  Nordics"), 90 contacts with scores, two campaigns, and one message per contact in every
  status and channel; the contacts in NAMED each have exactly one draft, clean (body,
  channel, contact all set) and at the head of its owner's queue;
- for Queue Tester, 10,000 drafts in "batch-3 Benelux": a contact (and a company per 20
  contacts) each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from leadgen.airtable.generate import GeneratedBase, generate_base
from leadgen.airtable.generate.clock import DAY, iso_ms, parse_iso
from leadgen.airtable.generate.computed import Computer
from leadgen.airtable.generate.links import mirror_links
from leadgen.airtable.generate.schema_index import SchemaIndex

BULK_DRAFTS = 10_000
GENERATED_COMPANIES = 15  # the generated part: ~340 records, two owners (Michal, Anton)
GENERATED_SEED = 21
PLANTED_PREFIX = "recDash"  # every planted record id starts with it (rec + 14 characters)

OWNERS = {"michal": "Michal Dvorak", "petra": "Petra Svobodova", "bulk": "Queue Tester"}
BATCHES = {"b1": "batch-1 DACH SaaS", "b2": "batch-2 Nordics", "bulk": "batch-3 Benelux"}
FIRST = ["Jana", "Lukas", "Sofie", "Jonas", "Emma", "Matteo", "Lea", "Tomas", "Anna", "Pieter",
         "Marta", "Felix", "Ines", "Oskar", "Klara", "Daan", "Eva", "Nils", "Petra", "Henrik"]
LAST = ["Novakova", "Berger", "Jansen", "Keller", "Visser", "Dvorak", "Lindqvist", "Weber",
        "Horvath", "de Vries", "Schmid", "Nielsen", "Maier", "Bakker", "Svoboda", "Hofmann"]
TITLES = ["Chief Operating Officer", "Head of Data", "VP Engineering", "CTO", "Head of Sales Ops",
          "Director of Digital", "Product Lead", "CFO", "Head of Customer Success"]
COMPANY_WORDS = ["Nordwerk", "Alpen", "Kestrel", "Brightline", "Vaultic", "Meridian", "Solace",
                 "Harbor", "Quanta", "Lumen", "Fjord", "Praxis", "Orbital", "Cobalt", "Tessel"]
SUFFIX = ["GmbH", "AG", "B.V.", "AB", "s.r.o.", "Systems", "Analytics", "Logistics"]
# The base's own select choices (migration maps them onto the PostgreSQL enums).
STATUSES = ["New", "Triage: Passed", "Triage: Review", "Triage: Disqualified", "Enriched L2",
            "Enrichment Failed", "Synced"]
TIERS = ["Tier 1 - Platinum", "Tier 2 - Gold", "Tier 3 - Silver", "Tier 4 - Bronze",
         "Tier 5 - Copper", "Deprioritize", None]
CHANNELS = ["Email", "LinkedIn Connect", "LinkedIn Message", "Call Script"]
REVIEWED = ["Approved", "Rejected", "Sent", "Delivered", "Replied"]

# Contacts the tests look for by name (each test uses its own, so they do not interfere).
NAMED = {
    "edit": "Jana Novakova", "approve": "Lukas Berger", "reject": "Sofie Jansen",
    "conflict": "Jonas Keller", "bulk1": "Emma Visser", "bulk2": "Matteo Dvorak",
    "bulk3": "Lea Lindqvist", "over": "Tomas Weber",
}


def message_text(first: str, company: str, channel: str) -> tuple[str | None, str]:
    """(subject, body) of a message as the writing workflow left it."""
    if channel == "LinkedIn Connect":
        return None, (f"Hi {first}, I saw how {company} is growing its data team. We help "
                      "operations leaders cut manual reporting with small AI pilots. "
                      "Would be glad to connect.")
    if channel == "Email":
        return (f"{company}: a two-week AI pilot for your ops team",
                f"Hi {first},\n\n{company} came up while we were looking at firms modernising "
                "their reporting. Teams like yours usually lose a day a week to spreadsheets; "
                "we run a two-week pilot that automates one workflow end to end.\n\n"
                "Worth a 20-minute call next week?\n\nBest,\nMichal")
    if channel == "LinkedIn Message":
        return None, (f"Thanks for connecting, {first}! Curious how {company} handles demand "
                      "planning today. We recently helped a similar team halve forecast prep "
                      "time; happy to share what worked.")
    return None, (f"Call opener for {first} at {company}: reference their recent expansion, ask "
                  "about reporting bottlenecks, offer the pilot.")


@dataclass
class Planter:
    """Adds records, written by field name, to a base; their ids are `recDash<tag><n>`."""

    schema: SchemaIndex
    now: int  # the base's export moment (epoch seconds): every planted record is older
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.records = {t.id: [] for t in self.schema.tables}

    def add(self, table: str, tag: str, age_days: float, fields: dict[str, Any]) -> str:
        n = self.counters[tag] = self.counters.get(tag, 0) + 1
        record_id = f"{PLANTED_PREFIX}{tag}{n:07d}"
        assert len(record_id) == 17, f"{record_id}: an Airtable id is rec + 14 characters"
        index = self.schema.table(table)
        cells = {index.field_id(name): value for name, value in fields.items()
                 if value or (value == 0 and value is not False)}  # Airtable omits empty cells
        created = iso_ms(self.now - int(age_days * DAY))
        self.records[index.id].append({"id": record_id, "createdTime": created, "fields": cells})
        return record_id

    def finish(self, seed: int) -> None:
        """What Airtable does on its own: inverse links, then the computed fields."""
        mirror_links(self.schema, self.records)
        Computer(self.schema, self.records, self.now).run(seed)

    def ids(self) -> set[str]:
        return {rec["id"] for recs in self.records.values() for rec in recs}


def add_batch_choices(schema: SchemaIndex, names: list[str]) -> None:
    """The batches are new options of every `batch_name` select, as a user would add them."""
    for table in schema.tables:
        fld = table.by_name.get("batch_name")
        if fld is None:
            continue
        for i, name in enumerate(names):
            fld["options"]["choices"].append(
                {"id": f"selDash{table.id[3:8]}{i:05d}", "name": name, "color": "greenLight2"})


def build_base() -> tuple[GeneratedBase, set[str]]:
    """The generated base with the planted records added; returns it and the planted ids."""
    base = generate_base(GENERATED_COMPANIES, GENERATED_SEED)
    schema = SchemaIndex(base.schema)  # indexes (and, below, extends) the base's own schema
    add_batch_choices(schema, list(BATCHES.values()))
    planter = Planter(schema, parse_iso(base.exported_at))
    owners = {key: planter.add("Owners", "Own", 60, {
        "Name": name, "Email": f"{key}@northwind.test", "Default Tone": "Professional",
        "Default Language": "English", "Active": True, "Lemlist Configured": key != "bulk"})
        for key, name in OWNERS.items()}
    _plant_reviewable(planter, owners)
    _plant_bulk(planter, owners["bulk"])
    planter.finish(seed=7)
    for table_id, recs in planter.records.items():
        base.records[table_id].extend(recs)
    planted = planter.ids()
    every = {r["id"] for recs in base.records.values() for r in recs}
    assert len(every) == base.total_records, "planted ids must not collide with generated ones"
    return base, planted


def _plant_reviewable(p: Planter, owners: dict[str, str]) -> None:
    rng = random.Random(7)
    campaigns = {
        "b1": p.add("Campaigns", "Cam", 40, {
            "Campaign Name": "DACH Q1 email", "Channel": "Email", "batch_name": BATCHES["b1"],
            "Owner": [owners["michal"]], "Active": True}),
        "b2": p.add("Campaigns", "Cam", 40, {
            "Campaign Name": "Nordics LinkedIn", "Channel": "LinkedIn",
            "batch_name": BATCHES["b2"], "Owner": [owners["petra"]], "Active": True}),
    }
    companies: list[tuple[str, str, str]] = []  # (record id, name, batch key)
    for i in range(60):
        batch = "b1" if i < 40 else "b2"
        name = f"{COMPANY_WORDS[i % len(COMPANY_WORDS)]} {SUFFIX[i % len(SUFFIX)]}"
        if i >= len(COMPANY_WORDS):
            name = f"{name} {i // len(COMPANY_WORDS) + 1}"
        status = STATUSES[min(int(rng.random() ** 1.6 * len(STATUSES)), len(STATUSES) - 1)]
        tier = TIERS[min(int(rng.random() ** 1.3 * len(TIERS)), len(TIERS) - 1)]
        rid = p.add("Companies", "Cmp", 30 - i / 100, {
            "Company Name": name, "Domain": f"{name.split()[0].lower()}{i}.example",
            "batch_name": BATCHES[batch], "Status": status, "Tier": tier,
            "Account Owner Link": [owners["michal" if batch == "b1" else "petra"]],
            "Enrichment Cost ($)": round(rng.uniform(0.05, 0.9), 4),
            "Lemlist Synced": status == "Synced"})
        companies.append((rid, name, batch))
    named = list(NAMED.items())
    for i in range(90):
        company_id, company, batch = companies[i % len(companies)]
        owner = owners["michal" if batch == "b1" else "petra"]
        key: str | None = None
        if i < len(named):
            key, full = named[i]
            score = 99 - i  # the named drafts head their owner's queue, "edit" first
        else:
            full = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
            if full in NAMED.values():  # the tests find named contacts by search
                full = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + 1) % len(LAST)]}"
            score = rng.randint(5, 90)
        first = full.split()[0]
        contact = p.add("Contacts", "Con", 20 - i / 100, {
            "Full Name": full, "Company": [company_id], "Owner": [owner],
            "batch_name": [BATCHES[batch]], "Job Title": TITLES[i % len(TITLES)],
            "Contact Score": score, "processed_enrich": i % 3 != 0, "Language": "English",
            "Email Address": f"{first.lower()}.{i}@{company.split()[0].lower()}.example",
            "Enrichment Cost ($)": round(rng.uniform(0.01, 0.3), 4)})
        channel = "Email" if key in ("edit", "conflict", "approve") else (
            "LinkedIn Connect" if key == "over" else CHANNELS[i % len(CHANNELS)])
        subject, body = message_text(first, company, channel)
        if key == "over":  # over LinkedIn's 300-character limit for a connection note
            body = body + " " + "We would love to learn more about your plans. " * 6
        status = "Draft" if key or i % 5 else rng.choice(REVIEWED)
        age = 10 - i / 100
        p.add("Messages", "Msg", age, {
            "Contact": [contact], "Owner": [owner], "Campaign": [campaigns[batch]],
            "Channel": channel, "Sequence Step": 1, "Subject": subject, "Body": body,
            "Status": status, "Tone": "Professional", "Language": "English",
            "batch_name": BATCHES[batch],
            "Generation Cost ($)": round(rng.uniform(0.002, 0.03), 4),
            "Approved At": (iso_ms(p.now - int((age - 1) * DAY))
                            if status not in ("Draft", "Rejected") else None),
            "Sent At": iso_ms(p.now - int((age - 2) * DAY)) if status in REVIEWED[2:] else None,
            "Review Notes": "Too generic" if status == "Rejected" else None})


def _plant_bulk(p: Planter, owner: str) -> None:
    """10,000 drafts for Queue Tester: a contact each, a company per 20 contacts."""
    companies = [
        p.add("Companies", "Blk", 8, {
            "Company Name": f"Benelux Co {g}", "Domain": f"benelux-co-{g}.example",
            "batch_name": BATCHES["bulk"], "Account Owner Link": [owner],
            "Status": STATUSES[(0, 1, 4, 6)[g % 4]], "Tier": TIERS[g % 4]})
        for g in range(1, BULK_DRAFTS // 20 + 1)
    ]
    for g in range(1, BULK_DRAFTS + 1):
        contact = p.add("Contacts", "Bct", 6, {
            "Full Name": f"Queue Contact {g}", "Company": [companies[g % len(companies)]],
            "Owner": [owner], "batch_name": [BATCHES["bulk"]],
            "Job Title": "Operations Manager", "Contact Score": (g * 37) % 100})
        p.add("Messages", "Bms", 5, {
            "Contact": [contact], "Owner": [owner], "Channel": "LinkedIn Connect",
            "Sequence Step": 1, "Body": f"Hello from the queue, number {g}", "Status": "Draft",
            "batch_name": BATCHES["bulk"]})
