"""One inbound mail through the same engine as the chat: record it, decide, and write the reply
or leave a draft for an agent.

The raw message is written first (so an SMTP server can say 250 only once it is safe), and a
mail already processed is never processed again (batch imports run twice are harmless).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from sqlalchemy.orm import Session

from bot.db import learned_for
from bot.email.compose import AnsweredPart, compose, draft_text
from bot.email.decide import DEFECT, EmailRules, escalation_reason, gate_inputs, machine_mail_reason, suppressed_reason, unanswered_reason
from bot.email.parse import InboundMail, read_message
from bot.email.store import record_decision, record_received, replied_recently
from bot.engine import Engine
from bot.match.questions import split_questions
from bot.match.smalltalk import peel_smalltalk
from bot.orders.conversation import STALLED, OrderDesk
from bot.orders.lookup import email_key, find_order_number, order_with
from bot.privacy import masked_email, masked_number
from bot.reply import Flag
from bot.state import OrderShown
from bot.turn import for_the_desk, order_desk
from bot.policy.calendar import store_today

__all__ = ["EmailRules", "MailOutcome", "process_mail"]

log = logging.getLogger("faqbot.email")
DEFECT_QUESTION = "My order arrived damaged. What should I do?"  # the store's own page answers it


@dataclass
class MailOutcome:
    decision: str  # replied | draft | ignored | duplicate | error
    reason: str
    reply: EmailMessage | None = None
    draft: str | None = None
    parts: list[AnsweredPart] = field(default_factory=list)
    record_id: int | None = None


def questions_in(text: str, rules: EmailRules) -> list[str] | None:
    """Every question of the mail, in order; None when there are more than the bot answers at
    once (the engine's splitter keeps only the first few, and a reply must not skip any)."""
    asked = len(re.findall(r"\?(?=\s|$)", text))
    if asked > rules.max_questions:
        return None
    return split_questions(text)


def answer_parts(engine: Engine, db: Session, store: str, mail: InboundMail, questions: list[str], today: date, rules: EmailRules) -> list[AnsweredPart]:
    """Each question routed as the chat routes it (bot/turn.py); a mail's shopper is its sender, so
    an order of the sender's that the mail names anywhere (its subject, another line) is in view,
    as an order just shown is in a chat."""
    learned = learned_for(db, store)  # what agents taught the chat holds for mail too
    desk = order_desk(engine, store)
    named = find_order_number(f"{mail.subject}\n{mail.text}")
    own = order_with(db, store, named, mail.sender) if named else None
    in_view = OrderShown(own.order_number, email_key(own.email)) if own else None
    raw_page = engine.runtime(store).policy_read_from_page
    parts = []
    for question in questions:
        number = find_order_number(question)
        if for_the_desk(engine, desk, question, in_view):
            part = order_part(desk, db, one_line(question), number or named, mail, today)
            if part is not None:
                parts.append(part)
                continue
        reply = engine.answer(store, question, today=today, learned=learned)
        inputs = gate_inputs(reply.kind, reply.confidence, reply.pending is not None, raw_page, len(questions), len(mail.text.split()), question)
        why = unanswered_reason(reply.kind, reply.confidence, rules, inputs)
        if why is None and number:
            why = f"mentions order {number} but does not ask where it is: a person checks that order"
        documents = tuple(dict.fromkeys(s.document for s in reply.sources))
        quoted = peel_smalltalk(question)[1] or question  # the reply quotes "do you ship to Canada?", not "Hi, do you …"
        parts.append(AnsweredPart(one_line(quoted), reply.mail_text or reply.text, reply.kind, reply.confidence, why, documents, gate_inputs=inputs))
    return parts


def one_line(text: str) -> str:
    return " ".join(text.split())


def order_part(desk: OrderDesk, db: Session, question: str, number: str | None, mail: InboundMail, today: date) -> AnsweredPart | None:
    """An order is described only to the address it was placed with: the sender must be the
    order's email, and a Reply-To elsewhere (where the reply would go) makes it a draft. None when
    the order's record does not answer the question (a refund's timing): the store's pages do."""
    if number is None:
        return AnsweredPart(question, "(no order number in the mail)", "order", 0.0, "asks about an order without its number")
    match = order_with(db, desk.store, number, mail.sender)
    if match is None:
        return AnsweredPart(question, "I couldn't find an order with that number for this email address.", "order", 0.0, "no order with that number for the sender")
    if not desk.record_answers(match, question):
        return None
    described = desk.describe(match, today, question, mail=True)
    reasons = []
    if mail.reply_to and mail.reply_to != mail.sender:
        reasons.append("order details, but Reply-To is not the order's email")
    if Flag.late in described.flags:
        reasons.append("the order is late: a person looks into it before the customer hears back")
    elif STALLED.search(question):
        reasons.append("the tracking has stalled: a person checks with the carrier (the status alone repeats what the customer sees)")
    why = "; ".join(reasons) or None
    return AnsweredPart(question, described.text, "order", 1.0, why, private=described.private)


def process_mail(engine: Engine, db: Session, store: str, raw: bytes, rules: EmailRules, today: date | None = None) -> MailOutcome:
    """Record, decide, write. `today` is the date policy answers count from (default: the
    store's today); the 24-hour window always counts from the real clock. A reply is recorded as
    `sending`: the caller marks it sent (record_sent) once it is out, or unsent (record_unsent).

    Only storing the raw mail may raise (the database is down: an SMTP server answers 4xx and
    the sender retries); a failure after that is recorded and returned as decision `error`."""
    config = engine.store_config(store)  # unknown store -> error before anything is written
    mail = read_message(raw)
    record, seen = record_received(db, store, mail, raw)
    if seen:
        return MailOutcome("duplicate", f"already processed: {record.decision} ({record.reason})", record_id=record.id)
    try:
        outcome = decide_and_write(engine, db, store, mail, today or store_today(config.timezone), rules)
    except Exception as exc:  # noqa: BLE001 - the mail is stored; a person sees the error beside it
        log.exception("mail store=%s from=%s could not be answered", store, masked_email(mail.sender))
        db.rollback()
        record_decision(db, record, "error", f"{type(exc).__name__}: {exc}", [], None)
        return MailOutcome("error", f"{type(exc).__name__}: {exc}", record_id=record.id)
    text = outcome.reply.get_body(("plain",)).get_content() if outcome.reply else outcome.draft
    for value in (v for p in outcome.parts for v in p.private):
        text = text.replace(value, masked_number(value)) if text else text
    # A reply is `sending` until the caller has handed it on (record_sent): a process killed before then leaves it visible.
    recorded = "sending" if outcome.reply is not None else outcome.decision
    record_decision(db, record, recorded, outcome.reason, [p.question for p in outcome.parts], text)
    outcome.record_id = record.id
    log.info("mail store=%s from=%s decision=%s reason=%s", store, masked_email(mail.sender), outcome.decision, outcome.reason)
    return outcome


def decide_and_write(engine: Engine, db: Session, store: str, mail: InboundMail, today: date, rules: EmailRules) -> MailOutcome:
    config = engine.store_config(store)
    machine = machine_mail_reason(mail, {config.support_email.lower()} if config.support_email else set())
    if machine:
        return MailOutcome("ignored", machine)
    if not mail.text.strip():
        return MailOutcome("draft", "no new text to answer (only quoted history, a signature or attachments)", draft="")
    if len(mail.text) > rules.max_text_chars:
        return MailOutcome("draft", f"too long for an automatic answer ({len(mail.text)} characters)", draft="")
    questions = questions_in(mail.text, rules)
    if questions is None:
        return MailOutcome("draft", f"more than {rules.max_questions} questions: a person answers them all", draft="")
    parts = answer_parts(engine, db, store, mail, questions, today, rules)
    escalation = escalation_reason(mail.text, mail.subject)
    instructions = None
    if escalation == DEFECT:
        given = engine.answer(store, DEFECT_QUESTION, today=today)
        if given.kind in ("answer", "policy"):
            instructions = given.mail_text or given.text
    sorry = escalation in ("complaint", "chargeback", "legal threat", DEFECT)  # an apology for a complaint or a damaged item
    draft = draft_text(mail, parts, config, instructions, sorry=sorry)

    def held(reason: str) -> MailOutcome:
        return MailOutcome("draft", reason, draft=draft, parts=parts)

    if escalation:
        return held(escalation)
    unsure = [p for p in parts if not p.sure]
    if unsure:
        return held(f"not sure of {len(unsure)} of {len(parts)} question(s): {unsure[0].why}")
    suppressed = suppressed_reason(mail)
    if suppressed:
        return held(f"the sender asked for no automatic reply ({suppressed})")
    if not engine.runtime(store).reply_from:
        return held("the store has no support_email in store.toml to reply from")
    if replied_recently(db, store, mail.sender, rules.reply_window):
        hours = rules.reply_window.total_seconds() / 3600
        return held(f"already auto-replied to this sender within the last {hours:g} hours")
    reply = compose(mail, parts, config)
    noted = f"; {len(mail.attachments)} attachment(s) not read: {', '.join(mail.attachments)}" if mail.attachments else ""
    return MailOutcome("replied", f"answered {len(parts)} question(s){noted}", reply=reply, parts=parts)
