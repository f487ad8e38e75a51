"""Lines of text held as they are and parsed each time one is read.

A long run's records are a few hundred bytes each as JSON text and several times that
as objects; what reads them (a writer, a page, an expectation) reads each once or
twice. So they are kept as text, and each reader pays the parse instead of the run
holding every object at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class ParsedLines(Sequence[T]):
    """``lines``, each made into ``parse(line)`` when it is read (a new object every time)."""

    def __init__(self, lines: list[str], parse: Callable[[str], T]):
        self.lines = lines
        self._parse = parse

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._parse(line) for line in self.lines[index]]
        return self._parse(self.lines[index])

    def __iter__(self) -> Iterator[T]:
        return map(self._parse, self.lines)
