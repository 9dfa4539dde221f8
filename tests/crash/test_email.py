"""`faqbot email serve` SIGKILLed after it accepted a mail and while its reply is with the relay:
after a restart the mail is not lost and not answered twice. The relay holds the reply until the
test lets go, so the kill lands exactly there: before the relay has any of it, or once it has it
all but has not said 250 (it may deliver it: the server cannot know). A mail the server stored but
had not answered when it stopped is answered when it starts again."""

from __future__ import annotations

import asyncio
import email
import queue
import smtplib
import socket
import threading
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot.db import InboundMail, session_factory, upgrade_database
from bot.email.parse import read_message
from bot.email.store import record_received
from tests.conftest import free_port
from tests.crash.conftest import DEADLINE, STORE, Process, base_env, copy_index, faqbot

MAIL = b"""From: Ann Buyer <ann@example.com>
To: help@acme.test
Subject: cards?
Message-ID: <crash-1@example.com>
Date: Wed, 25 Nov 2026 09:00:00 -0500
Content-Type: text/plain; charset=utf-8

Hi, which cards do you take?

Ann
"""


class Relay:
    """The store's outgoing relay. `hold_at` "mail": the first reply is held at its MAIL FROM (the
    relay has none of it); "data": at the end of its DATA (the relay has all of it and delivers it,
    but has not said 250). Later replies go straight through."""

    def __init__(self, hold_at: str | None = None) -> None:
        self.hold_at = hold_at
        self.delivered: queue.Queue[bytes] = queue.Queue()
        self.holding, self.release = threading.Event(), threading.Event()

    async def hold(self) -> None:
        self.hold_at = None
        self.holding.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait)

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        if self.hold_at == "mail":
            await self.hold()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.delivered.put(envelope.original_content or envelope.content)
        if self.hold_at == "data":
            await self.hold()
        return "250 OK"


@pytest.fixture
def relay_at():
    started = []

    def start(hold_at: str | None) -> tuple[Relay, int]:
        relay = Relay(hold_at)
        controller = Controller(relay, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append((relay, controller))
        return relay, controller.port

    yield start
    for relay, controller in started:
        relay.release.set()
        controller.stop()


class Server:
    """`faqbot email serve` as an operator starts it, on SQLite, with the store built."""

    def __init__(self, knowledge: Path, index: Path, folder: Path, relay_port: int) -> None:
        self.database = folder / "faqbot.db"
        self.env = base_env(knowledge, index, self.database)
        self.folder, self.port, self.relay_port, self.starts = folder, free_port(), relay_port, 0

    def start(self) -> Process:
        self.starts += 1
        command = faqbot("email", "serve", "--store", STORE, "--listen", f"127.0.0.1:{self.port}", "--relay", f"127.0.0.1:{self.relay_port}")
        process = Process(command, self.env, self.folder / f"start-{self.starts}")
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if process.popen.poll() is not None:
                pytest.fail(f"faqbot email serve exited:\n{process.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return process
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"faqbot email serve not listening within {DEADLINE}s:\n{process.output()}")

    def deliver(self) -> None:
        """As the customer's mail server delivers: raises unless the server said 250."""
        with smtplib.SMTP("127.0.0.1", self.port, timeout=DEADLINE) as client:
            client.sendmail("ann@example.com", ["help@acme.test"], MAIL)

    def records(self) -> list[InboundMail]:
        with session_factory(f"sqlite:///{self.database}")() as db:
            return list(db.scalars(select(InboundMail).where(InboundMail.sender == "ann@example.com")))


def reply_text(raw: bytes) -> str:
    return email.message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("hold_at", "delivered"),
    [
        pytest.param("mail", 0, id="relay-has-none-of-the-reply"),
        pytest.param("data", 1, id="relay-has-the-whole-reply-but-said-no-250"),
    ],
)
def test_killed_while_the_reply_is_with_the_relay_the_mail_is_kept_for_a_person_and_never_answered_twice(
    crash_knowledge, seed_index, tmp_path, relay_at, hold_at, delivered
):
    relay, relay_port = relay_at(hold_at)
    server = Server(crash_knowledge, copy_index(seed_index, tmp_path / "index"), tmp_path, relay_port)
    first = server.start()
    refused: list[Exception] = []

    def deliver() -> None:
        try:
            server.deliver()
        except (OSError, smtplib.SMTPException) as exc:
            refused.append(exc)

    sender = threading.Thread(target=deliver)
    sender.start()
    assert relay.holding.wait(DEADLINE), first.output()
    first.kill9()
    sender.join(DEADLINE)
    assert refused, "the server said 250 before its reply was out"  # so the customer's server retries

    server.start()
    server.deliver()  # the retry: accepted now, as a mail already dealt with
    assert relay.delivered.qsize() == delivered  # nothing was sent again, by the restart or for the retry
    [record] = server.records()
    assert record.decision == "draft" and "may have gone out" in record.reason
    assert "Visa" in record.reply_text  # the reply, for an agent to send (or discard, if it went out)


def test_a_mail_stored_but_not_answered_when_the_server_stopped_is_answered_when_it_starts(crash_knowledge, seed_index, tmp_path, relay_at):
    relay, relay_port = relay_at(None)
    server = Server(crash_knowledge, copy_index(seed_index, tmp_path / "index"), tmp_path, relay_port)
    url = f"sqlite:///{server.database}"
    upgrade_database(url)
    raw = b"Return-Path: <ann@example.com>\r\n" + MAIL  # as the server stores it, before it says 250
    with session_factory(url)() as db:
        record_received(db, STORE, read_message(raw), raw)  # what a server killed between storing and answering leaves
    server.start()
    assert "Visa" in reply_text(relay.delivered.get(timeout=DEADLINE))
    server.deliver()  # the customer's server retries, having had no 250: not answered again
    assert relay.delivered.empty()
    assert [r.decision for r in server.records()] == ["replied"]
