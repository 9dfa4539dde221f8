"""CORS per store: a store's `allowed_origins` (and the server's own origin) may call the chat
API *for that store*; any other origin gets no CORS headers, so the browser refuses the answer.

The store is in the JSON body of /v1/chat, which a middleware cannot read cheaply: the endpoint
names it in `request.state.store`, and the headers are added on the way out.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "content-type"


class StoreCors:
    """A plain ASGI middleware: Starlette's BaseHTTPMiddleware ran every request through a second task
    and a streamed copy of its response, most of the milliseconds the HTTP path added to a reply."""

    def __init__(self, app: ASGIApp, origins_of: Callable[[str], tuple[str, ...]], all_origins: Callable[[], set[str]]) -> None:
        self.app = app
        self.origins_of = origins_of
        self.all_origins = all_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        path = scope["path"]
        if not origin or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
        if scope["method"] == "OPTIONS" and headers.get("access-control-request-method"):
            response = Response(status_code=204)
            if origin == own or origin in self.all_origins():
                response.headers.update(
                    {
                        "Access-Control-Allow-Origin": origin,
                        "Access-Control-Allow-Methods": ALLOWED_METHODS,
                        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                        "Access-Control-Max-Age": "600",
                    }
                )
            response.headers["Vary"] = "Origin"
            await response(scope, receive, send)
            return
        state = scope.setdefault("state", {})  # the endpoint names the store here (request.state.store)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                store = state.get("store") or store_in_path(path)
                if origin == own or (store and origin in self.origins_of(store)):
                    out["Access-Control-Allow-Origin"] = origin
                out["Vary"] = "Origin"
            await send(message)

        await self.app(scope, receive, send_with_cors)


def store_in_path(path: str) -> str | None:
    """/v1/stores/<store>/… names its store in the path."""
    parts = path.strip("/").split("/")
    return parts[2] if len(parts) >= 3 and parts[:2] == ["v1", "stores"] else None
