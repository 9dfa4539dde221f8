"""What a session waits for, as types: each state round-trips through the JSON a session row keeps,
rows written before the types existed read back as the same state, and a shape no version wrote
reads as waiting for nothing instead of breaking the turn."""

from __future__ import annotations

from datetime import date

import pytest

from bot.policy.intents import Intent, Pending
from bot.policy.slots import DateMention, Slots
from bot.state import OrderLookup, OrderShown, waiting_from_json, waiting_to_json

STATES = [
    Pending(Intent.return_window, Slots(kinds=frozenset({"engraved"})), "delivered"),
    Pending(Intent.refund_eta, Slots(dates=(DateMention(date(2026, 3, 3), "return_shipped", "March 3"),)), "return_received"),
    Pending(Intent.return_window, Slots(), "delivered", confidence=0.62),  # a reading off a pasted page, as sure as it was
    OrderLookup(),
    OrderLookup("DS-2002", None),
    OrderLookup(None, "k:1f2e", "please cancel DS-3103"),
    OrderShown("DS-2002", "k:1f2e"),
]


@pytest.mark.parametrize("state", STATES, ids=lambda s: type(s).__name__)
def test_each_state_round_trips_through_the_session_row(state):
    assert waiting_from_json(waiting_to_json(state)) == state


# Rows as the version before these types stored them (dicts told apart by "intent").
STORED_BEFORE = [
    ({"intent": "order_status", "number": "DS-2002", "email": None}, OrderLookup("DS-2002", None)),
    ({"intent": "order_status", "number": None, "email": "k:ab", "request": "cancel it"}, OrderLookup(None, "k:ab", "cancel it")),
    ({"intent": "order_context", "number": "SS-1003", "email": "k:cd"}, OrderShown("SS-1003", "k:cd")),
    (
        {"intent": "return_window", "slots": {"dates": [], "kinds": ["worn"]}, "missing": "delivered"},
        Pending(Intent.return_window, Slots(kinds=frozenset({"worn"})), "delivered"),
    ),
]


@pytest.mark.parametrize(("row", "state"), STORED_BEFORE)
def test_rows_stored_before_read_back_as_the_same_state(row, state):
    assert waiting_from_json(row) == state
    if not isinstance(state, Pending):  # a policy question's slots are written whole, every key present
        assert waiting_to_json(state) == row


def test_the_stored_shape_is_unchanged():
    """The JSON itself: a worker of the version before, still running during a deploy, reads it."""
    assert waiting_to_json(OrderLookup("DS-2002", "k:ab")) == {"intent": "order_status", "number": "DS-2002", "email": "k:ab"}
    assert waiting_to_json(OrderShown("SS-1003", "k:cd")) == {"intent": "order_context", "number": "SS-1003", "email": "k:cd"}
    assert waiting_to_json(None) is None


@pytest.mark.parametrize(
    "row",
    [
        {"intent": "order_context", "number": "SS-1003"},  # no email: an order is never shown on the number alone
        {"intent": "gift_wrap", "slots": {}, "missing": "x"},  # a policy intent no version has
        {"intent": "return_window"},  # a policy question without its slots
        ["order_status"],
        "order_status",
    ],
)
def test_a_shape_no_version_wrote_waits_for_nothing(row):
    assert waiting_from_json(row) is None


@pytest.mark.parametrize("row", [None, {}])
def test_an_empty_row_waits_for_nothing(row):
    assert waiting_from_json(row) is None


@pytest.mark.parametrize("stored", [7, -1, float("nan")])
def test_a_stored_confidence_out_of_range_reads_as_the_owners_word(stored):
    """Only this code writes it; a value no version wrote is not carried into an answer's confidence."""
    row = {"intent": "return_window", "slots": {"dates": [], "kinds": []}, "missing": "delivered", "confidence": stored}
    assert waiting_from_json(row) == Pending(Intent.return_window, Slots(), "delivered", confidence=1.0)
