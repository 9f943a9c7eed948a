"""Builders for the event-like tables: Activity, CRM Events, Tasks, research_directory,
audit_log — all hanging off companies and contacts already built."""

from __future__ import annotations

import json

from leadgen.airtable.generate import messy
from leadgen.airtable.generate.clock import DAY, iso_date, iso_ms
from leadgen.airtable.generate.context import Context, Dice, Row, number_value
from leadgen.airtable.generate.words import phrases, text
from leadgen.airtable.generate.world import Company, Contact, World

ACTIVITIES_PER_CONTACT = [0.55, 0.3, 0.1, 0.05]  # mean ≈ 0.65
EVENTS_PER_COMPANY = [0.78, 0.16, 0.06]  # mean ≈ 0.28
TASKS_PER_COMPANY = [0.7, 0.2, 0.1]  # mean ≈ 0.4
RESEARCH_PER_COMPANY = [0.15, 0.35, 0.35, 0.15]  # mean ≈ 1.5
AUDIT_PER_COMPANY = [0.4, 0.35, 0.15, 0.1]  # mean ≈ 0.95
ACTIVITY_VERBS = {
    "Email": "E-mail sent to",
    "LinkedIn": "LinkedIn message to",
    "Call": "Call with",
    "In Person": "Meeting with",
    "Manual": "Note about",
}
UNRELATED_COMPANIES = [
    "Acme Widgets",
    "Globex",
    "Initech GmbH",
    "Umbrella s.r.o.",
    "Hooli B.V.",
    "Stark Industries",
    "Pražská plynárenská",
]
AUDITED_FIELDS = {
    "Companies": ["Status", "Tier", "Notes", "Domain"],
    "Contacts": ["Message Status", "Owner", "Email Address", "Notes"],
}


def build_activities(ctx: Context, world: World) -> None:
    dice = ctx.dice("activity")
    for contact in world.contacts:
        for _ in range(dice.count(ACTIVITIES_PER_CONTACT)):
            when = ctx.later(dice, contact.row["createdTime"], 1, 120)
            row = world.add("Activity", ctx.new_row(when))
            f = row["fields"]
            source = ctx.select(dice, "Activity", "Source")
            f["Activity Name"] = f"{ACTIVITY_VERBS[source]} {contact.full_name}"
            if dice.chance(0.98):
                f["Contact"] = [contact.row["id"]]
                contact.activities.append(row)
            if dice.chance(0.85):
                owner = contact.owner or dice.pick(world.owners)
                f["Owner"] = [owner.row["id"]]
            f["Source"] = source if dice.chance(0.95) else None
            if dice.chance(0.97):
                f["Timestamp"] = iso_ms(ctx.clock.clamp(when - int(dice.between(0, 3600))))
            if dice.chance(0.9):
                f["Activity Type"] = "Event" if source in ("Call", "In Person") else "Message"
            if dice.chance(0.7):
                f["Activity Detail"] = text.paragraph(dice, phrases.NOTES, 1, 2)
            if dice.chance(0.6):
                f["External ID"] = f"{source.lower().replace(' ', '-')}:{ctx.ids.token(12)}"
            f["Processed"] = dice.chance(0.7)
            if contact.batches and dice.chance(0.6):
                f["batch_name"] = contact.batches[0]
            if dice.chance(0.25):
                f["Cost ($)"] = number_value(dice.between(0.0001, 0.02), 4)


def build_crm_events(ctx: Context, world: World) -> None:
    dice = ctx.dice("crm")
    seen_names: dict[str, int] = {}
    for company in world.companies:
        seen_names[company.name] = seen_names.get(company.name, 0) + 1
    for company in world.companies:
        n = dice.count(EVENTS_PER_COMPANY)
        if seen_names[company.name] > 1 and n == 0:
            n = 1  # every same-named company gets an event: "Company" then matches two
        for _ in range(n):
            _crm_event(ctx, dice, world, company)


def _crm_event(ctx: Context, dice: Dice, world: World, company: Company) -> None:
    when = ctx.later(dice, company.row["createdTime"], 10, 200)
    row = world.add("CRM Events", ctx.new_row(when))
    f = row["fields"]
    kind = ctx.select(dice, "CRM Events", "Event Type")
    f["Event Name"] = f"{kind}: {company.name}"
    f["Event Type"] = kind if dice.chance(0.95) else None
    if dice.chance(0.92):
        f["Event Date"] = iso_ms(when + int(dice.between(-2, 14) * DAY))
    roll = dice.rng.random()
    if roll < 0.08:
        f["Company"] = dice.pick(UNRELATED_COMPANIES)  # matches no company in the base
    elif roll < 0.93:
        f["Company"] = messy.company_as_typed(dice, company.name)
    if company.contacts and dice.chance(0.9):
        f["Participants"] = [c.row["id"] for c in dice.some(company.contacts, 1, 3)]
    if dice.chance(0.6):
        f["Summary"] = text.paragraph(dice, phrases.RESEARCH, 1, 3)
    if dice.chance(0.75):
        f["Event Outcome"] = ctx.select(dice, "CRM Events", "Event Outcome")
    if dice.chance(0.45):
        f["Next Steps"] = text.paragraph(dice, phrases.NOTES, 1, 2)
    if dice.chance(0.8):
        f["Created By"] = [dice.pick(world.owners).row["id"]]


