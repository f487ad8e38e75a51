"""The capability tables against Genesys' samples, line by line, and each situation
reached through Web Services as a desktop would reach it."""

import json

import pytest

from simulator.gws import capabilities as caps
from simulator.gws.capabilities import SITUATIONS

from ..helpers import SAMPLES, advance, make_world
from .test_documented_operations import consulting, last_call_message, talking
from .test_operations import post

SAMPLED = {key: value for key, value in json.loads((SAMPLES / "capabilities.json").read_text()).items()
           if not key.startswith("_")}
CONFERENCE_SAMPLE = "held, conference consult (the sample's first six; tsim's choice differs)"


@pytest.mark.parametrize("situation", [s for s in SAMPLED if s != CONFERENCE_SAMPLE])
def test_each_sampled_situation_is_the_sample_line_by_line(situation):
    assert list(SITUATIONS[situation]) == SAMPLED[situation]["capabilities"]


def test_the_conference_consult_choice_differs_from_its_sample_only_where_the_docstring_says():
    """The InitiateConference sample offers Retrieve where the InitiateTransfer sample offers
    SwapCalls; tsim takes the transfer sample's list for both, with CompleteConference."""
    sample = SAMPLED[CONFERENCE_SAMPLE]["capabilities"]
    ours = SITUATIONS[caps.HELD_DURING_CONFERENCE_CONSULT]
    assert list(ours[:len(sample)]) == ["SwapCalls" if name == "Retrieve" else name for name in sample]
    transfer = SITUATIONS[caps.HELD_DURING_TRANSFER_CONSULT]
    assert [n for n in ours if n != "CompleteConference"] == [n for n in transfer if n != "CompleteTransfer"]
    assert "Retrieve" not in ours and "CompleteConference" in ours


def test_every_situation_has_a_source_and_offers_only_operations_tsim_carries_out():
    from simulator.gws.operations import SUPPORTED

    assert set(caps.SOURCES) == set(SITUATIONS)
    for situation, offered in SITUATIONS.items():
        assert set(offered) <= set(SUPPORTED), situation
        assert len(set(offered)) == len(offered), situation


def held_and_second_call(world):
    """agent1 holds 15001's call, then dials agent2 from the desktop; agent2 answers."""
    call = talking(world)
    post(world, call.call_uuid, {"operationName": "Hold"})
    advance(world, 0.02)
    device = world.gws.users["agent1"].device_id
    world.gws.http("agent1", "POST", f"/api/v2/me/devices/{device}/calls",
                   {"operationName": "Dial", "destination": {"phoneNumber": "15002"}})
    advance(world, 0.02)
    views = world.gws.users["agent1"].calls
    second = next(v for v in views.values() if v.id != call.call_uuid)
    from simulator.tserver import calls
    world.tserver.phone(lambda: calls.answer(world.tserver, "15002", world.tserver.calls[second.conn_id]))
    advance(world, 0.02)
    return call, second


def test_situations_as_a_desktop_meets_them():
    world = make_world()
    call, second = held_and_second_call(world)
    active = last_call_message(world, call_id=second.id)["call"]["capabilities"]
    assert active == list(SITUATIONS[caps.ESTABLISHED_BESIDE_HELD])
    user = world.gws.users["agent1"]
    assert list(world.gws.offers(user, user.calls[call.call_uuid])) == list(SITUATIONS[caps.HELD_BESIDE_ACTIVE])
    world = make_world()
    call, consult = consulting(world, "InitiateConference")
    held = last_call_message(world, call_id=call.call_uuid)["call"]["capabilities"]
    assert held == list(SITUATIONS[caps.HELD_DURING_CONFERENCE_CONSULT])


def test_swap_calls_takes_other_call_uri_for_two_calls_with_no_consult_link():
    world = make_world()
    call, second = held_and_second_call(world)
    uri = f"http://127.0.0.1:8080/api/v2/me/calls/{call.call_uuid}"
    answer = post(world, second.id, {"operationName": "SwapCalls", "otherCallUri": uri})
    assert answer.body == {"statusCode": 0}
    advance(world, 0.02)
    views = world.gws.users["agent1"].calls
    assert (views[call.call_uuid].state, views[second.id].state) == ("Established", "Held")
    same = post(world, second.id, {"operationName": "SwapCalls", "otherCallUri": second.id})
    assert same.body["statusCode"] == 10
    unknown = post(world, second.id, {"operationName": "SwapCalls", "otherCallUri": "NOPE"})
    assert unknown.body["statusCode"] == 6
    assert post(world, call.call_uuid, {"operationName": "CompleteTransfer"}).body == {"statusCode": 0}
    advance(world, 0.02)
    assert views[call.call_uuid].state == views[second.id].state == "Released"


def test_swap_calls_without_other_call_uri_needs_exactly_one_call_to_swap_with():
    world = make_world()
    call = talking(world)
    answer = post(world, call.call_uuid, {"operationName": "SwapCalls"})
    assert answer.body["statusCode"] == 2  # an Established call alone does not offer it
    world = make_world()
    call, second = held_and_second_call(world)
    assert post(world, second.id, {"operationName": "SwapCalls"}).body == {"statusCode": 0}  # the one held call
    advance(world, 0.02)
    assert world.gws.users["agent1"].calls[call.call_uuid].state == "Established"
