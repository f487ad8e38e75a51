"""A real PostgreSQL server for the tests: Debian's postgresql package, a new cluster in
a temporary folder, on a free loopback port, stopped at the end.

Missing binaries skip the tests that need it, loudly (the reason shows in pytest's
summary; CI installs the package). As root, the server runs as the ``postgres``
user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        binaries = _binaries()
        if binaries is None:
            pytest.skip("PostgreSQL is not installed (Debian's postgresql package): the tests against a real "
                        "PostgreSQL are SKIPPED")
        self.folder = Path(tempfile.mkdtemp(prefix="tsim-pg-"))
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: cannot start PostgreSQL as another user (SKIPPED)")
            shutil.chown(self.folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        data = self.folder / "data"
        self._run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "tsim", "--no-sync"])
        self._run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"), "-w", "-o",
                   f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        self.binaries, self.data = binaries, data
        self.url = f"postgresql://tsim@127.0.0.1:{self.port}/postgres"

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(self.as_user + command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr or done.stdout}")

    def stop(self) -> None:
        subprocess.run(self.as_user + [str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                       "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)
