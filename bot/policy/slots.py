"""What a shopper's words say about their case: dates (and what happened on
them), item kinds, refund type, country, US state, payment method, order state.

Dates are found by pattern and resolved by dateparser against `today`,
preferring the past (a shopper tells when something happened). What happened
on a date is read from the words just before it ("got it on March 3" is a
delivery, "ordered it March 3" a purchase); a date with no such words is kept
as `unmarked` and the calculator says how it read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

from bot.policy.lexicon import (
    AMBIGUOUS_CODES,
    ITEM_KIND_PATTERNS,
    PAYMENT_PATTERNS,
    US_STATES,
    country_code,
    country_names,
)

MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
# Spaces as \s+: the patterns it goes into are verbose, where a bare space matches nothing.
NUMBER_WORD = r"(?:\d+|a\s+couple(?:\s+of)?|a\s+few|few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# Days shoppers name instead of dates: "it arrived on Thanksgiving", "a Christmas present".
HOLIDAY_DAYS = {
    "thanksgiving": lambda year: thanksgiving(year),
    "black friday": lambda year: thanksgiving(year) + timedelta(days=1),
    "cyber monday": lambda year: thanksgiving(year) + timedelta(days=4),
    "christmas eve": lambda year: date(year, 12, 24),
    "christmas": lambda year: date(year, 12, 25),
    "boxing day": lambda year: date(year, 12, 26),
    "new year's eve": lambda year: date(year, 12, 31),
    "new year's day": lambda year: date(year, 1, 1),
    "halloween": lambda year: date(year, 10, 31),
    "valentine's day": lambda year: date(year, 2, 14),
}
HOLIDAY = r"(?:thanksgiving|black\s+friday|cyber\s+monday|christmas\s+eve|christmas|xmas|boxing\s+day|new\s+year'?s\s+(?:eve|day)|halloween|valentine'?s\s+day)(?:\s+day)?"


def thanksgiving(year: int) -> date:
    november_first = date(year, 11, 1)
    return november_first + timedelta(days=(3 - november_first.weekday()) % 7 + 21)  # the fourth Thursday


def holiday_date(text: str, today: date) -> date | None:
    """The named day this year, if it has come; one still ahead ("on Christmas", said on December 1)
    is not guessed to be last year's — the shopper is asked for the date."""
    name = re.sub(r"^(on|at|over|since)\s+(the\s+)?", "", text.strip().lower().replace("’", "'"))
    name = re.sub(r"\s+", " ", name).replace("xmas", "christmas").replace("new years", "new year's").replace("valentines", "valentine's")
    day_of = HOLIDAY_DAYS.get(name) or HOLIDAY_DAYS.get(re.sub(r"\s+day$", "", name))
    if day_of is None:
        return None
    this_year = day_of(today.year)
    return this_year if this_year <= today else None


