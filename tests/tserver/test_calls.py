"""T-Server call control: states, events and their attributes, errors."""

from simulator import tlib
from simulator.ids import is_call_uuid, is_conn_id
from simulator.tlib import TRequest
from simulator.tserver import calls

from ..helpers import events, make_world, mark


def dial(world, source="15001", destination="15000"):
    made = []
    assert world.tserver.phone(lambda: made.append(calls.make_call(world.tserver, source, destination))) is None
    return made[0]


def test_internal_call_dials_rings_and_establishes():
    world = make_world()
    start = mark(world)
    call = dial(world)
    assert call.call_type == "Internal"
    assert [p.state for p in call.parties.values()] == [tlib.DIALING, tlib.RINGING]
    dialing, ringing = events(world, since=start)
    assert dialing.name == "EventDialing" and dialing.attrs["ThisDN"] == "15001"
    assert dialing.attrs["OtherDN"] == "15000"
    assert ringing.name == "EventRinging" and ringing.attrs["ThisDN"] == "15000"
    assert ringing.attrs["OtherDN"] == "15001" and ringing.attrs["ANI"] == "15001"
    assert ringing.attrs["DNIS"] == "15000" and ringing.attrs["CallType"] == "Internal"
    assert ringing.attrs["ConnID"] == call.conn_id and ringing.attrs["CallUuid"] == call.call_uuid
    assert ringing.seq == dialing.seq + 1

    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    established = events(world, "EventEstablished", since=start)
    assert [e.attrs["ThisDN"] for e in established] == ["15000", "15001"]
    assert all(p.state == tlib.ESTABLISHED for p in call.parties.values())


def test_events_carry_sequence_numbers_and_time():
    world = make_world()
    start = mark(world)
    world.env.run(until=2_500_000)
    dial(world)
    seqs = [e.seq for e in events(world)]
    assert seqs == list(range(1, len(seqs) + 1))
    ringing = events(world, "EventRinging", since=start)[0]
    assert ringing.attrs["TimeinSecs"] == world.scenario.epoch + 2
    assert ringing.attrs["TimeinuSecs"] == 500_000


def test_events_go_to_the_clients_registered_on_the_dn():
    world = make_world()
    start = mark(world)
    dial(world)
    dialing, ringing = events(world, since=start)
    assert dialing.recipients == ("reporting",)  # 15001 has no Web Services user
    assert ringing.recipients == ("gws", "reporting")


def test_conn_ids_and_call_uuids_have_the_documented_formats_and_increase():
    world = make_world()
    first, second = dial(world), dial(world, "15002", "15001")
    for call in (first, second):
        assert is_conn_id(call.conn_id), call.conn_id
        assert is_call_uuid(call.call_uuid), call.call_uuid
    assert int(second.conn_id, 16) == int(first.conn_id, 16) + 1
    assert first.call_uuid[:26] == second.call_uuid[:26] and first.call_uuid != second.call_uuid


def test_caller_hanging_up_while_ringing_abandons_the_destination():
    world = make_world()
    start = mark(world)
    call = dial(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    names = [(e.name, e.attrs["ThisDN"]) for e in events(world, since=start)][2:]
    assert names == [("EventReleased", "15001"), ("EventAbandoned", "15000")]
    assert call.released and call.conn_id not in world.tserver.live


def test_hangup_of_an_established_call_releases_both_parties():
    world = make_world()
    start = mark(world)
    call = dial(world)
    world.tserver.phone(lambda: calls.answer(world.tserver, "15000", call))
    world.tserver.phone(lambda: calls.release(world.tserver, "15000", call))
    released = events(world, "EventReleased", since=start)
    assert [e.attrs["ThisDN"] for e in released] == ["15000", "15001"]
    assert call.released_at == world.env.now


def test_hold_and_retrieve_follow_the_table():
    world = make_world()
    call = dial(world)
    ts = world.tserver
    assert "TERR_UNSUP_OPER" in ts.phone(lambda: calls.hold(ts, "15000", call))  # still Ringing
    ts.phone(lambda: calls.answer(ts, "15000", call))
    assert ts.phone(lambda: calls.hold(ts, "15000", call)) is None
    assert call.parties["15000"].state == tlib.HELD
    assert "TERR_IN_SAME_STATE" in ts.phone(lambda: calls.hold(ts, "15000", call))
    assert ts.phone(lambda: calls.retrieve(ts, "15000", call)) is None
    assert call.parties["15000"].state == tlib.ESTABLISHED


def test_inbound_call_from_an_external_number():
    world = make_world()
    start = mark(world)
    made = []
    world.tserver.phone(lambda: made.append(calls.inbound_call(world.tserver, "+14155550100", "15000")))
    call = made[0]
    assert call.call_type == "Inbound"
    (ringing,) = events(world, since=start)  # the external caller gets no events
    assert ringing.attrs["ANI"] == "+14155550100"
    world.tserver.phone(lambda: calls.release(world.tserver, "+14155550100", call))
    assert [e.name for e in events(world, since=start)] == ["EventRinging", "EventAbandoned"]


def test_outbound_call_to_an_external_number():
    world = make_world()
    call = dial(world, "15000", "+442071234567")
    assert call.call_type == "Outbound"
    ts = world.tserver
    ts.phone(lambda: calls.answer(ts, "+442071234567", call))
    assert call.parties["15000"].state == tlib.ESTABLISHED


def request(world, name, **attrs):
    world.tserver.receive(TRequest(name, "gws", 99, attrs))
    return events(world)[-1]


def test_request_on_unknown_conn_id_answers_event_error_56():
    world = make_world()
    error = request(world, "RequestAnswerCall", ThisDN="15000", ConnID="00000000000000ff")
    assert error.name == "EventError"
    assert error.attrs["ErrorCode"] == tlib.TERR_INV_CONNID == 56
    assert error.attrs["ErrorMessage"] == "Invalid ConnID"
    assert error.attrs["ReferenceID"] == 99 and error.attrs["ConnID"] == "00000000000000ff"
    assert error.recipients == ("gws",)


def test_request_on_released_conn_id_answers_event_error_56():
    world = make_world()
    call = dial(world)
    world.tserver.phone(lambda: calls.release(world.tserver, "15001", call))
    error = request(world, "RequestReleaseCall", ThisDN="15000", ConnID=call.conn_id)
    assert (error.name, error.attrs["ErrorCode"]) == ("EventError", 56)


def test_other_invalid_requests_get_fitting_codes_and_change_nothing():
    world = make_world()
    call = dial(world)
    assert request(world, "RequestMakeCall", ThisDN="19999", OtherDN="15000").attrs["ErrorCode"] == 59
    assert request(world, "RequestMakeCall", ThisDN="16000", OtherDN="15000").attrs["ErrorCode"] == 53
    assert request(world, "RequestAnswerCall", ThisDN="15002", ConnID=call.conn_id).attrs["ErrorCode"] == 470
    assert request(world, "RequestAnswerCall", ThisDN="15001", ConnID=call.conn_id).attrs["ErrorCode"] == 51
    assert request(world, "RequestQueryCall", ThisDN="15000").attrs["ErrorCode"] == 51
    assert call.parties["15001"].state == tlib.DIALING


def test_make_call_request_answers_with_its_reference_id():
    world = make_world()
    dialing = request(world, "RequestMakeCall", ThisDN="15001", OtherDN="15000")
    first = events(world, "EventDialing")[-1]
    assert first.attrs["ReferenceID"] == 99
    assert dialing.name == "EventRinging"
