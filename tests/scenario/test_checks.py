"""The published schema and the loader agree: a file valid against ``tsim schema`` is
run, or refused for a reason the schema states (``simulator.scenario.checks``)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from simulator.scenario.checks import CHECKS, published_schema, stated_check
from simulator.scenario.loader import ScenarioError, validate_data

from ..schema_documents import repaired, valid_documents


def _validator() -> jsonschema.Validator:
    return jsonschema.Draft202012Validator(published_schema())


def test_every_check_is_stated_where_it_belongs():
    schema = published_schema()
    for check in CHECKS:
        part = schema if check.definition == "Scenario" else schema["$defs"][check.definition]
        assert check.sentence in part["description"], check
        assert check.sentence in part["x-checked-on-load"], check


def test_bounds_are_in_json_schema_words():
    text = json.dumps(published_schema())
    for word in ('"gt"', '"ge"', '"lt"', '"le"'):
        assert word not in text
    rate = published_schema()["$defs"]["Traffic"]["properties"]["rate"]["anyOf"][0]
    assert rate["exclusiveMinimum"] == 0 and rate["maximum"] == 10_000


def test_user_names_are_checked_by_the_schema_as_by_the_loader():
    validator = _validator()
    base = {"version": 1, "name": "n", "description": "d"}
    ok = {"dns": {"15000": {"type": "Extension"}}}
    assert validator.is_valid({**base, "switch": ok})
    assert not validator.is_valid({**base, "switch": ok, "web_services": {"users": {"&(": {"device": "15000"}}}})
    assert validator.is_valid({**base, "switch": ok, "web_services": {"users": {"ann": {"device": "15000"}}}})


@pytest.mark.parametrize("message", [
    "0.0000001 is finer than one microsecond, the clock's resolution",
    "routing loop through 5000",
    "a RoutingPoint needs a target",
])
def test_a_stated_message_finds_its_check(message):
    assert stated_check(message) is not None


def test_an_unstated_message_finds_none():
    assert stated_check("something nobody wrote down") is None


@settings(max_examples=30, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck), phases=[Phase.generate])
@given(data=valid_documents())
def test_a_file_the_schema_accepts_is_run_or_refused_for_a_stated_reason(data):
    data = repaired(data)
    assert _VALIDATOR.is_valid(data)
    try:
        validate_data(json.loads(json.dumps(data)), {}, "generated.yaml")
    except ScenarioError as refused:
        assert stated_check(refused.message) is not None, (
            f"the loader refused a file the schema accepts, for a reason the schema does not state: "
            f"{refused}")


_VALIDATOR = _validator()
