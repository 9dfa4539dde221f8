"""Which stores stay in memory (bot/residency.py), on a clock the test moves: no sleeping."""

from __future__ import annotations

import pytest

from bot.residency import Limits, Residency


def ask(held: Residency[str], store: str, now: float) -> None:
    """What a question does: use the store if held, else load and hold it."""
    if held.get(store, now) is None:
        held.put(store, f"{store} loaded at {now}", now)


@pytest.mark.parametrize(
    "limits, questions, loaded, dropped",
    [
        pytest.param(Limits(), [(0, "a"), (10**6, "b")], ["a", "b"], [], id="no-limits-keep-every-store"),
        pytest.param(Limits(idle_seconds=60), [(0, "a"), (30, "b"), (70, "b")], ["b"], [(["a"], "idle")], id="idle-past-the-limit-dropped"),
        pytest.param(Limits(idle_seconds=60), [(0, "a"), (60, "b")], ["a", "b"], [], id="idle-exactly-the-limit-kept"),
        pytest.param(Limits(idle_seconds=60), [(0, "a"), (50, "a"), (100, "b")], ["a", "b"], [], id="a-question-renews-the-idle-time"),
        pytest.param(Limits(idle_seconds=60), [(0, "a"), (1, "b"), (200, "a")], ["a"], [(["a", "b"], "idle")], id="dropped-then-loaded-again"),
        pytest.param(Limits(max_loaded=2), [(0, "a"), (1, "b"), (2, "a"), (3, "c")], ["a", "c"], [(["b"], "cap")], id="cap-drops-the-least-recently-asked"),
        pytest.param(Limits(max_loaded=1), [(0, "a"), (1, "b"), (2, "a")], ["a"], [(["a"], "cap"), (["b"], "cap")], id="cap-of-one-swaps"),
        pytest.param(Limits(idle_seconds=60, max_loaded=2), [(0, "a"), (1, "b"), (100, "c")], ["c"], [(["a", "b"], "idle")], id="idle-first-then-cap"),
    ],
)
def test_stores_held_after_questions(limits, questions, loaded, dropped):
    heard = []
    held: Residency[str] = Residency(limits, on_drop=lambda stores, why: heard.append((stores, why)))
    for now, store in questions:
        ask(held, store, now)
    assert held.loaded(questions[-1][0]) == loaded
    assert heard == dropped


def test_loaded_drops_idle_stores_without_a_question():
    held: Residency[str] = Residency(Limits(idle_seconds=60))
    ask(held, "a", 0)
    assert held.loaded(60) == ["a"] and held.loaded(61) == []


def test_one_load_lock_per_store():
    held: Residency[str] = Residency(Limits())
    assert held.load_lock("a") is held.load_lock("a") and held.load_lock("a") is not held.load_lock("b")


@pytest.mark.parametrize(
    "idle, cap, message",
    [
        pytest.param(-1, 0, "idle_seconds is -1: 0 (never drop an idle store) or more", id="negative-idle"),
        pytest.param(0, -2, "max_loaded is -2: 0 (no cap) or more", id="negative-cap"),
    ],
)
def test_limits_refuse_negative_values(idle, cap, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Limits(idle, cap)
