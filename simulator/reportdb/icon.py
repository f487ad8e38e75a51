"""ICON's attached-data history: which changes of a key reach G_USERDATA_HISTORY.

ICON records a user-data key by its attached-data spec (``ccon_adata_spec.xml``,
``<public><key name=… history=…>``) or, for a key the spec does not list, by
``[callconcentrator] adata-userdata-history`` (research §2, §3):

=======  =======================================================
history  what reaches G_USERDATA_HISTORY for the key on a call
=======  =======================================================
none     nothing (the factory default for keys not in the spec)
first    the first value it was given
last     the last change
all      every change
=======  =======================================================

(inference) With ``last`` ICON writes the one row when the call ends; with
``first`` a later deletion of the key is not recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

HISTORIES = ("none", "first", "last", "all")
T = TypeVar("T")


def history_of(key: str, spec: Mapping[str, str], default: str) -> str:
    """The history ICON keeps for ``key``: the spec's, else ``adata-userdata-history``."""
    return spec.get(key, default)


def kept_changes(history: str, changes: Sequence[T], is_deletion=lambda change: False) -> list[T]:
    """The changes of one key on one call (in order) that ICON records under ``history``."""
    if history == "none" or not changes:
        return []
    if history == "first":
        first = next((c for c in changes if not is_deletion(c)), None)
        return [first] if first is not None else []
    if history == "last":
        return [changes[-1]]
    return list(changes)
