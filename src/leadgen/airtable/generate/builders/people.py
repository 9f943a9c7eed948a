"""Builders for Contacts and their Messages (built together: legacy text is shared).

Contacts created before the Messages table existed carry their outreach in the 12 legacy
fields; for about half of them the same texts were later copied into Messages records.
"""

from __future__ import annotations

from leadgen.airtable.generate import messy
from leadgen.airtable.generate.clock import iso_ms
from leadgen.airtable.generate.context import Context, Dice, Row, number_value
from leadgen.airtable.generate.words import names, phrases, text
from leadgen.airtable.generate.world import MESSAGES_TABLE_INTRODUCED, Company, Contact, World

CONTACTS_PER_COMPANY = [0.04, 0.06, 0.1, 0.16, 0.22, 0.18, 0.12, 0.08, 0.04]  # mean ≈ 4.1
MESSAGES_PER_CONTACT = [0.08, 0.05, 0.35, 0.42, 0.1]  # mean ≈ 2.4
ORPHAN_CONTACT_RATE = 0.02  # per company: a contact whose Company link is empty
TWO_COMPANY_RATE = 0.003  # contacts linked to two companies (prefersSingleRecordLink unenforced)
LEGACY_RATE = 0.7  # of contacts older than the Messages table
LEGACY_COPIED_RATE = 0.5  # of those with messages: legacy texts reused as Messages bodies
SEQUENCE = [
    ("LinkedIn Connect", 1),
    ("Email", 1),
    ("LinkedIn Message", 1),
    ("Email", 2),
    ("Call Script", 1),
    ("Email", 3),
]
MESSAGE_STATUS = {
    "Draft": 30,
    "Approved": 20,
    "Rejected": 8,
    "Sent": 20,
    "Delivered": 10,
    "Replied": 5,
}
LEGACY_FIELD_FOR = {
    ("LinkedIn Connect", 1): ("LinkedIn Connect Message", None),
    ("LinkedIn Message", 1): ("LinkedIn Message 1", None),
    ("Email", 1): ("Email Body 1", "Email Subject 1"),
    ("Email", 2): ("Email Body 2", "Email Subject 2"),
    ("Email", 3): ("Email Body 3", "Email Subject 3"),
    ("Call Script", 1): ("Call Script", None),
}
SELECTS = {
    "Seniority Level": 0.85,
    "Department": 0.8,
    "ICP Fit": 0.65,
    "Relationship Status": 0.7,
    "Contact Source": 0.6,
}
LANGUAGE_CHOICE = {"German": "German", "Czech": "Czech", "Dutch": "Dutch", "English": "English"}


def build_contacts(ctx: Context, world: World) -> None:
    dice = ctx.dice("contacts")
    mdice = ctx.dice("messages")
    for company in world.companies:
        n = dice.count(CONTACTS_PER_COMPANY)
        for _ in range(n):
            _contact(ctx, dice, mdice, world, company)
        if dice.chance(ORPHAN_CONTACT_RATE):
            _contact(ctx, dice, mdice, world, company, orphan=True)


def _contact(
    ctx: Context, dice: Dice, mdice: Dice, world: World, company: Company, orphan: bool = False
) -> None:
    language = company.language if dice.chance(0.85) else dice.pick(list(names.FIRST_NAMES))
    first, last = text.person(dice, language)
    full = f"{first} {last}".strip()
    created = ctx.later(dice, company.row["createdTime"], 0, 14)
    row = world.add("Contacts", ctx.new_row(created))
    owner = company.owner if dice.chance(0.9) else None
    batches = [company.batch] if company.batch and dice.chance(0.92) else []
    if batches and dice.chance(messy.TWO_BATCH_CONTACT_RATE):
        other = dice.pick([b for b in ctx.choices("Contacts", "batch_name") if b != batches[0]])
        batches = [b for b in ctx.choices("Contacts", "batch_name") if b in (batches[0], other)]
    contact = Contact(row, first, full, None if orphan else company, owner, language, batches)
    f = row["fields"]
    f["Full Name"] = full if dice.chance(0.97) else f"  {full} "  # stray spaces, as typed
    if not orphan:
        f["Company"] = [company.row["id"]]
        if len(world.companies) > 1 and dice.chance(TWO_COMPANY_RATE):
            f["Company"].append(dice.pick(world.companies).row["id"])
            f["Company"] = list(dict.fromkeys(f["Company"]))
        company.contacts.append(contact)
    if owner:
        f["Owner"] = [owner.row["id"]]
    if dice.chance(0.7):
        who = [owner.name] if owner and owner.name in ("Michal", "Anton") else []
        if dice.chance(0.1):
            who = ["Michal", "Anton"] if dice.chance(0.5) else ["Anton"]  # drifted from link
        f["Contact of"] = who
    f["batch_name"] = batches
    _profile_fields(ctx, dice, contact, company)
    world.contacts.append(contact)
    legacy = created < ctx.clock.at(MESSAGES_TABLE_INTRODUCED) and dice.chance(LEGACY_RATE)
    if legacy or dice.chance(0.02):
        _legacy_fields(ctx, dice, contact, company)
    _messages(
        ctx, mdice, world, contact, company, copy_legacy=legacy and mdice.chance(LEGACY_COPIED_RATE)
    )


