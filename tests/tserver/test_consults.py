"""Consults from any state, swaps and the consult call's user data (facts §5)."""

import pytest

from simulator import tlib
from simulator.tserver import calls
from simulator.tserver.model import CONSULT_USER_DATA

from ..helpers import make_world
from .test_calls import dial
from .test_userdata import established as talking
from .test_userdata import send


def held(world):
    call = talking(world)
    send(world, "RequestHoldCall", ThisDN="15000", ConnID=call.conn_id)
    assert call.parties["15000"].state == tlib.HELD
    return call


@pytest.mark.parametrize("request_name, link", [("RequestInitiateTransfer", "TransferConnID"),
                                                ("RequestInitiateConference", "ConferenceConnID")])
def test_a_consult_from_a_held_call_dials_at_once_without_a_second_held(request_name, link):
    world = make_world()
    call = held(world)
    out = send(world, request_name, ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    assert [(e.name, e.attrs["ThisDN"]) for e in out] == [("EventDialing", "15000"), ("EventRinging", "15002")]
    dialing, ringing = out
    assert dialing.attrs["ReferenceID"] == 7 and dialing.attrs[link] == call.conn_id
    assert dialing.attrs["PreviousConnID"] == ringing.attrs["PreviousConnID"] == call.conn_id
    assert call.parties["15000"].state == tlib.HELD


def test_an_established_consult_holds_first_and_names_the_original_in_previous_conn_id():
    world = make_world()
    call = talking(world)
    out = send(world, "RequestInitiateTransfer", ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    assert [e.name for e in out] == ["EventHeld", "EventDialing", "EventRinging"]
    assert "PreviousConnID" not in out[0].attrs  # the original's own events name no other call
    assert out[1].attrs["PreviousConnID"] == call.conn_id


def test_a_refused_composite_request_never_answers_43():
    """A Ringing party cannot consult: 51 (unsupported in this state), not 43 ("already
    in the requested state"), which is no answer to a transfer."""
    world = make_world()
    call = dial(world)
    (error,) = send(world, "RequestInitiateTransfer", ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    assert error.attrs["ErrorCode"] == tlib.TERR_UNSUP_OPER and "InitiateTransfer" in error.attrs["ErrorMessage"]
    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    (error,) = send(world, "RequestAlternateCall", ThisDN="15000", ConnID=call.conn_id, PreviousConnID=call.conn_id)
    assert error.attrs["ErrorCode"] == tlib.TERR_INVALID_ATTR  # the same call twice
    other = dial(world, "15002", "15000")  # a second call rings at 15000
    (error,) = send(world, "RequestAlternateCall", ThisDN="15000", ConnID=call.conn_id, PreviousConnID=other.conn_id)
    assert error.attrs["ErrorCode"] == tlib.TERR_UNSUP_OPER  # a Ringing call cannot be retrieved; not 43


def test_hold_on_a_held_party_is_still_43():
    world = make_world()
    call = held(world)
    (error,) = send(world, "RequestHoldCall", ThisDN="15000", ConnID=call.conn_id)
    assert error.attrs["ErrorCode"] == tlib.TERR_IN_SAME_STATE  # that is what 43 means


def test_single_step_operations_from_a_held_call():
    world = make_world()
    call = held(world)
    out = send(world, "RequestSingleStepConference", ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    assert [e.name for e in out] == ["EventPartyAdded", "EventPartyAdded", "EventRinging"]
    assert call.conference_owner == "15000"
    world = make_world()
    call = held(world)
    out = send(world, "RequestSingleStepTransfer", ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    assert ("EventReleased", "15000") in [(e.name, e.attrs["ThisDN"]) for e in out]


def test_alternate_call_swaps_two_calls_with_no_consult_link():
    world = make_world()
    first = held(world)
    second = dial(world, "15000", "15002")  # an ordinary second call from the agent's phone
    world.tserver.phone(lambda: calls.answer(world.tserver, "15002", second))
    out = send(world, "RequestAlternateCall", ThisDN="15000", ConnID=second.conn_id, PreviousConnID=first.conn_id)
    assert [(e.name, e.attrs["ConnID"]) for e in out] == [("EventHeld", second.conn_id),
                                                          ("EventRetrieved", first.conn_id)]
    out = send(world, "RequestCompleteTransfer", ThisDN="15000", ConnID=second.conn_id,
               TransferConnID=first.conn_id)  # completes on any two calls, one held
    assert not [e for e in out if e.name == "EventError"]
    assert {p.dn for p in second.live_parties()} == {"15001", "15002"} and first.released


def consult_with(option):
    world = make_world()
    world.tserver.consult_user_data = option
    call = talking(world)
    send(world, "RequestUpdateUserData", ThisDN="15000", ConnID=call.conn_id, UserData={"Account": "7"})
    out = send(world, "RequestInitiateTransfer", ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    consult = world.tserver.calls[out[1].attrs["ConnID"]]
    world.tserver.phone(lambda: calls.answer(world.tserver, "15002", consult))
    return world, call, consult


def test_consult_user_data_separate_inherited_joint():
    assert CONSULT_USER_DATA == ("separate", "inherited", "joint")
    world, call, consult = consult_with("separate")
    assert consult.user_data == {}
    world, call, consult = consult_with("inherited")
    assert consult.user_data == {"Account": "7"}
    send(world, "RequestUpdateUserData", ThisDN="15002", ConnID=consult.conn_id, UserData={"Code": "Sale"})
    assert call.user_data == {"Account": "7"}  # a copy: the original keeps its own
    world, call, consult = consult_with("joint")
    out = send(world, "RequestUpdateUserData", ThisDN="15002", ConnID=consult.conn_id, UserData={"Code": "Sale"})
    assert call.user_data == consult.user_data == {"Account": "7", "Code": "Sale"}
    assert [(e.attrs["ThisDN"], e.attrs["ConnID"]) for e in out] == [
        ("15002", consult.conn_id), ("15000", consult.conn_id), ("15001", call.conn_id), ("15000", call.conn_id)]
    assert all(e.attrs["ThirdPartyDN"] == "15002" for e in out)
    out = send(world, "RequestDeletePair", ThisDN="15000", ConnID=call.conn_id, Key="Code")  # the other way
    assert consult.user_data == {"Account": "7"} and {e.attrs["ConnID"] for e in out} == {call.conn_id,
                                                                                            consult.conn_id}


def test_every_call_event_names_the_server():
    world = make_world()
    call = talking(world)
    out = send(world, "RequestHoldCall", ThisDN="15000", ConnID=call.conn_id)
    assert out[0].attrs["Server"] == tlib.SERVER and out[0].attrs["CallID"] == 0
