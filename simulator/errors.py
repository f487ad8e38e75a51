"""tsim's own error types: everything the Python API raises for bad input.

Each is a ``TsimError``; the command line turns every one into a one-line
message and exit code 2. Anything else escaping tsim is a bug.
"""

from __future__ import annotations


class TsimError(Exception):
    """Base of every error tsim raises on purpose."""


class InvalidArgument(TsimError, ValueError):
    """A Python API argument of the wrong type or out of range (names the parameter)."""


class UnknownRequest(TsimError, LookupError):
    """A disposition record asked for by a request name no record has."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0]) if self.args else ""
