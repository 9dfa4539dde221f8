"""A shopper asking for a person, or upset, is handed to a person kindly, never answered with a passage."""

from __future__ import annotations

from datetime import date

import pytest

from bot.match.escalate import escalation

TODAY = date(2026, 11, 25)  # the day these replies are worked out on (the engine never reads the clock)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("can I talk to a human?", "asks for a person"),
        ("you stupid bot, get me a real person NOW", "asks for a person"),
        ("Is there a number I can call to talk to a real person?", "asks for a person"),
        ("you guys are scammers, filing a chargeback", "upset"),
        ("worst customer service ever!!!", "upset"),
        ("this is unacceptable", "upset"),
        ("what's the worst that happens if I return late?", None),
        ("do you ship to Canada?", None),
        ("is the chain real gold?", None),
    ],
)
def test_escalation(message, expected):
    assert escalation(message) == expected


def test_engine_hands_off_kindly(engine):
    reply = engine.answer("dissoo", "get me a real person please", today=TODAY)
    assert reply.kind == "handoff" and reply.text.startswith("Of course") and "support@dissoojewelry.com" in reply.text


@pytest.mark.parametrize(("message", "topic"), [("👍", "affirm"), ("🙏", "thanks"), ("😊 thanks", "thanks"), ("ok 👌", "affirm")])
def test_emoji_are_small_talk(message, topic):
    from bot.match.smalltalk import peel_smalltalk

    found, rest = peel_smalltalk(message)
    assert (found.value, rest) == (topic, "")
