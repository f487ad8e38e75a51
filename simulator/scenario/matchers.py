"""Number matchers for expectations: say what you mean about a code.

A code in an expectation (``statusCode``, ``httpStatus``, ``errorCode``,
``status``) may be written as

==============  ===========================================
``200``         exactly this number
``"4xx"``       any number of this hundred (an HTTP class)
``"not 0"``     anything but this number (``"!0"`` too)
``[1, 6, 10]``  one of these numbers
==============  ===========================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_CLASS = re.compile(r"^\s*([1-9])xx\s*$")
_NOT = re.compile(r"^\s*(?:not\s+|!)\s*(-?\d{1,9})\s*$")
HELP = "a number, an HTTP class such as '4xx', 'not 0', or a list of numbers"


@dataclass(frozen=True)
class CodeMatch:
    """A test on a code, and how to say it."""

    exact: tuple[int, ...] = ()
    hundred: int | None = None
    excluded: int | None = None

    def matches(self, value: object) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        if self.hundred is not None:
            return value // 100 == self.hundred
        if self.excluded is not None:
            return value != self.excluded
        return value in self.exact

    def __str__(self) -> str:
        if self.hundred is not None:
            return f"{self.hundred}xx"
        if self.excluded is not None:
            return f"not {self.excluded}"
        return str(self.exact[0]) if len(self.exact) == 1 else f"one of {list(self.exact)}"

    def __repr__(self) -> str:
        return repr(self.exact[0]) if len(self.exact) == 1 and self.hundred is None and self.excluded is None \
            else f"'{self}'"


def _small_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -10**9 < value < 10**9


def parse_code_match(value: Any) -> CodeMatch:
    if isinstance(value, CodeMatch):
        return value
    if _small_int(value):
        return CodeMatch(exact=(value,))
    if isinstance(value, str):
        if m := _CLASS.match(value):
            return CodeMatch(hundred=int(m.group(1)))
        if m := _NOT.match(value):
            return CodeMatch(excluded=int(m.group(1)))
    if isinstance(value, list) and value and len(value) <= 100 and all(_small_int(v) for v in value):
        return CodeMatch(exact=tuple(value))
    raise ValueError(f"expected {HELP}, got {value!r}"[:200])


Code = Annotated[
    CodeMatch,
    BeforeValidator(parse_code_match),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\s*([1-9]xx|(not\s+|!)-?\d+)\s*$"},
                              {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 100}],
                    "description": HELP}),
]
