"""Random valid call flows: scenario mappings a person could have written.

``random_flow(seed)`` builds a switch (agents, a plain extension, maybe a
queue and a routing point), random delays and settings, and a script of
calls with answers, holds, hangups, agent states, IVR data and desktop
requests — dispositions above all, many of them close to a hangup, where
the timing edge cases live. Every flow loads; the tests run it and check the
journal's invariants (``simulator.invariants``) and that a refused T-Library
request changed nothing.
"""

from __future__ import annotations

import random
from typing import Any

AGENT_DNS = ("15000", "15001", "15002")
PLAIN = "15100"
QUEUE = "16000"
ROUTING_POINT = "17000"
CALLERS = ("+14155550100", "+14155550101", "+14155550102")
DISPOSITIONS = ("Sale", "NoSale", "Callback", "Referred")
CALL_OPERATIONS = ("Answer", "Hangup", "Hold", "Retrieve", "AttachUserData", "UpdateUserData",
                   "DeleteUserDataPair", "DeleteUserData", "SendDtmf", "InitiateTransfer", "InitiateConference",
                   "CompleteTransfer", "CompleteConference", "SingleStepTransfer", "SingleStepConference",
                   "Complete", "SwapCalls", "MuteCall", "UnmuteCall", "ClearCall", "RemoveParticipantFromConference")


