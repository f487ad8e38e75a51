"""Routing at scale: N agents become Ready one after another while N calls wait in a
queue, then every call is answered and hung up, freeing its agent for the next.

    python benchmarks/bench_routing.py [--sizes 250 500 1000 2000]

Prints the run time per size and the factor each doubling costs: about 2 means the
hand-over of a call to the free agent Ready longest grows like n log n overall (the
issue measured 1,000 agents and 1,000 queued calls at 36 s, and 4–6× per doubling,
before the free agents were kept in a heap).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.run import run_scenario  # noqa: E402
from simulator.scenario.loader import check_model  # noqa: E402
from simulator.scenario.schema import Scenario  # noqa: E402


def scenario(n: int) -> Scenario:
    dns: dict[str, dict] = {"19000": {"type": "ACDQueue"}}
    steps = []
    for i in range(n):
        dns[str(100000 + i)] = {"agent": f"a{i}", "state": "NotReady"}
        steps.append({"at": "1s", "dial": {"from": f"+1555{i:07d}", "to": "19000"}, "call": f"c{i}"})
    for i in range(n):
        steps.append({"at": f"{2_000_000 + i}us", "agent": {"dn": str(100000 + i), "state": "Ready"}})
    return Scenario.model_validate({"version": 1, "name": "routing", "description": "scale", "switch": {"dns": dns},
                                    "web_services": {"users": {}}, "steps": steps})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000])
    args = parser.parse_args()
    previous = None
    for n in args.sizes:
        checked = check_model(scenario(n))
        started = time.perf_counter()
        result = run_scenario(checked)
        elapsed = time.perf_counter() - started
        rang = sum(1 for e in result.journal if e.kind == "tlib.event" and e.payload.name == "EventRinging")
        factor = f"  ×{elapsed / previous:.1f} for twice the size" if previous else ""
        print(f"{n:>6} agents, {n:>6} queued calls: {elapsed:7.3f} s, {rang} calls handed to agents{factor}")
        previous = elapsed


if __name__ == "__main__":
    main()
