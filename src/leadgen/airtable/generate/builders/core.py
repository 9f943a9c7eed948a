"""Builders for Owners, Campaigns and Companies — the rows everything else links to."""

from __future__ import annotations

from leadgen.airtable.generate import messy
from leadgen.airtable.generate.clock import DAY, iso_ms
from leadgen.airtable.generate.context import Context, Dice, number_value
from leadgen.airtable.generate.words import names, phrases, text
from leadgen.airtable.generate.world import (
    BATCH_ORDER,
    BATCH_WEIGHTS,
    BATCH_WINDOWS,
    Campaign,
    Company,
    Owner,
    World,
)

L2_FIELDS = [
    "Company Intel",
    "Recent News",
    "AI Opportunities",
    "Pain Hypothesis",
    "Relevant Case Study",
    "Digital Initiatives",
    "Leadership Changes",
    "Hiring Signals",
    "Key Products",
    "Customer Segments",
    "Competitors",
    "Tech Stack",
    "Funding History",
    "EU Grants",
    "Leadership Team",
    "AI Hiring",
    "Tech Partnerships",
    "Certifications",
    "Quick Wins",
    "Industry Pain Points",
    "Cross-Functional Pain",
    "Adoption Barriers",
    "Competitor AI Moves",
]
L2_STATUSES = {"Enriched L2", "Synced", "Needs Review", "Error pushing to Lemlist"}
FAILED_STATUSES = {"Enrichment Failed", "Enrichment L2 Failed", "Error pushing to Lemlist"}
STATUS_WEIGHTS = {
    "New": 1.5,
    "Enrichment Failed": 0.4,
    "Triage: Passed": 1.0,
    "Triage: Review": 0.5,
    "Triage: Disqualified": 0.8,
    "Enrichment L2 Failed": 0.3,
    "Enriched L2": 2.0,
    "Synced": 2.0,
    "Needs Review": 0.6,
    "Enriched": 1.2,
    "Error pushing to Lemlist": 0.2,
}
MULTI_RATES = {
    "Risk / Exclusion Flags": 0.15,
    "Opportunity Themes": 0.55,
    "Trigger Events": 0.4,
    "AI Use Cases": 0.5,
    "Pain Areas": 0.55,
    "Opportunity Areas": 0.5,
    "Strategic Signals": 0.35,
}
SELECT_RATES = {
    "Tier": 0.9,
    "Business Model": 0.85,
    "Company Size": 0.85,
    "Ownership Type": 0.8,
    "Industry": 0.88,
    "Industry Category": 0.7,
    "Revenue Range": 0.75,
    "Buying Stage": 0.6,
    "Engagement Status": 0.7,
    "CRM Status": 0.65,
    "AI Adoption": 0.6,
    "News Confidence": 0.5,
    "Business Type": 0.7,
    "Cohort": 0.3,
}
COUNTRY_NAMES = list(names.COUNTRY_WEIGHTS)
COUNTRY_WEIGHTS = list(names.COUNTRY_WEIGHTS.values())
BATCH_NUMBER = {"pilot": 0.5, "batch-1": 1, "batch-2": 2, "batch-3": 3, "batch-4 DACH": 4}


