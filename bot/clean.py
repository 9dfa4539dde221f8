"""What text and dates from outside must be before anything reads or stores them.

JSON can carry what no store can keep and no tokenizer can read: a NUL character (PostgreSQL
refuses it in text columns) and half of a UTF-16 surrogate pair ("\\ud800", which is not a
character). A date far from now overflows the business-day calendar's arithmetic. Every field a
shopper, an agent or a store's system sends is one of these types, so bad input is a 422 naming the
field, never a 500 halfway through a write.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

UNREADABLE = re.compile(r"[\x00\ud800-\udfff]")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # "today" and an order's dates: a sane range, not the calendar's limits


def readable(value: str) -> str:
    found = UNREADABLE.search(value)
    if found is None:
        return value
    what = "a NUL character" if found.group() == "\x00" else "half of a surrogate pair (not a character)"
    raise ValueError(f"contains {what} at position {found.start()}")


ISO_DATE = re.compile(r"\s*\d{4}-\d\d-\d\d")


def iso_date(value: object) -> object:
    """A date from outside is ISO text (YYYY-MM-DD, maybe a time after it): pydantic alone also reads
    Unix seconds, so 0 was 1970-01-01 and 1700006400 (a number or its digits) a day in 2023.
    Dates the code made itself (date, datetime) pass."""
    if isinstance(value, int | float) and not isinstance(value, bool) or isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("write a date as YYYY-MM-DD")
    return value


def plausible_day(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be a date between {FIRST_DAY} and {LAST_DAY}")
    return value


def readable_text(value: str) -> str:
    """Text from a source that cannot be refused field by field (a mail: the sender is not waiting
    for a 422): NUL dropped, half a surrogate pair (how Python's mail parser keeps bytes it could
    not decode) replaced by U+FFFD, so storing it never fails."""
    return UNREADABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


Text = Annotated[str, AfterValidator(readable)]
Day = Annotated[date, BeforeValidator(iso_date), AfterValidator(plausible_day)]
# An order's dates: a bare date is a day (noon, store time), so date before datetime. A date-time near year 1
# moved to UTC from east of it left the calendar (OverflowError): the same sane range as Day.
Moment = Annotated[date | datetime, BeforeValidator(iso_date), AfterValidator(plausible_day)]
