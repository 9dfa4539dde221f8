"""The email auto-responder on a corpus of real-shaped mail, over real SMTP on loopback,
and through `faqbot email reply` / `batch`, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import queue
import smtplib
import socket
from datetime import date
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli.app import app
from bot.db import InboundMail, session_factory, upgrade_database
from bot.email.parse import new_text, read_message
from bot.email.responder import EmailRules, process_mail
from bot.email.smtp import start_server
from bot.orders.imports import upsert_orders
from bot.orders.records import OrderRecord
from bot.settings import get_settings

CORPUS = Path(__file__).parent / "corpus"
TODAY = date(2026, 11, 25)


@pytest.fixture
def sessions(settings):
    upgrade_database(settings.database_url)
    factory = session_factory(settings.database_url)
    with factory() as db:
        order = OrderRecord(order_number="DS-2002", email="ned@example.com", status="shipped", placed_at="2026-11-20", shipped_at="2026-11-21", carrier="FedEx", tracking_number="771234567890", destination_country="US")
        upsert_orders(db, "dissoo", [order], "America/New_York")
        db.commit()
    return factory


def run(engine, sessions, name: str):
    with sessions() as db:
        return process_mail(engine, db, "dissoo", (CORPUS / name).read_bytes(), TODAY)


def body_of(outcome) -> str:
    return outcome.reply.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("name", "decision", "reason", "says", "never_says"),
    [
        ("plain.eml", "replied", "answered 1", ["Visa", "Hello Ann"], []),
        ("two_questions.eml", "replied", "answered 2", ["Canada", "American Express", '1. "Do you ship to Canada?"'], []),
        ("quoted_thread.eml", "replied", "answered 1", ["PayPal"], ["never refund"]),
        ("outlook_thread.eml", "replied", "answered 1", ["Klarna"], []),
        ("html_only.eml", "replied", "answered 1", ["Australia"], []),
        ("encoded_non_ascii.eml", "replied", "answered 1", ["United Kingdom"], []),
        ("bad_charset.eml", "replied", "answered 1", ["Discover"], []),
        ("signature_disclaimer.eml", "replied", "answered 1", ["Visa"], ["return"]),
        ("attachment.eml", "replied", "receipt.pdf", ["Canada"], []),
        ("order_own.eml", "replied", "answered 1", ["FedEx", "771234567890"], []),
        ("out_of_office.eml", "ignored", "Auto-Submitted", [], []),
        ("mailing_list.eml", "ignored", "Precedence: list", [], []),
        ("bounce.eml", "ignored", "null return path", [], []),
        ("no_reply_sender.eml", "ignored", "automated sender", [], []),
        ("own_address.eml", "ignored", "our own address", [], []),
        ("complaint.eml", "draft", "chargeback", [], []),
        ("out_of_scope.eml", "draft", "not sure", [], []),
        ("order_someone_elses.eml", "draft", "no order with that number for the sender", [], []),
        ("huge.eml", "draft", "too long", [], []),
    ],
)
def test_corpus(engine, sessions, name, decision, reason, says, never_says):
    outcome = run(engine, sessions, name)
    assert (outcome.decision, reason in outcome.reason) == (decision, True), outcome.reason
    if decision == "replied":
        text = body_of(outcome)
        for phrase in says:
            assert phrase in text
        for phrase in never_says:
            assert phrase not in text
        assert outcome.reply.get_body(("html",)) is not None
    else:
        assert outcome.reply is None
    with sessions() as db:
        record = db.scalars(select(InboundMail).where(InboundMail.content_hash == read_message((CORPUS / name).read_bytes()).content_hash)).one()
    assert record.decision == decision and record.raw == (CORPUS / name).read_bytes()
    if decision == "draft" and outcome.parts:
        assert record.reply_text  # the draft waits for an agent


def test_reply_headers_thread_and_mark_it_automatic(engine, sessions):
    reply = run(engine, sessions, "quoted_thread.eml").reply
    assert reply["From"] == "Dissoo <support@dissoojewelry.com>" and reply["To"] == "cy@example.com"
    assert reply["Subject"] == "Re: your order"  # never "Re: Re:"
    assert reply["In-Reply-To"] == "<thread-1@example.com>"
    assert reply["References"] == "<old@dissoojewelry.com> <thread-1@example.com>"
    assert reply["Auto-Submitted"] == "auto-replied" and reply["Message-ID"] and reply["Date"]
    assert reply.get_content_type() == "multipart/alternative"


def test_reply_to_is_honoured(engine, sessions):
    raw = (CORPUS / "plain.eml").read_bytes().replace(b"Subject: cards?", b"Reply-To: orders@shop.example\nSubject: cards?")
    with sessions() as db:
        outcome = process_mail(engine, db, "dissoo", raw, TODAY)
    assert outcome.reply["To"] == "orders@shop.example"


def test_one_auto_reply_per_sender_per_day_and_each_mail_processed_once(engine, sessions):
    assert run(engine, sessions, "plain.eml").decision == "replied"
    assert run(engine, sessions, "plain.eml").decision == "duplicate"
    again = (CORPUS / "plain.eml").read_bytes().replace(b"<plain-1@example.com>", b"<plain-2@example.com>")
    with sessions() as db:
        outcome = process_mail(engine, db, "dissoo", again, TODAY)
    assert outcome.decision == "draft" and "24 hours" in outcome.reason


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        ("Do you ship to Canada?\n\nOn Mon, 3 Mar 2026, Jo <jo@x.com> wrote:\n> old text\n", "Do you ship to Canada?"),
        ("Do you ship to Canada?\n> quoted\nthanks", "Do you ship to Canada?"),
        ("Hi team,\nDo you ship to Canada?\n\nThanks,\nJo\n", "Do you ship to Canada?"),
        ("Do you ship to Canada?\n\nSent from my iPhone", "Do you ship to Canada?"),
        ("Do you ship to Canada?\n-----Original Message-----\nFrom: x", "Do you ship to Canada?"),
    ],
)
def test_only_what_the_customer_newly_wrote(body, kept):
    assert new_text(body) == kept


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """A second SMTP server standing in for the store's outgoing relay."""

    def __init__(self) -> None:
        self.received: queue.Queue[bytes] = queue.Queue()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.put(envelope.original_content or envelope.content)
        return "250 OK"


