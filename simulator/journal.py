"""The one ordered journal of a run.

Every T-Library request (as T-Server receives it) and event (as T-Server emits
it), every HTTP request and answer (at Web Services), every CometD message (as
the desktop receives it), every scripted step, GWS's disposition decisions and
the answers it gets, and what reporting stores is appended here, with a
global sequence number and the simulated time in microseconds. Reports,
disposition records and expectations are all read from the journal; nothing
keeps bookkeeping of its own on the side.

Payloads stay as light objects until a writer asks for ``to_dict()``, so a long
run does not pay for JSON it never writes; a kept journal stores its entries column
by column, T-Library events and metas packed (``KeptEntries``), and makes each entry
again, equal, when it is read.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, overload

from .timeunits import seconds
from .tlib import PackedTEvent, TEvent

# Entry kinds.
STEP = "step"
TLIB_REQUEST = "tlib.request"
TLIB_EVENT = "tlib.event"
HTTP_REQUEST = "http.request"
HTTP_RESPONSE = "http.response"
COMETD = "cometd"
GWS_DISPOSITION = "gws.disposition"
GWS_OUTCOME = "gws.outcome"
GWS_COMPLETED = "gws.completed"
REPORTING = "reporting"
REPORTING_FINAL = "reporting.final"


class Entry(tuple):
    """One journal line: ``seq``, time ``t`` (µs), ``kind`` and a payload.

    ``payload`` is either a dict or an object with ``to_dict()``; ``meta``
    carries correlations (ReferenceID, the event that caused a message) that
    are part of the record but not of the message itself. An entry is an
    immutable tuple: cheap to make, which a long run does tens of thousands
    of times.
    """

    __slots__ = ()
    seq: int = property(itemgetter(0))  # type: ignore[assignment]
    t: int = property(itemgetter(1))  # type: ignore[assignment]
    kind: str = property(itemgetter(2))  # type: ignore[assignment]
    payload: Any = property(itemgetter(3))
    meta: dict[str, Any] | None = property(itemgetter(4))  # type: ignore[assignment]

    def data(self) -> dict[str, Any]:
        payload = self.payload
        return payload if isinstance(payload, dict) else payload.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """The entry as ``journal.jsonl`` holds it: times in seconds, meta's too."""
        out: dict[str, Any] = {"seq": self.seq, "t": seconds(self.t), "kind": self.kind}
        out.update(self.data())
        meta = self.meta
        if meta is None and self.kind == TLIB_EVENT and self.payload.arrivals is not None:
            meta = {"arrived": self.payload.arrived()}  # (kept in the event, not twice in the entry)
        if meta:
            if "sentAt" in meta or "arrived" in meta:
                meta = dict(meta)
                if "sentAt" in meta:
                    meta["sentAt"] = seconds(meta["sentAt"])
                if "arrived" in meta:
                    meta["arrived"] = {client: [seconds(t), after] for client, (t, after) in meta["arrived"].items()}
            out["meta"] = meta
        return out

    def __repr__(self) -> str:
        return f"Entry({self.seq}, t={self.t}, {self.kind})"


_new = tuple.__new__


Packed = tuple[tuple[str, ...], tuple[Any, ...]]  # a meta as ``_packed`` keeps it
_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}  # each shape of names packed, kept once (a few dozen)


def _packed(mapping: dict[str, Any]) -> Packed:
    """A mapping as (its names, one tuple shared by every mapping of that shape; its values):
    a one-key dict is 184 bytes, its values' tuple 48; a 15-key dict 464, its tuple 160."""
    names = tuple(mapping)
    return _NAMES.setdefault(names, names), tuple(mapping.values())


def _kept(payload: Any) -> Any:
    """A payload as a kept journal holds it: a T-Library event packed (``PackedTEvent``: its
    clients got the dict, the journal keeps the values), anything else as it is."""
    if type(payload) is TEvent:
        return PackedTEvent((payload.name, *_packed(payload.attrs), payload.recipients, payload.arrivals))
    return payload


def _columns(entry: Entry) -> tuple[int, int, str, Any, Packed | None]:
    """An entry as its kept columns hold it: the payload ``_kept``, the meta ``_packed``."""
    seq, t, kind, payload, meta = entry
    return seq, t, kind, _kept(payload), _packed(meta) if meta is not None else None


def _made(seq: int, t: int, kind: str, payload: Any, meta: Packed | None) -> Entry:
    """An entry made again from its kept columns (its meta unpacked)."""
    return _new(Entry, (seq, t, kind, payload, dict(zip(*meta, strict=True)) if meta is not None else None))


