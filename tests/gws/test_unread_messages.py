"""A CometD message nobody would read is not made: a streamed run without expectations
and without a desktop connected. Everything else is unchanged, entry numbers included."""

from __future__ import annotations

from simulator import journal as J
from simulator import run_scenario
from simulator.gws.messages import CallStateChange
from simulator.run import RunSinks

from ..helpers import SCENARIOS


def _made_messages(monkeypatch) -> list[str]:
    made: list[str] = []
    real = CallStateChange.__init__

    def counting(self, user, notification_type, *args, **kwargs):
        made.append(notification_type)
        real(self, user, notification_type, *args, **kwargs)

    monkeypatch.setattr(CallStateChange, "__init__", counting)
    return made


def _without_expectations(name: str):
    from simulator.scenario.loader import load_scenario

    loaded = load_scenario(SCENARIOS / name)
    loaded.scenario.expect.clear()
    return loaded


def test_a_streamed_run_makes_only_the_messages_that_answer_a_request(monkeypatch):
    made = _made_messages(monkeypatch)
    full = run_scenario(_without_expectations("disposition-while-established.yaml"))
    made_in_full = len(made)
    made.clear()
    records: list = []
    streamed = run_scenario(_without_expectations("disposition-while-established.yaml"), journal="records",
                            sinks=RunSinks(record=records.append))
    assert made == ["AttachedDataChanged"]  # the disposition's answer: its record reads when it arrived
    assert made_in_full >= 4  # Ringing, Established, the answer, Released
    assert len(streamed.journal) == len(full.journal)  # the others are numbered all the same
    assert [r.to_json_line() for r in records] == [r.to_json_line() for r in full.dispositions]
    assert records[0].path == "userData" and records[0].cometd is not None  # its answer reached the desktop


def test_a_streamed_run_with_expectations_makes_every_message(monkeypatch):
    made = _made_messages(monkeypatch)
    run_scenario(SCENARIOS / "disposition-while-established.yaml")
    made_in_full = len(made)
    made.clear()
    result = run_scenario(SCENARIOS / "disposition-while-established.yaml", journal="records")
    assert result.passed and len(made) == made_in_full


def test_a_kept_journal_holds_every_message():
    result = run_scenario(_without_expectations("disposition-while-established.yaml"))
    assert sum(1 for _ in result.journal.of_kind(J.COMETD)) >= 4
