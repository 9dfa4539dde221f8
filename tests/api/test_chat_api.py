"""POST /v1/chat and friends through FastAPI's TestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.app import create_app
from bot.db import Exchange, session_factory


@pytest.fixture
def client(settings, engine) -> TestClient:
    return TestClient(create_app(settings, engine), raise_server_exceptions=False)


def test_chat_answers_and_returns_the_contract(client):
    response = client.post("/v1/chat", json={"store": "sessori", "message": "What countries do you ship to?"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"store", "session_id", "kind", "reply", "confidence", "sources", "suggestions"}
    assert body["store"] == "sessori" and body["kind"] == "answer" and 0.5 <= body["confidence"] <= 1
    assert "US, Canada and UK" in body["reply"]
    assert set(body["sources"][0]) == {"id", "title", "score"}


def test_session_is_created_kept_and_every_exchange_recorded(client, settings):
    first = client.post("/v1/chat", json={"store": "dissoo", "message": "hello"}).json()
    second = client.post("/v1/chat", json={"store": "dissoo", "message": "what payment methods do you accept?", "session_id": first["session_id"]}).json()
    assert second["session_id"] == first["session_id"] and first["kind"] == "smalltalk"
    with session_factory(settings.database_url)() as db:
        rows = db.scalars(select(Exchange).where(Exchange.session_id == first["session_id"]).order_by(Exchange.id)).all()
    assert [(r.store, r.message, r.kind) for r in rows] == [
        ("dissoo", "hello", "smalltalk"),
        ("dissoo", "what payment methods do you accept?", second["kind"]),
    ]
    assert rows[1].latency_ms > 0 and rows[1].sources[0]["id"] == second["sources"][0]["id"]


def test_a_session_of_another_store_is_not_continued(client):
    sessori = client.post("/v1/chat", json={"store": "sessori", "message": "hi"}).json()
    dissoo = client.post("/v1/chat", json={"store": "dissoo", "message": "hi", "session_id": sessori["session_id"]}).json()
    assert dissoo["session_id"] != sessori["session_id"]


def test_tell_me_more_opens_the_whole_passage(client):
    first = client.post("/v1/chat", json={"store": "stelladot", "message": "how long do refunds take to show up?"}).json()
    more = client.post("/v1/chat", json={"store": "stelladot", "message": "tell me more", "session_id": first["session_id"]}).json()
    assert more["kind"] == "answer" and more["sources"][0]["id"] == first["sources"][0]["id"]
    assert len(more["reply"]) >= len(first["reply"]) - 80


def test_tell_me_more_after_a_computed_answer_opens_the_passage_it_cites(client):
    """A return window worked out from the page quotes one sentence of its passage; "tell me more"
    opens the passage, as after a quoted answer."""
    first = client.post("/v1/chat", json={"store": "sessori", "message": "can I still return the ring I got on November 20?", "today": "2026-11-25"}).json()
    assert first["kind"] == "policy" and first["sources"]
    more = client.post("/v1/chat", json={"store": "sessori", "message": "tell me more", "session_id": first["session_id"], "today": "2026-11-25"}).json()
    assert more["kind"] == "answer" and more["sources"][0]["id"] == first["sources"][0]["id"], more


@pytest.mark.parametrize(
    ("request_body", "status", "code"),
    [
        pytest.param({"store": "amazon", "message": "hi"}, 404, "unknown_store", id="unknown-store"),
        pytest.param({"store": "sessori", "message": ""}, 422, "empty_message", id="empty"),
        pytest.param({"store": "sessori", "message": "  \n\t "}, 422, "empty_message", id="whitespace"),
        pytest.param({"store": "sessori", "message": "a" * 2001}, 413, "message_too_long", id="too-long"),
        pytest.param({"store": "sessori"}, 422, "invalid_request", id="missing-message"),
        pytest.param({"store": "sessori", "message": 42}, 422, "invalid_request", id="wrong-type"),
        pytest.param({"store": "sessori", "message": "hi", "today": "25/11/2026"}, 422, "invalid_request", id="bad-date"),
        pytest.param({"store": "sessori", "message": "hi", "session_id": "../../etc"}, 422, "bad_session_id", id="bad-session"),
        pytest.param([1, 2], 422, "invalid_request", id="not-an-object"),
    ],
)
def test_bad_input_gets_a_clear_json_error(client, request_body, status, code):
    response = client.post("/v1/chat", json=request_body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and len(error["message"]) > 10


def test_malformed_json_is_a_422_with_a_readable_message(client):
    response = client.post("/v1/chat", content=b'{"store": "sessori", "message": ', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "invalid_request", "message": "the request body is not valid JSON"}


def test_stores_health_docs_and_passages(client):
    stores = client.get("/v1/stores").json()
    assert [s["id"] for s in stores] == ["dissoo", "sessori", "stelladot"]
    health = client.get("/healthz").json()
    assert health == {"status": "ok", "stores": {"dissoo": "fresh", "sessori": "fresh", "stelladot": "fresh"}, "worker": health["worker"], "loaded": health["loaded"]}
    assert isinstance(health["worker"], int) and set(health["loaded"]) <= set(health["stores"])  # what earlier tests asked (tests/test_runtime.py)
    assert client.get("/docs").status_code == 200 and "/v1/chat" in client.get("/openapi.json").json()["paths"]
    answer = client.post("/v1/chat", json={"store": "sessori", "message": "can I exchange my order?"}).json()
    passage = client.get(f"/v1/stores/sessori/passages/{answer['sources'][0]['id']}").json()
    assert "exchanges" in passage["text"] and passage["citation"].startswith("faq.txt")
    assert client.get("/v1/stores/sessori/passages/nope").status_code == 404
    assert client.get("/nowhere").json()["error"]["code"] == "not_found"


def test_tell_me_more_after_did_you_mean_opens_the_first_option(client):
    first = client.post("/v1/chat", json={"store": "sessori", "message": "is it possible to swap an item"}).json()
    assert first["kind"] in ("clarify", "answer")
    more = client.post("/v1/chat", json={"store": "sessori", "message": "tell me more", "session_id": first["session_id"]}).json()
    assert more["kind"] == "answer" and more["sources"][0]["id"] == first["sources"][0]["id"]


def test_a_list_item_leads_with_the_line_that_says_what_the_list_is(client):
    """"• Abnormal discolorations" alone does not say it is an example of a defect."""
    body = client.post("/v1/chat", json={"store": "stelladot", "message": "the stone in my ring changed color in a weird way, is that a defect"}).json()
    assert body["kind"] == "answer"
    assert body["reply"].index("Examples of manufacturer’s defect:") < body["reply"].index("Abnormal discolorations")
