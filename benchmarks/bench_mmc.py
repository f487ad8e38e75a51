"""An M/M/c queue three ways, interleaved in one process: tsim, Ciw and bare simpy.

All three simulate the same queue (Poisson arrivals at RATE, exponential talk
time, AGENTS servers, first come first served) for the same simulated time,
and the figure is customers per wall second, as ratios to tsim within each
round, since these machines are noisy:

- **tsim**: a ``traffic:`` section into an ACD queue. Each call is a T-Server
  call (EventQueued, EventDiverted, EventRinging, EventEstablished,
  EventReleased to every DN's observers and to Web Services over timed links),
  answered by the agent after 1 s, and dispositioned through Web Services
  after the caller hangs up (a SetCallDisposition request, the userEvent path,
  EventUserEvent, reporting), every journal entry made and handed to the record
  builder and the statistics (``--journal records``: the entries are not kept;
  ``--journal full`` keeps them all in memory too).
- **Ciw** (``pip install ciw``, the ``bench`` extra): one node, c servers,
  its own event loop, recording each customer's waiting and service times.
- **bare simpy**: a ``simpy.Resource`` of c servers, each customer a process
  that requests one, holds it for its service time and releases it; nothing
  recorded.

    python benchmarks/bench_mmc.py [--agents 50] [--hours 4] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics

import simpy
from bench_calls import timed  # the same timing as the calls benchmark (run as a script, its folder is on the path)

from simulator.run import run_scenario
from simulator.scenario.loader import check_model
from simulator.scenario.schema import Scenario

TALK_S = 100.0
LOAD = 0.8  # offered load per agent


def tsim_model(agents: int, rate: float, seconds: int) -> Scenario:
    dns: dict[str, dict] = {str(15000 + i): {"agent": f"agent{i}"} for i in range(agents)}
    dns["16000"] = {"type": "ACDQueue"}
    return Scenario.model_validate({
        "version": 1, "name": "mmc", "description": "M/M/c benchmark", "seed": 1,
        "switch": {"dns": dns},
        "traffic": {"rate": rate, "duration": f"{seconds}s", "to": "16000", "answer_after": "1s",
                    "talk": {"dist": "exponential", "mean": f"{TALK_S}s"},
                    "dispositions": {"share": 1.0, "after_release": {"dist": "uniform", "low": "0s", "high": "5s"}}},
        "steps": []})


def run_tsim(model, journal: str = "records") -> int:
    """Calls offered to the queue. ``records`` keeps no journal (the records and
    statistics are built as it goes); ``full`` keeps every entry in memory too."""
    result = run_scenario(model, journal=journal)
    return sum(queue.offered for queue in result.figures["queues"])


def run_ciw(agents: int, rate: float, seconds: int) -> int:
    import ciw

    ciw.seed(1)
    network = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(rate=rate)],
                                 service_distributions=[ciw.dists.Exponential(rate=1 / TALK_S)],
                                 number_of_servers=[agents])
    simulation = ciw.Simulation(network)
    simulation.simulate_until_max_time(seconds)
    return len(simulation.get_all_records())


def run_simpy(agents: int, rate: float, seconds: int, talk_s: float = TALK_S) -> int:
    """Customers arrive for ``seconds``, then every one is served to the end, as tsim runs
    each call it offered to its end: the count is the customers who arrived, each with all
    its work done. (Stopping the clock at ``seconds`` and counting those served left the
    work of the customers still in service uncounted: at 10,000 agents, a fifth of it.)"""
    env, draw = simpy.Environment(), random.Random(1)
    servers = simpy.Resource(env, capacity=agents)
    served = [0]

    def customer():
        with servers.request() as granted:
            yield granted
            yield env.timeout(draw.expovariate(1 / talk_s))
            served[0] += 1

    def arrivals():
        while True:
            yield env.timeout(draw.expovariate(rate))
            if env.now >= seconds:
                return
            env.process(customer())

    env.process(arrivals())
    env.run()
    return served[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--hours", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--journal", choices=("records", "full"), default="records",
                        help="what tsim keeps: the records (as tsim run does for big traffic) or every entry too")
    args = parser.parse_args()
    seconds = int(args.hours * 3600)
    rate = args.agents * LOAD / TALK_S
    model = check_model(tsim_model(args.agents, rate, seconds))
    try:
        import ciw  # noqa: F401
        have_ciw = True
    except ImportError:
        have_ciw = False
        print("Ciw is not installed (pip install -e '.[bench]'): its column is left out")
    rates: dict[str, list[float]] = {"tsim": [], "ciw": [], "simpy": []}
    ratios: dict[str, list[float]] = {"ciw": [], "simpy": []}
    others = {"simpy": lambda: run_simpy(args.agents, rate, seconds)}
    if have_ciw:
        others["ciw"] = lambda: run_ciw(args.agents, rate, seconds)
    for _ in range(args.repeat):
        tsim_s, tsim_n = timed(lambda: run_tsim(model, args.journal))
        rates["tsim"].append(tsim_n / tsim_s)
        for name, action in others.items():
            spent, count = timed(action)
            rates[name].append(count / spent)
            ratios[name].append(rates["tsim"][-1] / rates[name][-1])
    print(f"M/M/{args.agents}, load {LOAD}, {args.hours} h simulated, tsim offered {tsim_n} calls "
          f"(--journal {args.journal})")
    for name, values in rates.items():
        if values:
            print(f"{name:6} {statistics.median(values):10,.0f} customers/s")
    for name, values in ratios.items():
        if values:
            print(f"tsim/{name}: {statistics.median(values):.3f} (median of {args.repeat} interleaved rounds; "
                  f"range {min(values):.3f}–{max(values):.3f})")


if __name__ == "__main__":
    main()
