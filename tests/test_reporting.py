"""The reporting sink: data at call end, user events after it, and their limits."""

from simulator import journal as J
from simulator.tlib import TRequest
from simulator.tserver import calls

from .gws.test_disposition import talking
from .helpers import advance, make_world


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
                     "userData": {"DispositionCode": "Sale"}}


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
