"""`faqbot email serve`: an SMTP server (aiosmtpd) for a store's inbound mail; replies leave
through a relay. A message is written to the database before the server answers 250, so an
accepted message is never lost, whatever happens while answering it."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session as SmtpSession
from sqlalchemy.orm import Session, sessionmaker

from bot.email.responder import EmailRules, process_mail
from bot.engine import Engine

log = logging.getLogger("faqbot.email")


def send_via_relay(message: EmailMessage, relay: tuple[str, int]) -> None:
    with smtplib.SMTP(relay[0], relay[1], timeout=30) as client:
        client.send_message(message)


@dataclass
class InboundHandler:
    engine: Engine
    sessions: sessionmaker[Session]
    store: str
    relay: tuple[str, int]
    rules: EmailRules

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="replace")
        try:
            with self.sessions() as db:
                outcome = process_mail(self.engine, db, self.store, raw, rules=self.rules)
        except Exception:  # recorded as an error by process_mail when it got that far
            log.exception("mail could not be processed")
            return "451 4.3.0 could not process the message now; please retry"
        if outcome.reply is not None:
            try:
                send_via_relay(outcome.reply, self.relay)
            except OSError as exc:  # the mail and its reply are recorded; an agent can resend
                log.error("relay %s:%s refused the reply: %s", *self.relay, exc)
        return "250 2.0.0 message accepted"


def start_server(engine: Engine, sessions: sessionmaker[Session], store: str, listen: tuple[str, int], relay: tuple[str, int], rules: EmailRules, max_bytes: int) -> Controller:
    handler = InboundHandler(engine, sessions, store, relay, rules)
    controller = Controller(handler, hostname=listen[0], port=listen[1], data_size_limit=max_bytes, decode_data=False)
    controller.start()
    return controller
