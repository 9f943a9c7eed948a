"""A hand-written base with one planted problem per reject reason and per finding."""

from __future__ import annotations

from typing import Any

from support.snapshots import rid

MICHAL, ANTON = rid("ownMichal"), rid("ownAnton")
ACME, BETA, BETA2, GAMMA = rid("coAcme"), rid("coBeta"), rid("coBeta2"), rid("coGamma")
JANA, PETR, EVA = rid("ctJana"), rid("ctPetr"), rid("ctEva")


def records() -> dict[str, list[dict[str, Any]]]:
    return {
        "Owners": [
            {"id": MICHAL, "fields": {"Name": "Michal", "Email": "michal@vv.test",
                                      "Active": True, "Default Language": "Czech"}},
            {"id": ANTON, "fields": {"Name": "Anton", "Email": "anton@vv.test"}},
        ],
        "Companies": [
            {"id": ACME, "fields": {
                "Company Name": "Acme GmbH", "Domain": "https://www.ACME.de/en/",
                "Tier": "Tier 0 - Diamond",  # unknown choice
                "Triage Score": 12345.6,  # overflow NUMERIC(4,1)
                "Revenue Range": "Micro (<€2M)", "Status": "Triage: Passed",
                "batch_name": " Batch-1 ",  # a variant of batch-1
                "Account Owner Link": [MICHAL],
                "Quick Wins": "Here are the quick wins: [{'title': 'x'}]",  # not JSON
                "Company Intel": "Ünïcödé intel ✓", "Pain Areas": ["Legacy IT", "Legacy IT"],
                "Days Since Created": {"error": "#ERROR!"}, "Lemlist Synced": True}},
            {"id": BETA, "fields": {"Company Name": "Beta s.r.o.", "batch_name": "batch-1",
                                    "Account Owner": "anton ",  # legacy text fallback
                                    "Quick Wins": '[{"title": "Chatbot", "weeks": 3}]'}},
            {"id": BETA2, "fields": {"Company Name": "BETA", "Tier": "Tier 1 - Platinum"}},
            {"id": GAMMA, "fields": {"Domain": "gamma.io"}},  # no name: NOT NULL
        ],
        "Contacts": [
            {"id": JANA, "fields": {
                "Full Name": "Jana Nováková", "Company": [ACME, BETA],  # extra link
                "Owner": [MICHAL], "batch_name": ["batch-1", "pilot"],  # two batches
                "Authority Score": 70000,  # overflow SMALLINT
                "Notes": "bad\x00note",  # NUL byte
                "Language": "English", "Person Summary": "Knows everyone",
                "Email Body 1": "Hello   Jana,\nshort body", "Email Subject 1": "Lost subj",
                "Call Script": "Never sent anywhere"}},
            {"id": PETR, "fields": {
                "Full Name": "Petr Svoboda", "Company": [rid("coMissing")],  # dangling
                "Contact of": ["Anton"], "Enriched At": "not a date"}},  # unparseable date
            {"id": EVA, "fields": {"Full Name": "Eva Dvořáková", "Company": [BETA2]}},
        ],
        "Campaigns": [
            {"id": rid("cmp1"), "fields": {"Campaign Name": "Q1", "Owner": [MICHAL],
                                           "Channel": "Multi-channel", "batch_name": "BATCH-1"}},
        ],
        "Messages": [
            {"id": rid("msgOk"), "fields": {
                "Contact": [JANA], "Channel": "Email", "Sequence Step": 1,
                "Body": "Hello Jana, short body", "Subject": "Hi",
                "Sent At": "yesterday",  # unparseable date
                "Label": {"error": "#ERROR!"}, "Language": "German"}},
            {"id": rid("msgNoBody"), "fields": {"Contact": [JANA], "Channel": "Email",
                                                "Subject": "no body"}},  # NOT NULL body
            {"id": rid("msgBig"), "fields": {"Contact": [EVA], "Channel": "Call Script",
                                             "Body": "x", "Sequence Step": 40000}},
        ],
        "Activity": [
            {"id": rid("act1"), "fields": {"Activity Name": "mail", "Contact": [JANA],
                                           "Source": "Email",
                                           "Timestamp": "2024-06-01T10:00:00.000Z"}},
            {"id": rid("act2"), "fields": {"Activity Name": "mail again", "Contact": [JANA],
                                           "Source": "Email",
                                           "Timestamp": "2024-06-01T10:00:00.000Z"}},
            {"id": rid("act3"), "fields": {"Activity Name": "no time", "Contact": [EVA]}},
        ],
        "CRM Events": [
            {"id": rid("crm1"), "fields": {"Event Name": "Demo", "Company": "  acme  ",
                                           "Participants": [JANA, rid("ctGhost")]}},
            {"id": rid("crm2"), "fields": {"Event Name": "Call", "Company": "Nobody Inc"}},
            {"id": rid("crm3"), "fields": {"Event Name": "Intro", "Company": "Beta GmbH"}},
        ],
        "Tasks": [
            {"id": rid("task1"), "fields": {"Task Name": "Follow up", "Contacts": [JANA, EVA],
                                            "Activities": [rid("act1")],
                                            "Scheduled": "2024-13-45"}},
        ],
        "research_directory": [
            {"id": rid("res1"), "fields": {"name": "both", "company": [BETA], "contact": [JANA],
                                           "quality_score": 4}},
            {"id": rid("res2"), "fields": {"name": "neither", "tool_name": "Claude"}},
            {"id": rid("res3"), "fields": {"name": "company", "company": [ACME]}},
        ],
        "audit_log": [
            {"id": rid("aud1"), "fields": {"Event": "update", "Table": "Contacts",
                                           "Record ID": JANA, "Field": "Notes"}},
            {"id": rid("aud2"), "fields": {"Event": "delete", "Table": "Contacts",
                                           "Record ID": rid("ctGone"), "Field": "Notes"}},
        ],
    }


