"""What a streamed run keeps so that its expectations can still be checked.

A streamed run (``--journal records`` or ``none``) holds no journal; it keeps
only the entries and the disposition records some expectation could be about:
a cheap test that lets through everything the ``Checker`` might match (and a
little more), so checking a streamed run gives the same verdicts as checking
the whole journal. (The journal keeps its steps itself: the console reports a
step that had no effect.) Memory then follows what the expectations look at: "no EventError
anywhere" in a day of traffic keeps every EventError, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from .. import journal as J
from ..record import DispositionRecord
from .expect import final_path, name_test
from .schema import Expectation

EntryTest = Callable[[J.Entry], bool]
CallUuids = Callable[[str], str | None]  # a scenario call name → its CallUuid, once the call exists


def entry_test(expectations: list[Expectation], call_uuid: CallUuids) -> EntryTest | None:
    """Which journal entries a streamed run keeps for ``expectations`` (besides its
    steps, which it always keeps); None: no others."""
    tlib_tests: list[tuple[Callable[[str], bool], str | None]] = []
    cometd_users: set[str | None] = set()
    requests: set[str] = set()
    final_calls: list[str] = []
    for expectation in expectations:
        kind, args = expectation.kind, expectation.args
        if kind in ("tlib", "no_tlib"):
            tlib_tests.append((name_test(args.event), args.dn))
        elif kind in ("cometd", "no_cometd"):
            cometd_users.add(args.user)
        elif kind == "http":
            requests.add(args.request)
        elif kind == "reporting":
            final_calls.append(args.call)
    every_user = None in cometd_users
    if not (tlib_tests or cometd_users or requests or final_calls):
        return None

    def keep(entry: J.Entry) -> bool:
        kind = entry.kind
        if kind == J.TLIB_EVENT or kind == J.TLIB_REQUEST:
            message = entry.payload
            return any(named(message.name) and (dn is None or message.attrs.get("ThisDN") == dn)
                       for named, dn in tlib_tests)
        if kind == J.COMETD:
            return bool(cometd_users) and (every_user or entry.payload.user in cometd_users)
        if kind == J.HTTP_RESPONSE:
            return entry.payload["request"] in requests
        if kind == J.REPORTING_FINAL and final_calls:
            return entry.payload["callUuid"] in {call_uuid(name) for name in final_calls}
        return False

    return keep


def record_test(expectations: list[Expectation], call_uuid: CallUuids) -> Callable[[DispositionRecord], bool]:
    """Which disposition records a streamed run keeps for ``expectations``."""
    wanted = [e for e in expectations if e.kind in ("disposition", "dispositions")]

    def keep(record: DispositionRecord) -> bool:
        for expectation in wanted:
            args = expectation.args
            if expectation.kind == "disposition" and args.request is not None:
                if record.request == args.request:
                    return True
                continue
            if args.call is not None:
                uuid = call_uuid(args.call)
                if uuid is None or uuid not in (record.callUuid, record.callId):
                    continue
            if expectation.kind == "disposition":
                return True
            if ((args.path is None or record.path.value == args.path)
                    and (args.finalPath is None or final_path(record) == args.finalPath)
                    and (args.reporting is None or record.reporting.outcome.value == args.reporting)):
                return True
        return False

    return keep
