"""A date the page states as a span from an event, counted from the shopper's own date.

The calculators (responder.py) answer what the page reader recognised as a rule: a return
window, a delivery time. A page states many more spans than those — a hold order's cancel
window, "ship it back within 7 days after approval", "pre-owned watches: 14 days", "we retry
the card five days later" — and a shopper who gives a date asks for the same arithmetic on
whichever sentence answers the question. So the sentence is chosen by meaning (retrieval's
ranking and the sentence vectors, the same as a quoted answer), the span is read off it, and
the counting is the calendar's. Reading "within 30 days" is a rule that is the truth; which
sentence answers is not a rule, and is left to the models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.text import content_terms
from bot.policy.calendar import BusinessCalendar, spoken
from bot.policy.slots import WORD_NUMBERS, Slots

NUMBER = r"\d{1,3}|" + "|".join(sorted((w for w in WORD_NUMBERS if " " not in w and w not in ("a", "an", "few")), key=len, reverse=True))
SPAN = re.compile(
    rf"\b(?P<low>{NUMBER})(?:\s*(?:-|–|to)\s*(?P<high>{NUMBER}))?\s*(?P<kind>business|working|calendar)?\s*(?P<unit>hours?|days?|weeks?|months?)\b",
    re.I,
)
SPELLED_TWICE = re.compile(r"\b[a-z]+(?:-[a-z]+)?\s*\((\d{1,3})\)", re.I)  # "thirty (30) days"
NOT_A_SPAN_AFTER = re.compile(r"^\s*(ago|old)\b", re.I)  # "2 days ago" is a date, not a span
CLAUSE_END = re.compile(r"[.;:!?]|,\s|\b(?:and|then|but|or)\b", re.I)  # the next clause counts its own span
ROOT_LETTERS = 5
FOLLOWING_WORDS = 8  # what a span counts from is said in the words after it: "of order date", "after approval"


@dataclass(frozen=True, slots=True)
class Span:
    low: int
    high: int
    unit: str  # days | business_days | hours | weeks | months
    words: str  # as the page says it: "30 days"
    after: str  # the words that follow it: what it counts from


@dataclass(frozen=True, slots=True)
class CountedDate:
    sentence: str
    span: Span
    start: date
    start_words: str  # how the shopper said the date: "March 10", "today"
    earliest: date
    latest: date
    today: date | None = None  # set when the date is a deadline: whether it is still open is then said first

    def lead(self) -> str:
        counted = f"{self.span.words} from {self.start_words} ({spoken(self.start)})"
        if self.today is not None and self.today <= self.earliest:
            return f"Yes — until {spoken(self.latest)}: {counted}."
        if self.today is not None and self.today > self.latest:
            return f"Sorry — that ended on {spoken(self.latest)}: {counted}."
        when = spoken(self.latest) if self.earliest == self.latest else f"between {spoken(self.earliest)} and {spoken(self.latest)}"
        return f"Counting {counted}: {when}."


def spans_in(sentence: str) -> list[Span]:
    text = SPELLED_TWICE.sub(r"\1", sentence)
    found = []
    for match in SPAN.finditer(text):
        if NOT_A_SPAN_AFTER.match(text[match.end() :]):
            continue
        low, high = number(match["low"]), number(match["high"] or match["low"])
        if low is None or high is None or high < low or low == 0:
            continue
        unit = match["unit"].lower().rstrip("s") + "s"
        if unit == "days" and (match["kind"] or "").lower() in ("business", "working"):
            unit = "business_days"
        after = " ".join(CLAUSE_END.split(text[match.end() :], maxsplit=1)[0].split()[:FOLLOWING_WORDS])
        found.append(Span(low, high, unit, " ".join(match.group(0).split()), after))
    return found


def stated_after(sentences: tuple[str, ...], counted: str) -> tuple[str, ...]:
    """The sentence after the one counted, when it states a span of its own: what the count does not
    include ("Your bank may take another 3-5 business days to show it") is quoted beside it."""
    at = sentences.index(counted)
    return (sentences[at + 1],) if at + 1 < len(sentences) and spans_in(sentences[at + 1]) else ()


def number(word: str) -> int | None:
    return int(word) if word.isdigit() else WORD_NUMBERS.get(word.lower())


def start_of(slots: Slots) -> tuple[date, str] | None:
    """The shopper's own date, as they named it ("March 10", "today"): the first one they give."""
    if not slots.dates:
        return None
    mention = slots.dates[0]
    return mention.day, mention.text


def best_span(sentence: str, question: str) -> Span | None:
    """One sentence may state two spans ("request within 15 days; ship within 7 days of approval"):
    the one whose following words the question shares most, the first on a tie."""
    spans = spans_in(sentence)
    if len(spans) <= 1:
        return spans[0] if spans else None
    asked = {root(term) for term in content_terms(question)}
    return max(spans, key=lambda s: len(asked & {root(term) for term in content_terms(s.after)}))


def root(term: str) -> str:
    """"approved" and "approval", "delivered" and "delivery": one root, by their first letters."""
    return term[:ROOT_LETTERS]


def count_from_sentence(
    sentences: list[tuple[str, float]], question: str, slots: Slots, calendar: BusinessCalendar, deadline_on: date | None = None
) -> CountedDate | None:
    """`sentences`: candidate answering sentences, each with how close it is to the question (in any
    order). The closest one stating a span is counted from the date the shopper gave (`slots`).
    `deadline_on`: today, when the date counted is a deadline (to return, to report): the reply then
    says first whether it is still open, as the calculators' return window does."""
    start = start_of(slots)
    if start is None:
        return None
    stating = [(s, score) for s, score in sentences if spans_in(s)]
    if not stating:
        return None
    sentence, _ = max(stating, key=lambda pair: pair[1])
    span = best_span(sentence, question)
    if span is None:
        return None
    day, words = start
    return CountedDate(sentence, span, day, words, calendar.add(day, span.low, span.unit), calendar.add(day, span.high, span.unit), deadline_on)