def _profile_fields(ctx: Context, dice: Dice, contact: Contact, company: Company) -> None:
    f = contact.row["fields"]
    _, _, _, phone_prefix, cities = names.COUNTRIES[company.country]
    seniority = ctx.select(dice, "Contacts", "Seniority Level")
    if dice.chance(0.9):
        f["Job Title"] = dice.pick(phrases.JOB_TITLES[seniority])
    last = contact.full_name.partition(" ")[2]
    if dice.chance(0.75):
        f["Email Address"] = text.email(contact.first, last, company.domain, dice)
    if dice.chance(0.85):
        f["LinkedIn URL"] = text.linkedin_url(contact.first, last, dice)
    if dice.chance(0.3):
        f["Phone Number"] = text.phone(phone_prefix, dice)
    if dice.chance(0.35):
        expires = (ctx.clock.now + 2 * 3600) * 1000
        slug = text.ascii_slug(contact.full_name) or "photo"
        files = [f"{slug}.jpg" if dice.chance(0.8) else "profile.png"]
        if dice.chance(0.1):
            files.append("cv.pdf")
        f["Profile Photo"] = [messy.attachment(dice, ctx.ids, n, expires) for n in files]
    for select, rate in SELECTS.items():
        if dice.chance(rate):
            f[select] = (
                seniority if select == "Seniority Level" else ctx.select(dice, "Contacts", select)
            )
    if dice.chance(0.7):
        f["Location City"] = dice.pick(cities)
    if dice.chance(0.75):
        f["Location Country"] = company.country
    if dice.chance(0.9):
        f["Language"] = LANGUAGE_CHOICE[contact.language]
    if dice.chance(0.15):
        f["AI Champion"] = True
    for score, rate in (
        ("AI Champion Score", 0.5),
        ("Authority Score", 0.6),
        ("Contact Score", 0.7),
    ):
        if dice.chance(rate):
            f[score] = int(dice.between(0, 101))
    if dice.chance(0.75):
        f["Enrichment Cost ($)"] = number_value(dice.between(0.001, 0.35), 4)
    processed = dice.chance(0.6)
    f["processed_enrich"] = processed
    f["email_lookup"] = dice.chance(0.5)
    f["duplicity_check"] = dice.chance(0.55)
    conflict = dice.chance(0.04)
    f["duplicity_conflict"] = conflict
    if conflict or dice.chance(0.01):
        f["duplicity_detail"] = f"Possible duplicate of {contact.full_name} (same LinkedIn URL)"
    if dice.chance(0.15):
        f["Notes"] = dice.pick(phrases.NOTES)
    if dice.chance(0.05):
        f["Error"] = dice.pick(phrases.ERRORS)
    for blob, rate in (
        ("Person Summary", 0.55),
        ("LinkedIn Profile Summary", 0.5),
        ("Relationship Synthesis", 0.3),
    ):
        if dice.chance(rate):
            f[blob] = text.paragraph(dice, phrases.RESEARCH, 1, 3)
    if processed and dice.chance(0.9):
        f["Enriched At"] = iso_ms(ctx.later(dice, contact.row["createdTime"], 0.1, 5))
    if dice.chance(0.45):
        f["Person Enrichment Cost ($)"] = number_value(dice.between(0.001, 0.2), 4)


def _legacy_fields(ctx: Context, dice: Dice, contact: Contact, company: Company) -> None:
    f = contact.row["fields"]
    lang, name = contact.language, company.name
    signature = contact.owner.signature if contact.owner else ""
    for body_field, subject_field in LEGACY_FIELD_FOR.values():
        if not dice.chance(0.85):
            continue
        if body_field == "LinkedIn Connect Message":
            f[body_field] = text.message(dice, lang, contact.first, name, "")[:300]
        elif body_field == "Call Script":
            script = text.paragraph(dice, phrases.MESSAGE_BODY[lang], 3, 5)
            f[body_field] = script.replace("{company}", name)
        else:
            f[body_field] = text.message(dice, lang, contact.first, name, signature)
        if subject_field:
            f[subject_field] = text.subject(dice, lang, name)
    if dice.chance(0.6):
        f["LinkedIn Message 2"] = text.message(dice, lang, contact.first, name, "")
    if dice.chance(0.8):
        f["Message Tone"] = ctx.select(dice, "Contacts", "Message Tone")
    f["Message Generated At"] = iso_ms(ctx.later(dice, contact.row["createdTime"], 1, 9))


