"""Dates a store counts in: calendar days, business days (weekends and the store
country's public holidays off), and "today" in the store's own timezone.

Business days count from the day *after* the event: a refund approved on a
Friday "within 2 business days" lands by Tuesday, never on the Friday itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta


def store_today(timezone: str, now: datetime | None = None) -> date:
    """The date it is for the store, not for the server: 11 pm in Los Angeles is still today there."""
    moment = now or datetime.now(UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True, slots=True)
class DateRange:
    earliest: date
    latest: date


@dataclass
class BusinessCalendar:
    country: str = "US"
    subdivision: str | None = None
    _holidays: holidays.HolidayBase | None = field(default=None, init=False, repr=False)

    def holidays(self) -> holidays.HolidayBase:
        if self._holidays is None:
            # Years are filled on demand by the package as dates are asked about.
            self._holidays = holidays.country_holidays(self.country, subdiv=self.subdivision)
        return self._holidays

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays()

    def holiday_name(self, day: date) -> str | None:
        return self.holidays().get(day)

    def add_business_days(self, start: date, count: int) -> date:
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def add(self, start: date, amount: float, unit: str) -> date:
        """`unit`: business_days, days, hours (a started day counts whole), weeks or months (calendar months)."""
        if unit == "months":
            return start + relativedelta(months=math.ceil(amount))
        if unit == "weeks":
            return start + timedelta(weeks=math.ceil(amount))
        if unit == "business_days":
            return self.add_business_days(start, math.ceil(amount))
        if unit == "hours":
            return start + timedelta(days=math.ceil(amount / 24))
        return start + timedelta(days=math.ceil(amount))

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Public holidays on weekdays strictly after start up to end: why a date moved."""
        found = []
        day = start + timedelta(days=1)
        while day <= end:
            name = self.holidays().get(day)
            if name and day.weekday() < 5:
                found.append((day, name))
            day += timedelta(days=1)
        return found


def add_months_day(year: int, month_day: str) -> date:
    """'01-31' in a year; '02-29' falls back to Feb 28 in a common year."""
    month, day = map(int, month_day.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28)


def spoken(day: date) -> str:
    """'Friday, April 3, 2026': the form a reply gives every date in."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def short(day: date) -> str:
    return f"{day:%B} {day.day}"
