"""Who is calling: Basic authentication, the ``JSESSIONID`` session, the CSRF token.

As the facts file describes GWS (§1.10): a desktop authenticates with Basic
authentication and then carries the ``JSESSIONID`` cookie; every GET answer
hands out ``X-CSRF-HEADER: X-CSRF-TOKEN`` and ``X-CSRF-TOKEN: <token>``, and a
POST, PUT or DELETE without that token is refused with HTTP 403 "Missing or
invalid Csrf token". The token lives as long as the session.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import uuid
from dataclasses import dataclass, field

COOKIE = "JSESSIONID"
CSRF_HEADER = "X-CSRF-HEADER"
CSRF_TOKEN = "X-CSRF-TOKEN"


@dataclass
class Session:
    user: str
    csrf: str = field(default_factory=lambda: str(uuid.uuid4()))


class Sessions:
    def __init__(self, passwords: dict[str, str]):
        self.passwords = passwords
        self.by_id: dict[str, Session] = {}

    def from_cookie(self, session_id: str | None) -> tuple[str | None, Session | None]:
        if session_id and session_id in self.by_id:
            return session_id, self.by_id[session_id]
        return None, None

    def from_basic(self, authorization: str | None) -> str | None:
        """The user a ``Basic`` Authorization header proves, or None."""
        if not authorization or not authorization.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        name, sep, password = decoded.partition(":")
        expected = self.passwords.get(name)
        if not sep or expected is None or not hmac.compare_digest(expected.encode(), password.encode()):
            return None
        return name

    def start(self, user: str) -> tuple[str, Session]:
        session_id = secrets.token_hex(16).upper()
        session = self.by_id[session_id] = Session(user)
        return session_id, session
