"""Name data: people, places and company-name parts per language (German, Czech, Dutch, English).

Non-ASCII is deliberate (ü, ř, ĳ, CJK): a migration that mangles encodings shows up at once.
"""

from __future__ import annotations

# (first name, "f"/"m")
FIRST_NAMES: dict[str, list[tuple[str, str]]] = {
    "German": [
        ("Lukas", "m"), ("Jonas", "m"), ("Felix", "m"), ("Maximilian", "m"), ("Jürgen", "m"),
        ("Jörg", "m"), ("Björn", "m"), ("Günther", "m"), ("Uwe", "m"), ("Matthias", "m"),
        ("Anna", "f"), ("Lena", "f"), ("Sophie", "f"), ("Katharina", "f"), ("Sabine", "f"),
        ("Ulrike", "f"), ("Dörte", "f"), ("Jördis", "f"), ("Franziska", "f"), ("Hannah", "f"),
    ],
    "Czech": [
        ("Jan", "m"), ("Petr", "m"), ("Tomáš", "m"), ("Jiří", "m"), ("Lukáš", "m"),
        ("Ondřej", "m"), ("Jakub", "m"), ("Martin", "m"), ("Vojtěch", "m"), ("Michal", "m"),
        ("Eva", "f"), ("Jana", "f"), ("Petra", "f"), ("Lucie", "f"), ("Kateřina", "f"),
        ("Tereza", "f"), ("Markéta", "f"), ("Zuzana", "f"), ("Věra", "f"), ("Božena", "f"),
    ],
    "Dutch": [
        ("Daan", "m"), ("Sem", "m"), ("Bram", "m"), ("Jeroen", "m"), ("Pieter", "m"),
        ("Joost", "m"), ("Maarten", "m"), ("Sjoerd", "m"), ("Sanne", "f"), ("Femke", "f"),
        ("Lotte", "f"), ("Anouk", "f"), ("Ilse", "f"), ("Eline", "f"), ("Ĳsbrand", "m"),
    ],
    "English": [
        ("James", "m"), ("Oliver", "m"), ("Michael", "m"), ("David", "m"), ("Liam", "m"),
        ("Emily", "f"), ("Sarah", "f"), ("Laura", "f"), ("Emma", "f"), ("Chloë", "f"),
    ],
}

# Czech surnames change with gender: (male, female).
LAST_NAMES_CZ: list[tuple[str, str]] = [
    ("Novák", "Nováková"), ("Svoboda", "Svobodová"), ("Novotný", "Novotná"),
    ("Dvořák", "Dvořáková"), ("Černý", "Černá"), ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"), ("Veselý", "Veselá"), ("Horák", "Horáková"), ("Němec", "Němcová"),
    ("Růžička", "Růžičková"), ("Šťastný", "Šťastná"), ("Křížek", "Křížková"),
    ("Pospíšil", "Pospíšilová"), ("Hájek", "Hájková"),
]
LAST_NAMES: dict[str, list[str]] = {
    "German": [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
        "Schröder", "Neumann", "Zimmermann", "Krüger", "Weiß", "Groß", "Köhler", "Löwe",
    ],
    "Dutch": [
        "de Vries", "van den Berg", "van Dijk", "Bakker", "Jansen", "Visser", "Smit",
        "de Jong", "Mulder", "de Boer", "van der Meer", "Bos", "Vos", "Hendriks", "IJzerman",
    ],
    "English": [
        "Smith", "Johnson", "Brown", "Taylor", "Wilson", "O'Brien", "Walsh", "Evans",
        "Murphy", "Clarke", "Hughes", "Patel",
    ],
}
CJK_PEOPLE: list[str] = ["田中 太郎", "佐藤 花子", "王伟", "李娜", "김민준"]

