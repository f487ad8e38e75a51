"""tsim: a simulator of a Genesys-style T-Server and Web Services (GWS v2) voice
stack, made to show what happens to a call disposition.

    >>> from simulator import load_scenario, run_scenario
    >>> result = run_scenario(load_scenario("scenarios/disposition-after-release.yaml"))
    >>> result.passed, result.dispositions[0].path.value
    (True, 'userEvent')
"""

from .run import RunResult, run_scenario
from .scenario.loader import (
           LoadedScenario,
           ScenarioError,
           load_scenario,
           parse_scenario,
)

__version__ = "0.1.0"

__all__ = ["LoadedScenario", "RunResult", "ScenarioError", "load_scenario", "parse_scenario", "run_scenario",
           "__version__"]