# "Wednesday, November 25" is one date, the one written out: the weekday alone would read as the last
# such day before today (a week back when it is today), and be taken first.
WEEKDAY_BEFORE = (
    rf"(?:(?:on|last|this|past|this\s+past)\s+)?{WEEKDAY},?\s+"
    rf"(?:the\s+(?={ORDINAL}\s+(?:of\s+)?{MONTH}))?"  # "Monday, the 16th of November"
    rf"(?=the\s+\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL}\s+(?:of\s+)?{MONTH}|\d{{1,2}}/\d|\d{{4}}-\d|{MONTH}\s*\d)"  # "Friday the 20th", "Friday Nov 20", "Tuesday, 11/24"
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_AHEAD_DAYS = 14  # a weekday with a date names an upcoming day this near ("this Sunday, May 31"), not one a year off
DATE_SPAN = re.compile(
    rf"""(?<![\w/-])(?:{WEEKDAY_BEFORE})?(?:
        \d{{4}}-\d{{1,2}}-\d{{1,2}}
      | \d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?
      | {MONTH}\s+{ORDINAL}(?:,?\s+\d{{4}})?
      | {ORDINAL}\s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}})?
      | the\s+(?P<day_only>\d{{1,2}})(?:st|nd|rd|th)(?!\s+(?:of\s+)?{MONTH})
      | (?:the\s+day\s+before\s+)?yesterday | today | this\s+(?:morning|afternoon|evening) | tonight
      | (?:last|this|past|on)\s+{WEEKDAY} | {WEEKDAY}
      | {NUMBER_WORD}\s+(?:days?|weeks?|months?)\s+(?:ago|since|after\s+(?:it|they|i|we)\b)
      | last\s+(?:week|month)
      | (?:on|at|over|since)\s+(?:the\s+)?{HOLIDAY}(?!\s+(?:present|gift|sale|order|party|card|shopping|week|weekend|season|deal))
    )(?![\w/])""",
    re.I | re.X,
)
# Phrases that are not dates although they look like one.
NOT_A_DATE = re.compile(r"^(may|sun|sat|wed|mar)$", re.I)

# What happened on a date, by the words in front of it. Longer phrases first: "received my return" is not a delivery.
DATE_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.I))
    for role, pattern in (
        ("return_received", r"(you|they|warehouse|store) (got|received|have) (it|(my|the) (return\w*( \w+)?|package|parcel))( back)?|return (was |got )?(received|arrived|delivered)|received my return|got my return|(arrived|got|came) (back )?to (you|your warehouse|the warehouse)|(my |the )?return (reached|got to|arrived at) (you|your \w+|the \w+)"),
        ("return_approved", r"approv(ed|al)|accepted|authori[sz]ed|(return|it|refund) (was |got |has been )?processed"),
        ("return_requested", r"request(ed|ing)?( a| my| the)? return|(initiated|started|submitted|opened)( a| my| the)? return|return request"),
        ("refund_issued", r"refund(ed)? (was |got )?(processed|issued|sent)|processed my (return|refund)|issued (my|the|a) refund|refunded me"),
        ("return_shipped", r"(sent|shipped|mailed|posted|dropped|returned)( (it|them|the \w+|my \w+|the package|my return))? (back|off)|(mailed|sent|shipped|posted|returned|dropped off) (my|the) (return|package|parcel|items?)|returned (it|them|the \w+)|sent (my|the) return|drop(ped)? (it|them) off|return shipped|shipped (it|them|my return) back"),
        ("order_shipped", r"shipped|dispatched|was sent|sent out|left (the|your) warehouse|(got|received) (the |a )?(shipping|tracking)"),
        ("delivered", r"(receiv(ed|e)|recieved|got|picked up) (my|the|our|this|that|your) (\w+ )?(order|package|parcel|item|delivery|jewelry|piece)|receiv(ed|e)|got|arrived|deliver(ed|y)|came|showed up|turned up|landed|in the mail|(it|they|package|parcel|order) (came|arrived)"),
        # "my order" names the thing, not its placing: "they delivered my order on March 3" is a delivery.
        ("order_placed", r"ordered|(?<!\bmy\s)(?<!\bthe\s)(?<!\byour\s)(?<!\bour\s)(?<!\bthis\s)\border\b|bought|buy|purchas(ed|e)|placed|paid|checkout|checked out"),
    )
)
REFUND_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("store_credit", re.compile(r"store credit|merchandise credit|(as|for|in) credit|credit (instead|back)", re.I)),
    ("exchange", re.compile(r"exchang\w*|swap\w*|(a |for a )?different (size|colou?r|one|item)|trade (it )?in", re.I)),
    ("cash", re.compile(r"cash|money back|(to|on) my (card|credit card|account|paypal)|original (payment|form of payment)|full refund|refund (to|on) (my )?(card|paypal|original)|(for|get|want|need) (a )?refund\b", re.I)),
)
ORDER_STATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("backordered", re.compile(r"back ?-?order(ed)?", re.I)),
    ("processing", re.compile(r"(has ?n[o']t|not|hasn't|has not|did ?n[o']t|didn't|not yet) (been )?(ship|sent|dispatch|process)\w*|(yet )?to ship|still processing|just (placed|ordered|bought|paid)|(minutes?|an hour|hours?) ago|few minutes|right after (ordering|placing)", re.I)),
    ("delivered", re.compile(r"(was|been|got|already) delivered|(it|order|package) (arrived|came)|received (it|my order)", re.I)),
    ("shipped", re.compile(r"(already|has|have|was|been|it's|it is|its) (been )?(shipped|sent|dispatched|on (its|the) way|in transit)|on (its|the) way|in transit|tracking (number|link)", re.I)),
)
WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "twenty-one": 21, "thirty": 30, "forty-five": 45, "sixty": 60, "ninety": 90, "a couple": 2, "a couple of": 2, "a few": 3, "few": 3}
METHODS = re.compile(r"\b(express|expedited|priority|overnight|next[- ]day|two[- ]day|2[- ]day|standard|regular|economy|ground|free shipping)\b", re.I)
METHOD_NAMES = {
    "expedited": "express", "priority": "express", "overnight": "express", "next-day": "express", "next day": "express",
    "two-day": "express", "two day": "express", "2-day": "express", "2 day": "express",
    "regular": "standard", "economy": "standard", "ground": "standard", "free shipping": "standard",
}