def test_end_to_end_over_smtp(engine, sessions):
    relay = Relay()
    relay_port, our_port = free_port(), free_port()
    relay_server = Controller(relay, hostname="127.0.0.1", port=relay_port)
    relay_server.start()
    ours = start_server(engine, sessions, "dissoo", ("127.0.0.1", our_port), ("127.0.0.1", relay_port), EmailRules(), 1_000_000)
    try:
        raw = (CORPUS / "two_questions.eml").read_bytes()
        with smtplib.SMTP("127.0.0.1", our_port) as client:
            client.sendmail("ben@example.com", ["support@dissoojewelry.com"], raw)
        reply = email.message_from_bytes(relay.received.get(timeout=30), policy=policy.default)
        assert reply["To"] == "ben@example.com" and reply["In-Reply-To"] == "<two-1@example.com>"
        assert reply["Auto-Submitted"] == "auto-replied" and "Canada" in reply.get_body(("plain",)).get_content()
        second = raw.replace(b"<two-1@example.com>", b"<two-2@example.com>")
        with smtplib.SMTP("127.0.0.1", our_port) as client:
            client.sendmail("ben@example.com", ["support@dissoojewelry.com"], second)
        assert relay.received.empty()  # the reply would have been relayed before our server said 250
        with pytest.raises(smtplib.SMTPException):
            with smtplib.SMTP("127.0.0.1", our_port) as client:
                client.sendmail("ben@example.com", ["support@dissoojewelry.com"], raw + b"x" * 1_100_000)
    finally:
        ours.stop()
        relay_server.stop()
    with sessions() as db:
        decisions = [r.decision for r in db.scalars(select(InboundMail).where(InboundMail.sender == "ben@example.com").order_by(InboundMail.id))]
    assert decisions == ["replied", "draft"]


@pytest.fixture
def cli_env(settings, monkeypatch, sessions):
    monkeypatch.setenv("FAQBOT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FAQBOT_INDEX_DIR", str(settings.index_dir))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_email_reply_command_exit_codes(cli_env):
    answered = cli_env.invoke(app, ["email", "reply", "--store", "dissoo", "--today", "2026-11-25"], input=(CORPUS / "plain.eml").read_bytes())
    assert answered.exit_code == 0 and "Subject: Re: cards?" in answered.stdout and "Auto-Submitted: auto-replied" in answered.stdout
    refused = cli_env.invoke(app, ["email", "reply", "--store", "dissoo"], input=(CORPUS / "complaint.eml").read_bytes())
    assert refused.exit_code == 3 and refused.stdout == "" and "chargeback" in refused.stderr


def test_batch_processes_each_message_once(cli_env, tmp_path):
    maildir = tmp_path / "maildir"
    (maildir / "new").mkdir(parents=True)
    (maildir / "cur").mkdir()
    for name in ("plain.eml", "bounce.eml", "complaint.eml"):
        (maildir / "new" / name).write_bytes((CORPUS / name).read_bytes())
    first = cli_env.invoke(app, ["email", "batch", "--store", "dissoo", str(maildir)])
    assert first.exit_code == 0 and "1 draft, 1 ignored, 1 replied" in first.stdout
    second = cli_env.invoke(app, ["email", "batch", "--store", "dissoo", str(maildir)])
    assert "3 duplicate" in second.stdout


def test_drafts_show_in_the_agents_console(engine, sessions, settings):
    from fastapi.testclient import TestClient

    from bot.api.app import create_app

    run(engine, sessions, "complaint.eml")
    client = TestClient(create_app(settings.model_copy(update={"agent_password": "pw"}), engine))
    drafts = client.get("/v1/agent/drafts?store=dissoo", headers={"Authorization": "Bearer pw"}).json()
    assert drafts[0]["sender"] == "kim@example.com" and "chargeback" in drafts[0]["reason"] and "Canada" in drafts[0]["draft"]
