"""The benchmarks still run (tiny sizes; their figures are not asserted, only that they are made)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_mmc_benchmark_compares_tsim_with_simpy_and_ciw_where_installed():
    out = run("bench_mmc.py", "--agents", "5", "--hours", "0.2", "--repeat", "1")
    assert "tsim/simpy:" in out and "customers/s" in out and "(--journal records)" in out
    offered = int(out.split("tsim offered ")[1].split()[0])
    full = run("bench_mmc.py", "--agents", "5", "--hours", "0.2", "--repeat", "1", "--journal", "full")
    assert f"tsim offered {offered} calls (--journal full)" in full  # the same calls, kept or not
    try:
        import ciw  # noqa: F401
    except ImportError:
        assert "Ciw is not installed" in out
    else:
        assert "tsim/ciw:" in out


def test_the_calls_benchmark_runs():
    assert "ratio tsim/floor:" in run("bench_calls.py", "--calls", "200", "--repeat", "1")


def test_the_day_benchmark_runs_a_slice_of_the_day():
    out = run("bench_day.py", "--hours", "0.02")
    assert "ratio tsim/simpy (calls per second):" in out and "peak RSS" in out


def test_the_scripted_benchmark_runs_both_formats():
    for form in ("json", "yaml"):
        out = run("bench_scripted.py", "--calls", "200", "--format", form, "--journal", "records")
        assert "ratio load/parse" in out and "200 dispositions" in out


def test_the_agents_benchmark_prices_a_call_at_each_size():
    out = run("bench_agents.py", "--sizes", "5", "50", "--calls", "200", "--repeat", "1")
    assert "    50 agents: tsim" in out and "5 → 50 agents: tsim's cost per call" in out and "marginal" in out


def test_the_simpy_floor_serves_every_customer_who_arrived():
    """Arrivals stop at the end of the time, and each customer is served to the end, as tsim
    runs each call it offered: the floor counts work it has done, at any number of servers."""
    code = ("import sys; sys.path.insert(0, 'benchmarks'); import random, simpy, bench_mmc\n"
            "arrived = [0]\n"
            "real = simpy.Environment.process\n"
            "def counted(env, generator):\n"
            "    arrived[0] += generator.__name__ == 'customer'\n"
            "    return real(env, generator)\n"
            "simpy.Environment.process = counted\n"
            "served = bench_mmc.run_simpy(2000, 2000 * 0.8 / 100, 300)\n"
            "print(served, arrived[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    served, arrived = map(int, done.stdout.split())
    assert served == arrived > 4000
