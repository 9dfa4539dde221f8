"""Finding an order for a shopper: only with its number *and* the email it was placed with.

Every failure looks the same from outside (no hint which part was wrong), the
email is compared in constant time, and lookups stop after too many failures
in one session or from one client address, so order numbers cannot be mined.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bot.db import LookupAttempt, Order, utcnow
from bot.orders.records import normalized_email, number_key
from bot.privacy import masked_email

log = logging.getLogger("faqbot.orders")

# "#1234", "order 1234", "order no. 1234", "order number: DS-1234", "number is 1001", "DS-1234", "ds 2002", "SS1003"
# Words that may stand between "order" and a number without being its prefix: "my order from 2026-11-20".
NOT_A_PREFIX = r"(?!(?:from|on|in|at|for|of|is|was|the|and|to|by|since|dated|last|back|with|over)\b)"
NUMBER_AFTER_WORD = re.compile(
    r"(?:#|\border\s*(?:number|no\.?|num|nr|id)?\s*(?:is|was|:|#)?|\b(?:number|no\.)\s*(?:is|was|:)?)\s*"
    rf"((?-i:[A-Z]{{1,4}})-\d{{1,12}}|{NOT_A_PREFIX}[A-Za-z]{{0,4}}\s?\d{{3,12}})\b(?![-/.]\d)",  # "MY-7" in capitals; not "size-6"
    re.I,
)
PREFIXED_NUMBER = re.compile(r"\b([A-Za-z]{1,4}-?\d{3,12})\b")
SPACED_PREFIX = re.compile(r"\b(?!(?:is|it|no|to|at|on|in|my|of|or|an|as|by|was|the|and|for|its)\s)([A-Za-z]{2,3}\s\d{3,12})\b", re.I)
BARE_NUMBER = re.compile(r"(?<![\w/.-])(\d{3,12})(?![\w/.-])")
# "I paid 250 for it", "$250", "250 dollars": an amount, not the order number asked for.
MONEY = re.compile(r"([$€£]|\b(paid|pay|spent|cost|costs|price|total|worth|for)\s+)$|^\s*(dollars|usd|eur|euros?|gbp|pounds|bucks|%)", re.I)
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
DUMMY_EMAIL = b"nobody@invalid.invalid"


def find_order_number(message: str, expecting: bool = False) -> str | None:
    """A bare number counts only when the bot has just asked for the order number."""
    without_emails = EMAIL_IN_TEXT.sub(" ", message)
    for pattern in (NUMBER_AFTER_WORD, PREFIXED_NUMBER) + ((SPACED_PREFIX, BARE_NUMBER) if expecting else ()):
        for match in pattern.finditer(without_emails):
            if pattern is BARE_NUMBER and (
                re.fullmatch(r"(19|20)\d\d", match.group(1))  # a bare "2026" is a year
                or MONEY.search(without_emails[max(0, match.start() - 8) : match.start()])
                or MONEY.search(without_emails[match.end() : match.end() + 9])
            ):
                continue
            return match.group(1)
    return None


def find_email(message: str, ignore: frozenset[str] = frozenset()) -> str | None:
    """The shopper's address: "bea @ example.com" counts; the store's own addresses (`ignore`), which
    a shopper quotes ("I emailed support@…"), do not."""
    tidied = re.sub(r"(?<=\w)\s+@\s+(?=\w)", "@", message)  # "bea @ example.com"; not "on insta @sessori.jewelry"
    for match in EMAIL_IN_TEXT.finditer(tidied):
        email = normalized_email(match.group(0))
        if email not in ignore:
            return email
    return None


@dataclass(frozen=True, slots=True)
class LookupLimits:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


def failures(db: Session, store: str, session_id: str, client: str | None, limits: LookupLimits, now: datetime) -> int:
    """The larger of this session's failed lookups and this client address's within the window."""
    in_session = db.scalar(
        select(func.count()).select_from(LookupAttempt).where(LookupAttempt.session_id == session_id, LookupAttempt.succeeded.is_(False))
    )
    from_client = 0
    if client:
        from_client = db.scalar(
            select(func.count())
            .select_from(LookupAttempt)
            .where(
                LookupAttempt.store == store,
                LookupAttempt.client == client,
                LookupAttempt.succeeded.is_(False),
                LookupAttempt.created_at >= now - limits.window,
            )
        )
    return max(in_session or 0, from_client or 0)


def forgive_failures(db: Session, store: str, client: str | None = None) -> int:
    """Lift a lockout: the store's failed lookups (or one client address's) no longer count. For an
    operator whose own tries locked a demo or a support desk out (every shopper on one address looks
    alike to the per-client count). Returns how many were cleared."""
    condition = (LookupAttempt.store == store) & LookupAttempt.succeeded.is_(False)
    if client:
        condition = condition & (LookupAttempt.client == client)
    return db.execute(delete(LookupAttempt).where(condition)).rowcount or 0


def candidates(db: Session, store: str, number: str) -> list[Order]:
    """'1234' also finds 'DS-1234': shoppers drop a store's letter prefix; the email still has to match."""
    key = number_key(number)
    condition = Order.number_key == key
    if key.isdigit():
        condition = or_(condition, Order.number_key.like(f"%{key}"))
    found = db.scalars(select(Order).where(Order.store == store, condition)).all()
    return [o for o in found if o.number_key == key or (key.isdigit() and o.number_key[: -len(key)].isalpha())]


EMAIL_KEY = "sha256:"


def email_key(email: str) -> str:
    """How a conversation keeps the shopper's email between turns (its waiting state is stored with
    the session): a digest the next turn's lookup compares, never the address. A key passes as is."""
    if email.startswith(EMAIL_KEY):
        return email
    return EMAIL_KEY + hashlib.sha256(f"faqbot-order-email:{normalized_email(email)}".encode()).hexdigest()


def order_with(db: Session, store: str, number: str, email: str) -> Order | None:
    """The store's order with this number *and* this email (an address, or its `email_key`). Every
    candidate is compared in constant time, and a dummy when there is none, so timing does not tell
    which part was wrong."""
    wanted = email_key(email).encode()
    match = None
    for order in candidates(db, store, number) or [None]:
        stored = email_key(order.email if order is not None else DUMMY_EMAIL.decode()).encode()
        if hmac.compare_digest(stored, wanted) and order is not None and match is None:
            match = order
    return match


def lookup_order(db: Session, store: str, number: str, email: str, session_id: str, client: str | None, now: datetime | None = None) -> Order | None:
    """A shopper's lookup: found or not, it is recorded, since failures are what the limits count."""
    match = order_with(db, store, number, email)
    db.add(LookupAttempt(store=store, session_id=session_id, client=client, succeeded=match is not None, created_at=now or utcnow()))
    shown = "(given earlier)" if email.startswith(EMAIL_KEY) else masked_email(email)
    log.info("order lookup store=%s number=%s email=%s found=%s", store, number_key(number), shown, match is not None)
    return match


def lookup_limits(max_failures: int, window_minutes: int) -> LookupLimits:
    return LookupLimits(max_failures, timedelta(minutes=window_minutes))
