"""Bundled scenarios, mutated: a key dropped, a value swapped for an odd one, an item
repeated, two values exchanged — so that many still run, through paths generated
documents (``schema_documents``) rarely reach, and the others are bad input.

``mutated(seed)`` gives a scenario's text and what it started from, deterministic in
``seed``; the suite runs a few hundred (tests/test_mutated_scenarios.py) and
``fuzz/mutated_scenarios.py`` many more.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
ODD_VALUES: list[Any] = [
    -1, 0, 1, 2.5, 10**12, "", "x", None, [], {}, True, "0s", "1h", "-5s", "5 parsecs", "15000", "+14155550100",
    {"dist": "normal", "mean": "1s", "sd": "-1s"}, {"dist": "uniform", "low": "2s", "high": "1s"},
    {"dist": "exponential", "mean": "0s"}, [{"dn": "16000", "share": 1}], "{c1}", "Released", 0.999999,
]


def _places(data: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) of the tree, depth first."""
    out: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            out.append((node, key))
            if isinstance(value, (dict, list)):
                stack.append(value)
    return out


def _mutate(data: Any, rng: random.Random) -> str:
    places = _places(data)
    if not places:
        return "nothing to change"
    container, key = rng.choice(places)
    kind = rng.choice(("drop", "odd", "odd", "repeat", "exchange"))
    if kind == "drop":
        del container[key]
    elif kind == "odd":
        container[key] = rng.choice(ODD_VALUES)
    elif kind == "repeat" and isinstance(container, list):
        container.insert(key, container[key])
    elif kind == "exchange" and isinstance(container, dict) and len(container) > 1:
        other = rng.choice([k for k in container if k != key])
        container[key], container[other] = container[other], container[key]
    else:
        container[key] = rng.choice(ODD_VALUES)
        kind = "odd"
    return f"{kind} {key!r}"


def mutated(seed: int) -> tuple[str, str]:
    """A mutated bundled scenario's text, and a line saying which and how."""
    rng = random.Random(seed)
    source = rng.choice(sorted(SCENARIOS.glob("*.yaml")))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    changes = [_mutate(data, rng) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True), f"{source.name}: {'; '.join(changes)}"
