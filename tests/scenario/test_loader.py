"""Bad scenario files: one clear message naming file, line and field."""

import json

import pytest

from simulator import ScenarioError, load_scenario, parse_scenario
from simulator.scenario.loader import validate_data
from simulator.scenario.schema import Scenario

GOOD = """\
version: 1
name: ok
description: fine
switch:
  dns:
    15000: {agent: agent1}
    "15001": {}
steps:
  - {at: 0s, dial: {from: "15001", to: 15000}, call: c1}
  - {at: 1.5, answer: {dn: "15000", call: c1}}
  - at: 3s
    gws:
      user: agent1
      post: /api/v2/me/calls/{c1}
      body: {operationName: SetCallDisposition, callUuid: "{c1}", disposition: X}
expect:
  - disposition: {call: c1, path: userData}
"""


def error_of(text):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    return info.value


def test_good_file_loads_with_numbers_as_dns_and_exact_times():
    loaded = parse_scenario(GOOD, "s.yaml")
    sc = loaded.scenario
    assert list(sc.switch.dns) == ["15000", "15001"]
    assert [s.at for s in sc.steps] == [0, 1_500_000, 3_000_000]
    assert sc.users() == {"agent1": "15000"}
    assert loaded.line("steps", 2, "gws") == 12


@pytest.mark.parametrize("old,new,line,field,words", [
    ("name: ok", "name: ok\nnmae: typo", 3, "nmae", "unknown key"),
    ("{at: 1.5, answer:", "{at: soon, answer:", 10, "steps[1].at", "duration"),
    ("description: fine\n", "", 1, "description", "missing"),
    ("answer: {dn: \"15000\", call: c1}", "answer: {dn: \"15000\", call: c1}, hangup: {dn: \"15000\", call: c1}",
     10, "steps[1]", "exactly one action"),
    ("user: agent1", "user: agent9", 13, "steps[2].gws.user", "no user 'agent9'"),
    ("call: c1}}\n  - at: 3s", "call: c2}}\n  - at: 3s", 10, "steps[1].answer", "call 'c2' is not created"),
    ("path: userData", "path: sideways", 17, "expect[0].disposition.path", "userData"),
    ("{call: c1, path", "{call: c7, path", 17, "expect[0].disposition.call", "no step creates"),
    ("version: 1", "version: 2", 1, "version", "1"),
    ("    \"15001\": {}", "    \"15001\": {type: Trunk}", 7, "switch.dns.15001.type", "Extension"),
    ("\"15001\": {}", "\"15001\": {agent: agent2}\n    \"15001\": {}", 8, None, "duplicate key '15001'"),
    ("to: 15000}", "to: 15000", 10, None, "not valid YAML"),
    ("{c1}\n", "{c1.nope}\n", 12, "steps[2].gws", "bad reference"),
    # bounds: nothing huge or infinite reaches the clock
    ("{at: 1.5, answer:", "{at: .inf, answer:", 10, "steps[1].at", "duration"),
    ("{at: 1.5, answer:", "{at: 1.0e+303, answer:", 10, "steps[1].at", "longer than 365 days"),
    ("{at: 1.5, answer:", "{at: 1" + "0" * 309 + ", answer:", 10, "steps[1].at", "longer than 365 days"),
    ("{at: 1.5, answer:", "{at: 100000000000000000000, answer:", 10, "steps[1].at", "longer than 365 days"),
    ("{at: 1.5, answer:", "{at: 366d, answer:", 10, "steps[1].at", "duration"),
    ("name: ok", "name: ok\nseed: -1", 3, "seed", "greater than or equal to 0"),
    ("name: ok", "name: ok\nseed: '7'", 3, "seed", "valid integer"),
    # JSON only in bodies and user data
    ("disposition: X}", "disposition: X, 1: a}", 15, "steps[2].gws.body", "JSON keys are text"),
    ("disposition: X}", "disposition: .nan}", 15, "steps[2].gws.body", "not a JSON number"),
    ("to: 15000}", "to: 15000, user_data: {score: .inf}}", 9, "steps[0].dial.user_data.score", "finite"),
    # delays: the message of the form written, in words
    ("    \"15001\": {}\n", "    \"15001\": {}\n  latency: {gws_to_tserver: {dist: normal, mean: 5ms, sd: -1ms}}\n",
     8, "switch.latency.gws_to_tserver.sd", "cannot be negative"),
    ("    \"15001\": {}\n", "    \"15001\": {}\n  latency: {gws_to_tserver: {dist: uniform, low: 5ms, high: 1ms}}\n",
     8, "switch.latency.gws_to_tserver", "low is above high"),
    ("    \"15001\": {}\n", "    \"15001\": {}\n  latency: {gws_to_tserver: -5ms}\n",
     8, "switch.latency.gws_to_tserver", "cannot be negative"),
    # references
    ("call: c1}\n  - {at: 1.5", "call: c1}\n  - {at: 0s, dial: {from: '+1555', to: '99999'}}\n  - {at: 1.5", 10,
     "steps[1].dial.to",
     "not a configured DN"),
    ("disposition: X}", "disposition: '{Sale}'}", 12, "steps[2].gws", "call 'Sale' is not created"),
    ("disposition: X}", "disposition: 'a}b'}", 12, "steps[2].gws", "lone brace"),
    ("call: c1}\n  - {at: 1.5", "call: device}\n  - {at: 1.5", 9, "steps[0].call", "device"),
])
def test_errors_name_line_and_field(old, new, line, field, words):
    assert old in GOOD
    err = error_of(GOOD.replace(old, new, 1))
    assert err.line == line, str(err)
    assert err.field == field, str(err)
    assert words in err.message, str(err)
    assert str(err).startswith(f"s.yaml:{line}: ") and "\n" not in str(err)


