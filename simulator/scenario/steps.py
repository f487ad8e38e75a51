"""Scripted steps: what each action does to the world.

Each step is journaled (``step``) before it acts, so the journal reads as a
script followed by its consequences. Steps at the same instant run in file
order, after any messages due at that instant have arrived (``links``).

- ``dial`` from a configured Extension is the agent dialling at the phone
  (EventDialing, no T-Library request); ``dial`` from any other number is a
  call arriving from the network (CallType Inbound).
- ``answer``, ``hold``, ``retrieve``, ``hangup`` are actions at the phone of
  ``dn`` (an external caller's number hangs up too). One that cannot be done
  (the call is already gone, say) is journaled as having had no effect.
- ``agent`` changes an agent's state at the phone.
- ``update_user_data`` attaches data at T-Server level, as an IVR would.
- ``gws`` is an HTTP request from the user's desktop to Web Services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import journal as J
from ..links import at_step_priority
from ..tserver import agents, calls, userdata
from ..tserver.model import Call
from ..world import World
from .loader import REFERENCE, REFERENCE_BODY
from .schema import Step


class NotRun(Exception):
    """A step that cannot run at all (its call was never created)."""


def schedule_steps(world: World, lines: Callable[[int], int | None]) -> None:
    """Play the steps in (time, file position) order, one scheduled at a time.

    Each step, when it runs, schedules the next; since deliveries always come
    before steps at the same instant, this is the same order as scheduling all
    steps up front, with a small event queue however long the script.
    """
    steps = world.scenario.steps
    script = [(step.at, index, step, step.action) for index, step in enumerate(steps)]
    script.sort(key=lambda item: item[:2])
    env = world.env

    def play(position: int) -> None:
        _, index, step, action = script[position]
        run_step(world, index, step, action, lines(index))
        if position + 1 < len(script):
            at_step_priority(env, script[position + 1][0] - env.now, lambda: play(position + 1))

    if script:
        at_step_priority(env, script[0][0], lambda: play(0))


class StepRecord:
    """The journal's view of a step; turned into JSON only when written."""

    __slots__ = ("index", "line", "step", "action", "result")

    def __init__(self, index: int, line: int | None, step: Step, action: str):
        self.index, self.line, self.step, self.action, self.result = index, line, step, action, None

    def to_dict(self) -> dict[str, Any]:
        step = self.step
        out: dict[str, Any] = {"step": self.index, "line": self.line, "action": self.action,
                               "args": getattr(step, self.action).model_dump(by_alias=True, exclude_none=True)}
        if step.call is not None:
            out["call"] = step.call
        if step.note:
            out["note"] = step.note
        if self.result:
            out["result"] = self.result
        return out


def run_step(world: World, index: int, step: Step, action: str, line: int | None) -> None:
    record = StepRecord(index, line, step, action)
    world.journal.append(J.STEP, record)
    try:
        record.result = ACTIONS[action](world, step, getattr(step, action))
    except NotRun as exc:
        record.result = f"not run: {exc}"


def call_named(world: World, name: str) -> Call:
    call = world.calls.get(name)
    if call is not None:
        return call
    reference = world.dial_references.get(name)
    if reference is not None:
        for entry in world.journal.of_kind(J.TLIB_EVENT):
            event = entry.payload
            if event.name == "EventDialing" and event.attrs.get("ReferenceID") == reference:
                call = world.calls[name] = world.tserver.calls[event.attrs["ConnID"]]
                return call
    raise NotRun(f"call {name!r} does not exist (the step that was to create it had no effect)")


def _phone(world: World, action: Callable[[], None]) -> str | None:
    why = world.tserver.phone(action)
    return f"no effect: {why}" if why else None


def _dial(world: World, step: Step, dial) -> str | None:
    ts = world.tserver
    created: list[Call] = []
    if dial.from_ in ts.dns:
        why = ts.phone(lambda: created.append(calls.make_call(ts, dial.from_, dial.to, dial.user_data)))
    else:
        why = ts.phone(lambda: created.append(calls.inbound_call(ts, dial.from_, dial.to, dial.user_data)))
    if why:
        return f"no effect: {why}"
    if step.call is not None:
        world.calls[step.call] = created[0]
    return None


def _on_call(operation) -> Callable[[World, Step, Any], str | None]:
    def action(world: World, step: Step, args) -> str | None:
        call = call_named(world, args.call)
        ts = world.tserver
        return _phone(world, lambda: operation(ts, args.dn, ts.live_call(call.conn_id)))
    return action


def _agent(world: World, step: Step, args) -> str | None:
    ts = world.tserver
    return _phone(world, lambda: agents.set_state(ts, args.dn, args.state))


def _update_user_data(world: World, step: Step, args) -> str | None:
    ts = world.tserver
    call = call_named(world, args.call)
    return _phone(world, lambda: userdata.update(ts, args.dn, ts.live_call(call.conn_id), dict(args.data)))


def _gws(world: World, step: Step, request) -> str:
    path = resolve(world, request.path)
    body = resolve(world, request.body)
    answer = world.gws.http(request.user, request.method, path, body, request.name)
    if step.call is not None and answer.reference_id is not None:
        world.dial_references[step.call] = answer.reference_id
    return f"HTTP {answer.status} statusCode {answer.body['statusCode']}"


def resolve(world: World, value: Any) -> Any:
    """Replace ``{c1}``, ``{c1.connId}``, ``{c1.uri}`` with the call's identifiers."""
    if isinstance(value, str):
        if "{" not in value:
            return value
        return REFERENCE.sub(lambda m: _identifier(world, m.group(1)), value)
    if isinstance(value, dict):
        return {resolve(world, k): resolve(world, v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(world, v) for v in value]
    return value


def _identifier(world: World, reference: str) -> str:
    match = REFERENCE_BODY.match(reference)
    call = call_named(world, match.group(1))
    what = match.group(2) or "id"
    if what == "connId":
        return call.conn_id
    if what == "uri":
        return f"{world.gws.settings.base_uri}/api/v2/calls/{call.call_uuid}"
    return call.call_uuid


ACTIONS: dict[str, Callable[[World, Step, Any], str | None]] = {
    "dial": _dial,
    "answer": _on_call(calls.answer),
    "hold": _on_call(calls.hold),
    "retrieve": _on_call(calls.retrieve),
    "hangup": _on_call(calls.release),
    "agent": _agent,
    "update_user_data": _update_user_data,
    "gws": _gws,
}
