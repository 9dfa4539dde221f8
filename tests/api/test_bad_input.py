"""Plain bad input is a 4xx naming the field, on SQLite and PostgreSQL, and nothing is stored:
each row once gave a 500 (issue 16: PostgreSQL refuses NUL in text, the tokenizer a lone
surrogate, the calendar a date near year 1, the columns longer strings, a huge quantity)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.api.app import create_app
from bot.db import Exchange, Feedback, InboundMail, LearnedPhrasing, Order, session_factory
from bot.index.embedder import ModelNotFound

KEY = "test-key-dissoo"
SURROGATE = "hi \ud800 there"


@pytest.fixture
def client(settings, engine, monkeypatch) -> TestClient:
    monkeypatch.setenv("FAQBOT_API_KEY_DISSOO", KEY)
    web = settings.model_copy(update={"agent_password": "s3cret", "chat_rate_limit_per_minute": 1000})
    return TestClient(create_app(web, engine), raise_server_exceptions=False)


def post_json(client: TestClient, path: str, body, headers: dict | None = None):
    """json.dumps writes a lone surrogate as its escape, as a browser's JSON.stringify does."""
    return client.post(path, content=json.dumps(body).encode(), headers={"content-type": "application/json", **(headers or {})})


def stored(settings, table) -> int:
    with session_factory(settings.database_url)() as db:
        return db.scalar(select(func.count()).select_from(table))


AGENT = {"Authorization": "Bearer s3cret"}
PUSH = {"Authorization": f"Bearer {KEY}"}
ORDER = {"order_number": "DS-9000", "email": "x@example.com", "status": "processing", "items": [{"title": "Ring"}]}


@pytest.mark.parametrize(
    ("path", "body", "headers", "field", "table"),
    [
        pytest.param("/v1/chat", {"store": "dissoo", "message": "hi\x00there"}, {}, "message", Exchange, id="chat-nul"),
        pytest.param("/v1/chat", {"store": "dissoo", "message": SURROGATE}, {}, "message", Exchange, id="chat-surrogate"),
        pytest.param("/v1/chat", {"store": "dis\x00soo", "message": "hi"}, {}, "store", Exchange, id="chat-store-nul"),
        pytest.param("/v1/chat", {"store": "dissoo", "message": "can I return a ring I got on March 3?", "today": "0001-01-01"}, {}, "today", Exchange, id="today-year-1"),
        pytest.param("/v1/chat", {"store": "dissoo", "message": "can I return a ring I got on March 3?", "today": 0}, {}, "today", Exchange, id="today-zero"),
        pytest.param("/v1/feedback", {"store": "dissoo", "message": "hi\x00", "suggested": "x", "verdict": "up"}, AGENT, "message", Feedback, id="feedback-nul"),
        pytest.param("/v1/agent/phrasings", {"store": "dissoo", "phrase": SURROGATE, "passage_id": None}, AGENT, "phrase", LearnedPhrasing, id="phrasing-surrogate"),
        pytest.param("/v1/suggest", {"store": "dissoo\x00", "message": "hi"}, AGENT, "store", Exchange, id="suggest-store-nul"),
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "order_number": "DS-\x009000"}, PUSH, "order_number", Order, id="order-number-nul"),
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "items": [{"title": "Ring", "quantity": 10**12}]}, PUSH, "quantity", Order, id="quantity-huge"),
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "tracking_number": "1" * 200}, PUSH, "tracking_number", Order, id="tracking-too-long"),
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "carrier": "C" * 100}, PUSH, "carrier", Order, id="carrier-too-long"),
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "items": [{"title": "Ring\x00"}]}, PUSH, "title", Order, id="item-title-nul"),
        # A date-time in year 1 east of UTC is a day before year 1 in UTC: an OverflowError (500) before it was stored.
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "placed_at": "0001-01-01T01:00:00+14:00"}, PUSH, "placed_at", Order, id="order-date-year-1-east-of-utc"),
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "delivered_at": "1999-12-31"}, PUSH, "delivered_at", Order, id="order-date-before-2000"),
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "placed_at": 0}, PUSH, "placed_at", Order, id="order-date-a-number"),  # was stored as 1970-01-01
        pytest.param("/v1/chat", {"store": "dissoo", "message": "can I return a ring I got on March 3?", "today": 1_700_006_400}, {}, "today", Exchange, id="today-a-number"),  # midnight UTC: was 2023-11-15
        pytest.param("/v1/chat", {"store": "dissoo", "message": "can I return a ring I got on March 3?", "today": "1700006400"}, {}, "today", Exchange, id="today-digits"),  # was 2023-11-15
        pytest.param("/v1/stores/dissoo/orders", {**ORDER, "shipped_at": "1700006400"}, PUSH, "shipped_at", Order, id="order-date-digits"),
        # Found by tests/api/test_schema_fuzz.py (at 200 cases): an id past SQLite's 64-bit integers was an OverflowError (500).
        pytest.param(f"/v1/agent/drafts/{2**70}/discard", {"store": "dissoo"}, AGENT, "draft_id", InboundMail, id="draft-id-huge"),
    ],
)
def test_bad_text_and_dates_are_a_422_naming_the_field_and_nothing_is_stored(client, settings, path, body, headers, field, table):
    refused_naming(client, settings, path, body, headers, field, table)


