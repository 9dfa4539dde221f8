"""An order as it comes in (CSV row group, Shopify export, push API), validated before it is stored.

One shape for every way in, so the rules (status words, ISO dates, a real
country, an email that looks like one) are written once.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.clean import Moment, Text
from bot.policy.lexicon import country_code

OrderStatus = Literal["processing", "backordered", "shipped", "delivered", "cancelled"]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def number_key(order_number: str) -> str:
    """'#1001', 'order 1001', 'ds-1234 ' -> '1001', 'DS1234': letters and digits only, upper case."""
    return re.sub(r"[^A-Za-z0-9]", "", order_number).upper()


def normalized_email(email: str) -> str:
    return email.strip().lower()


class LineItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Text | None = Field(default=None, max_length=128)
    title: Text = Field(min_length=1, max_length=300)
    quantity: int = Field(default=1, ge=1, le=1_000_000)
    final_sale: bool = False
    personalized: bool = False


class OrderRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    order_number: Text = Field(min_length=1, max_length=64)
    email: Text = Field(max_length=320)
    status: OrderStatus
    # date before datetime: "2026-11-18" is a day (noon, store time), not midnight UTC.
    placed_at: Moment | None = None
    shipped_at: Moment | None = None
    delivered_at: Moment | None = None
    carrier: Text | None = Field(default=None, max_length=64)  # the column sizes (bot/db.py): longer is a 422, not a 500
    tracking_number: Text | None = Field(default=None, max_length=128)
    destination_country: Text | None = None
    destination_region: Text | None = Field(default=None, max_length=64)
    items: list[LineItem] = Field(default_factory=list)

    @field_validator("order_number")
    @classmethod
    def has_letters_or_digits(cls, value: str) -> str:
        if not number_key(value):
            raise ValueError("an order number needs letters or digits")
        return value

    @field_validator("email")
    @classmethod
    def looks_like_email(cls, value: str) -> str:
        if not EMAIL.match(value.strip()):
            raise ValueError(f"{value!r} is not an email address")
        return normalized_email(value)

    @field_validator("destination_country")
    @classmethod
    def known_country(cls, value: str | None) -> str | None:
        if not value:
            return None
        code = country_code(value)
        if code is None:
            raise ValueError(f"{value!r} is not a country (use an ISO code such as US or GB)")
        return code

    @field_validator("carrier", "tracking_number", "destination_region", mode="before")
    @classmethod
    def empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def dates_in_order(self) -> OrderRecord:
        """An order ships after it is placed and arrives after it ships (whether a date is in the
        future depends on the day it is checked: future_date)."""
        days = [(name, day_of(getattr(self, name))) for name in ("placed_at", "shipped_at", "delivered_at")]
        known = [(name, day) for name, day in days if day is not None]
        for (first, early), (then, late) in zip(known, known[1:]):
            if late < early:
                raise ValueError(f"{then} ({late}) is before {first} ({early})")
        return self


def future_date(record: OrderRecord, today: date) -> str | None:
    """What is wrong with an order that says it shipped or arrived after `today` (with a day's grace
    for time zones): a return window counted from such a date would be a wrong promise. `today` is
    the caller's: the edge that received the orders reads the clock, the record does not."""
    for name in ("placed_at", "shipped_at", "delivered_at"):
        day = day_of(getattr(record, name))
        if day is not None and day > today + timedelta(days=1):
            return f"{name} ({day}) is in the future"
    return None


def day_of(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def as_moment(value: datetime | date | None, timezone: str) -> datetime | None:
    """A bare date or a naive time is the store's local time: "delivered 2026-11-20" in Los
    Angeles must not become November 19 by being read as UTC midnight."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12, 0))
    local = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)  # stored in UTC: SQLite keeps no offset, PostgreSQL does