@pytest.mark.parametrize("length,refused", [(8, False), (9, True)])
def test_a_chain_of_routing_points_longer_than_t_server_follows_is_refused(length, refused):
    targets = [f"170{i:02d}" for i in range(1, length)] + ["15000"]
    chain = "".join(f"    '170{i:02d}': {{type: RoutingPoint, target: '{target}'}}\n"
                    for i, target in enumerate(targets))
    text = GOOD.replace('    "15001": {}\n', '    "15001": {}\n' + chain)
    if refused:
        assert "a chain of more than 8 routing points" in error_of(text).message
    else:
        parse_scenario(text, "s.yaml")


def test_repeated_ids_are_reported_in_file_order():
    steps = "".join(f"  - {{at: {i}s, id: {name}, agent: {{dn: '15000', state: Ready}}}}\n"
                    for i, name in enumerate(["b", "a", "b", "a"]))
    text = GOOD.split("steps:")[0] + "steps:\n" + steps
    err = error_of(text)
    assert err.field == "steps[2].id" and "'b' is used twice" in err.message


def test_braces_and_the_device_placeholder_resolve_at_run_time():
    from simulator import run_scenario

    text = GOOD.replace("disposition: X}", "disposition: '{{Sale}}'}").replace(
        "expect:", "  - {at: 5s, call: c2, gws: {user: agent1, post: '/api/v2/me/devices/{device}/calls',\n"
                   "       body: {operationName: Dial, destination: {phoneNumber: '15001'}}}}\nexpect:")
    result = run_scenario(parse_scenario(text, "s.yaml"))
    assert result.dispositions[0].disposition == "{Sale}"
    assert [c["name"] for c in result.calls] == ["c1", "c2"] and result.calls[1]["callType"] == "Internal"


def test_non_mapping_and_empty_files():
    assert "mapping" in error_of("- just\n- a list\n").message
    assert "empty" in error_of("").message