@pytest.mark.parametrize(
    ("path", "body", "headers", "field", "table"),
    [
        pytest.param("/v1/feedback", {"store": "dissoo", "message": "hi", "suggested": "x", "verdict": "edited"}, AGENT, "edited", Feedback, id="feedback-edited-without-text"),
        pytest.param("/v1/agent/phrasings", {"store": "dissoo", "phrase": "?!", "passage_id": None}, AGENT, "phrase", LearnedPhrasing, id="phrasing-without-words"),
        pytest.param("/v1/agent/phrasings", {"store": "dissoo", "phrase": "hi there", "passage_id": "nope"}, AGENT, "passage_id", LearnedPhrasing, id="phrasing-unknown-passage"),
        pytest.param("/v1/stores/dissoo/orders", [ORDER, {**ORDER, "status": "shipped"}], PUSH, "order_number", Order, id="order-sent-twice"),
    ],
)
def test_a_body_that_parses_but_cannot_be_used_is_a_422_naming_the_field_not_a_400(client, settings, path, body, headers, field, table):
    """The README's contract: a body the server cannot use is a 422, whether it fails to parse or to make sense
    (these four were 400s, a status no other bad body got)."""
    refused_naming(client, settings, path, body, headers, field, table)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({**ORDER, "email": "bad"}, "order.email: 'bad' is not an email address", id="one-order"),
        pytest.param([ORDER, {**ORDER, "order_number": "DS-9001", "email": "bad"}], "orders.1.email: 'bad' is not an email address", id="a-list"),
    ],
)
def test_a_bad_field_in_an_order_push_is_named_once_by_its_place(client, body, message):
    """The body is one order or a list: each bad field was reported once per reading of the union, under
    pydantic's names for them ("function-after[dates_in_order(), OrderRecord].email: Value error, ...;
    list[...]: Input should be a valid list")."""
    response = post_json(client, "/v1/stores/dissoo/orders", body, PUSH)
    assert response.status_code == 422 and response.json()["error"]["message"] == message


def refused_naming(client, settings, path, body, headers, field, table) -> None:
    before = stored(settings, table)
    response = post_json(client, path, body, headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and re.search(rf"(^|[.; ]){field}: ", error["message"]), error["message"]  # the field, named as one
    assert stored(settings, table) == before


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"store": "dissoo", "message": "caf\xe9"}', id="not-utf-8"),
        pytest.param(b'{"store": "dissoo", "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", id="nested-too-deep"),
    ],
)
def test_a_body_that_cannot_be_read_is_a_422_like_other_malformed_json(client, content):
    response = client.post("/v1/chat", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        pytest.param(RuntimeError("forced for the test"), "internal_error", id="unexpected"),
        pytest.param(ModelNotFound("forced for the test"), "model_not_found", id="faqbot-error-500"),  # went out through the FaqbotError handler, connection kept
    ],
)
def test_every_500_closes_the_connection(client, engine, monkeypatch, fault, code):
    """A fault of ours, forced (the engine raising), so the client does not reuse a half-read connection."""

    def broken(*args, **kwargs):
        raise fault

    monkeypatch.setattr(engine, "answer", broken)
    response = post_json(client, "/v1/chat", {"store": "dissoo", "message": "what payment methods do you accept?"})
    assert response.status_code == 500 and response.headers["connection"] == "close"
    assert response.json()["error"]["code"] == code


def test_a_405_says_which_methods_the_path_takes(client):
    """RFC 9110: a 405 carries Allow (the error handler dropped Starlette's header)."""
    response = client.put("/v1/chat", json={})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_good_input_still_answers(client):
    assert post_json(client, "/v1/chat", {"store": "dissoo", "message": "what payment methods do you accept?", "today": "2026-11-25"}).status_code == 200
    assert post_json(client, "/v1/stores/dissoo/orders", ORDER, PUSH).status_code == 200


def test_a_body_over_the_limit_is_a_413_before_it_is_read(settings, engine):
    small = TestClient(create_app(settings.model_copy(update={"max_body_bytes": 1000}), engine), raise_server_exceptions=False)
    said = small.post("/v1/chat", json={"store": "dissoo", "message": "x" * 2000})
    assert said.status_code == 413 and said.json()["error"]["code"] == "body_too_large"
    streamed = small.post("/v1/chat", content=(b"x" * 300 for _ in range(10)), headers={"content-type": "application/json"})  # chunked: no Content-Length
    assert streamed.status_code == 413
    assert small.post("/v1/chat", json={"store": "dissoo", "message": "hi"}).status_code == 200


def asgi_post(app, path: str, headers: list[tuple[bytes, bytes]], chunks: int = 50) -> tuple[int, int]:
    """Drives the app as a server would, with a body of `chunks` pieces: the status and how many
    pieces the app asked for."""
    import asyncio

    asked = 0
    sent: list[dict] = []

    async def receive():
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": b" " * 65536, "more_body": asked < chunks}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("203.0.113.9", 5000), "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start"), asked


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param([], id="no-key"),
        pytest.param([(b"authorization", b"Bearer wrong")], id="wrong-key"),
        pytest.param([(b"authorization", KEY.encode())], id="bare-key"),
    ],
)
def test_an_order_push_without_the_key_is_refused_before_its_body_is_read(client, headers):
    status, asked = asgi_post(client.app, "/v1/stores/dissoo/orders", headers)
    assert status == 401 and asked == 0


@pytest.mark.parametrize("path", ["/v1/suggest", "/v1/feedback", "/v1/agent/phrasings", "/v1/agent/drafts/1/send", "/v1/agent/drafts/1/discard"])
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param([], id="nothing"),
        pytest.param([(b"authorization", b"Bearer wrong")], id="wrong-password"),
        pytest.param([(b"cookie", b"faqbot_agent=forged")], id="forged-cookie"),
    ],
)
def test_a_console_call_without_a_sign_in_is_refused_before_its_body_is_read(client, path, headers):
    """FastAPI reads and parses a declared body before any dependency runs: the sign-in was checked after
    up to FAQBOT_MAX_BODY_BYTES of JSON from anyone (and a malformed one got 422, not 401)."""
    status, asked = asgi_post(client.app, path, headers)
    assert status == 401 and asked == 0
