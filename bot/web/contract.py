"""The HTTP error contract as OpenAPI states it: one error body, the statuses each route declares,
and how a caller authenticates.

Every error leaves as `{"error": {"code", "message"}}` (bot/api/app.py's handlers and the guards'
early answers). A route declares each status it can answer with `responses=errors(...)`; 500 (a
fault of ours) and 503 (an index not built, the database unreachable) can come from any route, so
every route declares them. tests/api/test_schema_fuzz.py holds the app to what is declared here.
"""

from __future__ import annotations

from typing import Any

from fastapi.security import APIKeyCookie, HTTPBearer
from pydantic import BaseModel, Field

AGENT_COOKIE_NAME = "faqbot_agent"


class ErrorDetail(BaseModel):
    code: str = Field(description="stable and machine-readable: unknown_store, invalid_request, unauthorized, …")
    message: str = Field(description="what was wrong, for a person; a bad field is named first")


class ErrorOut(BaseModel):
    error: ErrorDetail


WHY = {
    401: "no valid credentials (a missing or wrong key or password, or a session that ended)",
    403: "the agents' console is closed to this caller (no FAQBOT_AGENT_PASSWORD, and not a caller on this machine)",
    404: "no such store, passage or draft",
    409: "the draft cannot be sent from here (no relay, no store address, or the relay refused it)",
    413: "the body is over FAQBOT_MAX_BODY_BYTES, or the message over FAQBOT_MAX_MESSAGE_CHARS",
    422: "the body or a parameter is not valid: malformed JSON, not UTF-8, nested too deep, a wrong type, a NUL or half a surrogate pair in text, a date out of range, a string longer than its column; the message names the field",
    429: "too many requests (chat messages, or wrong passwords): come back after Retry-After seconds",
    500: "a fault of ours; the connection is closed (Connection: close)",
    503: "not ready: a store's index is missing or stale, or the database is unreachable",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
ALWAYS = (500, 503)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the error body under each status it can answer with, and under 500 and 503."""
    declared: dict[int | str, dict[str, Any]] = {}
    for status in sorted({*statuses, *ALWAYS}):
        declared[status] = {"model": ErrorOut, "description": WHY[status]}
        if status == 429:
            declared[status]["headers"] = RETRY_AFTER
    return declared


# How a caller proves who it is; auto_error=False: the routes answer 401 in the error body themselves.
AGENT_PASSWORD = HTTPBearer(scheme_name="agentPassword", description="`Authorization: Bearer <FAQBOT_AGENT_PASSWORD>`", auto_error=False)
AGENT_SESSION = APIKeyCookie(
    name=AGENT_COOKIE_NAME, scheme_name="agentSession", description="the console's session cookie, set by POST /v1/agent/login", auto_error=False
)
STORE_KEY = HTTPBearer(scheme_name="storeKey", description="`Authorization: Bearer <the store's API key>` (api_key in store.toml or FAQBOT_API_KEY_<STORE>)", auto_error=False)
