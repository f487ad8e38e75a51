"""The run page marks the messages that rest on an inference (issue 15, point 8)."""

from simulator import run_scenario
from simulator.output.files import write_reports
from simulator.pages.inferred import inferred

from ..helpers import SCENARIOS


def test_documented_messages_are_not_marked_and_inferred_ones_are():
    assert inferred({"kind": "tlib.event", "name": "EventEstablished", "attrs": {"ThisDN": "15000"}}) is None
    assert inferred({"kind": "cometd", "message": {"data": {"messageType": "CallStateChangeMessage",
                                                            "call": {"state": "Held"}}}}) is None
    assert "56" in inferred({"kind": "tlib.event", "name": "EventError", "attrs": {"ErrorCode": 56}})
    assert "fields" in inferred({"kind": "cometd", "message": {"data": {"messageType": "ErrorMessage"}}})


def test_the_view_lag_page_marks_the_error_and_its_error_message_with_their_reasons(tmp_path):
    folder = write_reports(run_scenario(SCENARIOS / "view-lag.yaml"), tmp_path / "view-lag")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert page.count("— rests on an inference:") >= 2
    assert "EventError 56 ≈" in page and "ErrorMessage ≈" in page
    assert "EventEstablished ≈" not in page  # documented behaviour carries no mark
    assert '"inference": "no source shows the code a T-Server gives for a released ConnID' in page


def test_a_message_sent_because_of_an_inference_carries_its_reason_in_the_journal(tmp_path):
    """After a consult from a held call, the held call's StatusChange is sent again: an
    inference (no EventHeld comes), marked on the page from the journal's meta."""
    from simulator.gws.state import RESENT_HELD

    result = run_scenario(SCENARIOS / "consult-from-a-held-call.yaml")
    resent = [e for e in result.journal.of_kind("cometd") if (e.meta or {}).get("inference") == RESENT_HELD]
    assert len(resent) == 1 and resent[0].payload.state == "Held"
    page = (write_reports(result, tmp_path / "run") / "index.html").read_text(encoding="utf-8")
    assert "StatusChange (Held) ≈" in page


def test_every_report_states_the_consult_user_data_option(tmp_path):
    import json

    folder = write_reports(run_scenario(SCENARIOS / "disposition-on-the-consult-call-joint.yaml"), tmp_path / "run")
    assert json.loads((folder / "manifest.json").read_text())["switch"] == {"consultUserData": "joint"}
    assert "T-Server consult-user-data `joint`" in (folder / "summary.md").read_text()
    assert "T-Server consult-user-data <code>joint</code>" in (folder / "index.html").read_text()
