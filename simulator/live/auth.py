"""Who is calling: Basic authentication, the ``JSESSIONID`` session, the CSRF token.

As the facts file describes GWS (§1.10): a desktop authenticates with Basic
authentication and then carries the ``JSESSIONID`` cookie; every GET answer
hands out ``X-CSRF-HEADER: X-CSRF-TOKEN`` and ``X-CSRF-TOKEN: <token>``, and a
POST, PUT or DELETE without that token is refused with HTTP 403 "Missing or
invalid Csrf token". The token lives as long as the session.

A session ends when the user ends the contact-center session (Genesys:
EndContactCenterSession "also invalidates the client HTTP session"), after
``IDLE_TIMEOUT`` without a request, or — the least recently used first — when
``MAX_SESSIONS`` are open and another starts (a client that sends Basic
credentials without the cookie starts one on every request). So sessions take
memory for the desktops in use, however long the server runs.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

COOKIE = "JSESSIONID"
CSRF_HEADER = "X-CSRF-HEADER"
CSRF_TOKEN = "X-CSRF-TOKEN"
IDLE_TIMEOUT = 30 * 60.0  # s: (inference) the servlet containers' default session-timeout; GWS's is not documented
MAX_SESSIONS = 10_000


@dataclass
class Session:
    user: str
    csrf: str = field(default_factory=lambda: str(uuid.uuid4()))
    used: float = 0.0  # the clock's time of its last request


class Sessions:
    """The open HTTP sessions, least recently used first."""

    def __init__(self, passwords: dict[str, str], clock: Callable[[], float],
                 idle_timeout: float = IDLE_TIMEOUT, limit: int = MAX_SESSIONS):
        self.passwords = passwords
        self.clock = clock
        self.idle_timeout = idle_timeout
        self.limit = limit
        self.by_id: OrderedDict[str, Session] = OrderedDict()

    def from_cookie(self, session_id: str | None) -> Session | None:
        """The open session a ``JSESSIONID`` names (now its most recently used), or None."""
        session = self.by_id.get(session_id) if session_id else None
        if session_id is None or session is None:
            return None
        now = self.clock()
        if now - session.used > self.idle_timeout:
            del self.by_id[session_id]
            return None
        session.used = now
        self.by_id.move_to_end(session_id)
        return session

    def end(self, session_id: str) -> None:
        """Invalidate a session: its cookie and token no longer prove anything."""
        self.by_id.pop(session_id, None)

    def sweep(self) -> None:
        """Forget the sessions idle for longer than the timeout (the oldest are first)."""
        limit = self.clock() - self.idle_timeout
        while self.by_id:
            session_id, session = next(iter(self.by_id.items()))
            if session.used >= limit:
                return
            del self.by_id[session_id]

    def identify(self, cookie: str | None, authorization: str | None) -> tuple[str, Session, bool] | None:
        """The session a request proves: its cookie's, or one its Basic credentials start (True: a new one,
        whose cookie the answer sets). None: the request proves no user."""
        session = self.from_cookie(cookie)
        if cookie is not None and session is not None:
            return cookie, session, False
        user = self.from_basic(authorization)
        if user is None:
            return None
        session_id, session = self.start(user)
        return session_id, session, True

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
        while len(self.by_id) >= self.limit:
            self.by_id.popitem(last=False)  # the least recently used makes room
        session_id = secrets.token_hex(16).upper()
        session = self.by_id[session_id] = Session(user, used=self.clock())
        return session_id, session


def csrf_passes(method: str, session: Session, sent: str | None) -> bool:
    """The CSRF rule (§1.10): a GET needs no token (its answer hands the session's out); any other method
    must send the session's own token back, compared in constant time."""
    if method == "GET":
        return True
    return sent is not None and hmac.compare_digest(sent.encode(), session.csrf.encode())
