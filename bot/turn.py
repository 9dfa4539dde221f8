"""One shopper turn, whatever the channel: route it once, then answer it.

A message is about the shopper's own order (the order desk) or about the store (its pages and
calculators, through the engine). The chat (/v1/chat, the widget, `faqbot ask`) and the mail
auto-responder both route by `for_the_desk`, so a fix to routing reaches both; what differs is
only who the shopper is: a chat proves it with the order's number and email over turns, a mail
with its sender (bot/email/responder.py keeps that, and the other mail rules).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.db import learned_for
from bot.engine import Engine
from bot.orders.conversation import OrderDesk
from bot.orders.lookup import LookupLimits, find_email, find_order_number
from bot.policy.intents import Pending
from bot.reply import Reply
from bot.state import OrderLookup, Waiting


def order_desk(engine: Engine, store: str, limits: LookupLimits = LookupLimits()) -> OrderDesk:
    runtime = engine.runtime(store)
    return OrderDesk(store, runtime.config, runtime.policy, runtime.responder.calendar, limits)


def for_the_desk(engine: Engine, desk: OrderDesk, message: str, waiting: Waiting | None) -> bool:
    """Whether the message is about the shopper's own order. Words such as "tracking number" also
    ask how tracking works ("will I get a tracking number?"): when the message gives neither a
    number nor an email and nothing is waiting, the question's meaning decides, once."""
    wants = desk.wants(message, waiting)
    if wants and waiting is None and find_order_number(message) is None and find_email(message) is None:
        wants = engine.asks_about_own_order(desk.store, message) is not False
    return wants


def take_turn(
    engine: Engine,
    db: Session,
    store: str,
    message: str,
    waiting: Waiting | None,
    today: date,
    now: datetime,
    session_id: str,
    client: str | None = None,
    limits: LookupLimits = LookupLimits(),
    last_source_id: str | None = None,
) -> Reply:
    """A chat turn: the reply, and in `reply.pending` what the next turn is waited for."""
    desk = order_desk(engine, store, limits)
    reply = desk.handle(db, session_id, message, today, waiting, client, now) if for_the_desk(engine, desk, message, waiting) else None
    if reply is not None:
        return reply
    question = waiting if isinstance(waiting, Pending) else None
    reply = engine.answer(store, message, today=today, last_source_id=last_source_id, pending=question, learned=learned_for(db, store))
    if reply.pending is None and isinstance(waiting, OrderLookup):
        # A question in the middle of an order lookup ("how long do refunds take?") leaves the
        # lookup waiting: the email that follows still finishes it. An order already shown
        # (OrderShown) is not kept past another question: its details stay with that turn.
        reply = replace(reply, pending=waiting)
    return reply


def suggestions(engine: Engine, db: Session, store: str, message: str, today: date, now: datetime, limit: int = 3) -> list[Reply]:
    """An agent's suggested replies to a customer's message, routed as the shopper's turn is: for an
    order question the order desk's reply comes first (asking for the details, or the order's
    status when the message gives its number and email), then the passages the matcher considered.
    Each call is a lookup of its own, so an agent is never throttled by a shopper's failures."""
    replies = engine.suggest(store, message, today, limit, learned=learned_for(db, store))
    desk = order_desk(engine, store)
    if for_the_desk(engine, desk, message, None):
        reply = desk.handle(db, f"agent-{uuid.uuid4().hex}", message, today, None, None, now)
        if reply is not None:
            replies = [reply, *replies][:limit]
    return replies