def owner_count(companies: int) -> int:
    return 2 + min(len(names.OWNER_PROFILES) - 2, companies // 25)


def build_owners(ctx: Context, world: World, companies: int) -> None:
    dice = ctx.dice("owners")
    for i, profile in enumerate(names.OWNER_PROFILES[: owner_count(companies)]):
        row = world.add("Owners", ctx.new_row(ctx.clock.start - (30 - i) * DAY))
        f = row["fields"]
        name = profile["name"]
        f["Name"] = name
        f["Email"] = profile["email"]
        first = name.split()[0]
        if i < 4:
            f["LinkedIn Profile URL"] = text.linkedin_url(name, "visionvolve", dice)
        signature = ""
        if i < 3:
            signature = f"{name}\nVisionVolve · AI for the Mittelstand\n+420 777 000 00{i} 🚀"
            f["Signature Block"] = signature
        f["Lemlist Configured"] = i < 3
        if i < 2:
            f["Lemlist Default Campaign"] = messy.batch_label_variant(dice, "batch-2") + " – Email"
        f["Default Tone"] = profile["tone"]
        f["Default Language"] = profile["lang"]
        f["Active"] = i < 4 or i == 5
        world.owners.append(
            Owner(row, first if i < 2 else name, profile["lang"] or "English", signature, i < 4)
        )


def build_campaigns(ctx: Context, world: World, companies: int) -> None:
    dice = ctx.dice("campaigns")
    channels = ctx.choices("Campaigns", "Channel")
    sellers = [o for o in world.owners if o.sells]
    for i in range(3 + min(9, companies // 20)):
        # The first campaigns belong to batches; every sixth is a general one without a batch.
        batch = None if i % 6 == 5 else BATCH_ORDER[i % len(BATCH_ORDER)]
        start = BATCH_WINDOWS[batch][0] if batch else 0.5
        row = world.add("Campaigns", ctx.new_row(ctx.clock.at(start) + i * 3600))
        f = row["fields"]
        channel = channels[i % len(channels)] if i % 7 != 6 else None
        label = messy.batch_label_variant(dice, batch) if batch else "Evergreen"
        f["Campaign Name"] = f"{label} – {channel or 'Draft'} #{i + 1}"
        if dice.chance(0.8):
            f["Lemlist Campaign ID"] = "cam_" + ctx.ids.token(17)
        f["Channel"] = channel
        f["batch_name"] = batch
        f["Active"] = dice.chance(0.6)
        if i % 8 != 7:
            f["Owner"] = [sellers[i % len(sellers)].row["id"]]
        world.campaigns.append(Campaign(row, batch, channel))


def _company_identity(dice: Dice, world: World, used: set[str]) -> tuple[str, str, str, str]:
    """(name, domain, language, country): unique, except a planned share of exact twins."""
    country = dice.weighted(COUNTRY_NAMES, COUNTRY_WEIGHTS)
    _, language, tld, _, cities = names.COUNTRIES[country]
    if world.companies and dice.chance(messy.DUPLICATE_COMPANY_NAME_RATE):
        twin = dice.pick(world.companies)
        # Same name, different entity (another country / domain): "two companies match".
        return twin.name, f"{text.ascii_slug(twin.name)}.{tld}", language, country
    for _ in range(6):  # redraw accidental clashes; a big base can still exhaust the parts
        if country == "Japan" or dice.chance(0.003):
            head, legal, stem = dice.pick(names.CJK_COMPANIES), "", "jp-" + _random_stem(dice)
        else:
            head, legal, stem = text.company_name(dice, language)
        name = f"{head} {legal}".strip()
        if name not in used:
            break
    n = 1
    while name in used:
        # Qualify it the way real firms do: a city before the legal form (then a number).
        city = dice.pick(cities) + ("" if n == 1 else f" {n}")
        name = f"{head} {city} {legal}".strip()
        stem, n = f"{stem}-{text.ascii_slug(city)}", n + 1
    used.add(name)
    return name, f"{stem}.{tld}", language, country


def _random_stem(dice: Dice) -> str:
    return format(dice.rng.randrange(16**6), "x")


def build_companies(ctx: Context, world: World, companies: int) -> None:
    dice = ctx.dice("companies")
    sellers = [o for o in world.owners if o.sells]
    owner_weights = [40, 35, 15, 10][: len(sellers)]
    used: set[str] = set()
    for _ in range(companies):
        batch = None if dice.chance(0.05) else dice.weighted(BATCH_ORDER, BATCH_WEIGHTS)
        lo, hi = BATCH_WINDOWS[batch] if batch else (0.0, 0.95)
        name, domain, language, country = _company_identity(dice, world, used)
        if batch == "batch-4 DACH" and names.COUNTRIES[country][0] != "DACH" and dice.chance(0.8):
            batch = "batch-3"  # the DACH batch is (mostly) DACH companies
        row = world.add("Companies", ctx.new_row(ctx.clock.at(dice.between(lo, hi))))
        owner = dice.weighted(sellers, owner_weights) if dice.chance(0.85) else None
        company = Company(row, name, domain, language, country, batch, owner)
        _company_fields(ctx, dice, world, company)
        world.companies.append(company)


def _company_fields(ctx: Context, dice: Dice, world: World, company: Company) -> None:
    f = company.row["fields"]
    region, _, _, _, cities = names.COUNTRIES[company.country]
    f["Company Name"] = company.name
    if dice.chance(0.95):
        f["Domain"] = messy.domain_as_written(dice, company.domain)
    f["batch_name"] = company.batch
    if company.owner:
        f["Account Owner Link"] = [company.owner.row["id"]]
    if dice.chance(0.6):
        # The legacy text owner drifts from the link: case, initials, or another person.
        who = company.owner.name if company.owner and dice.chance(0.9) else "Anton"
        f["Account Owner"] = dice.pick([who, who, who.lower(), f"{who} K.", f"{who} "])
    status = ctx.select(dice, "Companies", "Status", STATUS_WEIGHTS) if dice.chance(0.97) else None
    f["Status"] = status
    for select, rate in SELECT_RATES.items():
        if dice.chance(rate):
            f[select] = ctx.select(dice, "Companies", select)
    if dice.chance(0.92):
        f["Geo Region"] = region
    if company.row["createdTime"] < ctx.clock.at(0.25) and dice.chance(0.5):
        f["Priority (old)"] = ctx.select(dice, "Companies", "Priority (old)")
    for multi, rate in MULTI_RATES.items():
        if dice.chance(rate):
            f[multi] = ctx.multi(dice, "Companies", multi)
    if dice.chance(0.8):
        f["Triage Score"] = number_value(dice.between(0, 10), 1)
    if dice.chance(0.5):
        f["Verified Revenue (€M)"] = number_value(dice.between(0.3, 30) ** 2, 1)
    if dice.chance(0.55):
        f["Verified Employees"] = int(dice.between(5, 5000) * dice.between(0.2, 4))
    if dice.chance(0.8):
        f["Enrichment Cost ($)"] = number_value(dice.between(0.002, 0.9), 4)
    if dice.chance(0.7):
        f["Pre-Score"] = number_value(dice.between(0, 100), 1)
    if company.batch and dice.chance(0.8):
        f["Batch Number"] = BATCH_NUMBER[company.batch]
    has_l2 = status in L2_STATUSES
    for name in L2_FIELDS:
        if dice.chance(0.85 if has_l2 else 0.04):
            f[name] = _l2_text(dice, ctx, name, company)
    if dice.chance(0.15):
        tools = dice.some(ctx.choices("research_directory", "tool_name"), 1, 3)
        f["research_directory"] = "; ".join(
            f"{t} run {iso_ms(company.row['createdTime'] + DAY)[:10]}" for t in tools
        )
    if dice.chance(0.5):
        f["Summary"] = text.paragraph(dice, phrases.RESEARCH, 1, 3)
    if dice.chance(0.85):
        f["HQ City"] = dice.pick(cities)
    if dice.chance(0.88):
        f["HQ Country"] = company.country if dice.chance(0.9) else company.country.upper()
    if dice.chance(0.4):
        f["Triage Notes"] = text.paragraph(dice, phrases.RESEARCH, 1, 2)
    if status in FAILED_STATUSES or dice.chance(0.02):
        f["Error Message"] = dice.pick(phrases.ERRORS)
    if dice.chance(0.2):
        f["Notes"] = dice.pick(phrases.NOTES)
    f["Lemlist Synced"] = status == "Synced" or dice.chance(0.05)


def _l2_text(dice: Dice, ctx: Context, name: str, company: Company) -> str:
    if name == "Quick Wins":
        themes = ctx.choices("Companies", "Opportunity Themes")
        return messy.quick_wins(dice, dice.some(themes, 1, 4))
    if name == "Company Intel" and dice.chance(messy.LONG_TEXT_RATE):
        return text.long_text(dice, company.name)
    if name == "Recent News":
        return text.paragraph(dice, phrases.NEWS, 1, 3)
    return text.paragraph(dice, phrases.RESEARCH, 1, 5)
