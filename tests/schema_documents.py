"""Scenario documents generated from ``tsim schema``, half of them mutated.

What a user with an editor and the schema could write, and then some: the
property tests feed these to ``tsim run`` and accept exit 0, 1 or 2 only.
"""

from __future__ import annotations

import json
import random
from functools import cache
from typing import Any

import yaml
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from simulator.scenario.checks import published_schema
from simulator.scenario.schema import DN_NUMBER

JUNK = ["", "x", "-1", "0", "1e400", ".inf", ".nan", "1" + "0" * 40, "[]", "{}", "null", "true", "'{c9}'",
        '"15000"', "99999", "1h", "0.0000001", "{dist: normal, mean: 1ms, sd: -1ms}", "agent1", "Released",
        "2001-13-45", "&a [*a]", "*nope", "!!binary AAAA", "'{{'", "{1: a}"]


@cache
def schema() -> dict[str, Any]:
    return published_schema()


@cache
def valid_documents() -> st.SearchStrategy[Any]:
    """Built once: turning the schema into a strategy is the slow part."""
    return from_schema(schema())


def mutate(rng: random.Random, text: str) -> str:
    """Break a YAML text the way a hurried edit does: drop, duplicate or garble a line."""
    lines = text.splitlines() or [""]
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        line = lines[i]
        roll = rng.random()
        if roll < 0.25 and len(lines) > 1:
            lines.pop(i)
        elif roll < 0.75 and ":" in line:
            cut = line.rfind(":")
            lines[i] = line[:cut + 1] + " " + rng.choice(JUNK)
        elif roll < 0.9:
            lines.insert(i, rng.choice(lines))
        else:
            lines[i] = " " * rng.randrange(4) + line
    return "\n".join(lines) + "\n"


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A YAML scenario text: valid against the schema, or that and then mutated."""
    data = draw(valid_documents())
    if isinstance(data.get("traffic"), dict):  # keep generated traffic small: a fuzz run must stay quick
        data["traffic"]["duration"] = "2s"
        data["traffic"]["rate"] = min(data["traffic"].get("rate", 1), 50) if isinstance(
            data["traffic"].get("rate"), (int, float)) else 1
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if draw(st.booleans()):
        text = mutate(draw(st.randoms(use_true_random=False)), text)
    return text


def repaired(data: dict[str, Any]) -> dict[str, Any]:
    """A generated document moved past the two refusals nearly every one meets first (no DN
    at all; DN numbers of any Unicode), so the checks behind them are reached too; still a
    document the schema accepts."""
    data = json.loads(json.dumps(data))
    switch = data["switch"]
    switch["dns"] = {number: dn for number, dn in (switch.get("dns") or {}).items() if DN_NUMBER.match(number)}
    if not switch["dns"] and not switch.get("agent_groups"):
        switch["dns"]["15000"] = {"type": "Extension"}
    return data
