"""`faqbot email reply` answered by a running `faqbot serve` (the warm path): the model and indexes are
loaded there once, so a mail costs a request, not a start-up.

The server takes the raw mail (`POST /v1/stores/{store}/mail`, the store's API key as a bearer
token, as the order push) through the same `process_mail` as everything else, records it the same
way, and answers with its decision; a reply printed here is then reported handed on
(`POST /v1/stores/{store}/mail/{id}/sent`), as `email reply` records it in-process.

Only the standard library: this runs in the short-lived CLI process, whose start-up is the cost
being saved.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

TIMEOUT_SECONDS = 120  # a first mail may wait for a store's index to load on the server


class NoServer(Exception):
    """Nothing listens at the URL (refused, or no such host): the mail never reached a server."""


class ServerRefused(Exception):
    """The server answered, but not with a decision (a bad key, an unknown store, a mail too big)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


@dataclass(frozen=True, slots=True)
class RemoteOutcome:
    decision: str  # replied | draft | ignored | duplicate | error
    reason: str
    record_id: int | None
    reply: bytes | None  # the reply message, exactly as the server wrote it


def store_key(knowledge_dir: Path, store: str) -> str | None:
    """The store's API key as the server reads it (bot/settings.py store_api_key): FAQBOT_API_KEY_<STORE>,
    else store.toml's `api_key`. Read with tomllib alone: loading the store's knowledge is what this path avoids."""
    from_env = os.environ.get(f"FAQBOT_API_KEY_{store.upper()}")
    if from_env:
        return from_env
    try:
        return tomllib.loads((knowledge_dir / store / "store.toml").read_text(encoding="utf-8")).get("api_key")
    except (OSError, tomllib.TOMLDecodeError):
        return None


def call(url: str, key: str | None, body: bytes, content_type: str) -> dict:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type, "Accept": "application/json"})
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read())["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = exc.reason
        raise ServerRefused(exc.code, message) from None
    except urllib.error.URLError as exc:
        # Refused, or no such host: the request never left. Anything else (a timeout, a reset) may
        # have reached the server, which then holds the mail: that stays an error, not a retry here.
        if isinstance(exc.reason, (ConnectionRefusedError, socket.gaierror)):
            raise NoServer(str(exc.reason)) from None
        raise


def answer_remotely(server: str, store: str, raw: bytes, today: date | None, key: str | None) -> RemoteOutcome:
    """The server's decision on one mail. Raises NoServer when nothing listens there (the mail
    reached no server: the caller may answer it in-process), ServerRefused when the server answered
    with an error, OSError when the request went out but no answer came back."""
    url = f"{server.rstrip('/')}/v1/stores/{quote(store, safe='')}/mail" + (f"?today={today.isoformat()}" if today else "")
    found = call(url, key, raw, "message/rfc822")
    reply = base64.b64decode(found["reply_base64"]) if found.get("reply_base64") else None
    return RemoteOutcome(found["decision"], found["reason"], found.get("record_id"), reply)


def report_sent(server: str, store: str, record_id: int, key: str | None) -> None:
    """The reply was printed for whoever sends it: the server's record becomes `replied`."""
    call(f"{server.rstrip('/')}/v1/stores/{quote(store, safe='')}/mail/{record_id}/sent", key, b"", "application/json")