@dataclass(frozen=True, slots=True)
class DateMention:
    day: date
    role: str  # an Event name, or "unmarked"
    text: str


@dataclass(frozen=True, slots=True)
class Slots:
    dates: tuple[DateMention, ...] = ()
    kinds: frozenset[str] = frozenset()
    refund: str | None = None
    country: str | None = None
    state: str | None = None
    payments: tuple[str, ...] = ()
    order_state: str | None = None
    method: str | None = None
    future_dates: tuple[str, ...] = field(default=())  # dates that resolved after today: a mistake to point out

    def date_for(self, *roles: str) -> DateMention | None:
        for role in roles:
            for mention in self.dates:
                if mention.role == role:
                    return mention
        return None

    def merged(self, newer: Slots) -> Slots:
        """The slots of a follow-up turn on top of what the session already knew."""
        return replace(
            self,
            dates=newer.dates + tuple(d for d in self.dates if d.role not in {n.role for n in newer.dates}),
            kinds=self.kinds | newer.kinds,
            refund=newer.refund or self.refund,
            country=newer.country or self.country,
            state=newer.state or self.state,
            payments=newer.payments or self.payments,
            order_state=newer.order_state or self.order_state,
            method=newer.method or self.method,
            future_dates=newer.future_dates,
        )

    def to_json(self) -> dict:
        return {
            "dates": [{"day": d.day.isoformat(), "role": d.role, "text": d.text} for d in self.dates],
            "kinds": sorted(self.kinds),
            "refund": self.refund,
            "country": self.country,
            "state": self.state,
            "payments": list(self.payments),
            "order_state": self.order_state,
            "method": self.method,
        }

    @classmethod
    def from_json(cls, data: dict) -> Slots:
        dates = tuple(DateMention(date.fromisoformat(d["day"]), d["role"], d["text"]) for d in data.get("dates", []))
        values = {k: data.get(k) for k in ("refund", "country", "state", "order_state", "method")}
        return cls(dates=dates, kinds=frozenset(data.get("kinds", [])), payments=tuple(data.get("payments", [])), **values)


@lru_cache(maxsize=1)
def warm_dateparser() -> None:
    """dateparser loads its language data on first use (~90 ms): pay that at start-up, not in a reply."""
    dateparser.parse("March 3", languages=["en"])
    dateparser.parse("yesterday", languages=["en"], settings={"RELATIVE_BASE": datetime(2026, 1, 2)})


