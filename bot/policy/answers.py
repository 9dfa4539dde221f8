"""How a computed answer is said: its type, and the words for events, refunds, item kinds and ranges
that every calculator's reply (and the order desk's) uses alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.policy.calculators import WindowOutcome
from bot.policy.calendar import short
from bot.policy.intents import Pending
from bot.policy.model import Fact

KIND_WORDS = {
    "sale": "sale items", "final_sale": "final-sale items", "markdown": "marked-down items", "gift_card": "gift cards",
    "custom": "custom pieces", "special_order": "special orders", "personalized": "personalized items",
    "engraved": "engraved items", "photo": "photo items", "design_your_own": "design-your-own pieces",
    "custom_size": "custom-size rings", "worn": "worn or used items", "opened": "opened items", "no_tag": "items without their tag",
    "replacement": "replacement items", "display": "display items", "business_supplies": "business supplies",
    "style_for_a_steal": "Style For a Steal items", "skincare": "skincare", "gift": "gifts",
}
REFUND_WORDS = {"cash": "a refund to your original payment", "store_credit": "store credit", "exchange": "an exchange"}
EVENT_WORDS = {
    "order_placed": "you placed the order", "order_shipped": "your order shipped", "delivered": "it was delivered",
    "return_shipped": "you sent the return", "return_received": "the store received your return",
    "return_approved": "your return was approved", "refund_issued": "your refund was issued", "refund_posted": "the refund posts",
}
EVENT_QUESTIONS = {
    "delivery": "When did your order arrive?",
    "purchase": "When did you place the order?",
    "order_placed": "When did you place your order?",
    "order_shipped": "When did your order ship?",
    "return_shipped": "When did you send the return back?",
    "return_received": "When did the store receive your return?",
    "return_approved": "When was your return approved?",
    "refund_issued": "When was your refund issued?",
}
STATE_WORDS = {"placed": "just placed", "processing": "not shipped yet", "backordered": "on back order", "shipped": "already shipped", "delivered": "delivered"}

# What each stage's end is, said of its subject: "Your order ships 1-2 business days after you placed the
# order, then arrives 3-5 business days after that."
STAGE_ENDS = {
    "order_shipped": "ships", "delivered": "arrives", "return_received": "reaches the store", "return_approved": "is approved",
    "refund_issued": "is issued", "refund_posted": "reaches your original payment",
}



@dataclass(frozen=True, slots=True)
class PolicyAnswer:
    lead: str
    details: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    ask: str | None = None
    pending: Pending | None = None
    reason: str = ""
    suggestions: tuple[str, ...] = field(default=())


def refund_words(refunds: Iterable[str]) -> str:
    """"a refund to your original payment or store credit": refund types as a reply says them, each once."""
    return " or ".join(dict.fromkeys(REFUND_WORDS[r] for r in refunds))


def counted_span(outcome: WindowOutcome) -> str:
    """"30 days after delivery on Nov 3": how a deadline was worked out, as each return reply says it."""
    return f"{outcome.fact.days} days after {'delivery' if outcome.fact.counted_from == 'delivery' else 'purchase'} on {short(outcome.start)}"


def number_range(low: float, high: float) -> str:
    fmt = lambda v: str(int(v)) if float(v).is_integer() else str(v)  # noqa: E731
    return fmt(low) if low == high else f"{fmt(low)}-{fmt(high)}"


def unit_words(unit: str) -> str:
    return {"business_days": "business days", "days": "days", "hours": "hours"}[unit]


def method_words(method: str, brands: list[str]) -> str:
    """"Credit card" reads as "credit cards (Visa, Mastercard …)" when the page names the brands."""
    if method in ("Credit card", "Debit card"):
        plural = method.lower() + "s"
        return f"{plural} ({join_words(brands)})" if brands else plural
    return method


def join_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
