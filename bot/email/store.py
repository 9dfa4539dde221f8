"""Inbound mail records: the raw message is written before anything else, each mail is
processed once (by content hash, or by Message-ID when a copy differs in its trace headers),
and the 24-hour rule reads what was already sent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import InboundMail as InboundRecord
from bot.db import utcnow
from bot.email.parse import InboundMail

FINAL = ("replied", "draft", "ignored", "error")


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
        .where(InboundRecord.store == store, InboundRecord.sender == sender, InboundRecord.decision == "replied", InboundRecord.received_at >= since)
        .limit(1)
    )
    return found is not None


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