def resolve_date(text: str, today: date) -> date | None:
    if re.search(HOLIDAY, text, re.I):
        return holiday_date(text, today)
    text = text.strip()
    named = re.match(WEEKDAY_BEFORE, text, re.I)
    span = re.sub(r"^(on|this)\s+", "", text[named.end() :] if named else text, flags=re.I)
    span = re.sub(r"^past\s+", "last ", span, flags=re.I)  # "this past Monday"
    day_only = re.fullmatch(r"the\s+(\d{1,2})(?:st|nd|rd|th)", span, re.I)
    if day_only:
        return most_recent_day_of_month(int(day_only.group(1)), today)
    if re.fullmatch(r"this\s+(morning|afternoon|evening)|tonight|today", text, re.I):  # the parts of today
        return today
    # "3 weeks after it was delivered", asked today, means it was delivered 3 weeks ago.
    ago = re.fullmatch(rf"({NUMBER_WORD})\s+(days?|weeks?|months?)\s+(ago|since|after\s+(?:it|they|i|we))", span, re.I)
    if ago:
        count = ago.group(1) if ago.group(1).isdigit() else WORD_NUMBERS[" ".join(ago.group(1).lower().split())]
        span = f"{count} {ago.group(2)} ago"
    warm_dateparser()
    base = datetime(today.year, today.month, today.day, 12, 0)
    parsed = dateparser.parse(
        span,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "DATE_ORDER": "MDY", "PREFER_DAY_OF_MONTH": "first"},
    )
    if parsed is None:
        return None
    day = parsed.date()
    weekday = re.search(WEEKDAY, named.group(0), re.I).group(0)[:3].lower() if named else None
    if weekday is not None and day.year == today.year - 1 and not re.search(r"\d{4}|\d{1,2}/\d{1,2}/\d{2}", span):
        # A date read as last year's (it is later in the year than today) with a weekday that names
        # this year's, a few days ahead: "Sunday, May 31" said on May 29, 2026 is this Sunday (set
        # aside as ahead). Nothing else moves: a written year stands, and a weekday one day off
        # ("Monday, Nov 24" when the 24th is a Tuesday) is a slip, not another year.
        try:
            ahead = day.replace(year=today.year)
        except ValueError:
            ahead = None
        if ahead is not None and WEEKDAYS[ahead.weekday()] == weekday and (ahead - today).days <= WEEKDAY_AHEAD_DAYS:
            return ahead
    return day


def most_recent_day_of_month(day: int, today: date) -> date | None:
    """'on the 3rd' is the latest 3rd on or before today (skipping months without a 31st)."""
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
            if candidate <= today:
                return candidate
        except ValueError:
            pass
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return None


def role_of(message: str, start: int, end: int, previous_end: int) -> str:
    """The event a date belongs to: the cue ending nearest before it in its clause
    (on a tie the more specific role, listed first, wins), else the first cue just after."""
    before = message[previous_end:start]
    before = re.split(r"[.;!?]|\bbut\b|\band\b(?= (?:i|it|you|they|my)\b)", before)[-1]
    best: tuple[int, int, str] | None = None
    for rank, (role, pattern) in enumerate(DATE_ROLES):
        for match in pattern.finditer(before):
            key = (match.end(), -rank, role)
            if best is None or key > best:
                best = key
    if best is not None:
        return best[2]
    after = re.split(r"[.;!?,]", message[end:])[0][:60]
    for role, pattern in DATE_ROLES:
        if pattern.search(after):
            return role
    return "unmarked"


NEGATION = re.compile(
    r"(?:\b(?:no|not|without|never|isn'?t|wasn'?t|non|haven'?t|hasn'?t|hadn'?t|didn'?t|don'?t|doesn'?t|aren'?t|weren'?t)\b|\bnon-|\bun)"
    r"[\s-]*(?:\w+[\s-]+)?$",
    re.I,
)


def negated(message: str, start: int) -> bool:
    """'no engraving', 'not personalized', 'non-sale', "haven't opened it"... is not that kind."""
    return bool(NEGATION.search(message[max(0, start - 24) : start]))


def find_dates(message: str, today: date) -> tuple[tuple[DateMention, ...], tuple[str, ...]]:
    mentions: list[DateMention] = []
    future: list[str] = []
    previous_end = 0
    for match in DATE_SPAN.finditer(message):
        text = match.group(0)
        if NOT_A_DATE.match(text):
            continue
        day = resolve_date(text, today)
        if day is None:
            continue
        if day > today:
            future.append(text)
            continue
        mentions.append(DateMention(day, role_of(message, match.start(), match.end(), previous_end), text))
        previous_end = match.end()
    return tuple(mentions), tuple(future)


