"""What a conversation waits for between turns, as types.

A session waits for at most one thing: a policy question for its missing date ("When did it
arrive?"), an order lookup for the number or the email, or — once an order was shown — a follow-up
about that order ("can I return it?"). Each is a frozen dataclass; the session row keeps one JSON
object, whose shape is the one stored since these were dicts (so no row needs migrating), and
reading it back is the one place that tells the three apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.policy.intents import Pending

log = logging.getLogger("faqbot.state")

ORDER_LOOKUP = "order_status"  # the JSON "intent" an order lookup is stored under
ORDER_SHOWN = "order_context"  # ... an order just shown


@dataclass(frozen=True, slots=True)
class OrderLookup:
    """An order lookup waiting for what is still missing: the number, the email, or both."""

    number: str | None = None
    email: str | None = None  # a key (bot.orders.lookup.email_key), never the address itself
    request: str | None = None  # "please cancel DS-3103": carried out once the order is found

    def to_json(self) -> dict:
        return {"intent": ORDER_LOOKUP, "number": self.number, "email": self.email, **({"request": self.request} if self.request else {})}


@dataclass(frozen=True, slots=True)
class OrderShown:
    """An order was just shown: "can I return it?" in the next turn is about that order."""

    number: str
    email: str  # a key, as above

    def to_json(self) -> dict:
        return {"intent": ORDER_SHOWN, "number": self.number, "email": self.email}


Waiting = Pending | OrderLookup | OrderShown


def waiting_to_json(waiting: Waiting | None) -> dict | None:
    return waiting.to_json() if waiting is not None else None


def waiting_from_json(data: object) -> Waiting | None:
    """The state a session row holds. A shape no version wrote (or a policy intent since removed)
    is logged and read as waiting for nothing: a stale row never breaks a shopper's turn."""
    if not data:
        return None
    try:
        if not isinstance(data, dict):
            raise TypeError(type(data).__name__)
        kind = data.get("intent")
        if kind == ORDER_LOOKUP:
            return OrderLookup(data.get("number"), data.get("email"), data.get("request"))
        if kind == ORDER_SHOWN:
            return OrderShown(data["number"], data["email"])
        return Pending.from_json(data)
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("session state not read (%s: %s): the turn starts afresh", type(exc).__name__, exc)
        return None
