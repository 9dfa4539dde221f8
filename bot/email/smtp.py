"""`faqbot email serve`: an SMTP server (aiosmtpd) for a store's inbound mail; replies leave
through a relay.

A message is written to the database before the server answers 250, so an accepted message
is never lost: if storing fails the client hears 451 and retries; if answering fails after
that, the mail is kept with decision `error` for a person. Mail is answered one at a time on
one worker thread, off the event loop, so two mails from one sender cannot both pass the
one-reply-per-day rule, and a slow answer does not stall other SMTP sessions.

A server killed (SIGKILL, power) after storing a mail finishes it when it starts again, before it
takes new mail: a mail not yet answered is answered; a reply that was with the relay is kept as a
draft (tests/crash/test_email.py).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy.orm import Session, sessionmaker

from bot.email.decide import EmailRules
from bot.email.responder import MailOutcome, process_mail
from bot.email.store import draft_interrupted_replies, record_sent, record_unsent, unanswered
from bot.engine import Engine

log = logging.getLogger("faqbot.email")


def send_via_relay(message: EmailMessage, relay: tuple[str, int]) -> None:
    """The envelope sender is our own address: a bounce of the auto-reply comes back to the store."""
    with smtplib.SMTP(relay[0], relay[1], timeout=30) as client:
        client.send_message(message)


def with_return_path(raw: bytes, mail_from: str | None) -> bytes:
    """What a delivering MTA does (RFC 5321 §4.4): the envelope sender becomes Return-Path, so
    the rules see a bounce's null path `<>` and the stored mail keeps it."""
    return b"Return-Path: <" + (mail_from or "").encode("utf-8", errors="replace") + b">\r\n" + raw


@dataclass
class InboundHandler:
    engine: Engine
    sessions: sessionmaker[Session]
    store: str
    relay: tuple[str, int]
    rules: EmailRules
    worker: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="faqbot-mail"))

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        raw = with_return_path(raw, envelope.mail_from)
        try:
            await asyncio.get_running_loop().run_in_executor(self.worker, self.answer, raw)
        except Exception:  # storing failed: nothing was accepted, the client retries
            log.exception("mail could not be stored")
            return "451 4.3.0 could not store the message now; please retry"
        return "250 2.0.0 message accepted"

    def answer(self, raw: bytes) -> MailOutcome:
        with self.sessions() as db:
            outcome = process_mail(self.engine, db, self.store, raw, self.rules)
            if outcome.reply is not None:
                try:
                    send_via_relay(outcome.reply, self.relay)
                except (OSError, smtplib.SMTPException) as exc:  # kept as a draft holding the reply
                    log.error("relay %s:%s refused the reply: %s", *self.relay, exc)
                    record_unsent(db, outcome.record_id, f"relay {self.relay[0]}:{self.relay[1]}: {exc}")
                else:
                    record_sent(db, outcome.record_id)
        return outcome

    def finish_interrupted(self) -> None:
        """What a stopped server left half done. The sender of a mail stored but not answered
        had no 250 and may retry: that copy is then a duplicate of the one answered here."""
        with self.sessions() as db:
            drafted = draft_interrupted_replies(db, self.store)
            waiting = [record.raw for record in unanswered(db, self.store)]
        for raw in waiting:
            self.answer(raw)
        if drafted or waiting:
            log.warning("store=%s: a stopped server left %d mail(s) unanswered, answered now, and %d reply(ies) perhaps sent, kept as drafts", self.store, len(waiting), drafted)


def start_server(
    engine: Engine, sessions: sessionmaker[Session], store: str, listen: tuple[str, int], relay: tuple[str, int], rules: EmailRules, max_bytes: int
) -> Controller:
    """Messages over `max_bytes` are refused during DATA (552), before anything is stored. What a
    stopped server left half done is finished first."""
    handler = InboundHandler(engine, sessions, store, relay, rules)
    handler.finish_interrupted()
    controller = Controller(handler, hostname=listen[0], port=listen[1], data_size_limit=max_bytes, decode_data=False)
    controller.start()
    return controller
