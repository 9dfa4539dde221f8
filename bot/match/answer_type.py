"""What kind of fact a question asks for, and whether a passage states one.

"How much does shipping cost?" needs an amount, "how long does shipping
take to Canada?" a duration and "what payment methods do you accept?" a
method named. A passage about shipping that states neither
does not answer, however close its words are: the page is silent on that, and
the shopper is better served by a person than by the shipping countries.
"""

from __future__ import annotations

import re
from enum import Enum

from bot.policy.lexicon import PAYMENT_METHODS


class AnswerType(str, Enum):
    amount = "amount"
    duration = "duration"
    payment_method = "payment method"


ASKS = (
    (AnswerType.duration, re.compile(r"\bhow (long|soon|fast|quickly|quick)\b|\bhow many (business |working )?(days|weeks|hours|months)\b", re.I)),
    (
        AnswerType.amount,
        re.compile(
            r"\bhow much\b(?! (time|longer))|\bwhat(?:'s| is| are| does| do)\b.{0,30}\b(cost|price|fee|rate|charge)s?\b"
            # terse: "shipping cost?", "return fee", "price of shipping"
            r"|^\W*(\w+\s+){0,3}(cost|costs|price|prices|fee|fees|rates?)\W*$|\b(cost|price|fee)\s+(of|for)\s+(shipping|delivery|returns?|express)\b",
            re.I,
        ),
    ),
    (
        AnswerType.payment_method,
        re.compile(
            r"\b(payment|paying)\s+(methods?|options?|types?)\b|\bforms?\s+of\s+payment\b|\bways?\s+(to|i\s+can)\s+pay\b"
            r"|\bhow\s+(can|do)\s+i\s+pay\b|\bwhat\s+cards\s+(do\s+you|are)\b",
            re.I,
        ),
    ),
)
STATES = {
    AnswerType.duration: re.compile(
        r"\b\d+\s*(?:-|–|to)?\s*\d*\s*(?:business |working |calendar )?(?:day|week|hour|month|year)s?\b|\d+-day|"
        r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|fourteen|thirty)\s+(?:business |working )?(?:day|week|hour|month|year)s?\b|"
        r"\bwithin\b|\bsoon after\b|\bimmediately\b|\bsame day\b|\bseveral days\b|24/7|\buntil\b",
        re.I,
    ),
    AnswerType.amount: re.compile(
        r"[$£€¥]\s?\d|\d+\s?%|\d+\s?(percent|dollars?|usd|eur|gbp|cents)\b|\bfree\b|\bno (additional |extra )?(cost|charge)\b|"
        r"\bat no cost\b|\bnon-?refundable\b|\bcomplimentary\b",
        re.I,
    ),
    AnswerType.payment_method: re.compile(
        "|".join(f"(?:\\b(?:{pattern})\\b)" for name, pattern in PAYMENT_METHODS.items() if name not in ("Store credit", "Credit card", "Debit card"))
        # "all major credit cards", but not "your credit card company" in a refund passage
        + r"|\b(credit|debit)\s?cards?\b(?!\s+(company|companies|issuer|statement|provider))|\bpay(ment)?\s+(by|with|via|using)\b",
        re.I,
    ),
}


def asked_for(question: str) -> AnswerType | None:
    return next((kind for kind, pattern in ASKS if pattern.search(question)), None)


def states(answer: str, kind: AnswerType) -> bool:
    return bool(STATES[kind].search(answer))
