"""Identifier allocation: ConnIDs, CallUuids, device ids, ReferenceIDs.

Formats follow reference/genesys-facts.md §1.6 and §2.6:

- **ConnID**: 16 lower-case hex digits, increasing with each call
  (``0071027198180006``). T-Server allocates it; it is the handle in requests.
- **CallUuid**: 32 upper-case alphanumerics (``01RCC3N118B1V0SL807GK2LAES000006``),
  generated per T-Server instance: a 26-character instance prefix and a
  6-character base-36 counter. In GWS 8.5.2 the call ``id`` equals the CallUuid.

Everything is drawn from the run's seeded ``random.Random`` or from counters,
so the same seed gives the same identifiers.
"""

from __future__ import annotations

import random
import string

_ALNUM_UPPER = string.digits + string.ascii_uppercase


def _base36(n: int, width: int) -> str:
    digits = []
    for _ in range(width):
        n, rem = divmod(n, 36)
        digits.append(_ALNUM_UPPER[rem])
    if n:
        raise OverflowError("CallUuid counter exhausted")
    return "".join(reversed(digits))


class IdAllocator:
    """Hands out the identifiers of one T-Server instance and its clients."""

    def __init__(self, rng: random.Random):
        # A ConnID base in the range real ones sit in (0x0071...), low 16 bits clear.
        self._connid_next = rng.randrange(0x0070_0000_0000, 0x0080_0000_0000) << 16
        self._uuid_prefix = "".join(rng.choice(_ALNUM_UPPER) for _ in range(26))
        self._uuid_next = 1
        self._rng = rng

    def conn_id(self) -> str:
        self._connid_next += 1
        return f"{self._connid_next:016x}"

    def call_uuid(self) -> str:
        uuid = self._uuid_prefix + _base36(self._uuid_next, 6)
        self._uuid_next += 1
        return uuid

    def device_id(self) -> str:
        """A version-4-shaped UUID for a GWS device (``631608b3-ceb1-472b-...``)."""
        value = self._rng.getrandbits(128)
        value = (value & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_conn_id(text: str) -> bool:
    return len(text) == 16 and all(c in "0123456789abcdef" for c in text)


def is_call_uuid(text: str) -> bool:
    return len(text) == 32 and all(c in _ALNUM_UPPER for c in text)

