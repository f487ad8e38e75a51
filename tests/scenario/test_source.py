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
    assert error.line == 3 and "bad value" in str(error)


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
