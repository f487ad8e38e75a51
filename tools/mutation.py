"""Mutation testing with mutmut: which one-line changes to the code leave the tests green?

    python tools/mutation.py simulator/live/ --tests tests/live/ [--jobs 2]

Outside CI's time budget (a run over ``simulator/live/`` takes the better part of
an hour on two cores). Works on a fresh clone of the current commit in a scratch
folder, so nothing in the working tree is touched (mutmut writes its mutants/
folder there), and prints every surviving mutant with its diff: each one is
either a gap in the tests or an equivalent change, and the README's reliability
section says which.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="files or folders to mutate, e.g. simulator/live/")
    parser.add_argument("--tests", nargs="+", required=True, help="the test folders or files to run against them")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=[],
                        help="mutant names to run, with wildcards, e.g. 'simulator.live.auth*' (default: all)")
    parser.add_argument("--ignore", nargs="*", default=["tests/live/test_openapi_fuzz.py"],
                        help="test files left out (the OpenAPI fuzz test's module-wide server does not survive "
                             "mutmut's forked runs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tsim-mutation-") as scratch:
        work = Path(scratch) / "tsim"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(work)], check=True)
        quoted = ", ".join(f'"{p}"' for p in args.paths)
        tests = ", ".join(f'"{t}"' for t in args.tests)
        with open(work / "pyproject.toml", "a", encoding="utf-8") as config:
            # (the whole package is copied beside the mutated files: the tests import the rest of it)
            config.write(f"\n[tool.mutmut]\nsource_paths = [{quoted}]\npytest_add_cli_args_test_selection = [{tests}]\n"
                         f"pytest_add_cli_args = [{', '.join(repr('--ignore=' + i) for i in args.ignore)}]\n"
                         'also_copy = ["simulator/", "tests/", "scenarios/", "examples/", "benchmarks/", "docs/", '
                         '"README.md"]\n')
        node = ROOT / "tests" / "live" / "node" / "node_modules"
        if node.is_dir():  # the official CometD client's tests need it
            (work / "tests" / "live" / "node" / "node_modules").symlink_to(node)
        run = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(args.jobs), *args.only],
                             cwd=work)
        results = subprocess.run([sys.executable, "-m", "mutmut", "results"], cwd=work, capture_output=True,
                                 text=True)
        print(results.stdout)
        survivors = [line.split(":")[0].strip() for line in results.stdout.splitlines()
                     if line.strip().endswith("survived")]
        for name in survivors:
            shown = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work, capture_output=True,
                                   text=True)
            print(f"--- {name}\n{shown.stdout}")
        print(f"{len(survivors)} surviving mutants (mutmut exit {run.returncode})")


if __name__ == "__main__":
    main()
