"""Run many random valid call flows and check the journal's invariants on each.

    python fuzz/flows.py --flows 3000 [--start 0]

The suite runs a few hundred of the same flows (tests/test_flows.py); this is
the larger run. Prints one line per broken flow (its seed replays it:
``tests.flows.random_flow(seed)``) and a summary; exits 1 if any broke.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator import run_scenario  # noqa: E402
from simulator.invariants import violations  # noqa: E402
from simulator.scenario.loader import validate_data  # noqa: E402
from tests.flows import random_flow  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=3000)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    broken = 0
    paths: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for seed in range(args.start, args.start + args.flows):
        try:
            result = run_scenario(validate_data(random_flow(seed), {}, f"flow {seed}"))
            problems = violations(result)
        except Exception:  # noqa: BLE001 - a crash is what this looks for
            problems = [traceback.format_exc(limit=3).strip().splitlines()[-1]]
            result = None
        if problems:
            broken += 1
            print(f"flow {seed}: {problems[0]}")
        if result is not None:
            paths.update(r.path.value for r in result.dispositions)
            outcomes.update(r.reporting.outcome.value for r in result.dispositions)
    elapsed = time.perf_counter() - started
    print(f"{args.flows} flows in {elapsed:.1f}s: {broken} broken; dispositions by path {dict(paths)}, "
          f"by reporting outcome {dict(outcomes)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