def _messages(
    ctx: Context, dice: Dice, world: World, contact: Contact, company: Company, copy_legacy: bool
) -> None:
    n = dice.count(MESSAGES_PER_CONTACT)
    cf = contact.row["fields"]
    statuses: list[str] = []
    when = ctx.later(dice, contact.row["createdTime"], 0.5, 20)
    for channel, step in SEQUENCE[:n]:
        when = ctx.later(dice, when, 0.02, 4)
        row: Row = world.add("Messages", ctx.new_row(when))
        f = row["fields"]
        if dice.chance(0.997):  # a few orphaned messages lost their contact
            f["Contact"] = [contact.row["id"]]
        owner = contact.owner if dice.chance(0.9) else dice.pick(world.owners)
        if owner and owner.sells:
            f["Owner"] = [owner.row["id"]]
        campaign = _campaign_for(world, contact.batches, channel)
        if campaign and dice.chance(0.8):
            f["Campaign"] = [campaign]
        f["Channel"] = channel if dice.chance(0.97) else None
        f["Sequence Step"] = step if dice.chance(0.95) else None
        if dice.chance(0.6):
            f["Variant"] = ctx.select(dice, "Messages", "Variant")
        body_field, subject_field = LEGACY_FIELD_FOR[(channel, step)]
        if copy_legacy and body_field in cf:
            f["Body"] = cf[body_field]
            f["Subject"] = cf.get(subject_field) if subject_field else None
        else:
            lang = contact.language
            signature = owner.signature if owner else ""
            if dice.chance(0.96):
                f["Body"] = text.message(dice, lang, contact.first, company.name, signature)
            if channel == "Email" and dice.chance(0.95):
                f["Subject"] = text.subject(dice, lang, company.name)
        status = ctx.select(dice, "Messages", "Status", MESSAGE_STATUS)
        if dice.chance(0.95):
            f["Status"] = status
            statuses.append(status)
        if dice.chance(0.8):
            f["Tone"] = ctx.select(dice, "Messages", "Tone")
        if dice.chance(0.9):
            f["Language"] = LANGUAGE_CHOICE[contact.language]
        if dice.chance(0.85):
            f["Generation Cost ($)"] = number_value(dice.between(0.0005, 0.05), 4)
        if status in ("Approved", "Sent", "Delivered", "Replied") and dice.chance(0.9):
            approved = ctx.later(dice, when, 0.01, 2)
            f["Approved At"] = iso_ms(approved)
            if status != "Approved" and dice.chance(0.95):
                f["Sent At"] = iso_ms(ctx.later(dice, approved, 0.01, 1))
        if contact.batches and dice.chance(0.85):
            f["batch_name"] = contact.batches[-1]
        if dice.chance(0.8 if status == "Rejected" else 0.05):
            f["Review Notes"] = dice.pick(
                [
                    "Too long",
                    "Wrong name ✏️",
                    "Tone too salesy",
                    "Bitte auf Deutsch",
                    "OK after edits",
                ]
            )
    if dice.chance(0.85):
        reachable = "Email Address" in cf or "LinkedIn URL" in cf
        cf["Message Status"] = _message_status(dice, statuses, n, reachable)


def _campaign_for(world: World, batches: list[str], channel: str) -> str | None:
    wanted = (
        ("LinkedIn", "Multi-channel")
        if channel.startswith("LinkedIn")
        else ("Email", "Multi-channel")
    )
    for campaign in world.campaigns:
        if campaign.batch in batches and campaign.channel in wanted:
            return str(campaign.row["id"])
    return None


def _message_status(dice: Dice, statuses: list[str], n: int, reachable: bool) -> str:
    """The contact's roll-up of its messages, as the n8n workflow maintained it."""
    if n == 0:
        if not reachable:
            return "No Channel"
        return "Generating" if dice.chance(0.2) else "Not Started"
    for have, result in (
        ("Replied", "Replied"),
        ("Sent", "Sent"),
        ("Delivered", "Sent"),
        ("Approved", "Approved"),
        ("Draft", "Pending Review"),
    ):
        if have in statuses:
            return result
    return "Generation Failed"
