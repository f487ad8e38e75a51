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
- ``latency`` changes delays from its instant on (messages in flight keep theirs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from .. import journal as J
from ..gws.bodies import RawBody
from ..links import after_deliveries, later
from ..timing import FIFO, describe
from ..tserver import agents, calls, userdata
from ..tserver.model import Call
from ..world import World, change_delay
from .loader import RAW_REFERENCE, REFERENCE, REFERENCE_BODY
from .schema import DEVICE_REFERENCE, Step

Action = Callable[[World, Step, Any, "StepRecord"], "str | None"]
"""What a step does: (world, step, the step's action arguments, its journal record) → a result line."""


class NotRun(Exception):
    """A step that cannot run at all (its call was never created)."""


def schedule_steps(world: World, lines: Callable[[int], int | None]) -> None:
    """Play the steps in time order, one instant's group at a time.

    Under ``fifo`` one event plays an instant's steps in file order; under
    ``random`` each step is an event of its own, so the policy can order them
    among themselves and the deliveries due then. The group that runs last
    schedules the next instant's. Either way the event queue stays small
    however long the script is, and the order is the one the policy defines.
    """
    steps = world.scenario.steps
    groups: dict[int, list[tuple[int, Step, str, int | None]]] = {}
    for index, step in enumerate(steps):
        groups.setdefault(step.at, []).append((index, step, step.action, lines(index)))
    times = sorted(groups)
    env = world.env
    one_event_per_instant = env.tie_break == FIFO

    def schedule(position: int) -> None:
        group = groups.pop(times[position])  # (what is played is let go: a long script's memory)
        delay = times[position] - env.now
        if one_event_per_instant:
            later(env, delay, lambda: after_deliveries(env, lambda: play_all(position, group)))
            return
        left = [len(group)]

        def play_one(item: tuple[int, Step, str, int | None]) -> None:
            run_step(world, *item)
            left[0] -= 1
            if left[0] == 0:
                next_instant(position)

        for item in group:
            later(env, delay, partial(play_one, item))

    def play_all(position: int, group: list[tuple[int, Step, str, int | None]]) -> None:
        for item in group:
            run_step(world, *item)
        next_instant(position)

    def next_instant(position: int) -> None:
        if position + 1 < len(times):
            schedule(position + 1)

    if times:
        schedule(0)


class StepRecord:
    """The journal's view of a step; turned into JSON only when written."""

    __slots__ = ("index", "line", "step", "action", "result")

    def __init__(self, index: int, line: int | None, step: Step, action: str):
        self.index, self.line, self.step, self.action = index, line, step, action
        self.result: str | None = None

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
        result = ACTIONS[action](world, step, getattr(step, action), record)
        if result is not None:
            record.result = result
    except NotRun as exc:
        record.result = f"not run: {exc}"


def call_named(world: World, name: str) -> Call:
    call = world.calls.get(name)
    if call is not None:
        return call
    reference = world.dial_references.get(name)
    if reference is not None and reference in world.dialed:
        call = world.calls[name] = world.dialed[reference]
        return call
    raise NotRun(f"call {name!r} does not exist (the step that was to create it had no effect, or its answer "
                 "has not reached Web Services yet)")


def _note_dialing(world: World, entry: J.Entry) -> None:
    """The call a Dial through Web Services made, as its EventDialing names it."""
    if entry.kind == J.TLIB_EVENT and entry.payload.name == "EventDialing":
        reference = entry.payload.attrs.get("ReferenceID")
        if reference is not None and reference in world.dial_references.values():
            call = world.dialed[reference] = world.tserver.calls[entry.payload.attrs["ConnID"]]
            for name, made_by in world.dial_references.items():
                if made_by == reference and name not in world.calls:
                    world.calls[name] = call


def _phone(world: World, action: Callable[[], None]) -> str | None:
    why = world.tserver.phone(action)
    return f"no effect: {why}" if why else None


def _dial(world: World, step: Step, dial, record: StepRecord) -> str | None:
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


def _on_call(operation) -> Action:
    def action(world: World, step: Step, args, record: StepRecord) -> str | None:
        call = call_named(world, args.call)
        ts = world.tserver
        return _phone(world, lambda: operation(ts, args.dn, ts.live_call(call.conn_id)))
    return action


def _agent(world: World, step: Step, args, record: StepRecord) -> str | None:
    ts = world.tserver
    return _phone(world, lambda: agents.set_state(ts, args.dn, args.state))


def _update_user_data(world: World, step: Step, args, record: StepRecord) -> str | None:
    ts = world.tserver
    call = call_named(world, args.call)
    return _phone(world, lambda: userdata.update(ts, args.dn, ts.live_call(call.conn_id), dict(args.data)))


def _gws(world: World, step: Step, request, record: StepRecord) -> None:
    """The desktop sends the request; Web Services handles it when it arrives."""
    path = resolve(world, request.path, request.user)
    body = resolve(world, request.body, request.user) if request.raw is None else \
        RawBody(RAW_REFERENCE.sub(lambda m: _replacement(world, m, request.user), request.raw))
    sent_at = world.env.now

    def arrive() -> None:
        answer = world.gws.http(request.user, request.method, path, body, request.name, sent_at)
        if step.call is not None and answer.reference_id is not None:
            if not world.dial_references:
                world.journal.listeners.append(lambda entry: _note_dialing(world, entry))
            world.dial_references[step.call] = answer.reference_id
        message = answer.body.get("statusMessage")
        record.result = f"HTTP {answer.status} statusCode {answer.body['statusCode']}" + (
            f": {message}" if message else "")

    world.desktops[request.user].send(arrive)


def resolve(world: World, value: Any, user: str) -> Any:
    """Replace ``{c1}``, ``{c1.connId}``, ``{c1.uri}`` with the call's identifiers,
    ``{device}`` with ``user``'s device id, and ``{{``/``}}`` with a brace."""
    if isinstance(value, str):
        if "{" not in value and "}" not in value:
            return value
        return REFERENCE.sub(lambda m: _replacement(world, m, user), value)
    if isinstance(value, dict):
        return {resolve(world, k, user): resolve(world, v, user) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(world, v, user) for v in value]
    return value


def _replacement(world: World, match: re.Match[str], user: str) -> str:
    reference = match.group(1)
    if reference is None:
        return match.group(0)[0]  # {{ → {, }} → }
    if reference == DEVICE_REFERENCE:
        return world.gws.users[user].device_id
    return _identifier(world, reference)


def _identifier(world: World, reference: str) -> str:
    match = REFERENCE_BODY.match(reference)
    assert match is not None, "the loader checked every reference"
    call = call_named(world, match.group(1))
    what = match.group(2) or "id"
    if what == "connId":
        return call.conn_id
    if what == "uri":
        return f"{world.gws.settings.base_uri}/api/v2/calls/{call.call_uuid}"
    return call.call_uuid


def _latency(world: World, step: Step, change: Any, record: StepRecord) -> str:
    """Delays change from now on; messages in flight keep theirs (``world.change_delay``)."""
    changed = []
    for name in change.model_fields_set:
        spec = getattr(change, name)
        change_delay(world, name, spec)
        changed.append(f"{name} {describe(spec)}")
    return "delays now: " + ", ".join(sorted(changed))


ACTIONS: dict[str, Action] = {
    "dial": _dial,
    "answer": _on_call(calls.answer),
    "hold": _on_call(calls.hold),
    "retrieve": _on_call(calls.retrieve),
    "hangup": _on_call(calls.release),
    "agent": _agent,
    "update_user_data": _update_user_data,
    "gws": _gws,
    "latency": _latency,
}
