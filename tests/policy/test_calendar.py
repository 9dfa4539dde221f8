"""Business days, the store's own "today", and return windows at their boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.policy.calculators import return_eligibility
from bot.policy.calendar import BusinessCalendar, store_today
from bot.policy.model import StorePolicy

US = BusinessCalendar("US")


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        pytest.param(date(2026, 11, 20), 1, date(2026, 11, 23), id="friday-plus-one-is-monday"),
        pytest.param(date(2026, 11, 25), 1, date(2026, 11, 27), id="thanksgiving-skipped"),
        pytest.param(date(2026, 12, 24), 1, date(2026, 12, 28), id="christmas-friday-skipped"),
        pytest.param(date(2026, 12, 31), 1, date(2027, 1, 4), id="new-year-across-year-end"),
        pytest.param(date(2026, 11, 23), 10, date(2026, 12, 8), id="ten-across-thanksgiving"),
        pytest.param(date(2026, 11, 21), 1, date(2026, 11, 23), id="from-a-saturday"),
        pytest.param(date(2028, 2, 28), 1, date(2028, 2, 29), id="leap-day-is-a-business-day"),
        pytest.param(date(2026, 11, 25), 0, date(2026, 11, 25), id="zero-is-the-same-day"),
    ],
)
def test_add_business_days(start, count, expected):
    assert US.add_business_days(start, count) == expected


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        pytest.param(30, "days", date(2026, 2, 28), id="days-are-calendar-days"),
        pytest.param(3, "business_days", date(2026, 2, 3), id="business-days-skip-the-weekend"),
        pytest.param(48, "hours", date(2026, 1, 31), id="hours-count-whole-days"),
        pytest.param(25, "hours", date(2026, 1, 31), id="a-started-day-counts-whole"),
        pytest.param(2, "weeks", date(2026, 2, 12), id="weeks"),
        pytest.param(1, "months", date(2026, 2, 28), id="a-month-from-jan-29-ends-in-february"),
    ],
)
def test_add_counts_each_unit_from_a_date(amount, unit, expected):
    assert US.add(date(2026, 1, 29), amount, unit) == expected


@settings(max_examples=200, deadline=None)
@given(start=st.dates(date(2024, 1, 1), date(2030, 12, 31)), count=st.integers(1, 40))
def test_business_days_land_on_a_business_day_after_exactly_count_of_them(start, count):
    end = US.add_business_days(start, count)
    assert end > start and US.is_business_day(end)
    between = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(US.is_business_day(day) for day in between) == count


@pytest.mark.parametrize(
    ("moment", "timezone", "expected"),
    [
        (datetime(2026, 11, 26, 6, 30, tzinfo=UTC), "America/Los_Angeles", date(2026, 11, 25)),
        (datetime(2026, 11, 26, 6, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 26)),
        (datetime(2027, 1, 1, 7, 59, tzinfo=UTC), "America/Los_Angeles", date(2026, 12, 31)),
    ],
)
def test_today_is_the_stores_date_not_the_servers(moment, timezone, expected):
    assert store_today(timezone, moment) == expected


WINDOW_POLICY = StorePolicy.model_validate(
    {"returns": {"windows": [{"days": 30, "counted_from": "delivery", "refunds": ["cash"], "source": "return within 30 days of delivery"}]}}
)


@pytest.mark.parametrize(
    ("delivered", "today", "eligible", "deadline"),
    [
        pytest.param(date(2026, 3, 4), date(2026, 4, 3), True, date(2026, 4, 3), id="day-30-is-the-last-day"),
        pytest.param(date(2026, 3, 4), date(2026, 4, 4), False, date(2026, 4, 3), id="day-31-is-too-late"),
        pytest.param(date(2026, 1, 31), date(2026, 3, 2), True, date(2026, 3, 2), id="across-february"),
        pytest.param(date(2028, 1, 30), date(2028, 2, 29), True, date(2028, 2, 29), id="leap-day-deadline"),
        pytest.param(date(2026, 12, 15), date(2027, 1, 14), True, date(2027, 1, 14), id="across-year-end"),
        pytest.param(date(2026, 11, 25), date(2026, 11, 25), True, date(2026, 12, 25), id="delivered-today"),
    ],
)
def test_return_window_boundaries(delivered, today, eligible, deadline):
    decision = return_eligibility(WINDOW_POLICY, today, delivered_on=delivered)
    assert (decision.eligible, decision.deadline) == (eligible, deadline)


@settings(max_examples=200, deadline=None)
@given(delivered=st.dates(date(2024, 1, 1), date(2030, 12, 31)), elapsed=st.integers(0, 120))
def test_eligible_exactly_while_days_since_delivery_are_within_the_window(delivered, elapsed):
    today = delivered + timedelta(days=elapsed)
    decision = return_eligibility(WINDOW_POLICY, today, delivered_on=delivered)
    assert decision.eligible == (elapsed <= 30)
    assert decision.deadline == delivered + timedelta(days=30)


def test_a_window_counted_from_delivery_asks_for_it_when_only_purchase_is_known():
    decision = return_eligibility(WINDOW_POLICY, date(2026, 11, 25), purchased_on=date(2026, 11, 1))
    assert decision.eligible is None and decision.missing == "delivery"
