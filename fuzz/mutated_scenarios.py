"""Run the bundled scenarios with random changes (tests/scenario_mutations.py).

    python fuzz/mutated_scenarios.py --mutants 5000 [--first 0]

Every mutant must end ``tsim run`` with exit 0, 1 or 2 and no traceback; exit 3 (an
internal error) is a bug. The suite runs 300 (tests/test_mutated_scenarios.py);
this is the larger run. Mutants whose traffic brings more than 5,000 calls are
checked but not run. Prints the exit codes' counts and each mutant that broke the
rule (with the seed that makes it again); exits 1 if any did.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fuzz.in_process import run  # noqa: E402
from tests.scenario_mutations import mutated  # noqa: E402
from tests.test_mutated_scenarios import too_big  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=5000)
    parser.add_argument("--first", type=int, default=0, help="the first seed")
    args = parser.parse_args()
    codes: Counter[str] = Counter()
    broken: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tsim-mutants-") as folder:
        for seed in range(args.first, args.first + args.mutants):
            text, how = mutated(seed)
            path = Path(folder) / "mutant.yaml"
            path.write_text(text, encoding="utf-8")
            if too_big(text):
                codes["too big to run"] += 1
                continue
            code, err = run(path, Path(folder) / "out")
            codes[f"exit {code}"] += 1
            if code not in (0, 1, 2) or "Traceback" in err or "internal error" in err:
                last = err.strip().splitlines()[-1] if err.strip() else ""
                broken.append(f"seed {seed} ({how}): exit {code}: {last}")
    for line in broken:
        print(line)
    print(f"{args.mutants} mutants in {time.perf_counter() - started:.0f}s: {dict(sorted(codes.items()))}; "
          f"{len(broken)} broke the rule (exit 3 or a traceback)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
