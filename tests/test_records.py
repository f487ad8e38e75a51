"""The record builder's small parts: what a closed call keeps is shared only where sharing
cannot change a value."""

from __future__ import annotations

import pytest

from simulator import journal as J
from simulator import run_scenario, tlib
from simulator.record import Fate, TServerOutcome
from simulator.records import _shared
from simulator.scenario.loader import load_scenario

from .helpers import SCENARIOS


def test_equal_user_data_of_text_is_one_dict():
    first, second = _shared({"DispositionCode": "Sale"}), _shared({"DispositionCode": "Sale"})
    assert first == {"DispositionCode": "Sale"} and first is second
    assert _shared({"DispositionCode": None}) is _shared({"DispositionCode": None})
    assert _shared({}) == {} and _shared({}) is _shared({})


def test_values_that_are_equal_but_not_alike_are_never_shared():
    """1, 1.0 and True are equal in Python, and would share one dict; each call must keep its own."""
    kept = [_shared({"Score": value}) for value in (1, 1.0, True, "1")]
    assert [type(held["Score"]) for held in kept] == [int, float, bool, str]
    assert _shared({"Score": True})["Score"] is True and _shared({"Score": 1})["Score"] == 1


def test_large_user_data_is_kept_as_it_is():
    big = {f"k{n}": "v" for n in range(5)}
    assert _shared(big) is big and _shared(dict(big)) is not big
    small = {f"k{n}": "v" for n in range(4)}
    assert _shared(dict(small)) is _shared(dict(small))  # up to four keys are shared


# -- what reporting ends with: _fate, branch by branch -------------------------
def _asked(path="userData", event="EventAttachedDataChanged", history="all", fallback=None):
    from simulator.record import DispositionPath, HttpAnswer, TServerOutcome
    from simulator.records import _Asked

    outcome = TServerOutcome(request="RequestUpdateUserData", reachedAt=10, event=event, at=11,
                             errorCode=56 if event == "EventError" else None,
                             errorName="TERR_INV_CONNID" if event == "EventError" else None)
    return _Asked(dn="15002", conn_id="c", key="DispositionCode", disposition="Sale", view="Established",
                  path=DispositionPath(path), http=HttpAnswer(status=200, statusCode=0), tserver=outcome,
                  fallback=fallback, history=history)


def _fate_of(asked, holds, rule="CALL", on_leg=True, fallback_ref=None):
    from simulator.records import _fate, _Ref

    return _fate(asked, _Ref(None, 1), fallback_ref, rule, on_leg, holds)  # type: ignore[arg-type]


def test_a_value_reporting_holds_is_reported_and_stored_by_icon():
    assert _fate_of(_asked(), "Sale") == (Fate.REPORTED, None, True)


def test_icon_history_none_or_first_loses_the_value_and_stores_no_row():
    assert _fate_of(_asked(history="none"), "Sale") == (Fate.LOST, (
        "G_USERDATA_HISTORY has no row for DispositionCode: its history in ICON is none (the attached-data spec, "
        "or adata-userdata-history for the keys it omits)"), False)
    fate, why, stored = _fate_of(_asked(history="first"), "Earlier")
    assert (fate, stored) == (Fate.LOST, False) and "keeps only the first value" in why and "'Earlier'" in why
    assert _fate_of(_asked(history="first"), "Sale") == (Fate.REPORTED, None, True)  # it was the first
    fate, why, stored = _fate_of(_asked(history="first"), None)  # nothing kept: not "first", but removed later
    assert (fate, stored) == (Fate.SUPERSEDED, True) and why == "the key DispositionCode was removed later"


def test_history_applies_only_to_what_reached_the_attached_data():
    fate, why, stored = _fate_of(_asked(path="userData", event="EventError", history="none"), None)
    assert (fate, stored) == (Fate.LOST, False) and "EventError 56" in why  # lost on the way, not by history


def test_a_later_value_supersedes_by_the_leg_rule_or_the_call():
    assert _fate_of(_asked(), "Later", rule="IRF_FIRST_UPDATE") == (Fate.LOST, (
        "Info Mart keeps 'Later' on 15002's leg (IRF_USER_DATA_CUST_1, propagation rule IRF_FIRST_UPDATE): the "
        "first update of the leg wins"), True)
    fate, why, stored = _fate_of(_asked(), "Later", rule="IRF_LAST_UPDATE")
    assert (fate, stored) == (Fate.SUPERSEDED, True)
    assert why == ("Info Mart keeps 'Later' on 15002's leg (IRF_USER_DATA_CUST_1, propagation rule "
                   "IRF_LAST_UPDATE): from a later change")
    fate, why, stored = _fate_of(_asked(), None, rule="IRF_LAST_UPDATE")
    assert why.startswith("Info Mart keeps nothing on 15002's leg") and "outside the leg" in why
    assert _fate_of(_asked(), "Later", rule="CALL") == (Fate.SUPERSEDED, "reporting holds 'Later' from a later "
                                                                         "change", True)
    assert _fate_of(_asked(), "Later", rule="IRF_LAST_UPDATE", on_leg=False) == (
        Fate.SUPERSEDED, "reporting holds 'Later' from a later change", True)  # not on the leg: the call's
    assert _fate_of(_asked(), None, rule="CALL")[1] == "the key DispositionCode was removed later"


