"""The benchmark's ratio in instructions, which a noisy machine cannot disturb.

Runs ``bench_calls``'s scenario three times under valgrind's callgrind — doing
nothing but building it, through the bare simpy floor, and through tsim — and
divides the instructions the floor adds by the instructions tsim adds. Slow
(about a minute for 2,000 calls) but the same count every time.

    python benchmarks/instructions.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import sys
sys.path.insert(0, {here!r})
from bench_calls import floor, scenario
from simulator.run import run_scenario
from simulator.scenario.loader import check_model
checked = check_model(scenario({calls}))
if sys.argv[1] == "floor":
    floor(checked.scenario)
elif sys.argv[1] == "tsim":
    run_scenario(checked)
"""


def instructions(script: Path, what: str, folder: Path) -> int:
    out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={folder / what}.out",
                          sys.executable, str(script), what], capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = folder / "child.py"
        script.write_text(CHILD.format(here=str(HERE), calls=args.calls))
        base, floor, tsim = (instructions(script, what, folder) for what in ("none", "floor", "tsim"))
    floor_only, tsim_only = floor - base, tsim - base
    print(f"calls: {args.calls}")
    print(f"bare simpy floor: {floor_only / args.calls:12,.0f} instructions per call")
    print(f"tsim:             {tsim_only / args.calls:12,.0f} instructions per call")
    print(f"ratio tsim/floor: {floor_only / tsim_only:.3f}  (in instructions)")


if __name__ == "__main__":
    main()
