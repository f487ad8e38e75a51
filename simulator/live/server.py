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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import strictjson
from ..gws.bodies import RawBody
from ..output.files import report_files
from ..output.folders import write_folder
from ..run import RunResult
from ..scenario.loader import LoadedScenario
from ..scenario.schema import Scenario
from ..scenario.writer import scenario_data
from .engine import LiveEngine, Recorded

SESSION_FILE = "session.yaml"


def passwords_for(model: Scenario) -> dict[str, str]:
    """Each user's password: the scenario's, or a new random one (printed by ``tsim serve``)."""
    configured = model.web_services.users or {}
    out: dict[str, str] = {}
    for name in model.users():
        given = configured[name].password if name in configured else None
        out[name] = given if given else secrets.token_urlsafe(9)
    return out


def _escaped(value: Any) -> Any:
    """A recorded value as scenario text: braces doubled, so nothing reads as a call's name."""
    if isinstance(value, str):
        return value.replace("{", "{{").replace("}", "}}")
    if isinstance(value, dict):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _request_step(recorded: Recorded) -> dict[str, Any]:
    step: dict[str, Any] = {"user": recorded.user, recorded.method.lower() if recorded.method in ("GET", "POST")
                            else "post": _escaped(recorded.path)}
    body = recorded.body
    if isinstance(body, RawBody):
        try:
            step["body"] = _escaped(strictjson.loads(body.text))
        except strictjson.JsonRefused:  # replayed as it came: Web Services refuses it again
            step["raw"] = body.text
    elif body is not None:
        step["body"] = _escaped(body)
    return {"at": f"{recorded.at}us", "gws": step}


def session_scenario(engine: LiveEngine) -> dict[str, Any]:
    """What happened in the session, as a scenario file's data."""
    model = engine.loaded.scenario
    end = engine.world.env.now
    ran = [step for step in scenario_data(model)["steps"] if int(step["at"][:-2]) <= end]
    control = [{**step, "at": f"{at}us"} for at, step in engine.recorded_steps]
    requests = [_request_step(r) for r in engine.recorded if r.method in ("GET", "POST")]
    steps = sorted([*ran, *control, *requests], key=lambda s: int(s["at"][:-2]))  # stable: file order kept
    data = scenario_data(model, steps)
    data["name"] = f"{model.name}-session"
    data["description"] = (f"Recorded by tsim serve from {model.name}: the scripted steps that ran, the trainer's "
                           "steps and the desktops' requests at the simulated times Web Services got them.\n"
                           + model.description)
    data["switch"]["latency"]["desktop_to_gws"] = "0us"  # live requests reached Web Services as they were made
    data["web_services"]["base_uri"] = engine.world.gws.settings.base_uri
    return data


@dataclass
class Finished:
    result: RunResult
    folder: Path


def finish(engine: LiveEngine, out: Path) -> Finished:
    """The session's reports and its replayable scenario, in ``out/<name>/``."""
    result = engine.finish()
    files = report_files(result)
    files[SESSION_FILE] = yaml.safe_dump(session_scenario(engine), sort_keys=False, allow_unicode=True)
    folder = write_folder(out / result.scenario.name, files)
    return Finished(result, folder)


def serve(loaded: LoadedScenario, host: str, port: int, speed: float, out: Path, echo: Any) -> Finished:
    """Run the server until it is stopped; then write the session's reports."""
    import uvicorn

    from .app import close, create_app

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            close(app)  # held connects answer now: uvicorn waits for open requests before it stops

    engine = LiveEngine(loaded, speed)
    base = f"http://{host}:{port}"
    engine.world.gws.settings.base_uri = base  # the URIs in answers and messages point here
    passwords = passwords_for(loaded.scenario)
    token = secrets.token_urlsafe(12)
    app = create_app(engine, passwords, token)
    server = Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
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
    finally:
        signal.signal(signal.SIGTERM, previous)
    return finish(engine, out)


class _Stopped(Exception):
    """SIGTERM: end the session as Ctrl-C does."""


def _stop(signum: int, frame: Any) -> None:
    raise _Stopped
