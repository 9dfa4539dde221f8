""""Do you offer X?" is answered only from a passage that names X (or says it in shop words)."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.match.offered import asked_thing
from bot.settings import packaged_model_path


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("Do you offer gift wrapping?", ["gift", "wrap"]),
        ("do you have a student discount?", ["student", "discount"]),
        ("is there a coupon code for free shipping", ["coupon", "code"]),  # the thing ends where its purpose starts
        ("will you give me a return label or do i pay postage myself", ["return", "label"]),
        ("Hi, do you guys do engraving?", ["engrav"]),
        ("do you gift wrap?", ["gift", "wrap"]),
        ("are your yarns vegan?", ["yarn", "vegan"]),  # a property the page must state
        ("is your site secure?", ["site", "secure"]),
        ("do you take amex", []),  # a payment question, not one about having a thing
        ("how long does shipping take?", []),
    ],
)
def test_what_a_shopper_asks_the_store_to_have(question, thing):
    assert asked_thing(question) == thing


PAGE = """Gift cards
Do you sell gift cards?
Digital gift cards from $20 to $250 are delivered by email and never expire.
Newsletter
Get 10% off your first order when you sign up for our emails.
Shipping
How long does shipping take?
Orders ship within 2 business days and arrive in 3-5 business days.
"""


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("do you offer gift wrapping?", "handoff"),  # "gift" is on the gift-card passage, "wrap" nowhere
        ("do you have a student discount?", "handoff"),
        ("do you sell gift cards?", "answer"),
        ("is there a discount for signing up for emails?", "answer"),  # "10% off" is a discount
    ],
)
def test_a_thing_the_page_never_names_is_handed_off(store_folder, tmp_path, question, kind):
    engine = Engine(store_folder(PAGE), tmp_path / "index", packaged_model_path())
    assert engine.answer("acme", question).kind == kind
