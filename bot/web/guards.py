"""Checks made before a request's body is read: its size, and a store's key for the machine
endpoints (the order push, and mail handed to the server by `faqbot email reply`).

An endpoint that declares a body gets it parsed by FastAPI before the endpoint (or any dependency)
runs: a 25 MB unauthenticated order push took 6 s and 450 MB before its key was looked at, and
stalled every chat meanwhile. These two run first, as plain ASGI middleware.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUSH_PATH = re.compile(r"^/v1/stores/([^/]+)/(orders|mail|mail/\d+/sent)/?$")
UNAUTHORIZED = "a valid API key for this store is required: send 'Authorization: Bearer <key>'"


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (RFC 6750); a bare key is no token."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def token_matches(expected: str | None, token: str | None) -> bool:
    """A key or password given is the one expected (compared in constant time); no key expected matches nothing."""
    return bool(expected) and hmac.compare_digest((token or "").encode(), (expected or "").encode())


def key_matches(expected: str | None, authorization: str | None) -> bool:
    return token_matches(expected, bearer_token(authorization))


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """413 for a body over `max_bytes`: at once when Content-Length says so, else as soon as the
    bytes received pass it (a chunked upload), before the endpoint has it; the endpoint is then told
    the client went away, and whatever it answers is dropped."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        too_large = f"the request body is over {self.max_bytes} bytes (FAQBOT_MAX_BODY_BYTES)"
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await send_error(send, 413, "body_too_large", too_large)
            return
        received = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal received, started, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if not started:
                        await send_error(send, 413, "body_too_large", too_large)
                        started = refused = True
                    return {"type": "http.disconnect"}
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)


class PushKey:
    """The store's key on its machine endpoints (order push, mail), checked from the headers alone: a
    caller without it gets its 401 before a byte of its body is read. (An unknown store goes on to
    the endpoint's 404.)"""

    def __init__(self, app: ASGIApp, key_of: Callable[[str], str | None | bool]) -> None:
        self.app = app
        self.key_of = key_of  # the store's key; False: no such store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = PUSH_PATH.match(scope.get("path", "")) if scope["type"] == "http" and scope.get("method") == "POST" else None
        if found is not None:
            expected = self.key_of(found.group(1))
            if expected is not False and not key_matches(expected, Headers(scope=scope).get("authorization")):
                await send_error(send, 401, "unauthorized", UNAUTHORIZED)
                return
        await self.app(scope, receive, send)
