"""Reading YAML defensively: any text gives data or one error with a line."""

import pytest

from simulator import ScenarioError, parse_scenario
from simulator.scenario.source import ALIAS_BUDGET, MAX_DEPTH, SourceError, load_yaml

from .test_loader import GOOD


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    return info.value


def billion_laughs(levels: int = 10, width: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_alias_expansion_is_refused_beyond_a_small_budget():
    text = billion_laughs()
    assert len(text.encode()) < 600
    with pytest.raises(SourceError, match=f"expand to more than {ALIAS_BUDGET:,} values"):
        load_yaml(text)
    data, _ = load_yaml("base: &b {x: 1}\nuse: [*b, *b]\nmerged: {<<: *b, y: 2}\n")  # ordinary aliases still work
    assert data == {"base": {"x": 1}, "use": [{"x": 1}, {"x": 1}], "merged": {"x": 1, "y": 2}}


def test_deep_nesting_is_refused_with_its_line():
    depth = 500
    text = "version: 1\nx: " + "[" * depth + "]" * depth + "\n"
    error = error_of(text)
    assert error.line == 2 and f"nested more than {MAX_DEPTH} levels" in str(error)
    block = "version: 1\n" + "".join("  " * i + f"k{i}:\n" for i in range(600))
    assert f"nested more than {MAX_DEPTH} levels" in str(error_of(block))


def test_an_integer_of_thousands_of_digits_is_an_error_on_its_line():
    error = error_of(GOOD.replace("name: ok", "name: ok\nseed: " + "9" * 5000))
    assert error.line == 3 and "seed: a number of 5,000 digits is longer than any tsim reads" in str(error)


def test_dates_are_text():
    loaded = parse_scenario(GOOD.replace("description: fine", "description: 2001-13-45"), "s.yaml")
    assert loaded.scenario.description == "2001-13-45"


def test_a_number_and_its_text_are_the_same_key():
    text = GOOD.replace('    "15001": {}', '    "15001": {}\n    "15000": {}')
    error = error_of(text)
    assert error.line == 8 and "duplicate key '15000'" in str(error)


def test_binary_junk_and_odd_yaml_never_crash():
    for text in ("\x00\x01", "? [a]\n: b\n", "!!python/object:os.system {}\n", "a: !!binary xyz\n", "- - -\n",
                 "&a [*a]\n", "a: *nope\n", "{a: 1, a: 2}\n"):
        with pytest.raises(ScenarioError):
            parse_scenario(text, "s.yaml")


# -- plain JSON scenarios: read with the json parser, as YAML would read them -------------
def test_a_json_scenario_runs_as_its_yaml_twin():
    import json as json_module

    from simulator import parse_scenario, run_scenario
    from simulator.output.files import journal_text
    from simulator.scenario.source import load_yaml, plain_json

    from ..helpers import SCENARIOS

    text = (SCENARIOS / "view-lag.yaml").read_text(encoding="utf-8")
    data, _ = load_yaml(text)
    as_json = json_module.dumps(data)
    assert plain_json(as_json) == data
    twin = parse_scenario(as_json, "view-lag.json")
    assert not twin.lines  # no YAML reading was needed
    import re

    def without_lines(journal: str) -> str:  # a JSON file's steps have no line to name
        return re.sub(r'"line": (null|[0-9]+)', '"line": ?', journal)

    assert without_lines(journal_text(run_scenario(twin))) == without_lines(
        journal_text(run_scenario(parse_scenario(text, "view-lag.yaml"))))


def test_json_that_yaml_would_read_differently_goes_through_yaml():
    from simulator.scenario.source import plain_json

    assert plain_json('{"a": 1, "a": 2}') is None  # duplicate: YAML reports it with its line
    assert plain_json('{"rate": 1e3}') is None  # text to YAML 1.1
    assert plain_json('{"rate": NaN}') is None
    assert plain_json('{"a": ' + "[" * 70 + "]" * 70 + "}") is None  # deeper than YAML reading allows
    assert plain_json('{"a": ' + "[" * 60 + "]" * 60 + "}") is not None
    assert plain_json("version: 1") is None
    assert plain_json('{"rate": 1.5e3, "n": 2}') == {"rate": 1500.0, "n": 2}


def test_an_error_in_a_json_scenario_names_its_line():
    from simulator import ScenarioError, parse_scenario

    text = '{\n "version": 1,\n "name": "j",\n "description": "x",\n "switch": {"dns": {"15000": {}}},\n' \
           ' "steps": [\n  {"at": "2 hours", "hangup": {"dn": "15000"}}\n ]\n}\n'
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "j.json")
    assert str(caught.value).startswith("j.json:7: steps[0].at:")