def _delay(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(["0ms", "1ms", "5ms", "50ms", "200ms"])
    if roll < 0.7:
        low = rng.randrange(0, 20)
        return {"dist": "uniform", "low": f"{low}ms", "high": f"{low + rng.randrange(0, 50)}ms"}
    if roll < 0.85:
        return {"dist": "exponential", "mean": f"{rng.randrange(0, 40)}ms"}
    return {"dist": "normal", "mean": f"{rng.randrange(0, 40)}ms", "sd": f"{rng.randrange(0, 20)}ms"}


def _switch(rng: random.Random) -> tuple[dict[str, Any], list[str], list[str]]:
    agents = list(AGENT_DNS[: rng.randint(1, len(AGENT_DNS))])
    dns: dict[str, Any] = {}
    for index, number in enumerate(agents):
        config: dict[str, Any] = {"agent": f"agent{index + 1}", "state": rng.choice(["Ready", "Ready", "NotReady"])}
        if rng.random() < 0.3:
            config["wrap_up"] = f"{rng.randrange(1, 30)}s"
        dns[number] = config
    dns[PLAIN] = {}
    targets = list(agents)
    if rng.random() < 0.5:
        dns[QUEUE] = {"type": "ACDQueue"}
        targets.append(QUEUE)
    if rng.random() < 0.4:
        dns[ROUTING_POINT] = {"type": "RoutingPoint", "target": rng.choice(targets)}
        targets.append(ROUTING_POINT)
    latency = {name: _delay(rng) for name in ("desktop_to_gws", "gws_to_tserver", "tserver_processing",
                                               "tserver_to_gws", "gws_to_desktop", "tserver_to_reporting")
               if rng.random() < 0.6}
    return {"dns": dns, "latency": latency}, agents, targets


def _body(rng: random.Random, operation: str, call: str) -> dict[str, Any]:
    body: dict[str, Any] = {"operationName": operation}
    if operation in ("AttachUserData", "UpdateUserData"):
        body["userData"] = {rng.choice(["Segment", "DispositionCode", "Note"]): rng.choice(["Gold", "x", 7])}
    elif operation == "DeleteUserDataPair":
        body["key"] = rng.choice(["Segment", "DispositionCode", "Missing"])
    elif operation == "SendDtmf":
        body["digits"] = rng.choice(["1", "42#", "*9"])
    elif operation == "RemoveParticipantFromConference":
        body["participant"] = rng.choice([*AGENT_DNS, PLAIN, CALLERS[0]])
    elif operation in ("InitiateTransfer", "InitiateConference", "SingleStepTransfer", "SingleStepConference"):
        body["destination"] = {"phoneNumber": rng.choice([*AGENT_DNS, PLAIN, QUEUE, "+14155550199"])}
    return body


def _disposition(rng: random.Random, call: str) -> dict[str, Any]:
    body: dict[str, Any] = {"operationName": "SetCallDisposition", "callUuid": f"{{{call}}}",
                            "disposition": rng.choice(DISPOSITIONS)}
    if rng.random() < 0.2:
        body["dispositionKey"] = rng.choice(["DispositionCode", "Outcome"])
    if rng.random() < 0.05:
        del body["disposition"]
    return body


def random_flow(seed: int) -> dict[str, Any]:
    """A valid scenario mapping, the same for the same seed."""
    rng = random.Random(seed)
    switch, agents, targets = _switch(rng)
    users = [f"agent{i + 1}" for i in range(len(agents))]
    steps: list[dict[str, Any]] = []
    requests = 0
    for number in range(rng.randint(1, 3)):
        call = f"c{number + 1}"
        start = rng.randrange(0, 20_000)  # ms
        caller = CALLERS[number]
        roll = rng.random()
        target = rng.choice(targets)
        likely = users[agents.index(target)] if target in agents else rng.choice(users)
        if roll < 0.6:
            steps.append({"at": f"{start}ms", "dial": {"from": caller, "to": target}, "call": call})
            parties = [caller, *agents]
        elif roll < 0.8:
            steps.append({"at": f"{start}ms", "dial": {"from": PLAIN, "to": target}, "call": call})
            parties = [PLAIN, *agents]
        else:
            user = likely = rng.choice(users)
            steps.append({"at": f"{start}ms", "call": call, "gws": {
                "user": user, "post": "/api/v2/me/devices/{device}/calls",
                "body": {"operationName": "Dial", "destination": {"phoneNumber": rng.choice([PLAIN, *agents])}}}})
            parties = [PLAIN, *agents]
        at = start
        for _ in range(rng.randint(2, 10)):
            at += rng.choice([0, 0, 1, 5, 10, 50, 100, 1_000, 3_000, 20_000])
            step = _step(rng, call, parties, agents, [likely] * 4 + users)
            if "gws" in step:
                requests += 1
                step["gws"]["name"] = f"r{requests}-{call}"
            steps.append({"at": f"{at}ms", **step})
    steps.sort(key=lambda step: int(step["at"][:-2]))  # stable: a call's own steps keep their order
    return {
        "version": 1,
        "name": f"flow-{seed}",
        "description": f"a random call flow (seed {seed})",
        "seed": seed,
        "tie_break": rng.choice(["fifo", "fifo", "random"]),
        "switch": switch,
        "web_services": {
            "fallback_to_user_event": rng.random() < 0.3,
            "call_completion": rng.choice(["agent", "on_release", "after_retention"]),
            "retention": f"{rng.randrange(0, 30)}s",
            "completion_notice": rng.random() < 0.5,
            "offer_mute": rng.random() < 0.5,
        },
        "reporting": _reporting(rng),
        "steps": steps,
    }


def _reporting(rng: random.Random) -> dict[str, Any]:
    store = rng.choice(["all", "all", "none", "conf"])
    out: dict[str, Any] = {"store_event_data": store, "user_event_data_timeout": f"{rng.randrange(0, 120)}s"}
    if store == "conf":
        out["event_data"] = rng.sample(["DispositionCode", "Outcome", "Segment"], rng.randint(1, 2))
    return out


def _step(rng: random.Random, call: str, parties: list[str], agents: list[str],
          users: list[str]) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.15:
        return {"answer": {"dn": rng.choice(agents + [PLAIN]), "call": call}}
    if roll < 0.25:
        return {rng.choice(["hold", "retrieve"]): {"dn": rng.choice(agents), "call": call}}
    if roll < 0.4:
        return {"hangup": {"dn": rng.choice(parties), "call": call}}
    if roll < 0.45:
        return {"agent": {"dn": rng.choice(agents), "state": rng.choice(["Ready", "NotReady", "AfterCallWork"])}}
    if roll < 0.5:
        return {"update_user_data": {"dn": rng.choice(agents), "call": call, "data": {"IVR": rng.choice("ABC")}}}
    user = rng.choice(users)
    if roll < 0.75:
        return {"gws": {"user": user, "post": f"/api/v2/me/calls/{{{call}}}", "body": _disposition(rng, call)}}
    if roll < 0.8:
        operation = rng.choice(["AfterCallWork", "AuxWork", "Ready", "NotReady"])
        body: dict[str, Any] = {"operationName": operation}
        if operation == "AfterCallWork" and rng.random() < 0.5:
            body["wrapUpTime"] = rng.choice([rng.randrange(0, 10), str(rng.randrange(0, 10))])
        return {"gws": {"user": user, "post": "/api/v2/me/channels/voice", "body": body}}
    if roll < 0.83:
        return {"gws": {"user": user, "get": "/api/v2/me/calls"}}
    operation = rng.choice(CALL_OPERATIONS)
    return {"gws": {"user": user, "post": f"/api/v2/me/calls/{{{call}}}", "body": _body(rng, operation, call)}}
