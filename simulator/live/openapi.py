"""The OpenAPI document of the paths ``tsim serve`` answers, built from the same
pydantic body models Web Services validates with."""

from __future__ import annotations

from functools import cache
from typing import Any

from .. import __version__
from ..gws import bodies
from ..gws.operations import CONSULT_COMPLETIONS, OPERATIONS, VOICE_CHANNEL_OPERATIONS
from ..gws.session import SESSION_OPERATIONS

ANSWER = {"type": "object", "required": ["statusCode"],
          "properties": {"statusCode": {"type": "integer"}, "statusMessage": {"type": "string"}}}


def _answers(*extra: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "statusCode 0",
                                   "content": {"application/json": {"schema": ANSWER}}}}
    for code, what in ((400, "statusCode 1, 2 or 10"), (401, "statusCode 20: not authenticated"),
                       (403, "Missing or invalid Csrf token; statusCode 3 or 5"), (404, "statusCode 6"),
                       (413, "the body is too large"), *((c, "") for c in extra)):
        out[str(code)] = {"description": what or str(code), "content": {"application/json": {"schema": ANSWER}}}
    return out


def _body(*models: type[bodies.Body], operations: tuple[str, ...] = ()) -> dict[str, Any]:
    schemas = [model.model_json_schema() for model in models]
    return {"required": True, "content": {"application/json": {"schema": {
        "oneOf": schemas if len(schemas) > 1 else schemas, "description": "operationName: " + ", ".join(operations)}}}}


@cache
def document() -> dict[str, Any]:
    found: set[type[bodies.Body]] = {op.body for op in OPERATIONS.values()}
    found |= {bodies.CompleteConsultBody, bodies.SetCallDispositionBody}
    call_models = sorted(found, key=lambda m: m.__name__)
    call_ops = (*OPERATIONS, *CONSULT_COMPLETIONS, "SetCallDisposition", "Complete")
    path_id = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    paths: dict[str, Any] = {
        "/api/v2/me": {
            "get": {"summary": "the user", "responses": _answers()},
            "post": {"summary": "Start/EndContactCenterSession",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["operationName"],
                         "properties": {"operationName": {"enum": list(SESSION_OPERATIONS)},
                                        "channels": {"type": "array", "items": {"type": "string"}}}}}}},
                     "responses": _answers()}},
        "/api/v2/me/devices": {"get": {"summary": "the user's device and agent state", "responses": _answers()}},
        "/api/v2/me/calls": {"get": {"summary": "the user's calls as Web Services sees them",
                                     "responses": _answers()}},
        "/api/v2/me/calls/{id}": {
            "parameters": path_id,
            "get": {"summary": "one call", "responses": _answers()},
            "post": {"summary": "a call operation", "requestBody": _body(*call_models, operations=call_ops),
                     "responses": _answers()}},
        "/api/v2/me/devices/{id}/calls": {
            "parameters": path_id,
            "post": {"summary": "Dial", "requestBody": _body(bodies.DialBody, operations=("Dial",)),
                     "responses": _answers()}},
        "/api/v2/me/channels/voice": {
            "post": {"summary": "the agent's state",
                     "requestBody": _body(bodies.AgentStateBody, operations=VOICE_CHANNEL_OPERATIONS),
                     "responses": _answers()}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "tsim: Genesys Web Services (GWS v2) voice API, simulated", "version": __version__},
        "components": {"securitySchemes": {
            "basic": {"type": "http", "scheme": "basic"},
            "session": {"type": "apiKey", "in": "cookie", "name": "JSESSIONID"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-TOKEN"}}},
        "security": [{"basic": []}, {"session": [], "csrf": []}],
        "paths": paths,
    }
