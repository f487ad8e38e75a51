"""Attached data and user events at T-Server."""

from simulator import tlib
from simulator.tlib import TRequest
from simulator.tserver import calls

from ..helpers import events, make_world, mark
from .test_calls import dial


def established(world):
    call = dial(world)
    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    return call


def send(world, name, **attrs):
    start = mark(world)
    world.tserver.receive(TRequest(name, "gws", 7, attrs))
    return events(world, since=start)


def test_update_user_data_reaches_every_party_with_third_party_dn():
    world = make_world()
    call = established(world)
    out = send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"A": "1"})
    assert [(e.name, e.attrs["ThisDN"]) for e in out] == [("EventAttachedDataChanged", "15000"),
                                                          ("EventAttachedDataChanged", "15001")]
    assert all(e.attrs["ThirdPartyDN"] == "15000" and e.attrs["UserData"] == {"A": "1"} for e in out)
    assert out[0].attrs["ReferenceID"] == 7 and "ReferenceID" not in out[1].attrs
    out = send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"A": "2", "B": 3})
    assert out[0].attrs["UserData"] == {"A": "2", "B": 3}


def test_delete_pair_and_delete_all():
    world = make_world()
    call = established(world)
    send(world, "RequestAttachUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"A": "1", "B": "2"})
    out = send(world, "RequestDeletePair", ThisDN="15000", ConnID=call.conn_id, Key="A")
    assert out[0].attrs["UserData"] == {"B": "2"}
    out = send(world, "RequestDeletePair", ThisDN="15000", ConnID=call.conn_id, Key="nope")
    assert out[0].name == "EventError" and out[0].attrs["ErrorCode"] == tlib.TERR_INVALID_ATTR
    out = send(world, "RequestDeleteUserData", ThisDN="15000", ConnID=call.conn_id)
    assert out[0].attrs["UserData"] == {}


def test_user_data_on_a_released_call_is_event_error_56():
    world = make_world()
    call = established(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    (error,) = send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"A": "1"})
    assert (error.name, error.attrs["ErrorCode"], error.attrs["ErrorMessage"]) == ("EventError", 56,
                                                                                   "Invalid ConnID")
    assert call.user_data == {}


def test_empty_user_data_is_refused():
    world = make_world()
    call = established(world)
    (error,) = send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={})
    assert error.attrs["ErrorCode"] == tlib.TERR_INVALID_ATTR


def test_user_event_needs_no_call_and_reaches_the_dn_clients():
    world = make_world()
    content = {"ConnID": "00000000000000aa", "UserData": {"DispositionCode": "X"}}
    (event,) = send(world, "RequestDistributeUserEvent", ThisDN="15000", UserEvent=content)
    assert event.name == "EventUserEvent"
    assert event.attrs["ConnID"] == "00000000000000aa" and event.attrs["UserData"] == {"DispositionCode": "X"}
    assert event.recipients == ("gws", "reporting") and event.attrs["ReferenceID"] == 7
    (error,) = send(world, "RequestDistributeUserEvent", ThisDN="99999", UserEvent=content)
    assert error.attrs["ErrorCode"] == tlib.TERR_NOT_CONFIGURED


def test_events_share_one_copy_of_the_user_data_until_it_changes():
    """Each event carries the user data as it was when it left; events between two changes
    share one copy (a long run has millions of events), and a change never reaches an
    event already sent."""
    world = make_world()
    call = established(world)
    first = send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"A": "1"})
    held = send(world, "RequestHoldCall", ThisDN="15000", ConnID=call.conn_id)
    assert held and all(e.attrs["UserData"] is first[0].attrs["UserData"] for e in [*first, *held])
    after = send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"A": "2"})
    assert after[0].attrs["UserData"] == {"A": "2"}
    assert first[0].attrs["UserData"] == {"A": "1"} and held[0].attrs["UserData"] == {"A": "1"}
    removed = send(world, "RequestDeletePair", ThisDN="15000", ConnID=call.conn_id, Key="A")
    assert removed[0].attrs["UserData"] == {} and after[0].attrs["UserData"] == {"A": "2"}
    send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"B": "3"})
    cleared = send(world, "RequestDeleteUserData", ThisDN="15000", ConnID=call.conn_id)
    assert cleared[0].attrs["UserData"] == {} and removed[0].attrs["UserData"] == {}
