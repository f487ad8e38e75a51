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
