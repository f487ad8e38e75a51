"""Agents' transfers in generated traffic: in one step or two, the dispositions of
the agent who left and of the one who took over, a consult call nobody answers, a
transfer refused, and a call handed back to the agent who transferred it."""

from __future__ import annotations

import pytest

from simulator import parse_scenario, run_scenario
from simulator.scenario.loader import ScenarioError

TRANSFERS = """\
version: 1
name: transfers
description: sales hands calls to support
switch:
  dns:
    "19000": {{type: ACDQueue}}
    "19001": {{type: ACDQueue}}
  agent_groups:
    - {{count: 4, first_dn: 20000, agent_prefix: sales, queues: ["19000"]}}
    - {{count: 3, first_dn: 21000, agent_prefix: support, queues: ["19001"]}}
  latency: {{tserver_to_gws: 20ms}}
traffic:
  rate: 0.05
  duration: 1h
  to: "19000"
  answer_after: 2s
  talk: 60s
  transfer: {{share: 1, to: "19001", after: 20s, how: {how}, consult: 10s, consult_patience: 10min}}
  dispositions: {{after_release: 1s, codes: {codes}{view}}}
"""


def _by_group(result) -> dict[str, list]:
    groups: dict[str, list] = {"sales": [], "support": []}
    for record in result.dispositions:
        groups["sales" if record.user.startswith("sales") else "support"].append(record)
    return groups


def test_a_single_step_transfer_leaves_the_first_agent_disposing_on_a_call_that_lives_on():
    """Sales transfers every call 20 s in and disposes 1 s later: Web Services sees the
    call Released for them (the userEvent path) while support talks on the same call;
    support's own disposition, a minute later, supersedes sales' when the codes differ."""
    result = run_scenario(parse_scenario(TRANSFERS.format(how="single_step", codes="{Sale: 0.5, NoSale: 0.5}",
                                                          view=""), "transfers.yaml"))
    groups = _by_group(result)
    assert len(groups["sales"]) == len(groups["support"]) > 100
    for sales in groups["sales"]:
        assert (sales.path.value, sales.gwsView, sales.tserverState) == ("userEvent", "Released", "Released")
    final = {r.callUuid: r.disposition for r in groups["support"]}
    for sales in groups["sales"]:
        expected = "reported" if final[sales.callUuid] == sales.disposition else "superseded"
        assert sales.reporting.outcome.value == expected
    assert {r.reporting.outcome.value for r in groups["support"]} == {"reported"}
    assert {r.disposition for r in result.dispositions} == {"Sale", "NoSale"}
    names = [e.payload.name for e in result.journal.of_kind("tlib.event")]
    assert "EventPartyChanged" not in names and "EventAbandoned" not in names  # the calls waited in support's queue
    assert names.count("EventQueued") == names.count("EventReleased") == 2 * len(groups["sales"])


def test_a_two_step_transfer_and_the_consulted_desktop_holding_the_consult_calls_id():
    """Two steps: sales consults support for 10 s, completes and disposes a second later;
    support's desktop still shows the consult call, so with consult_view 1 each of
    their dispositions names a call Web Services no longer knows (statusCode 6)."""
    stale = run_scenario(parse_scenario(TRANSFERS.format(how="two_step", codes="{Done: 1}", view=", consult_view: 1"),
                                        "transfers.yaml"))
    groups = _by_group(stale)
    assert len(groups["sales"]) == len(groups["support"]) > 100
    assert all(r.path.value == "rejected" and r.http.statusCode == 6 for r in groups["support"])
    assert all(r.path.value == "userEvent" and r.reporting.outcome.value == "reported" for r in groups["sales"])
    moved = [e.payload for e in stale.journal.of_kind("tlib.event") if e.payload.name == "EventPartyChanged"]
    assert len(moved) == len(groups["sales"]) and all("PreviousConnID" in event.attrs for event in moved)

    fresh = run_scenario(parse_scenario(TRANSFERS.format(how="two_step", codes="{Done: 1}", view=""),
                                        "transfers.yaml"))
    groups = _by_group(fresh)
    assert all(r.path.value == "userEvent" and r.reporting.outcome.value == "reported" for r in groups["support"])
    sales_calls = {r.callUuid for r in groups["sales"]}
    assert sales_calls == {r.callUuid for r in groups["support"]}  # both on the caller's call


def test_a_transfer_that_fails_leaves_the_call_with_the_agent_until_the_caller_hangs_up():
    """A transfer to the agent's own DN is refused by T-Server: the call goes on, and the
    caller hangs up a talk's length after the attempt; nothing is left in progress."""
    text = TRANSFERS.format(how="single_step", codes="{Done: 1}", view="").replace(
        '{count: 4, first_dn: 20000, agent_prefix: sales, queues: ["19000"]}', '{count: 1, first_dn: 20000}').replace(
        'to: "19001", after', 'to: "20000", after').replace("rate: 0.05", "rate: 0.005")
    result = run_scenario(parse_scenario(text, "failing.yaml"))
    answered, released, refused = {}, {}, 0
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        if event.name == "EventEstablished":
            answered[event.attrs["ConnID"]] = entry.t
        elif event.name == "EventReleased":
            released[event.attrs["ConnID"]] = entry.t
        elif event.name == "EventError":
            refused += 1
    assert refused == len(answered) > 5
    assert {conn: released[conn] - t for conn, t in answered.items()} == {conn: 80_000_000 for conn in answered}