def test_a_value_the_fallback_user_event_carried_is_not_judged_by_the_attached_data_history():
    from simulator.record import DispositionPath, Fallback, TServerOutcome
    from simulator.records import _Ref, _Taken

    sent = Fallback(path=DispositionPath.USER_EVENT, at=12, tserver=TServerOutcome(
        request="RequestDistributeUserEvent", reachedAt=13, event="EventUserEvent", at=14))
    asked = _asked(event="EventError", history="none", fallback=sent)
    taken = _Ref(None, 2)  # type: ignore[arg-type]
    taken.reporting = _Taken(True, None, ())
    assert _fate_of(asked, "Sale", fallback_ref=taken) == (Fate.REPORTED, None, True)
    taken.reporting = _Taken(False, "user-event-data-timeout", ())
    fate, why, stored = _fate_of(asked, None, fallback_ref=taken)
    assert (fate, stored) == (Fate.LOST, False)
    assert why.startswith("T-Server answered EventError 56 TERR_INV_CONNID; the fallback user event: reporting "
                          "ignored the user event: user-event-data-timeout")


# -- a record's T-Server block and its times are what the journal says ---------------------
def _sent_to_gws(journal, kind):
    """The journal's T-Library messages of ``kind`` that Web Services sent or received, by reference id."""
    found = {}
    for entry in journal:
        if entry.kind != kind:
            continue
        message = entry.payload
        ref = message.reference_id if kind == J.TLIB_REQUEST else message.attrs.get("ReferenceID")
        if ref is not None and (message.client == "gws" if kind == J.TLIB_REQUEST else "gws" in message.recipients):
            found.setdefault(ref, entry)  # the first: the request, and the event that answered it
    return found


def _expected_tserver(ref, requests, answers):
    request, answer = requests.get(ref), answers.get(ref)
    if answer is None:
        return TServerOutcome(request=request.payload.name if request else None,
                              reachedAt=request.t if request else None, event=None, at=None)
    attrs, error = answer.payload.attrs, answer.payload.name == "EventError"
    code = attrs.get("ErrorCode") if error else None
    return TServerOutcome(request=request.payload.name, reachedAt=request.t, event=answer.payload.name,
                          at=answer.t, eventSequenceNumber=attrs["EventSequenceNumber"], errorCode=code,
                          errorName=tlib.ERROR_NAMES.get(code) if code is not None else None,
                          errorMessage=attrs.get("ErrorMessage") if error else None)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_each_records_tserver_block_and_times_are_what_the_journal_says(path):
    """The record's T-Server outcome (its request, when it reached T-Server, the answering
    event, its number, time and error) and the times built from them, checked against the
    journal's own messages for the disposition's reference ids (the first path's and the
    fallback's). A mutation run found these fields compared by no test."""
    result = run_scenario(load_scenario(path))
    journal = list(result.journal)
    requests, answers = _sent_to_gws(journal, J.TLIB_REQUEST), _sent_to_gws(journal, J.TLIB_EVENT)
    at_gws = {e.payload["referenceId"]: e.t for e in journal if e.kind == J.GWS_OUTCOME}
    answered = {e.payload["request"]: e.payload for e in journal if e.kind == J.HTTP_RESPONSE}
    told: dict[int, int] = {}  # a T-Library event's number → when the first CometD message it caused arrived
    for entry in journal:
        if entry.kind == J.COMETD and entry.meta and "event" in entry.meta:
            told.setdefault(entry.meta["event"], entry.t)
    decisions: dict[str, list[dict]] = {}
    for entry in journal:
        if entry.kind == J.GWS_DISPOSITION:
            decisions.setdefault(entry.payload["request"], []).append(entry.payload)
    checked = 0
    for record in result.dispositions:
        first = next((d for d in decisions.get(record.request, []) if "fallbackFrom" not in d), None)
        assert first is not None, record.request
        for name in ("user", "dn", "callId", "connId", "callUuid", "disposition", "key"):
            assert getattr(record, name) == first.get(name), (record.request, name)
        body = answered[record.request]["body"]
        assert (record.http.status, record.http.statusCode, record.http.statusMessage) == \
            (answered[record.request]["status"], body["statusCode"], body.get("statusMessage")), record.request
        ref = first.get("referenceId")
        if ref is None:
            assert record.tserver is None and record.times.reachedTServer is None
            continue
        assert record.tserver == _expected_tserver(ref, requests, answers), record.request
        assert (record.times.reachedTServer, record.times.answered, record.times.answerAtGws) == \
            (record.tserver.reachedAt, record.tserver.at, at_gws.get(ref)), record.request
        number = record.tserver.eventSequenceNumber
        assert record.times.cometdAtDesktop == (told.get(number) if record.cometd else None), record.request
        fallback = next((d for d in decisions.get(record.request, []) if d.get("fallbackFrom") == ref), None)
        if fallback is None:
            assert record.fallback is None
        else:
            assert record.fallback is not None and record.fallback.tserver == \
                _expected_tserver(fallback["referenceId"], requests, answers), record.request
        checked += 1
    assert checked or not result.dispositions or all(r.tserver is None for r in result.dispositions)
