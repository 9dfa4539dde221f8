""""Do you offer X?" is answered only from a passage that names X (or says it in shop words)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.match.offered import asked_thing, must_name
from bot.settings import packaged_model_path

TODAY = date(2026, 11, 25)  # the day these replies are worked out on (the engine never reads the clock)


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
        ("I'd love to work for you, do you have any job openings?", ["job", "open"]),  # after another clause
        ("do you gift wrap orders?", ["gift", "wrap"]),
        ("can i get a discount if i buy 10 records", ["discount"]),  # the store's goods in general are no thing of their own
        ("do you do bespoke pieces", ["bespoke"]),
        ("Is Ever Skincare okay for sensitive skin?", ["sensitive", "skin"]),  # whom it suits is the thing
        ("is it ok for me to return a worn ring?", []),
        ("is it safe to wear your perfume while pregnant?", ["pregnant"]),
        ("how long does shipping take?", []),
    ],
)
def test_what_a_shopper_asks_the_store_to_have(question, thing):
    assert asked_thing(question) == thing


@pytest.mark.parametrize(
    ("question", "required"),
    [
        ("Is the emerald halo ring in stock in size 6.5?", ["stock"]),
        ("How do I become a brand ambassador?", ["join"]),
        ("what's the minimum order quantity for wholesale?", ["minimum"]),
        ("Are the stones in your rings lab grown diamonds?", ["lab", "grown"]),  # a claim only the page can make
        ("are your earrings hypoallergenic", ["hypoallergenic"]),
        ("Can I pay on net 30 terms as a wholesale buyer?", ["terms"]),
        ("do you buy used sneakers or do consignment?", ["buy"]),  # the store buying, not selling
        ("are these real or fake lol", ["real"]),
        ("how do I return a ring?", []),
    ],
)
def test_words_only_a_passage_about_them_answers(question, required):
    assert must_name(question) == required


PAGE = """Gift cards
Do you sell gift cards?
Digital gift cards from $20 to $250 are delivered by email and never expire.
Pets
Are your candles safe for pets?
Our soy candles are safe around cats and dogs.
Are your candles genuine soy?
Yes, every candle is genuine soy wax, poured by hand.
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
        ("are gift cards in stock?", "handoff"),  # the page says nothing of stock
        ("how do I become a gift card reseller?", "handoff"),
        ("is there a minimum order for free shipping?", "handoff"),
        ("is the lavender candle safe for my cat?", "answer"),  # "cats" names a cat
        ("are your candles hypoallergenic?", "handoff"),
        ("are these real soy candles or fake?", "answer"),  # "genuine" on the page names "real"
        ("do you buy used candles?", "handoff"),  # the page sells them; it never says it buys any
    ],
)
def test_a_thing_the_page_never_names_is_handed_off(store_folder, tmp_path, question, kind):
    engine = Engine(store_folder(PAGE), tmp_path / "index", packaged_model_path())
    assert engine.answer("acme", question, today=TODAY).kind == kind