DIAMOND = "Tier 0 - Diamond"  # not a choice of Companies.Tier: rejected by the mapping


def every_reject_records() -> dict[str, list[dict[str, Any]]]:
    """The adversarial base (one planted problem per reject reason) plus planted rejects on
    every field a workflow query reads, all in batch-2 so the plan's queries meet them."""
    base = records()
    ghost_owner, ghost_company = rid("ownGhost"), rid("coGhost")
    base["Owners"] += [
        {"id": rid("ownTwin"), "fields": {"Name": "Michael", "Email": "michal@vv.test"}},
        {"id": rid("ownPetra1"), "fields": {"Name": "Petra"}},
        {"id": rid("ownPetra2"), "fields": {"Name": "Petra"}},
    ]
    base["Companies"] += [
        {"id": rid("coDelta"), "fields": {"Company Name": "Delta AG", "Status": "Frozen",
                                          "Tier": "Tier 2 - Gold"}},
        {"id": rid("coEps"), "fields": {"Company Name": "Eps AG", "Tier": DIAMOND,
                                        "Status": "New", "Domain": "WWW.EPS.CH"}},
    ]
    contact = [
        ("ctK1", {"Company": [ACME], "Owner": [MICHAL], "batch_name": ["batch-2"]}),
        ("ctK2", {"Company": [rid("coEps")], "Contact of": ["Michal"],
                  "batch_name": [" Batch-2 "]}),
        ("ctK3", {"Company": [ghost_company], "Owner": [MICHAL],
                  "batch_name": ["batch-2", "batch-1"]}),
        ("ctK4", {"Company": [rid("coDelta")], "Owner": [ghost_owner],
                  "batch_name": ["batch-2"], "processed_enrich": "yes"}),
        ("ctK5", {"Company": [rid("coEps")], "Contact of": ["Petra"],
                  "batch_name": ["batch-2"], "Job Title": "CEO\x00"}),
        ("ctK6", {"Company": [BETA], "Owner": [MICHAL], "batch_name": [""]}),
        ("ctK7", {"Company": [rid("coGamma")], "Owner": [MICHAL], "batch_name": ["batch-2"]}),
        ("ctK8", {"Company": [BETA], "Owner": "Michal", "batch_name": ["batch-2"]}),
    ]
    base["Contacts"] += [{"id": rid(tag), "fields": {"Full Name": tag, **f}}
                         for tag, f in contact]
    base["Messages"] += [
        {"id": rid("msgD1"), "fields": {"Contact": [rid("ctK1")], "Owner": [MICHAL],
                                        "Status": "Draft", "Body": "b", "Channel": "Email"}},
        {"id": rid("msgD2"), "fields": {"Contact": [rid("ctK1")], "Owner": [ghost_owner],
                                        "Status": "Draft", "Body": "b", "Channel": "Email"}},
        {"id": rid("msgD3"), "fields": {"Contact": [ghost_owner], "Owner": [MICHAL],
                                        "Status": "Draft", "Body": "b", "Channel": "Email"}},
        {"id": rid("msgD4"), "fields": {"Contact": [JANA], "Owner": [MICHAL],
                                        "Status": "Drafted", "Body": "b", "Channel": "Email"}},
    ]
    return base
