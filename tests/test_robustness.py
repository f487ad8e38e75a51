"""Errors are data: mutated scenario files and random HTTP bodies never crash tsim.

Seeded, so a failure replays; every mutated file must load and run, or be
refused with a ScenarioError; every request must get a documented answer.
"""

import random

from simulator import ScenarioError, parse_scenario, run_scenario
from simulator.gws.operations import CONSULT_COMPLETIONS, OPERATIONS, VOICE_CHANNEL_OPERATIONS
from simulator.tserver import calls

from .helpers import SCENARIOS, advance, make_world

JUNK = ["", "x", "-1", "0", "1e9", "[]", "{}", "null", "true", "'{c9}'", '"15000"', "99999", "1h", "0.0000001",
        "{dist: normal, mean: 1ms, sd: 1ms}", "agent1", "Released"]


def mutate(rng: random.Random, lines: list[str]) -> str:
    i = rng.randrange(len(lines))
    line = lines[i]
    roll = rng.random()
    if roll < 0.3:
        lines.pop(i)
    elif roll < 0.8 and ":" in line:
        cut = line.rfind(":")
        lines[i] = line[:cut + 1] + " " + rng.choice(JUNK) + ("}" if line.rstrip().endswith("}") else "")
    else:
        lines.insert(i, rng.choice(lines))
    return "\n".join(lines) + "\n"


def test_mutated_scenarios_load_and_run_or_are_refused_cleanly():
    rng = random.Random(2026)
    files = sorted(SCENARIOS.glob("*.yaml"))
    refused = ran = 0
    for _ in range(300):
        path = rng.choice(files)
        text = mutate(rng, path.read_text().splitlines())
        try:
            loaded = parse_scenario(text, path.name)
        except ScenarioError as exc:
            assert str(exc).startswith(path.name) and "\n" not in str(exc)
            refused += 1
            continue
        run_scenario(loaded)
        ran += 1
    assert refused > 50 and ran > 50


VALUES = [None, "", "x", 0, -1, 1.5, True, [], {}, {"phoneNumber": "15002"}, {"phoneNumber": 1}, {"a": "b"},
          {"a": []}, "15002", "http://h/api/v2/calls/X"]
KEYS = ["operationName", "userData", "key", "destination", "disposition", "dispositionKey", "callUuid", "callUri",
        "consultCallUri", "wrapUpTime", "location"]
NAMES = [*OPERATIONS, *CONSULT_COMPLETIONS, *VOICE_CHANNEL_OPERATIONS, "SetCallDisposition", "Complete", "Dial",
         "Nope"]


def test_random_requests_get_documented_answers():
    rng = random.Random(7)
    codes = set()
    for n in range(1000):
        if n % 50 == 0:
            world = make_world()
            made = []
            world.tserver.phone(lambda w=world, m=made: m.append(calls.make_call(w.tserver, "15001", "15000")))
            advance(world, 0.02)
            call_id, device = made[0].call_uuid, world.gws.users["agent1"].device_id
        body = {k: rng.choice(VALUES) for k in rng.sample(KEYS, rng.randrange(0, 5))}
        if rng.random() < 0.9:
            body["operationName"] = rng.choice(NAMES)
        if rng.random() < 0.1:
            body = rng.choice(VALUES)
        path = rng.choice([f"/api/v2/me/calls/{call_id}", f"/api/v2/me/devices/{device}/calls",
                           "/api/v2/me/channels/voice", "/api/v2/me/calls", "api/v2/me/calls/X?y=1"])
        answer = world.gws.http(rng.choice(["agent1", "agent2", "nobody"]), rng.choice(["POST", "GET", "PUT"]),
                                path, body)
        assert answer.status in (200, 400, 401, 403, 404)
        assert (answer.status == 200) == (answer.body["statusCode"] == 0)
        assert answer.status == 200 or answer.body["statusMessage"]
        codes.add(answer.body["statusCode"])
        advance(world, rng.choice([0.001, 0.02, 1]))
    assert {0, 1, 2, 6, 10, 20} <= codes


def _scenario(extra: str) -> str:
    return ("version: 1\nname: edge\ndescription: edge\nswitch:\n  dns:\n    \"16000\": {type: ACDQueue}\n"
            "    \"15000\": {agent: agent1}\n" + extra)


def _refused(text: str) -> str:
    try:
        parse_scenario(text, "edge.yaml")
    except ScenarioError as exc:
        return str(exc)
    raise AssertionError("accepted")


def test_generated_sizes_are_bounded_before_anything_is_built():
    import time

    groups = "".join(f"    - {{count: 50000, first_dn: {100000 + i * 50000}, agent_prefix: g{i}x}}\n"
                     for i in range(100))
    started = time.process_time()
    message = _refused(_scenario("  agent_groups:\n" + groups))
    assert "5,000,002 DNs; at most 100,000" in message  # (and the two under dns)
    assert time.process_time() - started < 5  # (counted, not built: 5 million DNs would take minutes)
    for every in ("0s", "1us", "{dist: exponential, mean: 1s}"):
        message = _refused(_scenario(f"traffic: {{rate: 0.1, duration: 1h, to: \"16000\", talk: 1s, "
                                     f"breaks: {{every: {every}, duration: 0s}}}}\n"))
        assert "breaks are at least 1min apart" in message, message


def test_small_things_a_file_can_get_wrong_are_named():
    message = _refused(_scenario("seed: " + "9" * 4301 + "\n"))
    assert "seed: a number of 4,301 digits is longer than any tsim reads" in message
    assert "integer string conversion" not in message
    message = _refused(_scenario("traffic: {rate: true, duration: 1h, to: \"16000\", talk: 1s}\n"))
    assert "traffic.rate" in message and "a number, not true" in message
