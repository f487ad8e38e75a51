"""Web Services (GWS v2): its view of calls, the v2 call operations, CometD."""

from .service import CLIENT, GwsSettings, HttpAnswer, User, WebServices

__all__ = ["CLIENT", "GwsSettings", "HttpAnswer", "User", "WebServices"]