def find_country(message: str) -> str | None:
    names = country_names()
    tokens = re.findall(r"[A-Za-z][A-Za-z.'-]*", message)
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            phrase = " ".join(tokens[i : i + size])
            lowered = phrase.lower().rstrip(".")
            if size == 1 and len(lowered) <= 3:
                # Codes only in capitals ("UK", "AU"), never the ones that are also words, and of three
                # letters only USA and UAE: shoppers' other capitals are acronyms (VAT, DHL, UPS), not ISO codes.
                if phrase.isupper() and lowered not in AMBIGUOUS_CODES | {"i", "a"} and (len(lowered) < 3 or lowered in ("usa", "uae")):
                    code = country_code(phrase) or names.get(lowered)
                    if code:
                        return code
                elif lowered in ("uk", "usa", "uae", "oz"):
                    return names[lowered]
                continue
            if lowered in names:
                return names[lowered]
            if lowered.startswith("the ") and lowered[4:] in names:
                return names[lowered[4:]]
    return None


STATE_NAMES = {name.lower(): code for code, name in US_STATES.items()} | {"washington dc": "DC", "washington d.c.": "DC", "d.c.": "DC", "dc": "DC", "washington state": "WA", "cali": "CA", "jersey": "NJ"}
STATE_CODE_WORDS = {"IN", "OR", "ME", "OK", "HI", "AS", "ID", "OH", "PA", "LA", "MA", "AL", "DE", "CO", "GA", "MO", "MD", "MN", "MS", "MT", "NE"}


def find_state(message: str) -> str | None:
    lowered = message.lower()
    for name in sorted(STATE_NAMES, key=len, reverse=True):
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", lowered):
            return STATE_NAMES[name]
    for code in re.findall(r"\b[A-Z]{2}\b", message):
        if code in US_STATES and (code not in STATE_CODE_WORDS or re.search(rf"\b(in|to|for|from)\s+{code}\b", message)):
            return code
    return None


def first_match(table, message: str) -> str | None:
    items = table.items() if isinstance(table, dict) else table
    for name, pattern in items:
        if pattern.search(message):
            return name
    return None


def find_payments(message: str) -> tuple[str, ...]:
    """Every method named, in the order written; 'Visa credit card' is Visa, not also a credit card."""
    found = sorted(
        ((m.start(), name) for name, pattern in PAYMENT_PATTERNS.items() for m in [pattern.search(message)] if m),
    )
    names = [name for _, name in found]
    specific = [n for n in names if n not in ("Credit card", "Debit card")]
    return tuple(specific or names)


def method_named(word: str) -> str:
    """"Priority", "2-day", "ground": the shipping method a calculator knows (standard or express)."""
    word = re.sub(r"\s+", " ", word.lower())
    return METHOD_NAMES.get(word, word)


def find_method(message: str) -> str | None:
    match = METHODS.search(message)
    return method_named(match.group(1)) if match else None


# "If I pick express, when would it arrive?": an order not placed yet, so placed today.
HYPOTHETICAL_ORDER = re.compile(
    r"\bif\s+(i|we)\s+(order|pick|choose|select|place\s+(an\s+|my\s+)?order|go\s+with)\b|\b(i|we)\s+were\s+to\s+order\b|\bordering\s+(now|today)\b",
    re.I,
)


def extract_slots(message: str, today: date) -> Slots:
    dates, future = find_dates(message, today)
    hypothetical = HYPOTHETICAL_ORDER.search(message)
    if hypothetical and not dates:
        dates = (DateMention(today, "order_placed", hypothetical.group(0)),)
    kinds = frozenset(kind for kind, pattern in ITEM_KIND_PATTERNS.items() if any(not negated(message, m.start()) for m in pattern.finditer(message)))
    return Slots(
        dates=dates,
        kinds=kinds,
        refund=first_match(REFUND_TYPES, message),
        country=find_country(message),
        state=find_state(message),
        payments=find_payments(message),
        order_state=first_match(ORDER_STATES, message),
        method=find_method(message),
        future_dates=future,
    )