def build_tasks(ctx: Context, world: World) -> None:
    dice = ctx.dice("tasks")
    for company in world.companies:
        for _ in range(dice.count(TASKS_PER_COMPANY)):
            when = ctx.later(dice, company.row["createdTime"], 5, 150)
            row = world.add("Tasks", ctx.new_row(when))
            f = row["fields"]
            f["Task Name"] = (
                dice.pick(
                    ["Follow up with", "Send deck to", "Call back", "Nachfassen:", "Zavolat:"]
                )
                + f" {company.name}"
            )
            if dice.chance(0.6):
                f["Task Detail"] = text.paragraph(dice, phrases.NOTES, 1, 2)
            if dice.chance(0.85):
                f["Owner"] = [dice.pick(world.owners).row["id"]]
            scheduled = ctx.later(dice, when, 1, 20)
            if dice.chance(0.8):
                f["Scheduled"] = iso_date(scheduled)
            if dice.chance(0.4):
                f["Completed"] = iso_date(ctx.later(dice, scheduled, 0, 5))
                if dice.chance(0.7):
                    f["Completion Detail"] = dice.pick(phrases.NOTES)
            if dice.chance(0.3):
                f["Calendar ID"] = f"{ctx.ids.token(26).lower()}@google.com"
            contacts: list[Contact] = []
            if company.contacts and dice.chance(0.9):
                contacts = dice.some(company.contacts, 1, 2)
                f["Contacts"] = [c.row["id"] for c in contacts]
            activities = [a for c in contacts for a in c.activities]
            if activities and dice.chance(0.6):
                f["Activities"] = [a["id"] for a in dice.some(activities, 1, 2)]


def build_research(ctx: Context, world: World) -> None:
    dice = ctx.dice("research")
    tools = ctx.choices("research_directory", "tool_name")
    for company in world.companies:
        for i in range(dice.count(RESEARCH_PER_COMPANY)):
            when = ctx.later(dice, company.row["createdTime"], 0.1, 30)
            row = world.add("research_directory", ctx.new_row(when))
            f = row["fields"]
            tool = dice.pick(tools)
            f["name"] = f"{tool} – {company.name} – L{i + 1}"
            roll = dice.rng.random()
            contact = dice.pick(company.contacts) if company.contacts else None
            # Polymorphic: a company asset, a contact asset, rarely both or neither.
            if roll < 0.7 or contact is None:
                f["company"] = [company.row["id"]] if roll < 0.98 else None
            elif roll < 0.95:
                f["contact"] = [contact.row["id"]]
            else:
                f["company"], f["contact"] = [company.row["id"]], [contact.row["id"]]
            f["tool_name"] = tool if dice.chance(0.95) else None
            if dice.chance(0.5):
                config = {
                    "model": dice.pick(["sonar-pro", "claude-3-5-sonnet", "gpt-4o"]),
                    "temperature": dice.pick([0, 0.2, 0.7]),
                }
                f["tool_config"] = json.dumps(config)
            if dice.chance(0.85):
                f["cost_usd"] = number_value(dice.between(0.0005, 0.4), 4)
            if dice.chance(messy.LONG_TEXT_RATE):
                f["research_data"] = text.long_text(dice, company.name)
            elif dice.chance(0.9):
                f["research_data"] = text.paragraph(dice, phrases.RESEARCH, 2, 8)
            if dice.chance(0.7):
                f["confidence_score"] = int(dice.between(0, 101))
            if dice.chance(0.6):
                f["quality_score"] = dice.rng.randint(1, 5)


def build_audit_log(ctx: Context, world: World) -> None:
    dice = ctx.dice("audit")
    batches = ctx.choices("Contacts", "batch_name")
    people = [o.name for o in world.owners] + ["n8n", "automation", "Michal (API)"]
    for company in world.companies:
        for _ in range(dice.count(AUDIT_PER_COMPANY)):
            when = ctx.later(dice, company.row["createdTime"], 0.1, 90)
            row = world.add("audit_log", ctx.new_row(when))
            _audit_fields(ctx, dice, row, company, batches, people)


def _audit_fields(
    ctx: Context, dice: Dice, row: Row, company: Company, batches: list[str], people: list[str]
) -> None:
    f = row["fields"]
    target: Row = company.row
    table = "Companies"
    if company.contacts and dice.chance(0.5):
        target, table = dice.pick(company.contacts).row, "Contacts"
    # The audited field belongs to the audited table: its own select values, owners or notes.
    field_name = "batch_name" if dice.chance(0.2) else dice.pick(AUDITED_FIELDS[table])
    f["Event"] = dice.pick(["update", "update", "create", "status_change", "delete"])
    if dice.chance(0.95):
        f["Table"] = table if dice.chance(0.9) else table.lower()
    if dice.chance(0.9):
        # Some audit rows point at records deleted since: IDs no table holds any more.
        f["Record ID"] = target["id"] if dice.chance(0.95) else ctx.ids.new("rec")
    if dice.chance(0.8):
        f["Field"] = field_name
    if field_name == "batch_name":
        old, new = dice.pick(batches), dice.pick(batches)
        old_text, new_text = (
            messy.batch_label_variant(dice, old),
            messy.batch_label_variant(dice, new),
        )
    elif field_name in ("Status", "Tier", "Message Status"):
        old_text, new_text = (ctx.select(dice, table, field_name) for _ in range(2))
    elif field_name == "Owner":
        old_text, new_text = dice.pick(people), dice.pick(people)
    else:
        old_text, new_text = dice.pick(phrases.NOTES), dice.pick(phrases.NOTES)
    if dice.chance(0.6):
        f["Old Value"] = old_text
    if dice.chance(0.8):
        f["New Value"] = new_text
    if dice.chance(0.85):
        f["Changed By"] = dice.pick(people)
    if dice.chance(0.95):
        f["Changed At"] = iso_ms(ctx.clock.clamp(row["createdTime"] + int(dice.between(0, 60))))
