"""CORS per store: a store's `allowed_origins` (and the server's own origin) may call the chat
API *for that store*; any other origin gets no CORS headers, so the browser refuses the answer.

The store is in the JSON body of /v1/chat, which a middleware cannot read cheaply: the endpoint
names it in `request.state.store`, and the headers are added on the way out.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import Response

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "content-type"


class StoreCors(BaseHTTPMiddleware):
    def __init__(self, app, origins_of: Callable[[str], tuple[str, ...]], all_origins: Callable[[], set[str]]) -> None:
        super().__init__(app)
        self.origins_of = origins_of
        self.all_origins = all_origins

    async def dispatch(self, request: Request, call_next) -> Response:
        origin = request.headers.get("origin")
        if not origin or not request.url.path.startswith("/v1/"):
            return await call_next(request)
        own = f"{request.url.scheme}://{request.url.netloc}"
        if request.method == "OPTIONS" and request.headers.get("access-control-request-method"):
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
            return response
        response = await call_next(request)
        store = getattr(request.state, "store", None) or store_in_path(request.url.path)
        if origin == own or (store and origin in self.origins_of(store)):
            response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        return response


def store_in_path(path: str) -> str | None:
    """/v1/stores/<store>/… names its store in the path."""
    parts = path.strip("/").split("/")
    return parts[2] if len(parts) >= 3 and parts[:2] == ["v1", "stores"] else None
