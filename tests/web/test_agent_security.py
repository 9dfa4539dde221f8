"""The agents' console and the push API hold against the probes of issue 16: sign-in is throttled
per address and for the account, an empty password is no password, the open loopback console does
not answer what a proxy forwards, a password change ends the sessions signed in with the old one,
and keys are sent as `Bearer` tokens only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.settings import Settings
from bot.web.agent import SIGN_INS_PER_CLIENT
from bot.web.guards import bearer_token

INBOX = "/v1/agent/inbox?store=dissoo"


def app_with(settings: Settings, engine, public: bool = False, **updates) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"chat_rate_limit_per_minute": 1000, **updates}), engine, public=public), raise_server_exceptions=False)


def test_wrong_passwords_are_throttled_and_then_even_the_right_one_waits(settings, engine):
    client = app_with(settings, engine, agent_password="s3cret")
    wrong = [client.post("/v1/agent/login", json={"password": f"guess-{i}"}).status_code for i in range(SIGN_INS_PER_CLIENT)]
    assert wrong == [401] * SIGN_INS_PER_CLIENT
    blocked = client.post("/v1/agent/login", json={"password": "s3cret"})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert blocked.json()["error"]["code"] == "too_many_sign_ins"
    assert client.get(INBOX, headers={"Authorization": "Bearer s3cret"}).status_code == 429  # the token path counts too


def test_a_token_guessed_on_any_endpoint_counts_as_a_sign_in(settings, engine):
    client = app_with(settings, engine, agent_password="s3cret")
    for i in range(SIGN_INS_PER_CLIENT):
        assert client.get(INBOX, headers={"Authorization": f"Bearer guess-{i}"}).status_code == 401
    assert client.post("/v1/agent/login", json={"password": "s3cret"}).status_code == 429


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_password_setting_is_no_password(settings, engine, blank, monkeypatch):
    monkeypatch.setenv("FAQBOT_AGENT_PASSWORD", blank)
    assert Settings().agent_password is None
    public = app_with(settings, engine, public=True, agent_password=Settings().agent_password)
    assert public.post("/v1/agent/login", json={"password": ""}).status_code == 403
    assert public.get(INBOX).status_code == 403


def test_the_open_loopback_console_refuses_what_a_proxy_forwards(settings, engine):
    client = app_with(settings, engine)  # no password, listening on loopback
    assert client.get(INBOX).status_code == 200
    for header in ({"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}, {"X-Real-IP": "203.0.113.9"}):
        refused = client.get(INBOX, headers=header)
        assert refused.status_code == 403 and "proxy" in refused.json()["error"]["message"]
        assert client.get("/agent", headers=header).status_code == 403


def test_a_password_change_ends_the_sessions_signed_in_with_the_old_one(settings, engine):
    """With FAQBOT_SECRET_KEY set, the cookie's signature survives the change; its content does not."""
    old = app_with(settings, engine, agent_password="old-pass", secret_key="k" * 32)
    assert old.post("/v1/agent/login", json={"password": "old-pass"}).status_code == 200
    cookie = old.cookies.get("faqbot_agent")
    assert old.get(INBOX).status_code == 200
    new = app_with(settings, engine, agent_password="new-pass", secret_key="k" * 32)
    new.cookies.set("faqbot_agent", cookie)
    assert new.get(INBOX).status_code == 401


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),  # the scheme is case-insensitive (RFC 7235)
        ("abc", None),  # a bare key
        ("Basic abc", None),
        ("Bearer ", None),
        (None, None),
    ],
)
def test_keys_are_bearer_tokens(header, token):
    assert bearer_token(header) == token


def test_the_push_api_refuses_a_bare_key(settings, engine, monkeypatch):
    monkeypatch.setenv("FAQBOT_API_KEY_DISSOO", "push-key")
    client = app_with(settings, engine)
    order = {"order_number": "DS-7000", "email": "x@example.com", "status": "processing", "items": [{"title": "Ring"}]}
    assert client.post("/v1/stores/dissoo/orders", json=order, headers={"Authorization": "push-key"}).status_code == 401
    assert client.post("/v1/stores/dissoo/orders", json=order, headers={"Authorization": "Bearer push-key"}).status_code == 200


def test_signing_out_ends_the_session_even_for_a_copied_cookie(settings, engine):
    client = app_with(settings, engine, agent_password="s3cret")
    assert client.post("/v1/agent/login", json={"password": "s3cret"}).status_code == 200
    cookie = client.cookies.get("faqbot_agent")
    other_worker = app_with(settings, engine, agent_password="s3cret")  # another process, same database
    other_worker.cookies.set("faqbot_agent", cookie)
    assert other_worker.get(INBOX).status_code == 200
    client.post("/v1/agent/logout")
    assert other_worker.get(INBOX).status_code == 401  # the copy kept in another browser, or stolen, is dead too
