"""One inbound mail through the same engine as the chat: record it, decide, and write the reply
or leave a draft for an agent.

The raw message is written first (so an SMTP server can say 250 only once it is safe), and a
mail already processed is never processed again (batch imports run twice are harmless).
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import InboundMail as InboundRecord
from bot.db import utcnow
from bot.email.decide import escalation_reason, never_reply_reason
from bot.email.parse import InboundMail, read_message
from bot.engine import Engine
from bot.match.questions import split_questions
from bot.orders.conversation import OrderDesk
from bot.orders.lookup import LookupLimits, candidates, find_order_number
from bot.orders.records import masked_email
from bot.policy.calendar import store_today

log = logging.getLogger("faqbot.email")
MAX_QUESTIONS = 3


@dataclass(frozen=True, slots=True)
class EmailRules:
    min_confidence: float = 0.7
    reply_window: timedelta = timedelta(hours=24)
    max_text_chars: int = 4000  # longer new text is a letter for a person, not a question


@dataclass(frozen=True, slots=True)
class AnsweredPart:
    question: str
    text: str
    kind: str
    confidence: float
    sure: bool
    why: str = ""


@dataclass
class MailOutcome:
    decision: str  # replied | draft | ignored | duplicate
    reason: str
    reply: EmailMessage | None = None
    draft: str | None = None
    parts: list[AnsweredPart] = field(default_factory=list)


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(
        loader=PackageLoader("bot.reply", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
    )


def answer_parts(engine: Engine, db: Session, store: str, mail: InboundMail, today: date, rules: EmailRules) -> list[AnsweredPart]:
    runtime = engine.runtime(store)
    parts = []
    for question in split_questions(mail.text)[:MAX_QUESTIONS]:
        number = find_order_number(question)
        if number:
            parts.append(order_part(runtime, db, store, one_line(question), number, mail.sender, today))
            continue
        reply = engine.answer(store, question, today=today)
        sure = reply.kind in ("answer", "policy") and reply.pending is None and reply.confidence >= rules.min_confidence
        why = "" if sure else f"{reply.kind} at confidence {reply.confidence:.2f}" + (" (needs a date)" if reply.pending else "")
        parts.append(AnsweredPart(one_line(question), for_email(reply.text), reply.kind, reply.confidence, sure, why))
    return parts


def one_line(text: str) -> str:
    return " ".join(text.split())


def for_email(text: str) -> str:
    """Chat-only lines ("say 'tell me more'", the file citation) mean nothing in a mail."""
    kept = [line for line in text.split("\n") if not line.startswith(("Source: ", "(That is the short answer"))]
    return "\n".join(kept).strip()


def order_part(runtime, db: Session, store: str, question: str, number: str, sender: str, today: date) -> AnsweredPart:
    """An order is described only when the mail comes from the address the order was placed with."""
    match = None
    for order in candidates(db, store, number):
        if hmac.compare_digest(order.email.encode(), sender.encode()) and match is None:
            match = order
    if match is None:
        return AnsweredPart(question, "I couldn't find an order with that number for this email address.", "order", 0.0, False, "no order with that number for the sender")
    desk = OrderDesk(store, runtime.config, runtime.policy, runtime.responder.calendar, LookupLimits())
    return AnsweredPart(question, desk.describe(match, today).text, "order", 1.0, True)


def compose(mail: InboundMail, parts: list[AnsweredPart], store_name: str, support_email: str, website: str | None) -> EmailMessage:
    values = {"name": mail.sender_name.split(" ")[0] if mail.sender_name else "", "store_name": store_name, "parts": parts, "support_email": support_email, "website": website}
    message = EmailMessage()
    message["From"] = f"{store_name} <{support_email}>"
    message["To"] = mail.reply_to or mail.sender
    subject = mail.subject or "your message"
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    if mail.message_id:
        message["In-Reply-To"] = mail.message_id
        message["References"] = f"{mail.references} {mail.message_id}" if mail.references else mail.message_id
    message["Auto-Submitted"] = "auto-replied"
    message["Message-ID"] = make_msgid(domain=support_email.split("@")[-1])
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message.set_content(templates().get_template("email_reply.txt.j2").render(**values))
    message.add_alternative(templates().get_template("email_reply.html.j2").render(**values), subtype="html")
    return message


def draft_text(parts: list[AnsweredPart]) -> str:
    return "\n\n".join(f"Q: {p.question}\n{p.text}" for p in parts)


def replied_recently(db: Session, store: str, sender: str, window: timedelta) -> bool:
    since = utcnow() - window
    return db.scalar(
        select(InboundRecord.id).where(
            InboundRecord.store == store, InboundRecord.sender == sender, InboundRecord.decision == "replied", InboundRecord.received_at >= since
        ).limit(1)
    ) is not None


def record_received(db: Session, store: str, raw: bytes) -> tuple[InboundRecord, bool]:
    """Write the raw mail before anything else; (record, already processed before)."""
    mail = read_message(raw)
    existing = db.scalar(select(InboundRecord).where(InboundRecord.store == store, InboundRecord.content_hash == mail.content_hash))
    if existing is not None:
        return existing, existing.decision != "received"
    record = InboundRecord(
        store=store, message_id=(mail.message_id or "")[:998] or None, content_hash=mail.content_hash, sender=mail.sender,
        subject=mail.subject, size=len(raw), decision="received", reason="", questions=[], raw=raw,
    )
    db.add(record)
    db.commit()
    return record, False


def process_mail(engine: Engine, db: Session, store: str, raw: bytes, today: date | None = None, rules: EmailRules = EmailRules()) -> MailOutcome:
    config = engine.store_config(store)  # unknown store -> error before anything is written
    record, seen = record_received(db, store, raw)
    if seen:
        return MailOutcome("duplicate", f"already processed: {record.decision} ({record.reason})")
    try:
        outcome = decide_and_write(engine, db, store, read_message(raw), today or store_today(config.timezone), rules)
    except Exception as exc:  # the mail stays recorded for a person; never lost
        record.decision, record.reason = "error", f"{type(exc).__name__}: {exc}"[:500]
        db.commit()
        raise
    record.decision, record.reason = outcome.decision, outcome.reason
    record.questions = [p.question for p in outcome.parts]
    record.reply_text = outcome.reply.get_body(("plain",)).get_content() if outcome.reply else outcome.draft
    db.commit()
    log.info("mail store=%s from=%s decision=%s reason=%s", store, masked_email(record.sender), outcome.decision, outcome.reason)
    return outcome


def decide_and_write(engine: Engine, db: Session, store: str, mail: InboundMail, today: date, rules: EmailRules) -> MailOutcome:
    config = engine.store_config(store)
    own = {a for a in (config.support_email,) if a}
    robot = never_reply_reason(mail, {a.lower() for a in own})
    if robot:
        return MailOutcome("ignored", robot)
    if not mail.text.strip():
        return MailOutcome("draft", "no new text to answer (only quoted history or attachments)", draft="")
    if len(mail.text) > rules.max_text_chars:
        return MailOutcome("draft", f"too long for an automatic answer ({len(mail.text)} characters)", draft="")
    parts = answer_parts(engine, db, store, mail, today, rules)
    draft = draft_text(parts)
    escalation = escalation_reason(mail.text, mail.subject)
    if escalation:
        return MailOutcome("draft", f"a person takes it: {escalation}", draft=draft, parts=parts)
    unsure = [p for p in parts if not p.sure]
    if unsure:
        return MailOutcome("draft", f"not sure of {len(unsure)} of {len(parts)} question(s): {unsure[0].why}", draft=draft, parts=parts)
    if not config.support_email:
        return MailOutcome("draft", "the store has no support_email to reply from", draft=draft, parts=parts)
    if replied_recently(db, store, mail.sender, rules.reply_window):
        return MailOutcome("draft", "already auto-replied to this sender within the last 24 hours", draft=draft, parts=parts)
    reply = compose(mail, parts, config.name, config.support_email, config.website)
    noted = f"; {len(mail.attachments)} attachment(s) not read: {', '.join(mail.attachments)}" if mail.attachments else ""
    return MailOutcome("replied", f"answered {len(parts)} question(s){noted}", reply=reply, parts=parts)
