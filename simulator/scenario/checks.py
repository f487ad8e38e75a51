"""The published JSON Schema of scenario files, and the checks it states beyond its own rules.

``tsim schema`` prints ``published_schema()``: pydantic's schema of ``Scenario``,
with every check the loader makes beyond it (a name that must refer to something,
a sum, a bound on what a file generates, a field that needs another) written into
the description of the part it concerns, and listed there under
``x-checked-on-load``. (JSON Schema could say a few of them, such as "at least
one DN or agent group", with ``anyOf``; the generators editors and tests use get
several times slower on such branches, so they are stated in words too.)

So a file an editor finds valid against the schema is either run, or refused for
a reason the schema states: ``CHECKS`` pairs each such reason (as the loader's
message reads) with the sentence the schema says, and a property test holds the
loader to it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..timeunits import format_duration
from ..tserver.routing import MAX_ROUTE_HOPS
from .schema import MAX_GROUP_AGENTS, MAX_TRAFFIC_CALLS, MIN_BREAK_EVERY, Scenario

__all__ = ["CHECKS", "Check", "published_schema", "stated_check"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class Check:
    """A rule the loader holds a file to beyond the JSON Schema: where the schema states
    it (a definition of ``$defs``, or ``Scenario`` for the top), what it says, and the
    loader's message for it (a regular expression)."""

    definition: str
    sentence: str
    message: str

    def matches(self, message: str) -> bool:
        return re.search(self.message, message) is not None


CHECKS: tuple[Check, ...] = (
    # anywhere
    Check("Scenario", "A duration is whole microseconds (nothing finer) and at most 365 days.",
          r"is finer than one microsecond|is longer than \d+ days"),
    Check("Scenario", "A JSON body or user-data value is JSON: keys are text, numbers finite and whole numbers "
                      "within 64 bits; a user-data value is text, a number or true/false; a number is not "
                      "true/false.",
          r"JSON keys are text|is not a JSON (number|value)|a whole number beyond 64 bits|a user-data value is "
          r"text|^a number, not (true|false)"),
    Check("Scenario", "A call's name is not `device` (`{device}` names the user's device in a gws step).",
          r"names the user's device in a gws step"),
    # the switch
    Check("Switch", "Configure at least one DN (dns) or agent group (agent_groups); a DN's number is 1 to 64 "
                    "digits, letters and + . _ -.",
          r"configure at least one DN|a DN or phone number is 1 to 64"),
    Check("Switch", f"Agent groups and DNs together make at most {MAX_GROUP_AGENTS * 2:,} DNs; a group's DNs and "
                    "agents are not configured elsewhere; an agent's queues are configured ACDQueues.",
          r"DNs; at most [\d,]+ in one switch|is already configured|is already logged in on|"
          r"is not a configured ACDQueue"),
    Check("Switch", f"A RoutingPoint's target chain has no loop and at most {MAX_ROUTE_HOPS} routing points.",
          r"routing loop through|a chain of more than \d+ routing points"),
    Check("DNConfig", "An agent logs in on an Extension; shift, queues and wrap_up need an agent; a RoutingPoint "
                      "has a target and only a RoutingPoint has one.",
          r"an agent logs in on an Extension|give the DN an agent|a RoutingPoint needs a target|"
          r"only a RoutingPoint has a target"),
    Check("Shift", "A shift ends after it starts.", r"the shift ends after it starts"),
    Check("DelaySpec", "Give exactly the parameters of the distribution: fixed takes value, uniform low and high "
                       "(low not above high), exponential mean, normal mean and sd.",
          r"delay takes (value|low and high|mean and sd|mean)\b|uniform: low is above high"),
    Check("LatencyChange", "A latency step names at least one delay to change.", r"name at least one delay to change"),
    # Web Services and reporting
    Check("WebServicesConfig", "A user's name is letters, digits and . _ - (starting with a letter or digit); "
                               "a user's device is a configured Extension, and no other user's.",
          r"is not a configured Extension|is already the device of user"),
    Check("ReportingConfig", "event_data goes with store_event_data: conf, and only with it.",
          r"event_data \(the EventData keys\) goes with store_event_data"),
    # steps
    Check("Step", "A step has exactly one action; `call:` goes on a dial, or on a gws step that creates a call "
                  "(a Dial, InitiateTransfer or InitiateConference); a call's name is given once, a step id and "
                  "a request name are used once.",
          r"a step has exactly one action|`call:` names the call a dial|`call:` on a gws step names the call|"
          r"is already created by an earlier step|step id .* is used twice|request name .* is used twice"),
    Check("Step", "A step's `at` is a duration, or another step's id (or request name) with an offset "
                  "(`hangup + 2s`): the step it names exists, steps do not name each other in a circle, and the "
                  "time falls within the run (0 to 365 days).",
          r"^expected a duration|step times refer to each other in a circle|outside the run \(0 to 365 days\)"),
    Check("Step", "What a step names exists: a call created by an earlier step, a configured DN (or a number "
                  "dialled in the file), an agent's DN, a user; calls are made from an Extension, not to itself, "
                  "and reach this switch; a gws path's references are {c1}, {c1.connId}, {c1.uri}, {device}.",
          r"is not created by any earlier step|is neither a configured DN nor a number dialled|no agent is "
          r"configured on DN|is not a configured DN$|^no user '|calls are made from an Extension|a DN cannot "
          r"call itself|such a call never reaches this switch|^bad reference|^a lone brace"),
    Check("GwsStep", "Give exactly one of post or get, and body (JSON) or raw (text), not both.",
          r"give exactly one of post or get|give body \(JSON\) or raw \(text\), not both"),
    # expectations
    Check("Expectation", "An expectation has exactly one kind; the call, request and user it names exist "
                         "(a call some step creates, a named gws step, a user); a disposition expectation names "
                         "the call or the request.",
          r"an expectation has exactly one of|no step creates a call named|no gws step is named|^no user '[^(]*$|"
          r"name the call or the request"),
    # traffic
    Check("Traffic", "Traffic gives exactly one of rate (with duration), rates or arrivals; shares add up to 1 "
                     "and name each DN once, a configured DN; rate intervals follow each other; it brings at most "
                     f"{MAX_TRAFFIC_CALLS:,} calls; consult_view needs two-step transfers.",
          r"give exactly one of rate \(with duration\), rates or arrivals|rate and duration go together|"
          r"the shares add up to 1|is listed twice|the intervals follow each other|a consult call's id is only "
          r"seen after|calls; at most [\d,]+ in one run|is not a configured DN: (traffic arrives|calls are "
          r"transferred)"),
    Check("DispositionHabit", "Dispositions give before_release, after_release or both; their codes' shares "
                              "add up to 1.",
          r"give before_release, after_release or both|codes: the shares add up to 1"),
    Check("BreakHabit", f"An agent's breaks are at least {format_duration(MIN_BREAK_EVERY)} apart on average.",
          r"an agent's breaks are at least"),
)


