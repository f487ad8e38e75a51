"""Load a scenario file: YAML → schema → cross-checks, every error with its line.

A bad file raises ``ScenarioError``, whose text is one line:
``scenarios/x.yaml:12: steps[3].gws.user: no user 'agent9' (users: agent1)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .. import inputfiles
from ..errors import InvalidArgument, TsimError
from ..tserver.routing import MAX_ROUTE_HOPS
from .arrivals import ArrivalsError, read_arrivals
from .schema import DELAY_TAGS, DEVICE_REFERENCE, TARGET_TAGS, GwsStep, Latency, Scenario, share_bookkeeping
from .source import SourceError, line_of, load_yaml, plain_json
from .times import TimeError, resolve_times

REFERENCE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
"""``{c1}``, ``{c1.connId}``, ``{device}``... or an escaped brace, ``{{`` or ``}}`` (group 1 is None)."""
RAW_REFERENCE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*(?:\.(?:id|callUuid|connId|uri))?)\}")
"""In a raw body only these name something; every other brace is the text's own."""
REFERENCE_BODY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)(?:\.(id|callUuid|connId|uri))?$")
DIAL_PATH = re.compile(r"^/?api/v2/me/devices/[^/]+/calls$")


class ScenarioError(TsimError):
    """A scenario file that cannot be run; ``str()`` is the one-line message."""

    def __init__(self, file: str, line: int | None, field: str | None, message: str):
        self.file, self.line, self.field, self.message = file, line, field, message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    path: Path
    lines: dict[tuple[Any, ...], int]

    def line(self, *loc: Any) -> int | None:
        return line_of(self.lines, loc)


