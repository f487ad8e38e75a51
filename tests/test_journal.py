"""The journal: who reads an entry, and an entry nobody reads numbered but not made."""

from __future__ import annotations

from simulator import journal as J
from simulator import tlib
from simulator.gws import CLIENT as GWS
from simulator.run import start_run
from simulator.scenario.loader import load_scenario
from simulator.timing import Environment

from .helpers import SCENARIOS


def _journal(keep: bool = False) -> J.Journal:
    return J.Journal(Environment(), keep=keep)


def test_a_kept_journal_reads_everything():
    assert _journal(keep=True).reads(J.COMETD, None)


def test_a_streamed_journal_reads_a_kind_only_if_someone_wants_it():
    journal = _journal()
    assert not journal.reads(J.COMETD, None)
    journal.subscribe(J.COMETD, lambda entry: None, lambda meta: bool(meta and "referenceId" in meta))
    assert not journal.reads(J.COMETD, {"event": 3})
    assert journal.reads(J.COMETD, {"event": 3, "referenceId": 7})
    journal.subscribe(J.COMETD, lambda entry: None)
    assert journal.reads(J.COMETD, {"event": 3})
    assert not journal.reads(J.HTTP_REQUEST, None)


def test_a_listener_or_the_expectations_filter_reads_everything():
    journal = _journal()
    journal.listeners.append(lambda entry: None)
    assert journal.reads(J.COMETD, None)
    journal = _journal()
    journal.retain = lambda entry: False
    assert journal.reads(J.COMETD, None)


def test_a_skipped_entry_keeps_the_numbers_of_the_entries_after_it():
    journal = _journal(keep=True)
    journal.append(J.STEP, {"n": 1})
    journal.skip()
    third = journal.append(J.STEP, {"n": 3})
    assert third.seq == 3 and len(journal) == 3 and [e.seq for e in journal] == [1, 3]


def test_a_kept_journal_holds_each_event_packed_and_equal_to_what_its_clients_received():
    """The clients get each T-Library event as a dict of attributes; the kept journal holds
    it packed (its values, beside one shared tuple of names per shape), and reads back the
    same attributes in the same order, with the same arrivals."""
    world, _ = start_run(load_scenario(SCENARIOS / "view-lag.yaml"), 10)
    received: list[tlib.TEvent] = []
    link = world.tserver.link_of(GWS)
    deliver = link.deliver
    link.deliver = lambda event: (received.append(event), deliver(event))
    world.env.run()
    kept = {e.payload.seq: e.payload for e in world.journal.of_kind(J.TLIB_EVENT)}
    assert received and all(isinstance(event, tlib.PackedTEvent) for event in kept.values())
    for event in received:
        assert type(event) is tlib.TEvent
        packed = kept[event.seq]
        assert list(packed.attrs.items()) == list(event.attrs.items())
        assert (packed.name, packed.recipients, packed.arrivals) == (event.name, event.recipients, event.arrivals)
        assert packed.to_dict() == event.to_dict() and packed.arrived() == event.arrived()
    shapes = {id(event[1]) for event in kept.values()}
    assert len(shapes) < len(kept)  # events of one shape share their names


def test_kept_entries_read_back_as_appended():
    """A kept journal stores its entries column by column and makes each again when read:
    equal to the entry appended, with the same payload object and an equal meta."""
    payload = {"a": 1}
    meta = {"event": 3, "referenceId": 7, "sentAt": 2**50}
    made = [J.Entry((1, 0, J.STEP, payload, None)), J.Entry((2, 2**50, J.TLIB_EVENT, payload, meta)),
            J.Entry((5, 2**50 + 1, J.COMETD, "x", None))]
    kept = J.KeptEntries(made)
    assert len(kept) == 3 and list(kept) == made and kept[1] == made[1] and kept[-1] == made[2]
    assert kept[1].payload is payload and kept[1].meta == meta and isinstance(kept[0], J.Entry)
    assert list(kept[1].meta.items()) == list(meta.items()) and kept[0].meta is None
    assert kept[1:] == made[1:] and list(reversed(kept)) == made[::-1]
    kept[1] = J.Entry((2, 2**50, J.TLIB_EVENT, "packed", {"event": 4}))
    assert kept[1].payload == "packed" and kept[1].meta == {"event": 4}
    assert kept[0] == made[0] and kept[2] == made[2] and list(kept)[1].meta == {"event": 4}
    kept[2] = J.Entry((5, 2**50 + 1, J.COMETD, "y", None))
    assert kept[2].meta is None and kept[2].payload == "y"


def test_a_journal_keeps_what_it_was_handed_in_order():
    journal = J.Journal(Environment())
    appended = [journal.append(J.STEP, {"n": n}) for n in range(5)]
    assert list(journal) == appended and [e.seq for e in journal.entries] == [1, 2, 3, 4, 5]