def test_file_problems(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")
    with pytest.raises(ScenarioError, match="folder"):
        load_scenario(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError, match="UTF-8"):
        load_scenario(bad)


def test_json_schema_describes_the_format():
    schema = Scenario.model_json_schema(by_alias=True)
    assert set(schema["required"]) == {"version", "name", "description", "switch"}
    step = schema["$defs"]["Step"]["properties"]
    assert {"at", "dial", "gws", "hangup"} <= set(step)
    assert "from" in schema["$defs"]["DialStep"]["properties"]
    json.dumps(schema)


# -- agent groups ---------------------------------------------------------------------
def _group_scenario(**switch):
    return {"version": 1, "name": "groups", "description": "x",
            "switch": {"dns": {"16000": {"type": "ACDQueue"}}, **switch}}


def test_an_agent_group_is_a_block_of_logged_in_agents():
    loaded = validate_data(_group_scenario(agent_groups=[{"count": 3, "first_dn": "20000", "wrap_up": "5s",
                                                           "agent_prefix": "sales"}]), {}, "<g>")
    dns = loaded.scenario.switch.all_dns
    assert list(dns) == ["16000", "20000", "20001", "20002"]
    assert [dns[n].agent for n in ("20000", "20001", "20002")] == ["sales1", "sales2", "sales3"]
    assert dns["20001"].wrap_up == 5_000_000  # µs, not read again as seconds
    assert loaded.scenario.users() == {"sales1": "20000", "sales2": "20001", "sales3": "20002"}


@pytest.mark.parametrize(("switch", "words"), [
    ({"dns": {"20001": {}}, "agent_groups": [{"count": 3, "first_dn": 20000}]}, "DN 20001 is already configured"),
    ({"dns": {"15000": {"agent": "agent2"}}, "agent_groups": [{"count": 3, "first_dn": 20000}]},
     "agent agent2 is already logged in on 15000"),
    ({"dns": {}, "agent_groups": []}, "configure at least one DN"),
    ({"agent_groups": [{"count": 0, "first_dn": 20000}]}, "count"),
    ({"agent_groups": [{"count": 2, "first_dn": "+1555"}]}, "first_dn"),
])
def test_agent_groups_that_cannot_be_are_refused_with_their_field(switch, words):
    data = {"version": 1, "name": "groups", "description": "x", "switch": switch}
    with pytest.raises(ScenarioError) as caught:
        validate_data(data, {}, "<g>")
    assert words in str(caught.value)


SHARED = """\
version: 1
name: shared
description: steps that share pydantic's bookkeeping
switch:
  dns:
    15000: {agent: agent1}
    15002: {agent: agent2}
steps:
  - {at: 0s, id: first, dial: {from: "+1555", to: 15000}, call: c1}
  - {at: 0s, dial: {from: "+1556", to: 15002}, call: c2}
  - {at: first+1s, answer: {dn: "15000", call: c1}}
  - {at: first+1s, answer: {dn: "15002", call: c2}}
"""


def test_loaded_steps_share_equal_bookkeeping_and_a_new_relative_time_changes_one_step_only():
    """Steps that were given the same fields share the set pydantic keeps of them, and
    steps with the same action and relative time share their private attributes (a long
    script is mostly steps); setting one step's relative time changes no other step."""
    steps = parse_scenario(SHARED).scenario.steps
    assert steps[2].__pydantic_fields_set__ is steps[3].__pydantic_fields_set__
    assert steps[2].args.__pydantic_fields_set__ is steps[3].args.__pydantic_fields_set__
    assert steps[0].__pydantic_fields_set__ == {"at", "id", "dial", "call"}
    assert steps[1].__pydantic_fields_set__ == {"at", "dial", "call"}
    assert steps[2].__pydantic_private__ is steps[3].__pydantic_private__
    assert [s.at for s in steps] == [0, 0, 1_000_000, 1_000_000]
    steps[2].relative = None
    assert steps[2].relative is None and steps[3].relative == ("first", 1_000_000)
    assert steps[2].action == steps[3].action == "answer"
    assert steps[1].model_dump(exclude_unset=True) == {"at": 0, "call": "c2",
                                                       "dial": {"from_": "+1556", "to": "15002"}}
