"""A live server for the tests: ``tsim serve``'s app on a free loopback port, in a thread.

The model is only touched by the server's own event loop; the tests talk to it
over HTTP like any desktop.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from simulator.live.app import create_app
from simulator.live.engine import LiveEngine
from simulator.live.server import passwords_for
from simulator.scenario.loader import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "control-token"


@dataclass
class Live:
    base: str
    engine: LiveEngine
    passwords: dict[str, str]
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(loaded, speed: float = 1.0) -> Live:
    port = free_port()
    engine = LiveEngine(loaded, speed)
    engine.world.gws.settings.base_uri = f"http://127.0.0.1:{port}"
    passwords = passwords_for(loaded.scenario)
    app = create_app(engine, passwords, TOKEN)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)
    return Live(f"http://127.0.0.1:{port}", engine, passwords, server, thread)


DESK = """\
version: 1
name: desk
description: a desk for live tests
seed: 7
switch:
  dns:
    "15000": {agent: agent1}
    "15001": {}
    "15002": {agent: agent2}
web_services:
  users:
    agent1: {device: "15000", password: secret1}
    agent2: {device: "15002", password: secret2}
steps:
  - {at: 0.2, dial: {from: "15001", to: "15000"}, call: c1}
  - {at: 0.4, answer: {dn: "15000", call: c1}}
"""


@pytest.fixture
def live():
    server = start(parse_scenario(DESK, "desk.yaml"))
    time.sleep(0.5)  # the call is up
    yield server
    server.stop()


@pytest.fixture
def desk_file(tmp_path):
    path = tmp_path / "desk.yaml"
    path.write_text(DESK)
    return load_scenario(path)


def session_records(folder: Path) -> list[dict]:
    """A session's disposition records: streamed (``dispositions.jsonl.gz``, tsim serve's
    default) or kept (``dispositions.jsonl``, ``--journal full``)."""
    import gzip
    import json

    streamed = folder / "dispositions.jsonl.gz"
    text = gzip.decompress(streamed.read_bytes()).decode() if streamed.exists() else \
        (folder / "dispositions.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines()]


@contextlib.contextmanager
def serving(out: Path, *args: str, scenario: Path = ROOT / "examples" / "live-desk.yaml"):
    """``tsim serve`` in its own process, as a user runs it: yields (base URL, control token);
    then SIGTERM, and the process must end cleanly (exit 0) within 30 s."""
    import signal
    import subprocess
    import sys

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", str(scenario), "--port", str(port),
                                "--out", str(out), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = [process.stdout.readline() for _ in range(5)]
        token = next(line for line in banner if "X-Tsim-Token" in line).split("X-Tsim-Token: ")[1].strip()
        yield f"http://127.0.0.1:{port}", token
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
