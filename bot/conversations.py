"""A chat turn as every channel runs it: validate, answer, record, return.

The record (store, session, message, kind, confidence, sources, latency, time)
is written for every turn; a new session id is issued when a request brings
none, or brings one that belongs to another store (sessions never cross stores).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db import ChatSession, Exchange, last_source_id, utcnow
from bot.engine import Engine
from bot.errors import EmptyMessage, FaqbotError, MessageTooLong
from bot.orders.lookup import LookupLimits
from bot.privacy import masked_text
from bot.policy.calendar import store_today
from bot.reply import Reply
from bot.state import waiting_from_json, waiting_to_json
from bot.turn import take_turn


class BadSessionId(FaqbotError):
    code, http_status = "bad_session_id", 422

    def __init__(self) -> None:
        super().__init__("session_id must be 1-64 letters, digits, '-' or '_'")


@dataclass(frozen=True, slots=True)
class ChatTurn:
    session_id: str
    reply: Reply
    latency_ms: float


def redacted(text: str, private: tuple[str, ...]) -> str:
    """What the record keeps: no full email address, no long number (bot/privacy.py)."""
    return masked_text(text, private)


def validate_message(message: str, limit: int) -> str:
    if not message or not message.strip():
        raise EmptyMessage()
    if len(message) > limit:
        raise MessageTooLong(len(message), limit)
    return message.strip()


def chat(
    engine: Engine,
    sessions: sessionmaker[Session],
    store: str,
    message: str,
    session_id: str | None = None,
    today: date | None = None,
    max_chars: int = 2000,
    channel: str = "api",
    client: str | None = None,
    limits: LookupLimits = LookupLimits(),
    now: datetime | None = None,
) -> ChatTurn:
    """`now`: the moment of the turn, read by the channel (the order lookup's failure window, the
    session's last activity); `today`: the date policy answers count from (default: the store's)."""
    now = now or utcnow()
    text = validate_message(message, max_chars)
    if session_id is not None and not (0 < len(session_id) <= 64 and session_id.replace("-", "").replace("_", "").isalnum()):
        raise BadSessionId()
    engine.runtime(store)  # unknown store -> 404 before anything is written
    started = time.perf_counter()
    with sessions() as db:
        session = db.get(ChatSession, session_id) if session_id else None
        if session is None or session.store != store:
            session = ChatSession(id=session_id if session_id and session is None else uuid.uuid4().hex, store=store)
            db.add(session)
            previous = None
        else:
            previous = last_source_id(db, session.id)
        today = today or store_today(engine.runtime(store).config.timezone)
        reply = take_turn(engine, db, store, text, waiting_from_json(session.pending), today, now, session.id, client, limits, previous)
        session.pending = waiting_to_json(reply.pending)
        latency_ms = (time.perf_counter() - started) * 1000
        session.last_seen_at = now
        db.add(
            Exchange(
                store=store,
                session_id=session.id,
                channel=channel,
                message=redacted(text, ()),
                kind=reply.kind,
                confidence=reply.confidence,
                sources=[{"id": s.id, "title": s.title, "score": s.score} for s in reply.sources],
                reply=redacted(reply.text, reply.private),
                reason=reply.reason[:200],
                latency_ms=latency_ms,
            )
        )
        db.commit()
        return ChatTurn(session.id, reply, latency_ms)