def stated_check(message: str) -> Check | None:
    """The check a loader's message is for, if the schema states it."""
    return next((check for check in CHECKS if check.matches(message)), None)


@cache
def _published() -> str:
    document = Scenario.model_json_schema(by_alias=True)
    _as_the_loader_checks(document)
    definitions = document["$defs"]
    for check in CHECKS:
        part = document if check.definition == "Scenario" else definitions[check.definition]
        stated = part.setdefault("x-checked-on-load", [])
        stated.append(check.sentence)
        part["description"] = (part.get("description", "").rstrip() + " " + check.sentence).strip()
    document["$schema"] = SCHEMA_DIALECT
    document["title"] = "tsim scenario"
    return json.dumps(document)


_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}


def _as_the_loader_checks(part: Any) -> None:
    """Say in JSON Schema what pydantic checks but publishes loosely, throughout ``part``:
    a mapping whose keys it checks against a pattern (user names) has no other keys
    (pydantic gives ``patternProperties`` and leaves other keys allowed); a bound it leaves in
    its own words (``gt``, ``le`` on an optional number) is JSON Schema's."""
    if isinstance(part, dict):
        if "patternProperties" in part and "additionalProperties" not in part:
            part["additionalProperties"] = False
        if part.get("type") in ("number", "integer"):
            for ours, theirs in _BOUNDS.items():
                if ours in part:
                    part.setdefault(theirs, part.pop(ours))
        for value in part.values():
            _as_the_loader_checks(value)
    elif isinstance(part, list):
        for value in part:
            _as_the_loader_checks(value)


def published_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, as ``tsim schema`` prints it (a new copy each time)."""
    return json.loads(_published())
