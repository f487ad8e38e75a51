"""The model against the wall clock: simulated time = wall time × speed.

The engine owns the world and is used from one event loop only. Before it
handles a request, and on a timer, it advances the simpy clock to "now" with
``env.run(until=...)`` (simpy's public API); the scenario's scripted steps play
at their times as the clock passes them. Every request a desktop makes is
recorded with the simulated time it arrived, so that the session can be
written back as a scenario file and replayed in batch mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .. import journal as J
from ..gws.service import HttpAnswer
from ..run import RunResult, finish_run
from ..scenario.loader import LoadedScenario, ScenarioError
from ..scenario.schema import Step
from ..scenario.steps import run_step, schedule_steps
from ..timeunits import US_PER_SECOND
from ..traffic import start_traffic
from ..world import World, build_world


@dataclass(frozen=True)
class Recorded:
    """A desktop's request as Web Services got it: for the replayable scenario."""

    at: int  # simulated µs
    user: str
    method: str
    path: str
    body: Any


@dataclass
class LiveEngine:
    loaded: LoadedScenario
    speed: float = 1.0
    clock: Callable[[], float] = time.monotonic
    world: World = field(init=False)
    recorded: list[Recorded] = field(default_factory=list)
    recorded_steps: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # control steps, at µs
    _names: set[tuple[str, str | None]] = field(default_factory=set)  # (kind, name) given in the session
    _started: float = field(init=False)

    def __post_init__(self) -> None:
        if not 0 < self.speed <= 1000:
            raise ValueError("speed: from above 0 to 1000 times the wall clock")
        model = self.loaded.scenario
        self.world = build_world(model, model.seed)
        schedule_steps(self.world, lambda index: self.loaded.line("steps", index))
        start_traffic(self.world)
        self._started = self.clock()
        self.advance()

    @property
    def now(self) -> int:
        """The simulated time the wall clock has reached (µs)."""
        return int((self.clock() - self._started) * self.speed * US_PER_SECOND)

    def advance(self) -> None:
        """Run the model up to now, this instant included: what is due now happens
        before a request made now, as in batch mode (messages, then steps)."""
        env = self.world.env
        target = self.now
        if target > env.now:
            env.run(until=target)
        while env.peek() == env.now:
            env.step()

    def http(self, user: str, method: str, path: str, body: Any) -> HttpAnswer:
        """A desktop's request, handled at the current simulated time."""
        self.advance()
        self.recorded.append(Recorded(self.world.env.now, user, method, path, body))
        return self.world.gws.http(user, method, path, body)

    def step(self, step: dict[str, Any]) -> dict[str, Any]:
        """A scenario step (without ``at``), played now: the trainer's control. Raises ScenarioError."""
        self.advance()
        index = len(self.loaded.scenario.steps) + len(self.recorded_steps)
        try:
            model = Step.model_validate({**step, "at": 0})
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "step"
            raise ScenarioError("<control step>", None, where, first["msg"]) from None
        if model.gws is not None and model.gws.user not in self.world.gws.users:
            raise ScenarioError("<control step>", None, "gws.user", f"no user {model.gws.user!r}")
        self._check_names(model)
        run_step(self.world, index, model, model.action, None)
        self.recorded_steps.append((self.world.env.now, step))
        result = next((e.payload.result for e in reversed(self.world.journal.entries) if e.kind == J.STEP), None)
        return {"at": self.world.env.now / US_PER_SECOND, "step": step, "result": result}

    def _check_names(self, step: Step) -> None:
        """A name a control step gives (a call, a step id, a request) must be new to the session,
        as in a scenario file: else ``session.yaml`` could not be replayed."""
        taken = self._names
        if not taken:  # the scenario's own names, scripted steps that have not run yet included
            for scripted in self.loaded.scenario.steps:
                taken.update({("call", scripted.call), ("id", scripted.id),
                              ("request", scripted.gws.name if scripted.gws else None)})
        given = [("call", step.call, "call", "a call"), ("id", step.id, "id", "a step"),
                 ("request", step.gws.name if step.gws else None, "gws.name", "a request")]
        for kind, name, where, what in given:
            if name is not None and (kind, name) in taken:
                raise ScenarioError("<control step>", None, where,
                                    f"{what} named {name!r} exists already in this session; pick a new name")
        taken.update((kind, name) for kind, name, _, _ in given if name is not None)

    def finish(self) -> RunResult:
        """End the session: the run's result, as a batch run has it."""
        self.advance()
        return finish_run(self.world, self.loaded)
