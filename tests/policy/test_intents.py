"""Which computable question a message asks: the routing a confident wrong answer would start from."""

from __future__ import annotations

from datetime import date

import pytest

from bot.policy.intents import Intent, detect_intent
from bot.policy.slots import extract_slots

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("retrun window?", Intent.return_window),
        ("what's the return window for store credit", Intent.return_window),
        ("How long do I have to return an item?", Intent.return_window),
        ("how long does the refund period last after you receive it?", None),  # when the money comes, not a deadline
        ("is there a time limit to get my refund once you've received the return?", None),
        ("what's the refund period?", None),
        ("how long does an exchange take?", None),
        ("does the seller pay return shipping for a defective item", None),  # money, not a deadline
        ("you received my return on Nov 24, when's my refund?", Intent.refund_eta),
        ("item went on sale after I bought it, can you refund the difference", None),  # a price adjustment
        ("how many days do I have to ship my return", None),  # a return under way, timed by the page
        ("how many days do I have to return it", Intent.return_window),
        ("can I split the payment between two credit cards?", None),  # how to pay, which the page's words answer
        ("can I pay with two gift cards?", None),
        ("can I split payments with Klarna?", Intent.payment),
        ("can you ship to my APO address? im stationed overseas", None),  # a kind of address: the page's words
        ("do you ship to PO boxes?", None),
        ("do you ship internationally?", Intent.ships_to),
        ("is there a warrenty? the hinge on my frames just snapped", None),  # the warranty's own passage
        ("my record arrived warped on nov 27. too late to tell you?", Intent.return_window),
        ("the stone in my ring changed color, is that a defect", None),  # what counts as one: the page's list
        ("does a loose jump ring count as a manufacturer's defect?", None),
        ("my ring changed color, can I still report it? I got it Nov 20", Intent.return_window),
        ("the clasp on my necklace doesn't work, can I get a replacement?", Intent.return_window),
    ],
)
def test_a_message_goes_to_the_calculator_it_asks_for(message, intent):
    assert detect_intent(message, extract_slots(message, TODAY)) == intent
