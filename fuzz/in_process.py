"""``tsim run`` in this process, as the fuzz scripts call it: the exit code and
what it wrote to stderr."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from simulator.cli import main as tsim


def run(path: Path, out: Path) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            tsim(["run", str(path), "--out", str(out), "--quiet"])
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    return code, stderr.getvalue()
