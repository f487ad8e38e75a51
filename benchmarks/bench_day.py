"""A day of traffic: a whole `tsim run --journal records` of a traffic file, its wall
time and peak memory, beside a bare simpy M/M/c with the same agents, arrival rate
and talk time over the same hours, in the same run (a ratio: machines are noisy).

What each side does, per call:
- tsim: the T-Server (queue, routing to the longest-Ready agent, ringing, answer,
  release, wrap-up), Web Services (views, CometD, the disposition's request and
  its T-Library answer), reporting, the disposition record built and written
  (gzip), the statistics; the whole process, from reading the file to the report
  folder in place.
- simpy: a customer takes a server of a Resource, holds it for its talk time,
  leaves. Nothing else.

    python benchmarks/bench_day.py                      # the million-call day
    python benchmarks/bench_day.py --hours 1            # its first hour
    python benchmarks/bench_day.py --tables both        # with and without reporting.sqlite

With ``--tables both`` tsim runs twice, in fresh processes one after the other:
with the reporting tables (``reporting.sqlite``, the default) and with
``--no-reporting-tables``; the ratio of their wall times is the tables' cost.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_mmc import run_simpy  # noqa: E402

HERE = Path(__file__).resolve().parent
DAY = HERE / "a-million-calls.yaml"


def _cut(source: Path, hours: float | None, folder: Path) -> tuple[Path, dict]:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if hours is not None:
        data["traffic"]["duration"] = f"{round(hours * 3600)}s"
    path = folder / source.name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path, data


def _seconds(text: str) -> float:
    units = {"h": 3600, "min": 60, "s": 1, "ms": 0.001}
    for unit in ("min", "ms", "h", "s"):
        if str(text).endswith(unit):
            return float(str(text)[:-len(unit)]) * units[unit]
    return float(text)


def _run_tsim(path: Path, data: dict, journal: str, tables: bool, out: Path) -> tuple:
    """One ``tsim run`` in a fresh process: (wall s, peak RSS MB, calls, manifest, reports MB, records)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, "run", str(path), "--journal", journal, "--out", str(out),
                           "-q", "--reporting-tables" if tables else "--no-reporting-tables"],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"tsim run failed ({done.returncode}): {done.stderr}")
    peak_mb = int(done.stderr.strip().splitlines()[-1].rsplit(" ", 1)[-1]) / 1024
    run = out / data["name"]
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in run.iterdir()) / 1e6
    records = 0
    if (run / "dispositions.jsonl.gz").exists():
        with gzip.open(run / "dispositions.jsonl.gz", "rt", encoding="utf-8") as lines:
            records = sum(1 for _ in lines)
    return wall, peak_mb, manifest["callCount"], manifest, size, records


# runs the CLI, then prints its own peak RSS (KiB) on stderr: RUSAGE_CHILDREN would keep the larger of two runs
PEAK = ("import resource, sys; from simulator.cli import cli\n"
        "try:\n    cli.main(args=sys.argv[1:], prog_name='tsim')\n"
        "except SystemExit as end:\n    code = end.code\n"
        "print('peak KiB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?", type=Path, default=DAY)
    parser.add_argument("--hours", type=float, default=None, help="only the first hours of the traffic")
    parser.add_argument("--journal", default="records", choices=["records", "none"])
    parser.add_argument("--tables", default="on", choices=["on", "off", "both"],
                        help="reporting.sqlite: built (on), not (off), or one run of each (both)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path, data = _cut(args.scenario, args.hours, Path(folder))
        runs = {"on": [True], "off": [False], "both": [True, False]}[args.tables]
        measured = {tables: _run_tsim(path, data, args.journal, tables, Path(folder) / f"reports-{tables}")
                    for tables in runs}
        wall, peak_mb, calls, manifest, size, records = measured[runs[0]]

        traffic = data["traffic"]
        agents = sum(group["count"] for group in data["switch"].get("agent_groups", []))
        seconds = _seconds(traffic["duration"])
        simpy_start = time.perf_counter()
        talk = traffic["talk"]
        served = run_simpy(agents, float(traffic["rate"]), int(seconds),
                           _seconds(talk["mean"]) if isinstance(talk, dict) else _seconds(talk))
        simpy_wall = time.perf_counter() - simpy_start

    print(f"{data['name']}: {seconds / 3600:g} h of traffic, {agents} agents, --journal {args.journal}")
    print(f"tsim run:  {calls:,} calls, {manifest['dispositionCount']:,} dispositions ({records:,} records "
          f"written) in {wall:.1f} s wall = {calls / wall:,.0f} calls/s; peak RSS {peak_mb:,.0f} MB; "
          f"reports {size:,.1f} MB")
    if len(measured) == 2:
        off = measured[False]
        print(f"without tables: {off[0]:.1f} s wall, peak RSS {off[1]:,.0f} MB, reports {off[4]:,.1f} MB")
        print(f"tables' cost: wall {wall / off[0]:.3f}x, peak RSS {peak_mb / off[1]:.3f}x "
              f"(reporting.sqlite {measured[True][4] - off[4]:,.1f} MB)")
    print(f"simpy M/M/{agents}: {served:,} customers in {simpy_wall:.1f} s = {served / simpy_wall:,.0f} /s")
    print(f"ratio tsim/simpy (calls per second): {calls / wall / (served / simpy_wall):.3f}")


if __name__ == "__main__":
    main()
