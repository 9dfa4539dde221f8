"""The browser channel's API: CORS per store, rate limits (in memory and shared through Redis),
the agents' console auth, pages' security headers, and the widget files."""

from __future__ import annotations

import os
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.settings import Settings
from bot.web.ratelimit import MemoryLimiter, RedisLimiter

REDIS_URL = os.environ.get("FAQBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def web_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"agent_password": "s3cret", "chat_rate_limit_per_minute": 1000})


@pytest.fixture
def client(web_settings, engine) -> TestClient:
    return TestClient(create_app(web_settings, engine), raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("store", "origin", "allowed"),
    [
        pytest.param("dissoo", "https://dissoojewelry.com", True, id="own-origin-of-the-store"),
        pytest.param("sessori", "https://dissoojewelry.com", False, id="another-stores-origin"),
        pytest.param("dissoo", "https://evil.example", False, id="unknown-origin"),
        pytest.param("dissoo", "http://testserver", True, id="the-servers-own-origin"),
    ],
)
def test_cors_per_store(client, store, origin, allowed):
    response = client.post("/v1/chat", json={"store": store, "message": "hello"}, headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers.get("access-control-allow-origin") == (origin if allowed else None)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("https://www.stelladot.com", True), ("https://evil.example", False)],
)
def test_preflight(client, origin, allowed):
    response = client.options("/v1/chat", headers={"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers.get("access-control-allow-origin") == (origin if allowed else None)


def test_rate_limit_answers_429_with_retry_after(settings, engine):
    limited = TestClient(create_app(settings.model_copy(update={"chat_rate_limit_per_minute": 3}), engine), raise_server_exceptions=False)
    codes = [limited.post("/v1/chat", json={"store": "dissoo", "message": "hello"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = limited.post("/v1/chat", json={"store": "dissoo", "message": "hello"})
    assert response.json()["error"]["code"] == "rate_limited" and 1 <= int(response.headers["Retry-After"]) <= 60


def test_memory_limiter_windows():
    now = [120.0]
    limiter = MemoryLimiter(2, clock=lambda: now[0])
    assert limiter.peek("a").allowed and [limiter.hit("a").allowed for _ in range(3)] == [True, True, False]
    assert not limiter.peek("a").allowed
    assert limiter.hit("b").allowed  # per client
    now[0] = 180.0  # the next minute
    assert limiter.hit("a").allowed


def test_redis_limiter_is_shared_by_workers():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("FAQBOT_REQUIRE_POSTGRES"):  # CI: the machine's services must be there
            pytest.fail(f"Redis required in CI but unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    client = f"client-{uuid.uuid4().hex}"
    first_worker, second_worker = RedisLimiter(3, REDIS_URL), RedisLimiter(3, REDIS_URL)
    assert first_worker.peek(client).allowed  # a look counts nothing
    verdicts = [w.hit(client).allowed for w in (first_worker, second_worker, first_worker, second_worker)]
    assert verdicts == [True, True, True, False]
    assert not second_worker.peek(client).allowed


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/v1/suggest", {"store": "dissoo", "message": "refund time?"}),
        ("post", "/v1/feedback", {"store": "dissoo", "message": "m", "suggested": "s", "verdict": "up"}),
        ("get", "/v1/agent/inbox?store=dissoo", None),
        ("get", "/v1/agent/analytics?store=dissoo", None),
        ("post", "/v1/agent/phrasings", {"store": "dissoo", "phrase": "x y", "passage_id": None}),
    ],
)
def test_console_api_needs_sign_in(client, method, path, body):
    response = getattr(client, method)(path, **({"json": body} if body else {}))
    assert response.status_code == 401 and response.json()["error"]["code"] == "agent_auth_required"
    wrong = getattr(client, method)(path, headers={"Authorization": "Bearer nope"}, **({"json": body} if body else {}))
    assert wrong.status_code == 401
    right = getattr(client, method)(path, headers={"Authorization": "Bearer s3cret"}, **({"json": body} if body else {}))
    assert right.status_code == 200


def test_sign_in_sets_a_session_cookie(client):
    wrong = client.post("/v1/agent/login", json={"password": "wrong"})
    assert wrong.status_code == 401 and wrong.json()["error"] == {"code": "wrong_password", "message": "that is not the agent password"}
    assert client.post("/v1/agent/login", json={"password": "s3cret"}).status_code == 200
    assert client.get("/v1/agent/inbox?store=dissoo").status_code == 200  # the cookie carries the session
    client.post("/v1/agent/logout")
    assert client.get("/v1/agent/inbox?store=dissoo").status_code == 401


def test_sign_out_is_offered_only_where_there_is_a_sign_in(client, settings, engine):
    open_console = TestClient(create_app(settings, engine, public=False), raise_server_exceptions=False)  # no password: nothing to sign out of
    page = open_console.get("/agent").text
    assert 'id="logout"' not in page and 'id="login"' not in page and 'id="inbox"' in page  # the console itself, open
    assert 'id="logout"' not in client.get("/agent").text and 'id="login"' in client.get("/agent").text
    client.post("/v1/agent/login", json={"password": "s3cret"})
    assert 'id="logout"' in client.get("/agent").text


def test_no_password_opens_the_console_only_on_loopback(settings, engine):
    loopback = TestClient(create_app(settings, engine, public=False), raise_server_exceptions=False)
    public = TestClient(create_app(settings, engine, public=True), raise_server_exceptions=False)
    assert loopback.get("/v1/agent/inbox?store=dissoo").status_code == 200
    assert public.get("/v1/agent/inbox?store=dissoo").status_code == 403
    assert public.get("/agent").status_code == 403


def test_suggest_gives_up_to_three_replies_with_sources(client):
    response = client.post("/v1/suggest", json={"store": "dissoo", "message": "which cards do you take?"}, headers={"Authorization": "Bearer s3cret"})
    suggestions = response.json()
    assert 1 <= len(suggestions) <= 3
    assert "Visa" in suggestions[0]["reply"] and suggestions[0]["sources"][0]["text"]
    assert len({s["sources"][0]["id"] for s in suggestions}) == len(suggestions)


def test_a_suggestion_the_bot_would_not_send_itself_is_marked_unsure(client):
    def suggested(message: str) -> list[dict]:
        return client.post("/v1/suggest", json={"store": "dissoo", "message": message}, headers={"Authorization": "Bearer s3cret"}).json()

    assert suggested("which cards do you take?")[0]["sure"] is True
    unrelated = suggested("Can you recommend a good pizza place nearby?")  # the page answers no such thing
    assert unrelated and not any(s["sure"] for s in unrelated)


def test_a_taught_phrasing_is_used_from_the_next_question_on(client):
    auth = {"Authorization": "Bearer s3cret"}
    asked = client.post("/v1/chat", json={"store": "dissoo", "message": "ribbon and bow option?"}).json()
    assert asked["kind"] == "handoff"
    inbox = client.get("/v1/agent/inbox?store=dissoo", headers=auth).json()
    item = next(item for item in inbox if item["message"] == "ribbon and bow option?")
    passage = next(p for p in client.get("/v1/agent/passages?store=dissoo", headers=auth).json() if "gift box" in p["title"].lower())
    ids = {p["id"] for p in client.get("/v1/agent/passages?store=dissoo", headers=auth).json()}
    assert 1 <= len(item["proposed"]) <= 3 and {p["id"] for p in item["proposed"]} <= ids  # retrieval's best guesses, proposed first
    client.post("/v1/agent/phrasings", json={"store": "dissoo", "phrase": "ribbon and bow option?", "passage_id": passage["id"]}, headers=auth)
    again = client.post("/v1/chat", json={"store": "dissoo", "message": "Ribbon and bow option"}).json()
    assert again["kind"] == "answer" and again["sources"][0]["id"] == passage["id"]
    assert all(item["message"] != "ribbon and bow option?" for item in client.get("/v1/agent/inbox?store=dissoo", headers=auth).json())
    client.post("/v1/agent/phrasings", json={"store": "dissoo", "phrase": "ribbon and bow option?", "passage_id": None}, headers=auth)
    assert client.post("/v1/chat", json={"store": "dissoo", "message": "ribbon and bow option?"}).json()["kind"] == "handoff"


def test_analytics_has_every_day_of_the_range_on_its_axis(client):
    auth = {"Authorization": "Bearer s3cret"}
    client.post("/v1/chat", json={"store": "dissoo", "message": "which cards do you take?"})
    client.post("/v1/chat", json={"store": "dissoo", "message": "Can you recommend a good pizza place nearby?"})
    data = client.get("/v1/agent/analytics?store=dissoo&days=7", headers=auth).json()
    dates = [d["date"] for d in data["days"]]
    assert len(dates) == 8 and dates == sorted(dates) and len(set(dates)) == 8  # the last 7 days and today, quiet ones too
    today = data["days"][-1]
    assert today["total"] >= 2 and today.get("answer", 0) >= 1 and today.get("handoff", 0) >= 1
    assert sum(d["total"] for d in data["days"]) == data["total"]


def test_pages_carry_security_headers_and_load_nothing_from_elsewhere(client):
    for path in ("/", "/demo/sessori", "/agent"):
        response = client.get(path)
        assert response.status_code == 200
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff" and response.headers["referrer-policy"]
        assert "http://" not in response.text.replace("http://testserver", "") and "https://cdn" not in response.text
    assert client.get("/demo/nope").status_code == 404


def test_a_store_without_demo_toml_gets_a_plain_shop_page():
    from bot.ingest.showcase import Showcase
    from bot.ingest.store import StoreConfig
    from bot.web.pages import page

    html = page("demo.html", store="acme", config=StoreConfig(name="Acme Rings"), look=Showcase()).body.decode()
    assert "<h1 id=\"shop-title\">Acme Rings</h1>" in html and 'data-store="acme"' in html
    assert "<table" not in html and "product-grid" not in html


def test_store_looks_are_a_stylesheet_of_validated_colours(client):
    css = client.get("/demo/looks.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".store-sessori { --accent: #0f5257; --accent-soft: #e7eeee; }" in css.text


def test_widget_files_are_small_and_served(client):
    js, css = client.get("/widget.js"), client.get("/widget.css")
    assert js.status_code == css.status_code == 200 and "javascript" in js.headers["content-type"]
    assert len(js.content) + len(css.content) < 30_000


@pytest.mark.parametrize(("client", "limited"), [("203.0.113.7", True), ("127.0.0.1", False), ("::1", False)])
def test_only_callers_from_elsewhere_are_rate_limited(client, limited):
    from bot.api.app import is_local

    assert is_local(client) is not limited


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/v1/agent/phrasings", {"store": "nostore", "phrase": "x y", "passage_id": None}, 404),
        ("get", "/v1/agent/inbox?store=dissoo&days=99999999999", None, 422),
        ("get", "/v1/agent/inbox?store=dissoo&days=0", None, 422),
        ("get", "/v1/agent/analytics?store=dissoo&days=-1", None, 422),
        ("get", "/v1/agent/drafts?store=dissoo&limit=0", None, 422),
    ],
)
def test_console_api_refuses_an_unknown_store_and_impossible_ranges(client, method, path, body, status):
    response = client.request(method, path, json=body, headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == status and response.json()["error"]["message"]


def test_an_answer_an_agent_marked_wrong_lands_in_the_inbox(client):
    auth = {"Authorization": "Bearer s3cret"}
    message = "which cards do you take?"
    assert all(item["message"] != message for item in client.get("/v1/agent/inbox?store=dissoo", headers=auth).json())
    client.post("/v1/feedback", json={"store": "dissoo", "message": message, "suggested": "…", "verdict": "down", "source_ids": []}, headers=auth)
    flagged = [item for item in client.get("/v1/agent/inbox?store=dissoo", headers=auth).json() if item["message"] == message]
    assert flagged and flagged[0]["kind"] == "thumbs_down"


def test_a_taught_phrasing_also_answers_its_rewordings(client):
    auth = {"Authorization": "Bearer s3cret"}
    passage = next(p for p in client.get("/v1/agent/passages?store=dissoo", headers=auth).json() if "warranty" in p["title"].lower())
    client.post("/v1/agent/phrasings", json={"store": "dissoo", "phrase": "can I get my ring made bigger later", "passage_id": passage["id"]}, headers=auth)
    reworded = client.post("/v1/chat", json={"store": "dissoo", "message": "could I get my ring made a bit bigger later on"}).json()
    assert reworded["kind"] == "answer" and reworded["sources"][0]["id"] == passage["id"]
    other = client.post("/v1/chat", json={"store": "dissoo", "message": "can I return my ring?"}).json()
    assert not other["sources"] or other["sources"][0]["id"] != passage["id"]  # another request about the same thing
