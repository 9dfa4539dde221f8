"""The question a long message asks, apart from the story around it (bot/match/questions.py)."""

from __future__ import annotations

import pytest

from bot.match.questions import focus_of

STORY = "So I'm up in Anchorage and I've been eyeing one of your used acoustics for weeks now, and I'm totally fine paying extra for shipping."


@pytest.mark.parametrize(
    ("message", "focus"),
    [
        pytest.param(f"{STORY} But can you actually send it to Alaska?", "But can you actually send it to Alaska?", id="the-last-question"),
        pytest.param(f"{STORY} The neck arrived a bit bowed. Is that normal?", "The neck arrived a bit bowed. Is that normal?", id="a-short-question-keeps-what-it-points-at"),
        pytest.param("can you send it to Alaska?", None, id="a-short-message-is-its-own-focus"),
        pytest.param(f"{STORY} Let me know about Alaska.", None, id="no-question-mark-no-focus"),
    ],
)
def test_the_focus_of_a_long_message(message, focus):
    assert focus_of(message) == focus
