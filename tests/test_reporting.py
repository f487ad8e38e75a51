"""The reporting sink: data at call end, user events after it, and their limits."""

from simulator import journal as J
from simulator import parse_scenario, run_scenario
from simulator.tlib import TRequest
from simulator.tserver import calls, userdata

from .gws.test_disposition import talking
from .helpers import SCENARIOS, advance, events, make_world


def set_user_data(world, call, data):
    """The agent's desktop updates the call's user data; a second passes."""
    world.tserver.phone(lambda: userdata.update(world.tserver, "15000", call, data))
    advance(world, 1)


def finals(world):
    world.reporting.finish()
    return {e.payload["connId"]: e.payload for e in world.journal.of_kind(J.REPORTING_FINAL)}


def user_event(world, call, data):
    world.tserver.receive(TRequest("RequestDistributeUserEvent", "gws", 1,
                                  {"ThisDN": "15000", "UserEvent": {"ConnID": call.conn_id, "UserData": data}}))


def test_holds_the_attached_data_at_call_end_and_later_user_events():
    world = make_world()
    call = talking(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    user_event(world, call, {"DispositionCode": "Sale"})
    advance(world, 1)
    final = finals(world)[call.conn_id]
    assert final == {"connId": call.conn_id, "callUuid": call.call_uuid, "ended": True,
                     "userData": {"DispositionCode": "Sale"},
                     "legs": {"key": "DispositionCode", "rule": "CALL", "kept": {"15000": "Sale"}}}


def test_user_event_after_the_info_mart_timeout_is_ignored_with_a_reason():
    world = make_world()
    world.reporting.settings.user_event_data_timeout = 60_000_000
    call = talking(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 60)
    user_event(world, call, {"DispositionCode": "Late"})  # exactly at the limit: accepted
    advance(world, 1)
    user_event(world, call, {"DispositionCode": "Later"})
    advance(world, 1)
    verdicts = [(e.payload["accepted"], e.payload.get("reason")) for e in world.journal.of_kind(J.REPORTING)
                if e.payload["what"] == "user-event"]
    assert verdicts[0] == (True, None)
    assert verdicts[1][0] is False and "user-event-data-timeout of 60s" in verdicts[1][1]
    assert finals(world)[call.conn_id]["userData"] == {"DispositionCode": "Late"}


def test_store_event_data_none_stores_no_user_event_data():
    world = make_world()
    world.reporting.settings.store_event_data = "none"
    call = talking(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    user_event(world, call, {"DispositionCode": "Sale"})
    advance(world, 1)
    assert finals(world)[call.conn_id]["userData"] == {}


def test_a_call_that_never_ends_is_reported_as_still_up():
    world = make_world()
    call = talking(world)
    assert finals(world)[call.conn_id]["ended"] is False


def test_deleting_an_attached_key_keeps_a_value_a_later_user_event_set():
    world = make_world()
    call = talking(world)
    world.tserver.phone(lambda: userdata.update(world.tserver, "15000", call, {"DispositionCode": "A"}))
    advance(world, 1)
    user_event(world, call, {"DispositionCode": "B"})
    advance(world, 1)
    world.tserver.phone(lambda: userdata.delete_pair(world.tserver, "15000", call, "DispositionCode"))
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    assert finals(world)[call.conn_id]["userData"] == {"DispositionCode": "B"}


def test_deleting_an_attached_key_removes_the_value_it_set():
    world = make_world()
    call = talking(world)
    world.tserver.phone(lambda: userdata.update(world.tserver, "15000", call, {"DispositionCode": "A"}))
    world.tserver.phone(lambda: userdata.delete_pair(world.tserver, "15000", call, "DispositionCode"))
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    assert finals(world)[call.conn_id]["userData"] == {}


def test_an_abandoned_call_ends_for_reporting_and_the_timeout_applies():
    world = make_world()
    world.reporting.settings.user_event_data_timeout = 10_000_000
    ts = world.tserver
    ringing, queued = [], []
    ts.phone(lambda: ringing.append(calls.inbound_call(ts, "+15550001", "15000")))  # rings agent1
    ts.phone(lambda: queued.append(calls.inbound_call(ts, "+15550002", "16000")))  # waits: agent1 is busy ringing
    advance(world, 1)
    ts.phone(lambda: calls.release(ts, "+15550002", queued[0]))  # EventAbandoned at the queue
    ts.phone(lambda: calls.release(ts, "+15550001", ringing[0]))  # EventAbandoned at 15000
    abandoned = [(e.attrs["ThisDN"]) for e in events(world, "EventAbandoned")]
    assert abandoned == ["16000", "15000"]
    advance(world, 30)
    for call in (ringing[0], queued[0]):
        user_event(world, call, {"DispositionCode": "Late"})
    advance(world, 1)
    ignored = [e.payload["reason"] for e in world.journal.of_kind(J.REPORTING) if e.payload["what"] == "user-event"]
    assert len(ignored) == 2 and all("user-event-data-timeout of 10s" in reason for reason in ignored)
    final = finals(world)
    assert final[ringing[0].conn_id]["ended"] and final[queued[0].conn_id]["ended"]


def test_store_event_data_conf_keeps_only_the_listed_keys():
    from simulator import parse_scenario, run_scenario

    text = (SCENARIOS / "disposition-after-release.yaml").read_text()
    assert "reporting:" not in text.split("steps:")[0]
    listed = text.replace("steps:", "reporting: {store_event_data: conf, event_data: [DispositionCode]}\nsteps:", 1)
    unlisted = text.replace("steps:", "reporting: {store_event_data: conf, event_data: [Outcome]}\nsteps:", 1)
    assert run_scenario(parse_scenario(listed)).dispositions[0].reporting.outcome == "reported"
    (record,) = run_scenario(parse_scenario(unlisted)).dispositions
    assert record.reporting.outcome == "lost" and "EventData section lists none" in record.reporting.reason


def test_a_call_is_closed_one_timeout_after_it_ended_and_forgotten_three_after():
    world = make_world()
    world.reporting.settings.user_event_data_timeout = 60_000_000
    call = talking(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 61)
    assert not [e for e in world.journal.of_kind(J.REPORTING_FINAL)]  # closed lazily, on the next event
    user_event(world, call, {"DispositionCode": "Late"})
    advance(world, 1)
    (final,) = [e for e in world.journal.of_kind(J.REPORTING_FINAL)]
    assert final.payload == {"connId": call.conn_id, "callUuid": call.call_uuid, "ended": True, "userData": {},
                             "legs": {"key": "DispositionCode", "rule": "CALL", "kept": {"15000": None}}}
    (late,) = [e.payload for e in world.journal.of_kind(J.REPORTING) if e.payload["what"] == "user-event"]
    assert late["accepted"] is False and "over Info Mart's user-event-data-timeout" in late["reason"]
    assert call.conn_id not in world.reporting.calls and call.conn_id in world.reporting.closed
    advance(world, 3 * 60)
    user_event(world, call, {"DispositionCode": "Much later"})
    advance(world, 1)
    latest = [e.payload for e in world.journal.of_kind(J.REPORTING) if e.payload["what"] == "user-event"][-1]
    assert latest["reason"] == "no call with this ConnID is known to reporting"
    assert call.conn_id not in world.reporting.closed
    world.reporting.finish()
    assert len(list(world.journal.of_kind(J.REPORTING_FINAL))) == 1  # its final was journaled once, at closing


def test_a_call_waiting_in_a_queue_after_a_transfer_has_not_ended_for_reporting():
    """The agent transfers the call in one step to a queue (its caller alone on it):
    the queue holds it until it is handed on, so reporting ends the call at the
    hang-up (40 s), not as the agent left (20 s), and keeps the disposition set between."""
    from .test_invariants import COMES_BACK

    result = run_scenario(parse_scenario(COMES_BACK, "comes-back.yaml"))
    ends = [e.t for e in result.journal.of_kind("reporting") if e.payload.get("what") == "call-end"]
    assert ends == [40_005_000]  # the hang-up, 5 ms down the link to reporting
    (final,) = [e.payload for e in result.journal.of_kind("reporting.final")]
    assert final["userData"]["DispositionCode"] == "Sale"


def test_what_reporting_holds_of_each_key_follows_its_history():
    """ICON's history of a key (``CallRecord.attached_changed``): none keeps nothing,
    first keeps the first value (a later change or removal does not touch it), last
    and all keep the last value and drop a key removed while it still held it."""
    from simulator.reporting import CallRecord

    histories = {"N": "none", "F": "first", "L": "last", "A": "all"}
    call = CallRecord("c", "u")
    call.attached_changed({"N": "1", "F": "1", "L": "1", "A": "1"}, histories.__getitem__)
    assert call.holds == {"F": "1", "L": "1", "A": "1"}
    call.attached_changed({"N": "2", "F": "2", "L": "2", "A": "2"}, histories.__getitem__)
    assert call.holds == {"F": "1", "L": "2", "A": "2"}
    call.attached_changed({"N": "2"}, histories.__getitem__)  # F, L and A removed
    assert call.holds == {"F": "1"}
    call.attached_changed({"N": "2", "F": "3", "L": "3"}, histories.__getitem__)  # F again: still the first
    assert call.holds == {"F": "1", "L": "3"}


def test_store_event_data_conf_stores_the_listed_keys_of_a_user_event_and_names_the_rest():
    world = make_world()
    world.reporting.settings.store_event_data = "conf"
    world.reporting.settings.event_data = ["DispositionCode"]
    call = talking(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    for data in ({"DispositionCode": "Sale", "Campaign": "X"}, {"Campaign": "Y", "Agent": "Z"}, {}):
        user_event(world, call, data)
        advance(world, 1)
    entries = [e.payload for e in world.journal.of_kind(J.REPORTING) if e.payload["what"] == "user-event"]
    assert [(e["accepted"], e.get("ignoredKeys"), e.get("reason")) for e in entries] == [
        (True, ["Campaign"], None),
        (False, ["Agent", "Campaign"], "G_CUSTOM_DATA_S has no row: ICON store-event-data is conf and its "
                                       "EventData section lists none of the keys Agent, Campaign"),
        (False, None, "G_CUSTOM_DATA_S has no row: ICON store-event-data is conf and its EventData section "
                      "lists none of the keys (none sent)"),
    ]
    assert finals(world)[call.conn_id]["userData"] == {"DispositionCode": "Sale"}


def test_a_user_event_during_the_call_is_not_undone_by_a_later_change_of_another_key():
    """The last change of each key wins: a user event's DispositionCode stays when the
    attached data changes later in another key only."""
    world = make_world()
    call = talking(world)
    set_user_data(world, call, {"DispositionCode": "Attached"})
    user_event(world, call, {"DispositionCode": "FromEvent"})
    advance(world, 1)
    set_user_data(world, call, {"Note": "later"})
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    assert finals(world)[call.conn_id]["userData"] == {"DispositionCode": "FromEvent", "Note": "later"}


def test_the_disposition_key_kept_for_a_leg_is_text_and_its_removal_is_null():
    world = make_world()
    call = talking(world)
    set_user_data(world, call, {"DispositionCode": 5})
    assert finals(world)[call.conn_id]["legs"]["kept"] == {"15000": "5"}  # ICON stores every value as text
    world = make_world()
    call = talking(world)
    set_user_data(world, call, {"DispositionCode": "A"})
    world.tserver.phone(lambda: userdata.delete_pair(world.tserver, "15000", call, "DispositionCode"))
    advance(world, 1)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    final = finals(world)[call.conn_id]
    assert final["userData"] == {} and final["legs"]["kept"] == {"15000": None}  # the last change: removed


def test_a_dn_whose_agent_logged_out_has_no_leg():
    """Legs are an agent's: once the agent on 15000 logs out, a call there is the DN's only."""
    from simulator.tserver import agents

    world = make_world()
    world.tserver.phone(lambda: agents.logout(world.tserver, "15000"))
    advance(world, 1)
    call = talking(world)
    set_user_data(world, call, {"DispositionCode": "A"})
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    assert "legs" not in finals(world)[call.conn_id]  # (a call with no agent leg has none to show)


def test_the_legs_are_listed_in_the_order_they_began():
    """15002 answers first and transfers to 15000: 15002's leg comes first though its DN sorts last."""
    from simulator.tserver import transfers

    world = make_world()
    made = []
    world.tserver.phone(lambda: made.append(calls.make_call(world.tserver, "15001", "15002")))
    call = made[0]
    world.tserver.phone(lambda: calls.answer(world.tserver, "15002", call))
    set_user_data(world, call, {"DispositionCode": "First"})
    world.tserver.phone(lambda: transfers.single_step_transfer(world.tserver, "15002", call, "15000"))
    advance(world, 1)
    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    set_user_data(world, call, {"DispositionCode": "Second"})
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    kept = finals(world)[call.conn_id]["legs"]["kept"]
    assert list(kept.items()) == [("15002", "Second"), ("15000", "Second")]  # (rule CALL: the call's last value)


def test_the_disposition_keys_own_history_decides_what_its_legs_keep():
    """ICON's attached-data spec gives DispositionCode the history ``first``: the legs keep
    the first code, though every other key keeps all its changes."""
    world = make_world()
    world.reporting.settings.attached_data = {"DispositionCode": "first"}
    call = talking(world)
    set_user_data(world, call, {"DispositionCode": "A"})
    set_user_data(world, call, {"DispositionCode": "B"})
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    assert finals(world)[call.conn_id]["legs"]["kept"] == {"15000": "A"}


def test_two_changes_of_the_key_at_one_instant_keep_the_order_they_happened_in():
    """A user event and then an attached-data change of the key, at the same microsecond:
    the later one wins for the leg, though the two come from different ICON tables."""
    world = make_world()
    call = talking(world)
    user_event(world, call, {"DispositionCode": "First"})
    world.tserver.phone(lambda: userdata.update(world.tserver, "15000", call, {"DispositionCode": "Second"}))
    advance(world, 1)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    assert finals(world)[call.conn_id]["legs"]["kept"] == {"15000": "Second"}


def test_the_key_resent_unchanged_with_another_keys_change_is_not_a_new_change_of_it():
    """The key set to Sale, a user event sets Refund, then the desktop sends the whole
    data again with another key changed (Sale again, an equal string, not the same
    object): Refund stays the latest change of the key, so the leg keeps it."""
    world = make_world()
    call = talking(world)
    set_user_data(world, call, {"DispositionCode": "".join(["Sa", "le"])})
    user_event(world, call, {"DispositionCode": "Refund"})
    advance(world, 1)
    set_user_data(world, call, {"DispositionCode": "".join(["Sa", "le"]), "Topic": "billing"})
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    advance(world, 1)
    final = finals(world)[call.conn_id]
    assert final["userData"] == {"DispositionCode": "Refund", "Topic": "billing"}
    assert final["legs"]["kept"] == {"15000": "Refund"}