def test_transfers_and_codes_are_checked_with_their_field():
    text = TRANSFERS.format(how="two_step", codes="{Sale: 0.5, NoSale: 0.4}", view="")
    with pytest.raises(ScenarioError, match=r"transfers.yaml:\d+: traffic.dispositions: codes: the shares add up to "
                                            r"1, not 0.9"):
        parse_scenario(text, "transfers.yaml")
    text = TRANSFERS.format(how="two_step", codes="{Done: 1}", view="").replace('to: "19001", after', 'to: "1", after')
    with pytest.raises(ScenarioError, match=r"traffic.transfer.to: 1 is not a configured DN"):
        parse_scenario(text, "transfers.yaml")
    text = TRANSFERS.format(how="single_step", codes="{Done: 1}", view=", consult_view: 0.5")
    with pytest.raises(ScenarioError, match=r"consult_view: a consult call's id is only seen after a two-step"):
        parse_scenario(text, "transfers.yaml")


@pytest.mark.parametrize("how", ["single_step", "two_step"])
def test_transfers_write_back_to_the_same_runs(how):
    import yaml

    from simulator.scenario.writer import scenario_data

    loaded = parse_scenario(TRANSFERS.format(how=how, codes="{A: 0.5, B: 0.5}", view=""), "t.yaml")
    again = parse_scenario(yaml.safe_dump(scenario_data(loaded.scenario)), "again.yaml")
    assert [e.t for e in run_scenario(again).journal] == [e.t for e in run_scenario(loaded).journal]


def test_an_agent_who_gets_their_own_transferred_call_back_talks_it_through():
    """One agent transfers every call in one step to the queue they serve: the call
    waits there, rings them again, and this second talk runs its full length (the
    check for a transfer that never happened must not end it)."""
    text = TRANSFERS.format(how="single_step", codes="{Done: 1}", view="").replace(
        '{count: 4, first_dn: 20000, agent_prefix: sales, queues: ["19000"]}', '{count: 1, first_dn: 20000}').replace(
        'to: "19001", after', 'to: "19000", after').replace("rate: 0.05", "rate: 0.002")
    result = run_scenario(parse_scenario(text, "back.yaml"))
    answered: dict[str, list[int]] = {}
    released: dict[str, int] = {}
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        if event.name == "EventEstablished":
            answered.setdefault(event.attrs["ConnID"], []).append(entry.t)
        elif event.name == "EventReleased" and event.attrs["ThisDN"] == "20000":
            released[event.attrs["ConnID"]] = entry.t  # the last release: the caller's hang-up
    assert len(answered) > 3 and all(len(times) == 2 for times in answered.values())  # answered twice
    assert {conn: released[conn] - times[1] for conn, times in answered.items()} == \
        {conn: 60_000_000 for conn in answered}  # the second talk, whole


def test_an_agent_gives_up_a_consult_call_nobody_answers_and_takes_the_caller_back():
    """Support is NotReady all along: each consult call waits in its queue until the
    sales agent's patience (30 s) runs out; they hang it up (the queue sees it
    abandoned), retrieve the caller a second later, and the caller hangs up a talk
    (60 s) after the give-up."""
    text = TRANSFERS.format(how="two_step", codes="{Done: 1}", view="").replace(
        "consult_patience: 10min", "consult_patience: 30s").replace(
        'agent_prefix: support, queues: ["19001"]', 'agent_prefix: support, queues: ["19001"], state: NotReady')
    result = run_scenario(parse_scenario(text, "patience.yaml"))
    times: dict[str, dict[str, int]] = {}
    abandoned = 0
    for entry in result.journal.of_kind("tlib.event"):
        event = entry.payload
        if event.name == "EventAbandoned" and event.attrs["ThisDN"] == "19001":
            abandoned += 1
        elif event.attrs.get("ThisDN", "").startswith("200") and event.attrs.get("CallType") == "Inbound":
            times.setdefault(event.attrs["ConnID"], {})[event.name] = entry.t
    assert abandoned == len(times) > 50
    for seen in times.values():
        assert seen["EventHeld"] - seen["EventEstablished"] == 20_000_000 + 5_000  # the request: 5 ms to T-Server
        assert seen["EventRetrieved"] - seen["EventHeld"] == 31_000_000  # the patience, and a second to Retrieve
        assert seen["EventReleased"] - seen["EventRetrieved"] == 59_000_000 - 5_000  # a talk from the give-up
    assert all(r.path.value == "userEvent" and r.user.startswith("sales") for r in result.dispositions)


def test_web_services_forgets_the_consult_calls_of_the_calls_it_forgot():
    """After a two-step transfer Web Services remembers which call the consult call
    became (to answer a stale id with "is now call …"); it forgets that with the call,
    a retention after completing it, so a day of transfers does not pile them up."""
    from simulator.traffic import start_traffic
    from simulator.world import build_world

    text = TRANSFERS.format(how="two_step", codes="{Done: 1}", view="").replace(
        "  latency: {tserver_to_gws: 20ms}\n",
        "  latency: {tserver_to_gws: 20ms}\nweb_services: {call_completion: on_release, retention: 2min}\n")
    world = build_world(parse_scenario(text, "forget.yaml").scenario, 1)
    start_traffic(world)
    world.env.run(until=50 * 60 * 1_000_000)  # the last ten minutes still bring transfers
    transfers = sum(1 for e in world.journal.of_kind("tlib.event") if e.payload.name == "EventPartyChanged")
    remembered = sum(len(user.moved) for user in world.gws.users.values())
    assert transfers > 100 and 0 < remembered < transfers / 4
    assert all(set(user.moved) == {c for cs in user.moved_onto.values() for c in cs}
               for user in world.gws.users.values())
