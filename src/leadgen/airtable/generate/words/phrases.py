"""Sentence pools for free text: research blobs (mostly English, as the AI wrote them),
outreach messages per language, and short notes with the odd emoji or CJK character."""

from __future__ import annotations

RESEARCH: list[str] = [
    "The company runs three plants and ships mostly to automotive OEMs.",
    "Revenue grew roughly 12% last year, driven by exports to the DACH region.",
    "Management publicly mentioned an ERP replacement planned for 2025.",
    "They are hiring data engineers and a Head of Digital Transformation.",
    "Most order intake still arrives by e-mail and is keyed in by hand.",
    "A new CEO joined from a private-equity background in Q2.",
    "The website lists ISO 9001 and ISO 27001 certifications.",
    "Customer service is handled by a 15-person team in two shifts.",
    "Competitors have started using computer vision for quality inspection.",
    "Funding: Series B of €18M led by a Munich-based fund.",
    "They received an EU Horizon grant for a digital twin pilot.",
    "Key products include precision gears, hydraulic valves and spare-part services.",
    "Tech stack signals: SAP ECC, Microsoft 365, Power BI, Azure, some on-prem SQL Server.",
    "LinkedIn shows 14 open roles, four of them in IT and data.",
    "A partnership with Siemens for predictive maintenance was announced.",
    "Forecasting is done in Excel by the sales-ops team every month.",
    "Pain hypothesis: manual quote preparation takes 3–5 days per request.",
    "Quick win: automate invoice matching in accounts payable.",
    "The annual report mentions cost pressure from energy prices.",
    "Die Geschäftsführung plant laut Pressemitteilung eine Digitalisierungsoffensive.",
    "Společnost rozšiřuje výrobu v Brně a hledá nové dodavatele automatizace.",
    "Het bedrijf investeert in een nieuw distributiecentrum bij Rotterdam.",
    "No reliable news found in the last 12 months.",
    "Source: company website, LinkedIn, Handelsregister, press releases (2023–2024).",
    "Confidence is medium: two sources disagree on headcount (≈250 vs ≈400).",
    "Their case study with a logistics client reduced manual work by ~30%.",
    "The IT team is small (≈6 FTE) and relies on an external SAP partner.",
    "Board mandate to evaluate generative AI for customer support by year end.",
    "Relevant case study: document AI for delivery notes at a mid-sized distributor.",
    "Adoption barriers: works council approval, data quality, legacy MES.",
]

NEWS: list[str] = [
    "Opened a second production site in Poland (press release).",
    "Announced acquisition of a smaller competitor.",
    "Appointed a new CFO; previous CFO left after 11 years.",
    "Won a framework contract with Deutsche Bahn.",
    "Featured in Handelsblatt on mid-sized champions.",
    "Získali ocenění Firma roku v Jihomoravském kraji.",
    "Nieuwe CEO aangesteld per 1 januari.",
]