# country → (geo region, language, tld, phone prefix, cities)
COUNTRIES: dict[str, tuple[str, str, str, str, list[str]]] = {
    "Germany": ("DACH", "German", "de", "+49", [
        "Berlin", "München", "Hamburg", "Köln", "Düsseldorf", "Stuttgart", "Nürnberg",
        "Würzburg", "Lübeck"]),
    "Austria": ("DACH", "German", "at", "+43", ["Wien", "Graz", "Linz", "Innsbruck"]),
    "Switzerland": ("DACH", "German", "ch", "+41", ["Zürich", "Basel", "Bern", "St. Gallen"]),
    "Czech Republic": ("CEE", "Czech", "cz", "+420", [
        "Praha", "Brno", "Ostrava", "Plzeň", "České Budějovice", "Hradec Králové"]),
    "Slovakia": ("CEE", "Czech", "sk", "+421", ["Bratislava", "Košice", "Žilina"]),
    "Poland": ("CEE", "English", "pl", "+48", ["Warszawa", "Kraków", "Wrocław", "Łódź"]),
    "Netherlands": ("Benelux", "Dutch", "nl", "+31", [
        "Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "'s-Hertogenbosch", "Zwolle"]),
    "Belgium": ("Benelux", "Dutch", "be", "+32", ["Antwerpen", "Gent", "Brussel", "Leuven"]),
    "United Kingdom": ("UK & Ireland", "English", "co.uk", "+44", [
        "London", "Manchester", "Leeds", "Bristol"]),
    "Ireland": ("UK & Ireland", "English", "ie", "+353", ["Dublin", "Cork"]),
    "Sweden": ("Nordics", "English", "se", "+46", ["Stockholm", "Göteborg", "Malmö"]),
    "Denmark": ("Nordics", "English", "dk", "+45", ["København", "Århus"]),
    "Spain": ("Southern Europe", "English", "es", "+34", ["Madrid", "Barcelona", "València"]),
    "Italy": ("Southern Europe", "English", "it", "+39", ["Milano", "Torino", "Bologna"]),
    "United States": ("US", "English", "com", "+1", ["Austin", "Boston", "New York", "Denver"]),
    "Japan": ("Other", "English", "jp", "+81", ["東京", "大阪"]),
}
# Weighted toward the customer's markets (DACH, CEE, Benelux).
COUNTRY_WEIGHTS: dict[str, float] = {
    "Germany": 30, "Austria": 6, "Switzerland": 5, "Czech Republic": 16, "Slovakia": 3,
    "Poland": 3, "Netherlands": 12, "Belgium": 4, "United Kingdom": 6, "Ireland": 1,
    "Sweden": 2, "Denmark": 1.5, "Spain": 2, "Italy": 2, "United States": 4, "Japan": 0.6,
}

COMPANY_PARTS: dict[str, tuple[list[str], list[str], list[str]]] = {
    # language → (prefixes, cores, legal suffixes)
    "German": (
        ["Nordlicht", "Alpen", "Rhein", "Spree", "Isar", "Elbe", "Schwarzwald", "Bodensee",
         "Weser", "Taunus", "Müller", "Becker", "Krüger", "Löwe", "Sonnen", "Brückner"],
        ["Maschinenbau", "Logistik", "Antriebstechnik", "Präzisionsteile", "Software",
         "Datentechnik", "Energietechnik", "Medizintechnik", "Kunststofftechnik",
         "Systemhaus", "Metallbau", "Gießerei", "Verpackung", "Automatisierung"],
        ["GmbH", "GmbH", "GmbH", "AG", "GmbH & Co. KG", "SE"],
    ),
    "Czech": (
        ["Moravské", "Pražská", "Brněnská", "Novák", "Dvořák", "Labská", "Šumavská",
         "Krkonošská", "Vltava", "Český"],
        ["Strojírny", "Stavby", "Logistika", "Software", "Elektro", "Technika", "Služby",
         "Slévárna", "Automatizace", "Data"],
        ["s.r.o.", "s.r.o.", "s.r.o.", "a.s."],
    ),
    "Dutch": (
        ["Noordzee", "Delta", "Polder", "Van den Berg", "De Molen", "Zeeland", "Veluwe",
         "Hollandse", "Oranje", "Waddenzee"],
        ["Logistiek", "Techniek", "Installatie", "Software", "Bouw", "Groep", "Data",
         "Automatisering", "Verpakkingen"],
        ["B.V.", "B.V.", "B.V.", "N.V.", "Holding B.V."],
    ),
    "English": (
        ["Blue Harbor", "Northwind", "Brightline", "Ironbridge", "Silverleaf", "Redwood",
         "Clearwater", "Summit", "Kingsway", "Harbourside", "Fjord", "Aurora"],
        ["Analytics", "Systems", "Labs", "Solutions", "Software", "Logistics", "Robotics",
         "Health", "Energy", "Manufacturing"],
        ["Ltd", "Ltd", "Inc.", "LLC", "plc", "AB", "S.p.A."],
    ),
}
CJK_COMPANIES: list[str] = [
    "株式会社 東京テック", "大阪ロボティクス株式会社", "上海数据科技有限公司", "深圳智造有限公司",
]

OWNER_PROFILES: list[dict[str, str]] = [
    # Michal and Anton exist in the customer's base; the plan's queries filter by them.
    {"name": "Michal", "email": "michal@visionvolve.com", "lang": "Czech", "tone": "Professional"},
    {"name": "Anton", "email": "anton@visionvolve.com", "lang": "German", "tone": "Bold"},
    {"name": "Jana Horáková", "email": "jana@visionvolve.com", "lang": "Czech", "tone": "Casual"},
    {"name": "Pieter de Vries", "email": "pieter@visionvolve.com", "lang": "Dutch", "tone": ""},
    {"name": "Lena Groß", "email": "", "lang": "German", "tone": "Empathetic"},
    {"name": "Ops Bot 🤖", "email": "ops@visionvolve.com", "lang": "", "tone": ""},
]
