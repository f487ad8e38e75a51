"""``session.yaml``: what happened in a live session, as a scenario file that replays it.

Every desktop request and every control step is written, as the scenario step
that replays it, to a spool file on disk the moment it happens — a session's
memory does not grow with its length. When the session ends, the spool is merged
(by time; scripted steps first at the same instant, as the live clock plays them
before a request made then) with the scripted steps that ran, under the
scenario's own settings.

Steps are written one per line in YAML's flow style, which is JSON: a session of
a million requests is written in seconds, and still reads as YAML.
"""

from __future__ import annotations

import heapq
import json
import re
import tempfile
from collections.abc import Iterator
from typing import IO, Any

import yaml

from .. import strictjson
from ..gws.bodies import RawBody


def escaped(value: Any) -> Any:
    """A recorded value as scenario text: braces doubled, so nothing reads as a call's name."""
    if isinstance(value, str):
        return value.replace("{", "{{").replace("}", "}}")
    if isinstance(value, dict):
        return {escaped(k): escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escaped(v) for v in value]
    return value


def request_step(user: str, method: str, path: str, body: Any) -> dict[str, Any]:
    """The scenario step (without its ``at``) that replays a desktop's request."""
    step: dict[str, Any] = {"user": user, method.lower(): escaped(path)}
    if isinstance(body, RawBody):
        try:
            step["body"] = escaped(strictjson.loads(body.text))
        except strictjson.JsonRefused:  # replayed as it came: Web Services refuses it again
            step["raw"] = body.text
    elif body is not None:
        step["body"] = escaped(body)
    return {"gws": step}


class Spool:
    """The session's steps as they happen, in a temporary file (removed when closed). A
    request is kept as it came and becomes its step when the file is read back, so the
    request's own path does no more than write one line."""

    def __init__(self) -> None:
        self._file: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()

    def add(self, at: int, step: dict[str, Any]) -> None:
        """A control step, played at µs ``at``."""
        self._file.write(json.dumps({"at": at, "step": step}, ensure_ascii=False) + "\n")

    def add_request(self, at: int, user: str, method: str, path: str, body: Any) -> None:
        """A desktop's request, as Web Services got it at µs ``at``."""
        raw = body.text if isinstance(body, RawBody) else None
        kept = {"at": at, "request": [user, method, path], "raw": raw, "body": None if raw is not None else body}
        self._file.write(json.dumps(kept, ensure_ascii=False) + "\n")

    def steps(self) -> Iterator[dict[str, Any]]:
        """The spooled steps, in the order they happened, each with its ``at``."""
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            kept = json.loads(line)
            if "request" in kept:
                body = RawBody(kept["raw"]) if kept["raw"] is not None else kept["body"]
                user, method, path = kept["request"]
                step = request_step(user, method, path, body)
            else:
                step = kept["step"]
            yield {"at": f"{kept['at']}us", **step}
        self._file.seek(0, 2)

    def close(self) -> None:
        self._file.close()


def _at(step: dict[str, Any]) -> int:
    return int(str(step["at"])[:-2])


_NOT_YAML_TEXT = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")  # breaks a line, or YAML refuses it


def flow(step: dict[str, Any]) -> str:
    """A step as one line of YAML: JSON, with the characters YAML reads as line breaks or
    refuses written as ``\\u`` escapes of four hex digits (both languages read those alike)."""
    text = json.dumps(step, ensure_ascii=False)
    return _NOT_YAML_TEXT.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)


def write(out: IO[bytes], data: dict[str, Any], scripted: list[dict[str, Any]], spool: Spool) -> None:
    """Write the session file: ``data`` (the scenario's settings, without steps), then the
    scripted steps that ran and the spooled ones, merged by time."""
    head = yaml.safe_dump({k: v for k, v in data.items() if k != "steps"}, sort_keys=False, allow_unicode=True)
    out.write(head.encode("utf-8"))
    out.write(b"steps:")
    empty = True
    for step in heapq.merge(scripted, spool.steps(), key=_at):
        out.write(b"\n- " + flow(step).encode("utf-8"))
        empty = False
    out.write(b" []\n" if empty else b"\n")
