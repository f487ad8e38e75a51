"""Property: a bundled scenario with a few random changes still ends ``tsim run`` with
exit 0, 1 or 2 and a one-line message — never exit 3, never a traceback — and a good
share of them still run (so the runs, not only the checks, are what is exercised)."""

from __future__ import annotations

from collections import Counter

from simulator import parse_scenario
from simulator.scenario.loader import ScenarioError

from .helpers import tsim
from .scenario_mutations import mutated

MUTANTS = 300
BIG = 5_000  # calls: a mutant whose traffic brings more is checked, not run (it would take minutes)


def too_big(text: str) -> bool:
    try:
        traffic = parse_scenario(text, "mutant.yaml").scenario.traffic
    except ScenarioError:
        return False
    return traffic is not None and traffic.expected_calls() > BIG


def test_mutated_bundled_scenarios_run_or_are_refused_with_a_message(tmp_path, capsys):
    codes: Counter[int] = Counter()
    for seed in range(MUTANTS):
        text, how = mutated(seed)
        path = tmp_path / f"m{seed}.yaml"
        path.write_text(text, encoding="utf-8")
        if too_big(text):
            codes[-1] += 1
            continue
        code = tsim("run", str(path), "--out", str(tmp_path / "out"), "--quiet")
        err = capsys.readouterr().err
        assert code in (0, 1, 2), f"{how}: exit {code}: {err}"
        assert "Traceback" not in err and "internal error" not in err, f"{how}: {err}"
        if code == 2:
            assert err.startswith(f"error: {path}") and err.count("\n") <= 2, f"{how}: {err}"
        codes[code] += 1
    assert codes[0] + codes[1] >= MUTANTS // 8, codes  # many still run (47 of 300 with the 37 bundled scenarios)
    assert codes[2] >= MUTANTS // 4, codes  # and many are bad input
