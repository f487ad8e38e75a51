"""The model against the wall clock: simulated time = wall time × speed.

The engine owns the world and is used from one event loop only. Before it
handles a request, and on a timer, it advances the simpy clock to "now" with
``env.run(until=...)`` (simpy's public API); the scenario's scripted steps play
at their times as the clock passes them. Every request a desktop makes is
spooled to disk with the simulated time it arrived (``session_file``), so that
the session can be written back as a scenario file and replayed in batch mode.

What it keeps in memory follows the calls and desktops in progress, not the
session's length, unless asked to keep the journal (``journal="full"``, for a
short session whose every message should be drawn): records go to their sinks
as they are complete, and the control surface sees the last ``RECENT_ENTRIES``
journal entries and ``RECENT_RECORDS`` records, and every disposition still open.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .. import journal as J
from ..gws import HttpAnswer
from ..record import DispositionRecord
from ..run import RunResult, RunSinks, close_run, start_run
from ..scenario.loader import LoadedScenario, ScenarioError, check_model
from ..scenario.schema import Step
from ..scenario.steps import run_step
from ..timeunits import US_PER_SECOND
from ..world import World
from . import session_file

RECENT_ENTRIES = 10_000  # journal entries /sim/journal shows of a session that does not keep its journal
RECENT_RECORDS = 1_000  # complete records /sim/dispositions shows, the latest


@dataclass
class LiveEngine:
    loaded: LoadedScenario
    speed: float = 1.0
    clock: Callable[[], float] = time.monotonic
    journal: str = "full"  # full: keep every journal entry; records: stream the records to ``sinks``
    sinks: RunSinks | None = None
    world: World = field(init=False)
    spool: session_file.Spool = field(init=False)  # the session's requests and control steps, on disk
    recent: deque[J.Entry] = field(default_factory=lambda: deque(maxlen=RECENT_ENTRIES))
    complete: deque[DispositionRecord] = field(default_factory=lambda: deque(maxlen=RECENT_RECORDS))
    _names: set[tuple[str, str | None]] = field(default_factory=set)  # (kind, name) given in the session
    _control: list[Step] = field(default_factory=list)  # the control steps so far, at their times
    _started: float = field(init=False)

    def __post_init__(self) -> None:
        if not 0 < self.speed <= 1000:
            raise ValueError("speed: from above 0 to 1000 times the wall clock")
        if self.journal not in ("full", "records"):
            raise ValueError("journal: full or records")
        sinks = self.sinks or RunSinks()
        streamed = sinks.record

        def record(done: DispositionRecord) -> None:
            self.complete.append(done)
            if streamed is not None:
                streamed(done)

        self.world, self._outputs = start_run(self.loaded, self.loaded.scenario.seed, journal=self.journal,
                                              sinks=RunSinks(record, sinks.call, sinks.tables))
        if self.journal != "full":
            self.world.journal.listeners.append(self.recent.append)
        self.spool = session_file.Spool()
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
        self.spool.add_request(self.world.env.now, user, method, path, body)
        return self.world.gws.http(user, method, path, body)

    def step(self, step: dict[str, Any]) -> dict[str, Any]:
        """A scenario step (without ``at``), played now: the trainer's control. Raises ScenarioError."""
        self.advance()
        index = len(self.loaded.scenario.steps) + len(self._control)
        try:
            model = Step.model_validate({**step, "at": 0})
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "step"
            raise ScenarioError("<control step>", None, where, first["msg"]) from None
        if model.gws is not None and model.gws.user not in self.world.gws.users:
            raise ScenarioError("<control step>", None, "gws.user", f"no user {model.gws.user!r}")
        self._check_names(model)
        self._check_replayable(model)
        run_step(self.world, index, model, model.action, None)
        self.spool.add(self.world.env.now, step)
        self._control.append(model.model_copy(update={"at": self.world.env.now}))
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

    def journal_so_far(self) -> list[J.Entry]:
        """The journal: all of it, or its last ``RECENT_ENTRIES`` entries when it is not kept."""
        return list(self.world.journal) if self.journal == "full" else list(self.recent)

    def dispositions_so_far(self) -> list[dict[str, Any]]:
        """The latest complete records (``RECENT_RECORDS``), then every disposition still open
        (``"state": "open"``: its record is made when its fate is decided)."""
        complete = [{**record.to_json(), "state": "complete"} for record in self.complete]
        return complete + self._outputs.builder.open_requests()

    def _check_replayable(self, step: Step) -> None:
        """The session so far, with ``step`` now, must pass the loader's checks (a call a step
        names exists by then, a dial comes from an Extension, …): else ``session.yaml``
        could not be replayed. The desktops' requests are not in it: they name no call."""
        now = self.world.env.now
        ran = [scripted for scripted in self.loaded.scenario.steps if scripted.at <= now]
        candidate = self.loaded.scenario.model_copy(
            update={"steps": [*ran, *self._control, step.model_copy(update={"at": now})], "expect": []})
        try:
            check_model(candidate, "<control step>")
        except ScenarioError as exc:
            raise ScenarioError("<control step>", None, (exc.field or "").split(".", 1)[-1] or None,
                                exc.message) from None

    def finish(self) -> RunResult:
        """End the session: the run's result, as a batch run has it."""
        self.advance()
        return close_run(self.world, self.loaded, self._outputs)
