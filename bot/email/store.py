"""Inbound mail records: the raw message is written before anything else, each mail is
processed once (by content hash, or by Message-ID when a copy differs in its trace headers),
and the 24-hour rule reads what was already sent.

A record goes `received` -> `replied` | `draft` | `ignored` | `error`; a reply passes through
`sending` while it is handed to the relay, so a process killed then leaves a record that says so
(not `replied` over a reply nobody sent), which its next start turns into a draft."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import InboundMail as InboundRecord
from bot.db import utcnow
from bot.email.parse import InboundMail

FINAL = ("sending", "replied", "draft", "ignored", "error")
INTERRUPTED_SENDING = "faqbot stopped while handing this reply on to the relay: it may have gone out; check before sending it"


def record_received(db: Session, store: str, mail: InboundMail, raw: bytes) -> tuple[InboundRecord, bool]:
    """Write the raw mail; returns (its record, whether it was already processed before).

    A record left at `received` (the process stopped before deciding) is processed again."""
    existing = db.scalar(select(InboundRecord).where(InboundRecord.store == store, InboundRecord.content_hash == mail.content_hash))
    if existing is None and mail.message_id:
        existing = db.scalar(
            select(InboundRecord).where(InboundRecord.store == store, InboundRecord.message_id == mail.message_id[:998]).order_by(InboundRecord.id).limit(1)
        )
    if existing is not None:
        return existing, existing.decision in FINAL
    record = InboundRecord(
        store=store, message_id=(mail.message_id or "")[:998] or None, content_hash=mail.content_hash, sender=mail.sender[:320],
        subject=mail.subject, size=len(raw), decision="received", reason="", questions=[], raw=raw,
    )
    db.add(record)
    db.commit()
    return record, False


def record_decision(db: Session, record: InboundRecord, decision: str, reason: str, questions: list[str], text: str | None) -> None:
    record.decision, record.reason, record.questions, record.reply_text = decision, reason[:2000], questions, text
    db.commit()


def replied_recently(db: Session, store: str, sender: str, window: timedelta) -> bool:
    since = utcnow() - window
    found = db.scalar(
        select(InboundRecord.id)
        .where(
            InboundRecord.store == store, InboundRecord.sender == sender, InboundRecord.decision.in_(("sending", "replied")), InboundRecord.received_at >= since
        )
        .limit(1)
    )
    return found is not None


def record_sent(db: Session, record_id: int) -> None:
    """The relay took the reply (250): only now is the mail `replied`."""
    record = db.get(InboundRecord, record_id)
    if record is not None:
        record.decision = "replied"
        db.commit()


def unanswered(db: Session, store: str) -> list[InboundRecord]:
    """Mail stored but not decided: the process stopped in between (before SMTP's 250)."""
    return list(db.scalars(select(InboundRecord).where(InboundRecord.store == store, InboundRecord.decision == "received").order_by(InboundRecord.id)))


def draft_interrupted_replies(db: Session, store: str) -> int:
    """Replies that were being handed to the relay when the process stopped become drafts: the
    relay may have taken one, so it is not sent again (that could answer twice); a person sees
    it, with its text, and sends or discards it. Returns how many."""
    records = db.scalars(select(InboundRecord).where(InboundRecord.store == store, InboundRecord.decision == "sending")).all()
    for record in records:
        record.decision, record.reason = "draft", INTERRUPTED_SENDING
    db.commit()
    return len(records)


def record_unsent(db: Session, record_id: int, problem: str) -> None:
    """The relay refused the reply: the mail becomes a draft holding it, for an agent to send."""
    record = db.get(InboundRecord, record_id)
    if record is not None:
        record.decision, record.reason = "draft", f"reply not sent: {problem}"[:2000]
        db.commit()


def record_agent_decision(db: Session, record_id: int, decision: str, text: str | None) -> None:
    """An agent sent a draft (as they edited it) or discarded it: it leaves the drafts, kept as it went out."""
    record = db.get(InboundRecord, record_id)
    record.decision = decision
    if text is not None:
        record.reply_text = text
