"""`faqbot email serve` SIGKILLed between storing a mail and replying to it: after a restart the
mail is neither lost nor answered twice. Killed while deciding (the mail stored, no reply written
yet), the restarted server answers it before it takes mail. Killed while its reply is with the
relay, which holds it until the test lets go (before the relay has any of it, or once it has it
all but has not said 250, so it may deliver it: the server cannot tell the two apart), the mail
becomes a draft holding the reply, for a person: sending it again could answer twice. Either
way the customer's server, which never had a 250, retries, and its copy is taken as a duplicate."""

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

from bot.db import InboundMail, session_factory
from tests.conftest import free_port
from tests.crash.conftest import DEADLINE, STORE, Process, base_env, copy_index, faqbot, faqbot_stopped_before

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

    def start(self, stopped_before: tuple[str, str] | None = None) -> Process:
        self.starts += 1
        arguments = ("email", "serve", "--store", STORE, "--listen", f"127.0.0.1:{self.port}", "--relay", f"127.0.0.1:{self.relay_port}")
        command = faqbot_stopped_before(*stopped_before, *arguments) if stopped_before else faqbot(*arguments)
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


DECIDING = ("call:decide_and_write", STORE)  # the mail stored (`received`), its answer not yet worked out


@pytest.mark.parametrize(
    ("killed", "delivered", "decision", "reason"),
    [
        pytest.param("deciding", 1, "replied", "answered 1", id="stored-not-yet-answered"),
        pytest.param("mail", 0, "draft", "may have gone out", id="reply-with-the-relay-which-has-none-of-it"),
        pytest.param("data", 1, "draft", "may have gone out", id="reply-with-the-relay-which-has-it-all-but-said-no-250"),
    ],
)
def test_a_mail_accepted_by_a_server_killed_before_its_reply_is_out_is_neither_lost_nor_answered_twice(
    crash_knowledge, seed_index, tmp_path, relay_at, killed, delivered, decision, reason
):
    relay, relay_port = relay_at(None if killed == "deciding" else killed)
    server = Server(crash_knowledge, copy_index(seed_index, tmp_path / "index"), tmp_path, relay_port)
    first = server.start(DECIDING if killed == "deciding" else None)
    refused: list[Exception] = []

    def deliver() -> None:
        try:
            server.deliver()
        except (OSError, smtplib.SMTPException) as exc:
            refused.append(exc)

    sender = threading.Thread(target=deliver)
    sender.start()
    if killed == "deciding":
        first.wait_stopped()
    else:
        assert relay.holding.wait(DEADLINE), first.output()
    first.kill9()
    sender.join(DEADLINE)
    assert refused, "the server said 250 before its reply was out"  # so the customer's server retries
    assert [r.decision for r in server.records()] == ["received" if killed == "deciding" else "sending"]

    server.start()  # listening once it has finished what the killed one left
    assert relay.delivered.qsize() == delivered
    server.deliver()  # the retry: accepted now, as a mail already dealt with
    assert relay.delivered.qsize() == delivered  # not answered again
    [record] = server.records()
    assert record.decision == decision and reason in record.reason
    assert "Visa" in record.reply_text  # the reply sent, or kept for an agent to send (or discard, if it went out)
    if delivered:
        assert "Visa" in reply_text(relay.delivered.get_nowait())
