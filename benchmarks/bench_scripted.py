"""A big scripted file: N calls written out step by step (four steps each, as
bench_calls.py makes them), then a whole `tsim run` of it in a fresh process,
timed phase by phase (load, run, reports) with its peak memory; beside it, in
the same run, the time to parse the same file with PyYAML's C loader (or json)
alone — the floor any scenario file of that format pays — as a ratio.

    python benchmarks/bench_scripted.py --calls 100000 [--format json] [--journal records]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_calls import scenario_data  # noqa: E402

PHASES = """
import sys, time
from pathlib import Path
from simulator.cli import _run_and_write
from simulator.output.files import write_reports
from simulator.run import no_cyclic_gc, run_scenario
from simulator.scenario.loader import load_scenario
with no_cyclic_gc():  # as `tsim run` loads, runs and writes
    t0 = time.perf_counter(); loaded = load_scenario(sys.argv[1]); t1 = time.perf_counter()
    if sys.argv[3] == "full":
        result = run_scenario(loaded); t2 = time.perf_counter()
        write_reports(result, Path(sys.argv[2])); t3 = time.perf_counter()
    else:  # a streamed run writes as it runs
        result, _ = _run_and_write(loaded, Path(sys.argv[2]), sys.argv[3], None, None); t2 = t3 = time.perf_counter()
print(f"{t1 - t0:.2f} {t2 - t1:.2f} {t3 - t2:.2f} {result.disposition_count}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--journal", default="full", choices=["full", "records", "none"])
    parser.add_argument("--format", default="yaml", choices=["yaml", "json"],
                        help="write the file as YAML (block style) or as plain JSON (which tsim reads with json)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"scripted.{args.format}"
        data = scenario_data(args.calls)
        if args.format == "json":
            text = json.dumps(data, indent=1)
        else:
            text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False)
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        if args.format == "json":
            json.loads(text)
        else:
            yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        parse = time.perf_counter() - start
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", PHASES, str(path), str(Path(folder) / "out"), args.journal],
                              capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(done.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        load, run, write, dispositions = done.stdout.split()
    print(f"{args.calls:,} calls, {4 * args.calls:,} steps, a {len(text) / 1e6:.1f} MB {args.format} file, "
          f"--journal {args.journal}")
    print(f"tsim: load {load} s, run {run} s, reports {write} s; whole process {wall:.1f} s; peak RSS {peak:,.0f} MB; "
          f"{int(dispositions):,} dispositions")
    print(f"{'json' if args.format == 'json' else 'PyYAML C loader'} alone: {parse:.2f} s; "
          f"ratio load/parse {float(load) / parse:.2f}")


if __name__ == "__main__":
    main()
