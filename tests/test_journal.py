"""The journal: who reads an entry, and an entry nobody reads numbered but not made."""

from __future__ import annotations

from simulator import journal as J
from simulator.timing import Environment


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