def field_name(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read and check a scenario file; a bad one raises ``ScenarioError``."""
    if not isinstance(path, (str, Path)):
        raise InvalidArgument(f"path: a file path, not {type(path).__name__}")
    path = Path(path)
    shown = str(path)
    try:
        text = inputfiles.read_text(path)
    except FileNotFoundError:
        raise ScenarioError(shown, None, None, "no such file") from None
    except IsADirectoryError:
        raise ScenarioError(shown, None, None, "is a folder, not a scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(shown, None, None, "is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError(shown, None, None, f"cannot be read: {exc.strerror or exc}") from None
    return parse_scenario(text, shown, path)


def parse_scenario(text: str, shown: str = "<scenario>", path: Path | None = None) -> LoadedScenario:
    """Check a scenario given as YAML text; a bad one raises ``ScenarioError``.

    A scenario written as plain JSON (a YAML subset: what a generator writes) is
    read with the json parser, many times faster than YAML; if it has an error,
    it is read again as YAML, for the error's line."""
    if not isinstance(text, str):
        raise InvalidArgument(f"text: the scenario's YAML as a string, not {type(text).__name__}")
    data = plain_json(text)
    if data is not None:
        try:
            return validate_data(data, {}, shown, path)
        except ScenarioError:
            pass  # the YAML reading below finds the same error, with its line
    try:
        data, lines = load_yaml(text)
    except SourceError as exc:
        raise ScenarioError(shown, exc.line, None, exc.message) from None
    return validate_data(data, lines, shown, path)


def validate_data(data: Any, lines: dict[tuple[Any, ...], int], shown: str,
                  path: Path | None = None) -> LoadedScenario:
    """Schema, then cross-checks, for data read from a file (or given as a mapping)."""
    if not isinstance(data, dict):
        raise ScenarioError(shown, 1 if lines else None, None,
                            "a scenario is a mapping (version, name, description, ...)")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        located = [(_clean(tuple(e["loc"])), e) for e in errors]
        loc, first = min(located, key=lambda pair: line_of(lines, pair[0]) or 0)
        distinct = len({where for where, _ in located})
        more = f" (and {distinct - 1} more)" if distinct > 1 else ""
        raise ScenarioError(shown, line_of(lines, loc), field_name(loc) or None,
                            _message(first) + more) from None
    loaded = LoadedScenario(scenario, path or Path(shown), lines)
    _resolve_times(loaded, shown)
    _cross_check(loaded, shown)
    _read_trace(loaded, shown, path)
    return loaded


def check_model(scenario: Scenario, shown: str = "<Scenario>") -> LoadedScenario:
    """A ``Scenario`` built in Python (pydantic checked its fields) through the
    loader's cross-checks: names that must refer to something."""
    loaded = LoadedScenario(scenario, Path(shown), {})
    _resolve_times(loaded, shown)
    _cross_check(loaded, shown)
    return loaded


def _read_trace(loaded: LoadedScenario, shown: str, path: Path | None) -> None:
    """Read ``traffic.arrivals`` (a CSV file beside the scenario file) into the model."""
    traffic = loaded.scenario.traffic
    if traffic is None or traffic.arrivals is None:
        return
    trace = Path(traffic.arrivals)
    if not trace.is_absolute() and path is not None:
        trace = path.parent / trace
    loc = ("traffic", "arrivals")
    try:
        traffic._times = read_arrivals(trace)  # noqa: SLF001 - the loader fills the model's trace
    except ArrivalsError as exc:
        where = f"{trace}:{exc.line}" if exc.line is not None else str(trace)
        raise ScenarioError(shown, loaded.line(*loc), field_name(loc), f"{where}: {exc}") from None


def _resolve_times(loaded: LoadedScenario, shown: str) -> None:
    try:
        resolve_times(loaded.scenario.steps)
    except TimeError as exc:
        loc = ("steps", exc.index, "at")
        raise ScenarioError(shown, loaded.line(*loc), field_name(loc), str(exc)) from None
    share_bookkeeping(loaded.scenario.steps)


def _clean(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A pydantic location without the names of union branches (``distribution``, ``several``)
    or of a mapping's keys (``[key]``: the error is about the key itself)."""
    out: list[Any] = []
    for part in loc:
        if part in DELAY_TAGS and out and out[-1] in Latency.model_fields:
            continue
        if part in TARGET_TAGS and out and out[-1] == "to":
            continue
        if part == "[key]":
            continue
        out.append(part)
    return tuple(out)


def _message(error: ErrorDetails) -> str:
    msg = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if error["type"] == "extra_forbidden":
        return "unknown key (see `tsim schema` for the keys allowed here)"
    if error["type"] == "missing":
        return "required but missing"
    return msg


# -- cross-checks: names that must refer to something ---------------------------
def _cross_check(loaded: LoadedScenario, shown: str) -> None:
    sc = loaded.scenario

    def fail(loc: tuple[Any, ...], message: str) -> NoReturn:
        raise ScenarioError(shown, loaded.line(*loc), field_name(loc), message)

    dns = sc.switch.all_dns
    for number, dn in dns.items():
        seen = {number}
        target = dn.target
        while target is not None and target in dns and dns[target].type == "RoutingPoint":
            if target in seen:
                fail(("switch", "dns", number, "target"), f"routing loop through {target}")
            if len(seen) >= MAX_ROUTE_HOPS:
                fail(("switch", "dns", number, "target"), f"a chain of more than {MAX_ROUTE_HOPS} routing points; "
                                                          "T-Server refuses such a call")
            seen.add(target)
            target = dns[target].target

    for i, (target, _share) in enumerate(sc.traffic.targets() if sc.traffic is not None else ()):
        if target not in dns:
            where = ("traffic", "to") if isinstance(sc.traffic.to, str) else ("traffic", "to", i, "dn")  # type: ignore[union-attr]
            fail(where, f"{target} is not a configured DN: traffic arrives at a queue, a routing point or an "
                        "agent's Extension of the switch")
    transfer = sc.traffic.transfer if sc.traffic is not None else None
    if transfer is not None and transfer.to not in dns:
        fail(("traffic", "transfer", "to"), f"{transfer.to} is not a configured DN: calls are transferred to a "
                                            "queue, a routing point or an agent's Extension of the switch")
    users = sc.users()
    devices: dict[str, str] = {}
    for name, device in users.items():
        loc: tuple[Any, ...] = ("web_services", "users", name, "device")
        if device not in dns or dns[device].type != "Extension":
            fail(loc, f"device {device} is not a configured Extension")
        if device in devices:
            fail(loc, f"device {device} is already the device of user {devices[device]}")
        devices[device] = name

    external = {n for step in sc.steps if step.dial for n in (step.dial.from_, step.dial.to) if n not in dns}
    for i, step in enumerate(sc.steps):
        if step.dial is not None and step.dial.from_ not in dns and step.dial.to not in dns:
            fail(("steps", i, "dial", "to"), f"{step.dial.to} is not a configured DN, and {step.dial.from_} is not "
                                             "either: such a call never reaches this switch (configure the DN "
                                             "under switch.dns)")
    defined: set[str] = set()
    order = sorted(range(len(sc.steps)), key=lambda i: (sc.steps[i].at, i))
    for i in order:
        step = sc.steps[i]
        loc = ("steps", i, step.action)
        args = step.args
        try:
            refs = list(_step_call_refs(step))
        except ValueError as exc:
            fail(loc, str(exc))
        for name in refs:
            if name not in defined:
                fail(loc, f"call {name!r} is not created by any earlier step (name it with `call:` on a dial)")
        if step.dial is not None:
            source = step.dial.from_
            if source in dns and dns[source].type != "Extension":
                fail(loc + ("from",), f"calls are made from an Extension; {source} is a {dns[source].type}")
            if step.dial.to == source:
                fail(loc + ("to",), "a DN cannot call itself")
        elif step.action in ("answer", "hold", "retrieve", "hangup"):
            if args.dn not in dns and args.dn not in external:
                fail(loc + ("dn",), f"{args.dn} is neither a configured DN nor a number dialled in this file")
        elif step.action == "agent":
            if args.dn not in dns or dns[args.dn].agent is None:
                fail(loc + ("dn",), f"no agent is configured on DN {args.dn}")
        elif step.action == "update_user_data":
            if args.dn not in dns:
                fail(loc + ("dn",), f"{args.dn} is not a configured DN")
        elif step.action == "gws":
            if args.user not in users:
                fail(loc + ("user",), f"no user {args.user!r} (users: {', '.join(users) or 'none'})")
            if step.call is not None and not _creates_a_call(args):
                fail(("steps", i, "call"), "`call:` on a gws step names the call a Dial (post: "
                                           "/api/v2/me/devices/{id}/calls) or an InitiateTransfer or "
                                           "InitiateConference creates")
        if step.call is not None:
            if step.call in defined:
                fail(("steps", i, "call"), f"call {step.call!r} is already created by an earlier step")
            defined.add(step.call)

    step_ids: set[str] = set()
    for index, step in enumerate(sc.steps):  # file order: the first repeat is reported
        if step.id is not None:
            if step.id in step_ids:
                fail(("steps", index, "id"), f"step id {step.id!r} is used twice")
            step_ids.add(step.id)
    requests: list[str] = []
    for index, step in enumerate(sc.steps):
        if step.gws is not None and step.gws.name is not None:
            if step.gws.name in requests:
                fail(("steps", index, "gws", "name"), f"request name {step.gws.name!r} is used twice")
            requests.append(step.gws.name)
    for i, expectation in enumerate(sc.expect):
        args = expectation.args
        loc = ("expect", i, expectation.kind)
        call = getattr(args, "call", None)
        if call is not None and call not in defined:
            fail(loc + ("call",), f"no step creates a call named {call!r}")
        request = getattr(args, "request", None)
        if request is not None and request not in requests:
            fail(loc + ("request",), f"no gws step is named {request!r}")
        user = getattr(args, "user", None)
        if user is not None and user not in users:
            fail(loc + ("user",), f"no user {user!r}")


def _creates_a_call(request: GwsStep) -> bool:
    operation = request.body.get("operationName") if isinstance(request.body, dict) else None
    if request.post is None:
        return False
    if DIAL_PATH.match(request.post):
        return True
    return operation in ("InitiateTransfer", "InitiateConference")


def _step_call_refs(step) -> Iterator[str]:
    call = getattr(step.args, "call", None)
    if call is not None and step.action != "dial":
        yield call
    if step.action == "gws":
        yield from references(step.gws)


def references(request: GwsStep) -> Iterator[str]:
    """The call names a gws step's path and body refer to; bad references raise ValueError."""
    if request.raw is not None:
        for match in RAW_REFERENCE.finditer(request.raw):
            if match.group(1) != DEVICE_REFERENCE:
                yield match.group(1).split(".", 1)[0]
    for text in _strings([request.path, request.body]):
        for match in REFERENCE.finditer(text):
            if match.group(1) is None or match.group(1) == DEVICE_REFERENCE:
                continue  # {{ or }}, or the user's device
            ref = REFERENCE_BODY.match(match.group(1))
            if ref is None:
                raise ValueError(f"bad reference {match.group(0)}: write {{c1}}, {{c1.connId}}, {{c1.uri}} or "
                                 "{device}; {{ and }} stand for a literal { and }")
            yield ref.group(1)
        left = REFERENCE.sub("", text) if "{" in text or "}" in text else ""
        if "{" in left or "}" in left:
            raise ValueError(f"a lone brace in {text!r}: write {{{{ for {{ and }}}} for }}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
