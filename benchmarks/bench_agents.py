"""Cost per call against the number of agents: the same M/M/c load per agent
(``bench_mmc``'s queue, 0.8 Erlang each), 10 to 10,000 agents, about the same
number of calls at every size.

Each size is timed as CPU seconds per call offered, tsim beside bare simpy on the
same queue (interleaved, best of ``--repeat``), and printed as tsim's cost per
call relative to the smallest size: flat means a call costs the same however
many agents could take it (the free agents are kept in heaps, not scanned).

That figure also carries what each agent costs once, whatever the calls (building
its DN, logging it in: 0.25 s for 10,000 agents, 7 µs of each of the run's 36,000
calls). So each size is also timed on one second of its traffic, and the **marginal**
cost per call is the slope between the two runs: (CPU of the long run − CPU of the
short one) / (their difference in calls).

    python benchmarks/bench_agents.py [--sizes 10 100 1000 10000] [--calls 12000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import time
from functools import partial

from bench_mmc import LOAD, TALK_S, run_simpy, run_tsim, tsim_model

from simulator.scenario.loader import check_model


def cpu(run) -> tuple[float, int]:
    """(CPU seconds, calls) of one run."""
    gc.collect()
    start = time.process_time()
    count = run()
    return time.process_time() - start, count


def best(run, repeat: int) -> tuple[float, int]:
    """The fastest of ``repeat`` runs (the same model makes the same calls each time)."""
    return min(cpu(run) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10_000])
    parser.add_argument("--calls", type=int, default=12_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for agents in args.sizes:
        rate = LOAD * agents / TALK_S
        seconds = int(args.calls / rate + 3 * TALK_S)  # plus three talks: the first calls end, the queue settles
        model = check_model(tsim_model(agents, rate, seconds)).scenario
        short = check_model(tsim_model(agents, rate, 1)).scenario  # the same agents, one second of calls
        long_s, long_calls = best(partial(run_tsim, model), args.repeat)
        short_s, short_calls = best(partial(run_tsim, short), args.repeat)
        simpy_s, simpy_calls = best(partial(run_simpy, agents, rate, seconds), args.repeat)
        tsim, simpy = long_s / long_calls, simpy_s / simpy_calls
        marginal = (long_s - short_s) / (long_calls - short_calls)  # the slope between the two runs
        rows.append((agents, tsim, simpy, marginal))
        print(f"{agents:>6} agents: tsim {tsim * 1e6:6.0f} µs/call ({marginal * 1e6:.0f} marginal), "
              f"simpy {simpy * 1e6:5.1f} µs/call, tsim/simpy speed {simpy / tsim:.3f}", flush=True)
    base, base_marginal = rows[0][1], rows[0][3]
    for agents, tsim, _, marginal in rows[1:]:
        print(f"{rows[0][0]} → {agents} agents: tsim's cost per call {tsim / base - 1:+.1%}, "
              f"marginal {marginal / base_marginal - 1:+.1%}")


if __name__ == "__main__":
    main()
