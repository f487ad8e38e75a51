"""A long run's drawing in windows: each page draws at most ``WINDOW`` journal entries.

A sequence diagram of ten thousand messages is no longer a picture anyone reads,
and a page that holds it is slow to open. So a run whose journal is longer than
one window gets one page per stretch of ``WINDOW`` entries: the run's own page
(``index.html``) draws the first, ``window-2.html`` the second, and so on. Every
page links to the others with their times, and a link to a message (``#m<seq>``)
— from a story, a table row or the message list — goes to the page that draws it.
So the reader always looks at a window of the journal around what they asked for,
however long the run; and the run's page never grows past what a browser opens.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

WINDOW = 4_000  # journal entries one page draws at most
MAIN_PAGE_RECORDS = 1_000
"""The run's page lists every disposition of a run with at most this many; a longer run's
lists those clicked in its first window, as each window's page lists its own, and the list
of windows counts each one's dispositions and losses: a page of a hundred thousand table
rows and stories is one no browser opens, and no reader reads."""
FIRST_PAGE = "index.html"


@dataclass(frozen=True)
class Stretch:
    """One window: its number (from 1), its lines of ``journal.jsonl`` and what they span."""

    number: int
    first_line: int  # index of its first line in the journal
    end_line: int  # index after its last line
    first_seq: int
    start: float  # seconds: its first entry's time
    end: float  # seconds: its last entry's time

    @property
    def page(self) -> str:
        return FIRST_PAGE if self.number == 1 else f"window-{self.number}.html"

    @property
    def entries(self) -> int:
        return self.end_line - self.first_line


@dataclass(frozen=True)
class Windows:
    """The stretches of a journal, and where each of its messages is drawn."""

    stretches: tuple[Stretch, ...]
    total: int  # journal entries

    @cached_property
    def _firsts(self) -> list[int]:
        return [stretch.first_seq for stretch in self.stretches]

    @property
    def cut(self) -> bool:
        return len(self.stretches) > 1

    def of(self, seq: int | None) -> Stretch | None:
        """The stretch that draws journal entry ``seq`` (None: no such entry)."""
        if seq is None or not self.stretches:
            return None
        found = self.stretches[max(0, bisect.bisect_right(self._firsts, seq) - 1)]
        return found if seq >= found.first_seq else None

    def href(self, seq: int, here: Stretch | None) -> str:
        """The link to message ``seq`` from the page of ``here``: an anchor on the same page,
        or the page that draws it."""
        there = self.of(seq)
        if there is None or here is None or there.number == here.number:
            return f"#m{seq}"
        return f"{there.page}#m{seq}"


class Cutter:
    """Cuts a journal into windows as its entries pass by (``through``): the journal is
    read once, for the stories' index too, and never kept whole."""

    def __init__(self, size: int | None = None):
        self.size = size or WINDOW
        self.stretches: list[Stretch] = []
        self.count = 0
        self._first_line = self._first_seq = 0
        self._start = self._end = 0.0

    def through(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for entry in entries:
            if self.count % self.size == 0:
                self._close()
                self._first_line, self._first_seq, self._start = self.count, entry["seq"], entry["t"]
            self._end = entry["t"]
            self.count += 1
            yield entry

    def _close(self) -> None:
        if self.count > self._first_line:
            self.stretches.append(Stretch(len(self.stretches) + 1, self._first_line, self.count, self._first_seq,
                                          self._start, self._end))

    def windows(self) -> Windows:
        self._close()
        self._first_line = self.count
        return Windows(tuple(self.stretches), self.count)
