"""The HTTP edge of live mode: GWS v2 paths, CometD, OpenAPI, the trainer's control.

========  ==============================  ============================================
method    path                            what
========  ==============================  ============================================
GET/POST  /api/v2/me...                   Web Services, exactly as in batch mode (HEAD as GET)
POST      /api/v2/notifications           CometD (Bayeux 1.0, long-polling)
GET       /openapi.json                   the OpenAPI document of these paths
GET       /sim/journal, /sim/dispositions the run so far (``X-Tsim-Token``)
POST      /sim/steps                      a scenario step, now (``X-Tsim-Token``)
========  ==============================  ============================================

Answers on the GWS paths are the bytes batch mode journals: the same statusCode
and body. Refusals at the edge answer as GWS documents them: 401 with statusCode
20 without valid credentials, 403 "Missing or invalid Csrf token" without the
token, 413 for a body over ``MAX_BODY`` bytes, statusCode 10 for a body that is
not JSON (``strictjson``: nesting, numbers and strings within its limits). HEAD is
answered as GET (and journaled as the GET it is), without the CSRF token; a method
the v2 voice paths do not have (PUT, DELETE, PATCH, OPTIONS) answers 405 with
``Allow`` and reaches nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import strictjson
from ..gws import status
from ..gws.bodies import MAX_BODY, RawBody
from ..scenario.loader import ScenarioError
from .auth import COOKIE, CSRF_HEADER, CSRF_TOKEN, Sessions, csrf_passes
from .bayeux import BayeuxServer
from .engine import LiveEngine
from .openapi import document

TICK = 0.01  # s between clock advances when no request comes
CONTROL_HEADER = "X-Tsim-Token"
GWS_METHODS = ("GET", "HEAD", "POST")  # the methods of the v2 voice paths Web Services documents


def _json_or_refusal(body: Any) -> tuple[Any, str | None]:
    """What a raw request body holds as JSON (``strictjson``), or why it holds none."""
    if not isinstance(body, RawBody):
        return None, "there is no body"
    try:
        return strictjson.loads(body.text), None
    except strictjson.JsonRefused as exc:
        return None, f"the body is {exc}"


def _ends_session(body: Any) -> bool:
    """Whether a request body is EndContactCenterSession."""
    value, _ = _json_or_refusal(body)
    return isinstance(value, dict) and value.get("operationName") == "EndContactCenterSession"


def _json(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status_code, headers=headers,
                    media_type="application/json")


def _refusal(http: int, status_code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return _json({"statusCode": status_code, "statusMessage": message}, http, headers)


async def _body(request: Request) -> tuple[Any, Response | None]:
    """The request's JSON body (or a RawBody Web Services will refuse), or a refusal."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None, _refusal(413, status.INPUT_VALIDATION, f"Input validation error: the body is over {MAX_BODY} "
                                                            "bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None, _refusal(413, status.INPUT_VALIDATION,
                                  f"Input validation error: the body is over {MAX_BODY} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw:
        return None, None
    try:
        return RawBody(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, _refusal(400, status.INPUT_VALIDATION, "Input validation error: the body is not UTF-8 text")


def create_app(engine: LiveEngine, passwords: dict[str, str], control_token: str) -> Starlette:
    """The ASGI app serving ``engine``. The clock advances on a timer while it runs."""
    sessions = Sessions(passwords, time.monotonic)
    bayeux = BayeuxServer(clock=time.monotonic)
    engine.world.gws.desktop_listeners.append(lambda message: bayeux.publish(message.user, message.message()))

    async def gws(request: Request) -> Response:
        if request.method not in GWS_METHODS:  # (inference) GWS's Spring edge answers 405; the body is tsim's
            return _refusal(405, status.FORBIDDEN, f"Operation forbidden: {request.method} is not a method of "
                                                   f"{request.url.path}", {"allow": ", ".join(GWS_METHODS)})
        identified = sessions.identify(request.cookies.get(COOKIE), request.headers.get("authorization"))
        if identified is None:
            return _refusal(401, status.NOT_AUTHENTICATED, "User not authenticated",
                            {"www-authenticate": 'Basic realm="tsim"'})
        session_id, session, started = identified
        user = session.user
        headers = {"set-cookie": f"{COOKIE}={session_id}; Path=/; HttpOnly; SameSite=Lax"} if started else {}
        method = "GET" if request.method == "HEAD" else request.method  # HEAD: a GET's answer without its body
        if not csrf_passes(method, session, request.headers.get(CSRF_TOKEN)):
            return _refusal(403, status.FORBIDDEN, "Missing or invalid Csrf token", headers)
        if method == "GET":
            headers.update({CSRF_HEADER: CSRF_TOKEN, CSRF_TOKEN: session.csrf})
        body, refusal = await _body(request)
        if refusal is not None:
            return refusal
        answer = engine.http(user, method, request.url.path, body)
        if method == "POST" and request.url.path.rstrip("/") == "/api/v2/me" \
                and answer.body.get("statusCode") == status.SUCCESS and _ends_session(body):
            sessions.end(session_id)  # Genesys: it "also invalidates the client HTTP session"
        return _json(answer.body, answer.status, headers)

    async def notifications(request: Request) -> Response:
        session = sessions.from_cookie(request.cookies.get(COOKIE))
        body, refusal = await _body(request)
        if refusal is not None:
            return refusal
        messages, why = _json_or_refusal(body)
        if isinstance(messages, dict):
            messages = [messages]
        if not isinstance(messages, list) or len(messages) > 100:
            why = why or "a JSON array of at most 100 Bayeux messages"
            return _json([{"successful": False, "error": f"400::Bad request: {why}"[:300],
                           "channel": "/meta/unknown"}], 400)
        engine.advance()
        return _json(await bayeux.handle(session.user if session else None, messages))

    def control(request: Request) -> Response | None:
        if request.headers.get(CONTROL_HEADER) != control_token:
            return _json({"error": f"the control surface needs the {CONTROL_HEADER} header tsim serve printed"}, 401)
        return None

    async def journal(request: Request) -> Response:
        refused = control(request)
        if refused is not None:
            return refused
        engine.advance()
        return _json([entry.to_dict() for entry in engine.journal_so_far()])

    async def dispositions(request: Request) -> Response:
        """The latest complete records, and the dispositions still open: never a fate the
        final report could contradict."""
        refused = control(request)
        if refused is not None:
            return refused
        engine.advance()
        return _json(engine.dispositions_so_far())

    async def steps(request: Request) -> Response:
        """Play a scenario step now: ``{"hangup": {"dn": "15001", "call": "c1"}}`` (no ``at``)."""
        refused = control(request)
        if refused is not None:
            return refused
        body, refusal = await _body(request)
        if refusal is not None:
            return refusal
        step, why = _json_or_refusal(body)
        if not isinstance(step, dict) or "at" in step:
            return _json({"error": (f"{why}: " if why else "") + "the body is a scenario step without `at` (it "
                                   "happens now), e.g. {\"hangup\": {\"dn\": \"15001\", \"call\": \"c1\"}}"},
                         400)
        try:
            result = engine.step(step)
        except ScenarioError as exc:
            return _json({"error": str(exc)}, 400)
        return _json(result)

    async def openapi(request: Request) -> Response:
        return _json(document())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async def tick() -> None:
            while True:
                await asyncio.sleep(TICK)
                engine.advance()
                bayeux.sweep()
                sessions.sweep()

        task = asyncio.create_task(tick())
        app.state.loop = asyncio.get_running_loop()  # (for ``close``, from a signal handler)
        try:
            yield
        finally:
            task.cancel()

    methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]  # all answered: 405 but the documented
    app = Starlette(routes=[
        Route("/api/v2/notifications", notifications, methods=["POST"]),
        # CometD clients may append the meta channel to the URL (/api/v2/notifications/handshake)
        Route("/api/v2/notifications/{meta:path}", notifications, methods=["POST"]),
        Route("/api/v2/me", gws, methods=methods),
        Route("/api/v2/me/{rest:path}", gws, methods=methods),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/sim/journal", journal, methods=["GET"]),
        Route("/sim/dispositions", dispositions, methods=["GET"]),
        Route("/sim/steps", steps, methods=["POST"]),
    ], lifespan=lifespan)
    app.state.bayeux = bayeux
    app.state.sessions = sessions
    app.state.loop = None
    return app


def close(app: Starlette) -> None:
    """The session is ending: answer every held long-poll now (from any thread or a signal
    handler), so the server does not wait out their timeout before the reports are written."""
    loop = app.state.loop
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(app.state.bayeux.close)