class KeptEntries(Sequence[Entry]):
    """The entries a journal keeps, column by column: numbers and times as machine
    integers (``array``), kinds as references, payloads as ``_kept`` and metas as ``_packed``
    make them.
    An entry is made again, equal to the one appended, each time it is read. A long run
    keeps millions: as tuples each cost about 112 bytes (the tuple and its number), here
    40, and its meta (most entries have one) 184 bytes or more, packed 48."""

    __slots__ = ("_seqs", "_times", "_kinds", "_payloads", "_metas")

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._seqs, self._times = array("q"), array("q")
        self._kinds: list[str] = []
        self._payloads: list[Any] = []
        self._metas: list[Packed | None] = []
        for entry in entries:
            self.append(entry)

    def append(self, entry: Entry) -> None:
        seq, t, kind, payload, meta = _columns(entry)
        self._seqs.append(seq)
        self._times.append(t)
        self._kinds.append(kind)
        self._payloads.append(payload)
        self._metas.append(meta)

    def __len__(self) -> int:
        return len(self._kinds)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return _made(self._seqs[index], self._times[index], self._kinds[index], self._payloads[index],
                     self._metas[index])

    def __setitem__(self, index: int, entry: Entry) -> None:
        (self._seqs[index], self._times[index], self._kinds[index], self._payloads[index],
         self._metas[index]) = _columns(entry)

    def __iter__(self) -> Iterator[Entry]:
        for columns in zip(self._seqs, self._times, self._kinds, self._payloads, self._metas, strict=True):
            yield _made(*columns)

    def __repr__(self) -> str:
        return f"KeptEntries({len(self)} entries)"


Listener = Callable[[Entry], None]


class Journal:
    """Append-only, ordered by append; time is the simulation clock's ``now``.

    A journal either keeps its entries (``keep``: what a small run, its pictures
    and golden files read) or only numbers them and hands each to its
    ``listeners`` as it is made (a streamed run: writers and the online record
    builder), so memory follows the calls in progress. A streamed journal keeps
    its steps, and what ``retain`` says some reader still asks for (the
    expectations).
    """

    def __init__(self, env: Any, keep: bool = True):
        self._env = env
        self.keep = keep
        self.entries = KeptEntries()
        self.listeners: list[Listener] = []
        self.retain: Callable[[Entry], bool] | None = None
        self._count = 0
        self._by_kind: dict[str, list[Listener]] = {}
        self._wanted: dict[str, list[Callable[[dict[str, Any] | None], bool] | None]] = {}

    def subscribe(self, kind: str, listener: Listener,
                  wants: Callable[[dict[str, Any] | None], bool] | None = None) -> None:
        """Hand ``listener`` each entry of ``kind`` as it is made (``listeners`` get every entry).
        ``wants(meta)``: the only entries of ``kind`` it reads (``reads``); None: all of them."""
        self._by_kind.setdefault(kind, []).append(listener)
        self._wanted.setdefault(kind, []).append(wants)

    def reads(self, kind: str, meta: dict[str, Any] | None) -> bool:
        """Whether anyone would read an entry of ``kind`` with ``meta``: a journal that keeps
        its entries, a listener, the expectations' ``retain``, or a subscriber that wants it.
        One nobody reads need not be made: ``skip`` numbers it instead."""
        if self.keep or self.listeners or self.retain is not None:
            return True
        return any(wants is None or wants(meta) for wants in self._wanted.get(kind, ()))

    def skip(self) -> None:
        """An entry nobody reads (``reads``) is numbered but not made: the entries after it
        keep the numbers they have when everything is made."""
        self._count += 1

    def append(self, kind: str, payload: Any, meta: dict[str, Any] | None = None) -> Entry:
        self._count += 1
        entry = _new(Entry, (self._count, self._env.now, kind, payload, meta))
        if self.keep or kind == STEP or (self.retain is not None and self.retain(entry)):
            self.entries.append(entry)
        for listener in self.listeners:
            listener(entry)
        subscribed = self._by_kind.get(kind)
        if subscribed is not None:
            for listener in subscribed:
                listener(entry)
        return entry

    def of_kind(self, *kinds: str) -> Iterator[Entry]:
        return (e for e in self.entries if e.kind in kinds)

    def __len__(self) -> int:
        """How many entries were made (a streamed journal keeps few or none of them)."""
        return self._count

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)
