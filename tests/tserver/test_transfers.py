"""Transfers and conferences at T-Server."""

from simulator import tlib
from simulator.tserver import calls

from ..helpers import events, make_world, mark
from .test_calls import dial
from .test_userdata import established as talking
from .test_userdata import send


def consult(world, call, kind="RequestInitiateTransfer"):
    out = send(world, kind, ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    held, dialing, ringing = out
    assert (held.name, held.attrs["ConnID"]) == ("EventHeld", call.conn_id)
    assert dialing.name == "EventDialing" and dialing.attrs["CallType"] == "Consult"
    assert dialing.attrs["ConnID"] != call.conn_id and dialing.attrs["CallUuid"] != call.call_uuid
    assert ringing.name == "EventRinging" and ringing.attrs["ThisDN"] == "15002"
    new = world.tserver.calls[dialing.attrs["ConnID"]]
    world.tserver.phone(lambda: calls.answer(world.tserver, "15002", new))
    return new


def test_two_step_transfer_moves_the_consulted_party_with_party_changed():
    world = make_world()
    call = talking(world)
    call.user_data["Account"] = "7"
    helper = consult(world, call)
    assert helper.links == {"TransferConnID": call.conn_id}
    assert helper.user_data == {}  # consult-user-data separate, the documented default
    out = send(world, "RequestCompleteTransfer", ThisDN="15000", ConnID=call.conn_id, TransferConnID=helper.conn_id)
    names = [(e.name, e.attrs["ThisDN"], e.attrs["ConnID"]) for e in out if not e.name.startswith("EventAgent")]
    assert names == [("EventPartyChanged", "15002", call.conn_id),
                     ("EventReleased", "15000", call.conn_id),  # the original first, as the page shows
                     ("EventReleased", "15000", helper.conn_id),
                     ("EventPartyChanged", "15001", call.conn_id)]
    changed = out[0]
    assert changed.attrs["PreviousConnID"] == helper.conn_id and changed.attrs["CallType"] == "Internal"
    assert (changed.attrs["CallState"], changed.attrs["ThirdPartyDN"], changed.attrs["ThirdPartyDNRole"]) == (
        tlib.CALL_STATE_TRANSFERRED, "15000", "RoleTransferredBy")
    other = out[3]
    assert (other.attrs["OtherDN"], other.attrs["OtherDNRole"], other.attrs["ThirdPartyDN"],
            other.attrs["ThirdPartyDNRole"]) == ("15002", "RoleNewParty", "15000", "RoleTransferredBy")
    assert other.attrs["PreviousConnID"] == call.conn_id  # the staying party did not move (facts §5)
    assert helper.released and not call.released
    assert set(p.dn for p in call.live_parties()) == {"15001", "15002"}


def test_complete_transfer_needs_a_consult_of_that_call():
    world = make_world()
    call = talking(world)
    (error,) = send(world, "RequestCompleteTransfer", ThisDN="15000", ConnID=call.conn_id,
                    TransferConnID="0000000000000001")
    assert error.attrs["ErrorCode"] == tlib.TERR_INV_CONNID
    other = dial(world, "15002", "15001")  # a call 15000 is not on: any two of its calls would do, not this one
    (error,) = send(world, "RequestCompleteTransfer", ThisDN="15000", ConnID=call.conn_id,
                    TransferConnID=other.conn_id)
    assert error.attrs["ErrorCode"] == tlib.TERR_PARTY_NOT_ON_CALL


def test_two_step_conference_adds_the_party():
    world = make_world()
    call = talking(world)
    helper = consult(world, call, "RequestInitiateConference")
    out = send(world, "RequestCompleteConference", ThisDN="15000", ConnID=call.conn_id,
               ConferenceConnID=helper.conn_id)
    names = [(e.name, e.attrs["ThisDN"]) for e in out]
    assert names == [("EventReleased", "15000"), ("EventRetrieved", "15000"),  # the order of facts §5
                     ("EventPartyAdded", "15001"), ("EventPartyAdded", "15000"), ("EventPartyChanged", "15002")]
    for added in out[2:4]:  # the new party in OtherDN, for the agent who added it too; the agent in ThirdPartyDN
        assert (added.attrs["OtherDN"], added.attrs["OtherDNRole"]) == ("15002", "RoleNewParty")
        assert (added.attrs["ThirdPartyDN"], added.attrs["ThirdPartyDNRole"]) == ("15000", "RoleAddedBy")
    assert len(call.live_parties()) == 3 and call.conference_owner == "15000"
    start = mark(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15000", call))  # one leaves: the call goes on
    assert [(e.name, e.attrs["ThisDN"]) for e in events(world, since=start) if not e.name.startswith("EventAgent")] \
        == [("EventReleased", "15000"), ("EventPartyDeleted", "15001"), ("EventPartyDeleted", "15002")]
    assert not call.released


def test_single_step_transfer_keeps_the_conn_id():
    world = make_world()
    call = talking(world)
    out = send(world, "RequestSingleStepTransfer", ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    assert [(e.name, e.attrs["ThisDN"]) for e in out if not e.name.startswith("EventAgent")] == [
        ("EventRinging", "15002"), ("EventReleased", "15000"), ("EventPartyChanged", "15001")]
    assert all(e.attrs["ConnID"] == call.conn_id for e in out if "ConnID" in e.attrs)
    (error,) = send(world, "RequestSingleStepTransfer", ThisDN="15001", ConnID=call.conn_id, OtherDN="15002")
    assert error.attrs["ErrorCode"] == tlib.TERR_INV_CALD_DN  # already on the call


def test_single_step_conference_rings_the_destination_on_the_same_call():
    world = make_world()
    call = talking(world)
    out = send(world, "RequestSingleStepConference", ThisDN="15000", ConnID=call.conn_id, OtherDN="15002")
    assert [(e.name, e.attrs["ThisDN"]) for e in out] == [("EventPartyAdded", "15001"), ("EventPartyAdded", "15000"),
                                                          ("EventRinging", "15002")]
    assert all(e.attrs["OtherDN"] == "15002" and e.attrs["ThirdPartyDN"] == "15000" for e in out[:2])


def test_a_single_step_transfer_to_a_queue_with_nobody_free_waits_there_with_the_caller():
    """The transferring agent leaves; the caller, the only party left, is not alone on a
    call that waits in a queue: the call waits for an agent instead of ending."""
    from simulator.tserver import agents

    world = make_world()
    call = talking(world)
    world.tserver.phone(lambda: agents.set_state(world.tserver, "15000", tlib.NOT_READY))
    out = send(world, "RequestSingleStepTransfer", ThisDN="15000", ConnID=call.conn_id, OtherDN="16000")
    assert [(e.name, e.attrs["ThisDN"]) for e in out if not e.name.startswith("EventAgent")] == [
        ("EventQueued", "16000"), ("EventReleased", "15000"), ("EventPartyChanged", "15001")]
    assert not call.released and call in world.tserver.dns["16000"].waiting
    start = mark(world)
    world.tserver.phone(lambda: agents.set_state(world.tserver, "15002", tlib.READY))
    assert [(e.name, e.attrs["ThisDN"]) for e in events(world, since=start) if "ConnID" in e.attrs] == [
        ("EventDiverted", "16000"), ("EventRinging", "15002")]


def test_the_agent_who_transferred_to_a_queue_is_free_for_the_calls_waiting_there():
    """Agent1 transfers its call to the queue it serves: free at once (no wrap-up),
    it takes the call waiting there, the oldest, without waiting for another event."""
    world = make_world()
    call = talking(world)
    waiting = []
    world.tserver.phone(lambda: waiting.append(calls.inbound_call(world.tserver, "+15550001", "16000")))
    assert waiting[0] in world.tserver.dns["16000"].waiting  # agent1 is busy, agent2 NotReady
    out = send(world, "RequestSingleStepTransfer", ThisDN="15000", ConnID=call.conn_id, OtherDN="16000")
    rang = [(e.attrs["ConnID"], e.attrs["ThisDN"]) for e in out if e.name == "EventRinging"]
    assert rang == [(waiting[0].conn_id, "15000")] and call in world.tserver.dns["16000"].waiting
