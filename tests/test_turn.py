"""One turn for every channel (bot/turn.py): the same conversation gets the same kinds of reply
through POST /v1/chat, `faqbot ask --session` and, for what a mail can hold, `faqbot email reply`'s
path, because all of them route by one rule. Real engine, real SQLite/PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.api.app import create_app
from bot.cli.app import app
from bot.cli.email import email_rules
from bot.db import session_factory, upgrade_database
from bot.email.responder import process_mail
from bot.orders.imports import upsert_orders
from bot.orders.records import OrderRecord
from bot.settings import Settings, get_settings
from tests.conftest import KNOWLEDGE

TODAY = "2026-11-25"
ORDER = OrderRecord(
    order_number="DS-2002", email="bea@example.com", status="shipped", placed_at="2026-11-20", shipped_at="2026-11-21",
    carrier="FedEx", tracking_number="771234567890", destination_country="US",
)
# Each conversation: the shopper's turns, and the kind of reply each gets.
CONVERSATIONS = {
    "policy question waiting for its date": [
        ("Can I still return the earrings I bought?", "policy"),
        ("They arrived on November 20", "policy"),
    ],
    "order lookup across turns": [
        ("Where is my order?", "order"),
        ("it's DS-2002", "order"),
        ("bea@example.com", "order"),
    ],
    "a store question, then an order by number": [
        ("What payment methods do you accept?", "answer"),
        ("Has order DS-2002 shipped?", "order"),
        ("bea@example.com", "order"),
        ("Has it shipped?", "order"),  # the order just shown is in view
    ],
}


@pytest.fixture
def seeded(settings):
    upgrade_database(settings.database_url)
    with session_factory(settings.database_url)() as db:
        upsert_orders(db, "dissoo", [ORDER], "America/New_York")
        db.commit()
    return settings


def by_chat_api(settings, engine, turns: list[str]) -> list[tuple[str, str]]:
    client = TestClient(create_app(settings, engine))
    session, said = None, []
    for message in turns:
        body = client.post("/v1/chat", json={"store": "dissoo", "message": message, "today": TODAY} | ({"session_id": session} if session else {})).json()
        session = body["session_id"]
        said.append((body["kind"], body["reply"]))
    return said


def by_cli(settings, turns: list[str], monkeypatch) -> list[tuple[str, str]]:
    monkeypatch.setenv("FAQBOT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    runner, session, said = CliRunner(), None, []
    try:
        for message in turns:
            arguments = ["ask", "--store", "dissoo", "--json", "--today", TODAY, "--knowledge", str(KNOWLEDGE), "--index", str(settings.index_dir)]
            result = runner.invoke(app, [*arguments, *(["--session", session] if session else []), message])
            assert result.exit_code == 0, result.output
            body = json.loads(result.stdout)
            session = body["session_id"]
            said.append((body["kind"], body["reply"]))
    finally:
        get_settings.cache_clear()
    return said


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_the_chat_api_and_the_cli_give_the_same_conversation(seeded, engine, monkeypatch, name):
    turns = [message for message, _ in CONVERSATIONS[name]]
    api = by_chat_api(seeded, engine, turns)
    cli = by_cli(seeded, turns, monkeypatch)
    assert [kind for kind, _ in api] == [kind for _, kind in CONVERSATIONS[name]]
    assert api == cli


MAIL = """From: Bea <bea@example.com>
To: support@dissoojewelry.com
Subject: {subject}
Message-ID: <turn-{n}@example.com>
Date: Wed, 25 Nov 2026 09:00:00 -0500
Content-Type: text/plain; charset="utf-8"
MIME-Version: 1.0

Hi,
{line}
Thanks
"""


@pytest.mark.parametrize(
    ("subject", "line", "kind"),
    [
        ("a question", "What payment methods do you accept?", "answer"),
        ("order status", "Has DS-2002 shipped?", "order"),  # the sender's order, named: in view
        ("DS-2002", "Can I still return the pendant from this order?", "order"),  # the order in view: named in the subject
        ("a question", "Will I get a tracking number when my order ships?", "answer"),  # how tracking works, by meaning
    ],
)
def test_a_mail_is_routed_as_the_chat_routes_the_same_words(seeded, engine, subject, line, kind):
    raw = MAIL.format(subject=subject, line=line, n=abs(hash(line))).encode()
    with session_factory(seeded.database_url)() as db:
        outcome = process_mail(engine, db, "dissoo", raw, email_rules(Settings()), date.fromisoformat(TODAY))
    assert [part.kind for part in outcome.parts] == [kind]
    if "DS-2002" not in subject + line:  # a chat knows no order of the shopper's until they prove it: the same words alone
        assert by_chat_api(seeded, engine, [line])[0][0] == kind


@pytest.mark.parametrize(
    ("message", "kind", "says"),
    [
        ("What payment methods do you accept?", "answer", "Visa"),
        ("Can I still return the earrings I bought?", "policy", "within 30 days of delivery"),
        ("Where is my order?", "order", "order number"),
        ("Where is my order DS-2002? bea@example.com", "order", "FedEx"),  # an agent sees the order the customer names
    ],
)
def test_an_agents_first_suggestion_is_the_reply_the_chat_gives(seeded, engine, message, kind, says):
    """/v1/suggest routes a customer's message as the chat routes it: the first suggestion is the
    chat's own reply to it (the order desk's, for an order question), then the passages considered."""
    client = TestClient(create_app(seeded.model_copy(update={"agent_password": "s3cret"}), engine))
    suggested = client.post("/v1/suggest", json={"store": "dissoo", "message": message, "today": TODAY}, headers={"Authorization": "Bearer s3cret"})
    assert suggested.status_code == 200, suggested.text
    first = suggested.json()[0]
    assert first["kind"] == kind and says in first["reply"]
    chat_kind, chat_reply = by_chat_api(seeded, engine, [message])[0]
    assert chat_kind == first["kind"] and chat_reply.splitlines()[0] == first["reply"].splitlines()[0]  # the same reply (the agent's without chat-only lines)


@pytest.mark.parametrize(
    ("subject", "line", "says"),
    [
        ("a question", "What payment methods do you accept?", "Visa"),  # a store question: the page's answer
        ("order status", "Has DS-2002 shipped?", "FedEx"),  # the sender's own order: its status
    ],
)
def test_faqbot_email_reply_answers_as_the_turn_routes(seeded, monkeypatch, subject, line, says):
    """The same routing through the command a mail hook pipes each message into."""
    for name, value in {"FAQBOT_DATABASE_URL": seeded.database_url, "FAQBOT_INDEX_DIR": str(seeded.index_dir), "FAQBOT_KNOWLEDGE_DIR": str(KNOWLEDGE)}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        raw = MAIL.format(subject=subject, line=line, n=f"cli-{abs(hash(line))}").encode()
        replied = CliRunner().invoke(app, ["email", "reply", "--store", "dissoo", "--today", TODAY], input=raw)
    finally:
        get_settings.cache_clear()
    assert replied.exit_code == 0, replied.output
    assert says in replied.stdout
