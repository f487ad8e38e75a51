"""``tsim serve``: the scenario's world against the wall clock, over HTTP and CometD.

When the server stops (Ctrl-C, SIGTERM), it writes the same reports as a batch
run to ``<out>/<scenario-name>/``, and ``session.yaml`` beside them: the
scenario with what actually happened — the scripted steps that ran, the
trainer's control steps and every desktop request at the simulated time Web
Services got it. ``tsim run session.yaml`` replays it and gives the same
disposition records.
"""

from __future__ import annotations

import secrets
import signal
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import TsimError
from ..output.files import report_files
from ..output.folders import StagedFolder
from ..output.streamed import StreamedReports
from ..run import RunResult
from ..scenario.loader import LoadedScenario
from ..scenario.schema import Scenario
from ..scenario.writer import scenario_data
from . import session_file
from .engine import LiveEngine

SESSION_FILE = "session.yaml"


def passwords_for(model: Scenario) -> dict[str, str]:
    """Each user's password: the scenario's, or a new random one (printed by ``tsim serve``)."""
    configured = model.web_services.users or {}
    out: dict[str, str] = {}
    for name in model.users():
        given = configured[name].password if name in configured else None
        out[name] = given if given else secrets.token_urlsafe(9)
    return out


def for_a_day(loaded: LoadedScenario) -> LoadedScenario:
    """The scenario as ``tsim serve`` runs it: unless it says when a released call leaves Web
    Services, it leaves after ``web_services.retention`` (default 1 h). A v2 desktop never
    completes a call (Complete is Workspace API v3), so under the batch default every call of
    the day would stay. ``session.yaml`` says so, and replays the same."""
    model = loaded.scenario
    if "call_completion" in model.web_services.model_fields_set:
        return loaded
    services = model.web_services.model_copy(update={"call_completion": "after_retention"})
    return replace(loaded, scenario=model.model_copy(update={"web_services": services}))


def session_scenario(engine: LiveEngine) -> dict[str, Any]:
    """The session's scenario settings (its steps are written by ``session_file.write``)."""
    model = engine.loaded.scenario
    data = scenario_data(model, [])
    data["name"] = f"{model.name}-session"
    data["description"] = (f"Recorded by tsim serve from {model.name}: the scripted steps that ran, the trainer's "
                           "steps and the desktops' requests at the simulated times Web Services got them.\n"
                           + model.description)
    data["switch"]["latency"]["desktop_to_gws"] = "0us"  # live requests reached Web Services as they were made
    data["web_services"]["base_uri"] = engine.world.gws.settings.base_uri
    return data


def _scripted_steps(engine: LiveEngine) -> list[dict[str, Any]]:
    """The scenario's own steps that ran before the session ended, in time order."""
    end = engine.world.env.now
    ran = [step for step in scenario_data(engine.loaded.scenario)["steps"] if int(step["at"][:-2]) <= end]
    return sorted(ran, key=lambda step: int(step["at"][:-2]))  # (stable: the file's order at one instant)


@dataclass
class Finished:
    result: RunResult
    folder: Path


def finish(engine: LiveEngine, out: Path, streamed: StreamedReports | None = None) -> Finished:
    """The session's reports and its replayable scenario, in ``out/<name>/`` (``streamed``:
    the folder its records were streamed to, when it did not keep its journal)."""
    result = engine.finish()
    try:
        folder = streamed.folder if streamed is not None else StagedFolder(out / result.scenario.name)
        with folder.open(SESSION_FILE) as session:
            session_file.write(session, session_scenario(engine), _scripted_steps(engine), engine.spool)
        if streamed is not None:
            return Finished(result, streamed.finish(result))
        try:
            folder.write(report_files(result))
        except BaseException:
            folder.abandon()
            raise
        return Finished(result, folder.commit())
    finally:
        engine.spool.close()


def serve(loaded: LoadedScenario, host: str, port: int, speed: float, out: Path, echo: Any,
          journal: str = "records") -> Finished:
    """Run the server until it is stopped; then write the session's reports (``journal``:
    records, streamed as they are made, or full, the whole journal kept and drawn)."""
    import uvicorn

    from .app import close, create_app

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:  # listening now: whoever reads the banner and connects at once gets in
                announce()

        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            close(app)  # held connects answer now: uvicorn waits for open requests before it stops

    loaded = for_a_day(loaded)
    streamed = StreamedReports(out / loaded.scenario.name, "records") if journal == "records" else None
    try:
        engine = LiveEngine(loaded, speed, journal=journal, sinks=streamed.sinks if streamed else None)
    except BaseException:
        if streamed is not None:
            streamed.abandon()
        raise
    base = f"http://{host}:{port}"
    engine.world.gws.settings.base_uri = base  # the URIs in answers and messages point here
    passwords = passwords_for(loaded.scenario)
    token = secrets.token_urlsafe(12)
    app = create_app(engine, passwords, token)
    server = Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))

    def announce() -> None:
        """The banner, once the server listens (printed before, a client that connected as
        soon as it read it could be refused: the flaky live test of earlier sessions)."""
        echo(f"tsim serve: {loaded.scenario.name} at {base} (simulated time = wall time × {speed:g})")
        echo(f"  GWS:     {base}/api/v2/me        CometD: {base}/api/v2/notifications        OpenAPI: "
             f"{base}/openapi.json")
        for user, password in passwords.items():
            echo(f"  user {user}  password {password}  device {loaded.scenario.users()[user]}")
        echo(f"  control: {base}/sim/steps, /sim/journal, /sim/dispositions with header X-Tsim-Token: {token}")
        echo("  Ctrl-C ends the session and writes its reports and session.yaml")
    previous = signal.signal(signal.SIGTERM, _stop)  # uvicorn hands the signal back once it has shut down
    try:
        server.run()
    except (KeyboardInterrupt, _Stopped):
        pass
    except SystemExit:
        if server.started:
            raise
        if streamed is not None:  # it never listened: nothing to keep, and no half-made folder left behind
            streamed.abandon()
        raise CannotListen(f"--host {host} --port {port}: tsim serve cannot listen there (the error above); "
                           "nothing was written") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    return finish(engine, out, streamed)


class CannotListen(TsimError):
    """The server could not start listening (the port is taken, the address is not this
    machine's): the user's ``--host``/``--port``, not a bug."""


class _Stopped(Exception):
    """SIGTERM: end the session as Ctrl-C does."""


def _stop(signum: int, frame: Any) -> None:
    raise _Stopped
