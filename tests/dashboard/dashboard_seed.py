"""A tenant with data a reviewer would recognise, for the dashboard's browser tests.

Written straight into PostgreSQL as the owner role (audit off) until the migration engine can
load a generated base: three owners, three batches, companies across statuses and tiers,
contacts with scores, campaigns, messages in every status and channel, and 10,000 drafts for
one owner (the scale the review queue must stay fast at). Users come from the admin library.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

import asyncpg

from leadgen.admin.tenants import create_tenant, create_user
from leadgen.db.connect import admin_transaction, tenant_transaction

PASSWORD = "correct-horse-battery"
BULK_DRAFTS = 10_000

FIRST = ["Jana", "Lukas", "Sofie", "Jonas", "Emma", "Matteo", "Lea", "Tomas", "Anna", "Pieter",
         "Marta", "Felix", "Ines", "Oskar", "Klara", "Daan", "Eva", "Nils", "Petra", "Henrik"]
LAST = ["Novakova", "Berger", "Jansen", "Keller", "Visser", "Dvorak", "Lindqvist", "Weber",
        "Horvath", "de Vries", "Schmid", "Nielsen", "Maier", "Bakker", "Svoboda", "Hofmann"]
TITLES = ["Chief Operating Officer", "Head of Data", "VP Engineering", "CTO", "Head of Sales Ops",
          "Director of Digital", "Product Lead", "CFO", "Head of Customer Success"]
COMPANY_WORDS = ["Nordwerk", "Alpen", "Kestrel", "Brightline", "Vaultic", "Meridian", "Solace",
                 "Harbor", "Quanta", "Lumen", "Fjord", "Praxis", "Orbital", "Cobalt", "Tessel"]
SUFFIX = ["GmbH", "AG", "B.V.", "AB", "s.r.o.", "Systems", "Analytics", "Logistics"]
STATUSES = ["new", "triage_passed", "triage_review", "triage_disqualified", "enriched_l2",
            "enrichment_failed", "synced"]
TIERS = ["tier_1_platinum", "tier_2_gold", "tier_3_silver", "tier_4_bronze", "tier_5_copper",
         "deprioritize", None]
CHANNELS = ["email", "linkedin_connect", "linkedin_message", "call_script"]

# Contacts the tests look for by name (each test uses its own, so they do not interfere).
NAMED = {
    "edit": "Jana Novakova", "approve": "Lukas Berger", "reject": "Sofie Jansen",
    "conflict": "Jonas Keller", "bulk1": "Emma Visser", "bulk2": "Matteo Dvorak",
    "bulk3": "Lea Lindqvist", "over": "Tomas Weber",
}


@dataclass
class DashboardTenant:
    id: uuid.UUID
    slug: str
    name: str
    owners: dict[str, uuid.UUID]
    batches: dict[str, uuid.UUID]
    admin_email: str
    reviewer_email: str
    bulk_email: str
    password: str = PASSWORD
    messages: dict[str, uuid.UUID] = field(default_factory=dict)


def _message_text(first: str, company: str, channel: str) -> tuple[str | None, str]:
    if channel == "linkedin_connect":
        return None, (f"Hi {first}, I saw how {company} is growing its data team. We help "
                      "operations leaders cut manual reporting with small AI pilots. "
                      "Would be glad to connect.")
    if channel == "email":
        return (f"{company}: a two-week AI pilot for your ops team",
                f"Hi {first},\n\n{company} came up while we were looking at firms modernising "
                "their reporting. Teams like yours usually lose a day a week to spreadsheets; "
                "we run a two-week pilot that automates one workflow end to end.\n\n"
                "Worth a 20-minute call next week?\n\nBest,\nMichal")
    if channel == "linkedin_message":
        return None, (f"Thanks for connecting, {first}! Curious how {company} handles demand "
                      "planning today. We recently helped a similar team halve forecast prep "
                      "time; happy to share what worked.")
    return None, (f"Call opener for {first} at {company}: reference their recent expansion, ask "
                  "about reporting bottlenecks, offer the pilot.")


async def seed_dashboard_tenant(url: str, slug: str) -> DashboardTenant:
    rng = random.Random(7)
    conn = await asyncpg.connect(url)
    try:
        async with admin_transaction(conn, actor="test-seed"):
            tenant_id = await create_tenant(conn, slug=slug, name="Northwind Outreach")
        owners = {"michal": uuid.uuid4(), "petra": uuid.uuid4(), "bulk": uuid.uuid4()}
        batches = {"b1": uuid.uuid4(), "b2": uuid.uuid4(), "bulk": uuid.uuid4()}
        messages: dict[str, uuid.UUID] = {}
        async with tenant_transaction(conn, tenant_id, role="leadgen_owner"):
            await conn.execute("SET LOCAL app.audit = 'off'")
            await conn.executemany(
                "INSERT INTO owners (id, tenant_id, name, email) VALUES ($1, $2, $3, $4)",
                [(owners["michal"], tenant_id, "Michal Dvorak", f"michal@{slug}.test"),
                 (owners["petra"], tenant_id, "Petra Svobodova", f"petra@{slug}.test"),
                 (owners["bulk"], tenant_id, "Queue Tester", f"queue@{slug}.test")])
            await conn.executemany(
                "INSERT INTO batches (id, tenant_id, name, description, owner_id)"
                " VALUES ($1, $2, $3, $4, $5)",
                [(batches["b1"], tenant_id, "batch-1 DACH SaaS", "Mid-market SaaS in DACH",
                  owners["michal"]),
                 (batches["b2"], tenant_id, "batch-2 Nordics", "Nordic logistics", owners["petra"]),
                 (batches["bulk"], tenant_id, "batch-3 Benelux", "A large Benelux list",
                  owners["bulk"])])
            campaigns = {"c1": uuid.uuid4(), "c2": uuid.uuid4()}
            await conn.executemany(
                "INSERT INTO campaigns (id, tenant_id, owner_id, name, channel, batch_id)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                [(campaigns["c1"], tenant_id, owners["michal"], "DACH Q1 email", "email",
                  batches["b1"]),
                 (campaigns["c2"], tenant_id, owners["petra"], "Nordics LinkedIn", "linkedin",
                  batches["b2"])])
            # Companies across statuses and tiers.
            companies: list[tuple[uuid.UUID, str, str]] = []
            rows = []
            for i in range(60):
                batch = "b1" if i < 40 else "b2"
                cid = uuid.uuid4()
                name = f"{COMPANY_WORDS[i % len(COMPANY_WORDS)]} {SUFFIX[i % len(SUFFIX)]}"
                if i >= len(COMPANY_WORDS):
                    name = f"{name} {i // len(COMPANY_WORDS) + 1}"
                status = STATUSES[min(int(rng.random() ** 1.6 * len(STATUSES)), len(STATUSES) - 1)]
                tier = TIERS[min(int(rng.random() ** 1.3 * len(TIERS)), len(TIERS) - 1)]
                companies.append((cid, name, batch))
                rows.append((cid, tenant_id, name, batches[batch],
                             owners["michal" if batch == "b1" else "petra"], status, tier,
                             round(rng.uniform(0.05, 0.9), 4)))
            await conn.executemany(
                "INSERT INTO companies (id, tenant_id, name, batch_id, owner_id, status, tier,"
                " enrichment_cost_usd) VALUES ($1, $2, $3, $4, $5, $6::company_status,"
                " $7::company_tier, $8)", rows)
            # Contacts and one or two messages each.
            contact_rows, message_rows = [], []
            named = list(NAMED.items())
            for i in range(90):
                company_id, company, batch = companies[i % len(companies)]
                owner = owners["michal" if batch == "b1" else "petra"]
                if i < len(named):
                    key, full = named[i]
                    score = 99 - i
                else:
                    key = None
                    full = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"
                    if full in NAMED.values():  # the tests find named contacts by search
                        full = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + 1) % len(LAST)]}"
                    score = rng.randint(5, 90)
                contact_id = uuid.uuid4()
                contact_rows.append((contact_id, tenant_id, company_id, owner, batches[batch],
                                     full, TITLES[i % len(TITLES)], score, i % 3 != 0,
                                     round(rng.uniform(0.01, 0.3), 4)))
                channel = "email" if key in ("edit", "conflict", "approve") else (
                    "linkedin_connect" if key == "over" else CHANNELS[i % len(CHANNELS)])
                subject, body = _message_text(full.split()[0], company, channel)
                if key == "over":
                    body = body + " " + "We would love to learn more about your plans. " * 6
                status = "draft" if key or i % 5 else rng.choice(["approved", "rejected", "sent"])
                message_id = uuid.uuid4()
                if key:
                    messages[key] = message_id
                message_rows.append((message_id, tenant_id, contact_id, owner,
                                     campaigns["c1" if batch == "b1" else "c2"], batches[batch],
                                     channel, subject, body, status,
                                     round(rng.uniform(0.002, 0.03), 4)))
            await conn.executemany(
                "INSERT INTO contacts (id, tenant_id, company_id, owner_id, batch_id, full_name,"
                " job_title, contact_score, processed_enrich, enrichment_cost_usd)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", contact_rows)
            await conn.executemany(
                "INSERT INTO messages (id, tenant_id, contact_id, owner_id, campaign_id, batch_id,"
                " channel, subject, body, status, generation_cost_usd, tone)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7::message_channel, $8, $9,"
                " $10::message_review_status, $11, 'professional')", message_rows)
            await _seed_bulk(conn, tenant_id, owners["bulk"], batches["bulk"])
        admin_email, reviewer_email, bulk_email = (
            f"admin@{slug}.test", f"reviewer@{slug}.test", f"bulk@{slug}.test")
        async with admin_transaction(conn, actor="test-seed"):
            for email, role, owner, display in (
                (admin_email, "tenant_admin", owners["michal"], "Michal Dvorak"),
                (reviewer_email, "reviewer", owners["petra"], "Petra Svobodova"),
                (bulk_email, "reviewer", owners["bulk"], "Queue Tester"),
            ):
                user_id = await create_user(conn, tenant_id=tenant_id, email=email,
                                            password=PASSWORD, role=role, display_name=display)
                await conn.execute(
                    "UPDATE users SET owner_id = $1 WHERE tenant_id = $2 AND id = $3",
                    owner, tenant_id, user_id)
    finally:
        await conn.close()
    return DashboardTenant(id=tenant_id, slug=slug, name="Northwind Outreach", owners=owners,
                           batches=batches, admin_email=admin_email,
                           reviewer_email=reviewer_email, bulk_email=bulk_email,
                           messages=messages)


async def _seed_bulk(conn: asyncpg.Connection, tenant_id: uuid.UUID, owner: uuid.UUID,
                     batch: uuid.UUID) -> None:
    """10,000 drafts for one owner: a contact (and a company per 20 contacts) for each."""
    args = (tenant_id, owner, batch, BULK_DRAFTS)
    await conn.execute(
        """
        INSERT INTO companies (id, tenant_id, name, batch_id, owner_id, status, tier)
        SELECT md5($1::uuid::text || 'co' || g)::uuid, $1::uuid, 'Benelux Co ' || g,
               $3::uuid, $2::uuid,
               (ARRAY['new','triage_passed','enriched_l2','synced']::company_status[])[1 + g % 4],
               (ARRAY['tier_1_platinum','tier_2_gold','tier_3_silver','tier_4_bronze']
                 ::company_tier[])[1 + g % 4]
          FROM generate_series(1, $4::int / 20) g
        """, *args)
    await conn.execute(
        """
        INSERT INTO contacts (id, tenant_id, company_id, owner_id, batch_id, full_name,
                              job_title, contact_score)
        SELECT md5($1::uuid::text || 'ct' || g)::uuid, $1,
               md5($1::uuid::text || 'co' || (1 + g % ($4::int / 20)))::uuid, $2::uuid, $3::uuid,
               'Queue Contact ' || g, 'Operations Manager', (g * 37) % 100
          FROM generate_series(1, $4::int) g
        """, *args)
    # Fresh tables have no statistics: without ANALYZE the per-row trigger that copies the
    # contact's score onto each message plans a sequential scan of contacts (10k × 10k).
    await conn.execute("ANALYZE contacts")
    await conn.execute(
        """
        INSERT INTO messages (tenant_id, contact_id, owner_id, batch_id, channel, body, status)
        SELECT $1::uuid, md5($1::uuid::text || 'ct' || g)::uuid, $2::uuid, $3::uuid,
               'linkedin_connect',
               'Hello from the queue, number ' || g, 'draft'
          FROM generate_series(1, $4::int) g
        """, *args)
