"""RecordStore.linking_to: the records whose link field lists a record, the question that
propagation and deletes ask of one-way links (links with no inverse field to read)."""

from __future__ import annotations

from emulator_snapshot import A1, O1, O2, P1, Names

from leadgen.airtable.emulator import Emulator


def test_linking_to_finds_one_way_links(emulator: Emulator, names: Names) -> None:
    store = emulator.store
    activity, owner = names.tid("Activity"), names.fid("Activity", "Owner")
    assert [r.id for r in store.linking_to(activity, owner, O2)] == [A1]
    assert store.linking_to(activity, owner, O1) == []
    assert [r.id for r in store.linking_to(activity, names.fid("Activity", "Contact"), P1)] == [A1]


def test_deleting_a_record_unlinks_it_from_one_way_links(emulator: Emulator, names: Names) -> None:
    store = emulator.store
    activity, owner = names.tid("Activity"), names.fid("Activity", "Owner")
    assert (store.get_record("Activity", A1) or {})["fields"][owner] == [O2]
    store.delete_record("Owners", O2)
    assert store.linking_to(activity, owner, O2) == []
    assert owner not in (store.get_record("Activity", A1) or {})["fields"]
