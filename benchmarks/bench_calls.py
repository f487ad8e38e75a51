"""Many calls, each with a disposition: simulated calls per wall second.

Compares the full simulation with a bare simpy floor measured in the same run
(the same step arrivals scheduled as simpy events whose callbacks do nothing),
and prints the ratio — machines here are noisy, ratios are not.

    python benchmarks/bench_calls.py [--calls 5000] [--repeat 7]

Half the calls are dispositioned while Established (userData path), half
after the caller hung up (userEvent path); one in ten races the hangup by
2 ms (EventError 56 with 5 ms links).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import simpy

from simulator.run import run_scenario
from simulator.scenario.loader import check_model
from simulator.scenario.schema import Scenario

AGENTS = 100
MS, S = 1_000, 1_000_000


def scenario(calls: int) -> Scenario:
    return Scenario.model_validate(scenario_data(calls))


def scenario_data(calls: int) -> dict:
    """The benchmark's scenario as a file holds it: every call written out, four steps each."""
    dns: dict[str, dict] = {}
    for i in range(AGENTS):
        dns[str(15000 + i)] = {"agent": f"agent{i}"}
    steps: list[dict] = []
    for n in range(calls):
        agent, caller = str(15000 + n % AGENTS), f"+1555{n:07d}"  # inbound, as contact-center traffic is
        start = (n // AGENTS) * 120 * S + (n % AGENTS) * 10 * MS  # each agent: a call every 2 minutes
        name = f"c{n}"
        hangup = start + 60 * S
        dispose = {0: hangup - 5 * S, 1: hangup + 5 * S}[n % 2] if n % 10 else hangup + 2 * MS
        steps += [
            {"at": f"{start}us", "dial": {"from": caller, "to": agent}, "call": name},
            {"at": f"{start + 2 * S}us", "answer": {"dn": agent, "call": name}},
            {"at": f"{hangup}us", "hangup": {"dn": caller, "call": name}},
            {"at": f"{dispose}us", "gws": {
                "user": f"agent{n % AGENTS}", "post": f"/api/v2/me/calls/{{{name}}}",
                "body": {"operationName": "SetCallDisposition", "callUuid": f"{{{name}}}",
                         "disposition": "Sale" if n % 3 else "NoSale"}}},
        ]
    steps.sort(key=lambda s: int(s["at"][:-2]))
    return {"version": 1, "name": "bench", "description": "benchmark", "switch": {"dns": dns}, "steps": steps}


def floor(model: Scenario) -> None:
    """The bare simpy floor: the same arrivals with only the timeouts.

    An arrival process starts one simpy process per call at the call's dial
    time; the call process then only waits (``timeout``) until each of its
    other steps' times. No switch, no Web Services, no journal.
    """
    by_call: dict[str, list[int]] = {}
    for step in model.steps:
        name = step.call or getattr(step.args, "call", None) or _referenced_call(step)
        by_call.setdefault(name, []).append(step.at)
    calls = sorted(by_call.values())
    env = simpy.Environment()

    def call(times: list[int]):
        for delay in (b - a for a, b in zip(times, times[1:], strict=False)):
            yield env.timeout(delay)

    def arrivals():
        for times in calls:
            yield env.timeout(times[0] - env.now)
            env.process(call(sorted(times)))

    env.process(arrivals())
    env.run()


def _referenced_call(step) -> str:
    return step.gws.path.rsplit("{", 1)[1].rstrip("}")


def timed(action) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    model = scenario(args.calls)
    checked = check_model(model)  # the loader's checks once, as a file's load would: the runs are what is timed
    # Floor and tsim alternate, so both see the same machine; the ratio of each
    # pair is taken, and the median of those ratios is the figure.
    floors, sims, ratios = [], [], []
    result = None
    for _ in range(args.repeat):
        floor_s, _ = timed(lambda: floor(model))
        sim_s, result = timed(lambda: run_scenario(checked))
        floors.append(floor_s)
        sims.append(sim_s)
        ratios.append(floor_s / sim_s)
    floor_s, sim_s = statistics.median(floors), statistics.median(sims)
    paths: dict[str, int] = {}
    for record in result.dispositions:
        key = f"{record.path.value}/{record.reporting.outcome.value}"
        paths[key] = paths.get(key, 0) + 1
    floor_rate, sim_rate = args.calls / floor_s, args.calls / sim_s
    print(f"calls: {args.calls} ({len(model.steps)} steps, {len(result.dispositions)} dispositions)")
    print(f"outcomes: {', '.join(f'{k} {v}' for k, v in sorted(paths.items()))}")
    print(f"bare simpy floor: {floor_rate:12,.0f} calls/s  (median {floor_s * 1000:8.1f} ms)")
    print(f"tsim:             {sim_rate:12,.0f} calls/s  (median {sim_s * 1000:8.1f} ms)")
    print(f"ratio tsim/floor: {statistics.median(ratios):.3f}  (median of {args.repeat} interleaved pairs; "
          f"range {min(ratios):.3f}–{max(ratios):.3f})")
    print(f"journal entries per call: {len(result.journal) / args.calls:.1f}")


if __name__ == "__main__":
    main()