GREETING: dict[str, list[str]] = {
    "German": ["Hallo {first},", "Guten Tag {first},", "Liebe/r {first},"],
    "Czech": ["Dobrý den {first},", "Ahoj {first},", "Dobrý den,"],
    "Dutch": ["Hoi {first},", "Beste {first},", "Goedemiddag {first},"],
    "English": ["Hi {first},", "Hello {first},", "Dear {first},"],
}
MESSAGE_BODY: dict[str, list[str]] = {
    "German": [
        "Ich habe gesehen, dass {company} gerade stark wächst – Glückwunsch!",
        "Viele Mittelständler kämpfen mit manueller Auftragserfassung.",
        "Wir helfen Teams wie Ihrem, Angebote in Stunden statt Tagen zu erstellen.",
        "Hätten Sie nächste Woche 20 Minuten für einen kurzen Austausch?",
        "Ein Kunde aus Ihrer Branche spart damit rund 30 % Aufwand.",
    ],
    "Czech": [
        "Všiml jsem si, že {company} rozšiřuje výrobu – gratuluji!",
        "Mnoho firem řeší ruční zpracování objednávek.",
        "Pomáháme týmům zkrátit přípravu nabídek z dnů na hodiny.",
        "Měl(a) byste příští týden 20 minut na krátký hovor?",
        "Jeden z našich zákazníků tím ušetřil zhruba 30 % času.",
    ],
    "Dutch": [
        "Ik zag dat {company} flink groeit – gefeliciteerd!",
        "Veel bedrijven worstelen nog met handmatige orderverwerking.",
        "Wij helpen teams om offertes in uren in plaats van dagen te maken.",
        "Heeft u volgende week 20 minuten voor een kort gesprek?",
        "Een klant in uw sector bespaart hiermee zo'n 30% tijd.",
    ],
    "English": [
        "I noticed {company} is expanding – congratulations!",
        "Many mid-sized firms still process orders by hand.",
        "We help teams like yours turn quotes around in hours, not days.",
        "Would you have 20 minutes next week for a quick chat?",
        "A customer in your industry cut manual work by about 30% with this.",
    ],
}
SIGN_OFF: dict[str, list[str]] = {
    "German": ["Viele Grüße", "Beste Grüße", "Schöne Grüße aus Prag"],
    "Czech": ["S pozdravem", "Hezký den", "Díky"],
    "Dutch": ["Met vriendelijke groet", "Groet", "Hartelijke groet"],
    "English": ["Best regards", "Cheers", "Kind regards"],
}
SUBJECTS: dict[str, list[str]] = {
    "German": ["Kurze Frage zu {company}", "Idee für Ihr Vertriebsteam", "Angebote schneller?"],
    "Czech": ["Krátký dotaz – {company}", "Nápad pro váš tým", "Rychlejší nabídky?"],
    "Dutch": ["Korte vraag over {company}", "Idee voor uw team", "Sneller offertes?"],
    "English": ["Quick question about {company}", "An idea for your team", "Faster quotes?"],
}
EMOJI: list[str] = ["🚀", "👋", "🙂", "✅", "📈", "🤝", "🇩🇪", "🇨🇿", "🇳🇱", "💡"]

NOTES: list[str] = [
    "Met at Hannover Messe, interested in a pilot.",
    "Called twice, no answer. Try again after holidays 🎄",
    "Prefers e-mail over LinkedIn.",
    "Bitte nicht vor 10 Uhr anrufen.",
    "Chce nabídku do konce měsíce.",
    "Graag in het Nederlands communiceren.",
    "Duplicate? Same person as in batch-1 list.",
    "Owner changed, check with Michal.",
    "Sent deck v3 ✅",
    "Gatekeeper: assistant 佐藤さん handles scheduling.",
    "Budget frozen until Q3 💸",
    "Wrong company mapping fixed manually.",
]
ERRORS: list[str] = [
    "Perplexity timeout after 60s",
    "HTTP 429 from enrichment provider; retried 3x",
    "JSON parse error: Unexpected token } in JSON at position 812",
    "Lemlist API: lead already exists in another campaign",
    "Domain did not resolve (NXDOMAIN)",
    "OpenAI: context_length_exceeded",
]
JOB_TITLES: dict[str, list[str]] = {
    "C-Level": ["CEO", "CTO", "CFO", "COO", "Chief Digital Officer", "Geschäftsführer", "Jednatel"],
    "VP": ["VP Sales", "VP Engineering", "VP Operations"],
    "Director": ["Director of IT", "Head of Digital", "Leiter Produktion", "Ředitel výroby"],
    "Manager": ["IT Manager", "Sales Manager", "Operations Manager", "Teamleiter Logistik"],
    "Individual Contributor": ["Data Analyst", "Software Engineer", "Inkoper", "Buyer"],
    "Founder": ["Founder", "Co-Founder & CEO", "Gründer", "Oprichter"],
    "Other": ["Assistant to the CEO", "Board Member", "Werkstudent", "Consultant"],
}
