"""The labelled set in tests/eval/ through the engine: the quality bar main must keep.

Each store must answer at least 95 % of its set right (the issue's target; measured
97.2 / 97.1 / 98.9 % when it was set, bench/README.md), and every out-of-scope
question must hand off. tests/eval/dev/ is a second set, written before tuning and
not asserted here, to check that a change generalises. tests/eval/newstore/ is a
store the matcher was never fitted on: a pasted page and a one-line store.toml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db import session_factory, upgrade_database
from bot.engine import Engine
from bot.evaluation import ask_by_chat, evaluate, read_cases
from bot.settings import MatchSettings, packaged_model_path
from tests.conftest import STORES

EVAL_DIR = Path(__file__).parent / "eval"
ACCURACY_FLOOR = 0.95


@pytest.fixture(scope="module")
def scores(engine):
    cases = [case for store in STORES for case in read_cases(EVAL_DIR / f"{store}.jsonl")]
    return evaluate(engine, cases)


def test_the_set_is_big_enough():
    for store in STORES:
        cases = read_cases(EVAL_DIR / f"{store}.jsonl")
        assert sum(c.expect == "answer" for c in cases) >= 40
        assert sum(c.expect == "handoff" for c in cases) >= 15


@pytest.mark.parametrize("store", STORES)
def test_no_answer_ever_comes_from_another_store(scores, store):
    assert scores[store].count("wrong_store") == 0


@pytest.mark.parametrize("store", STORES)
def test_at_least_95_percent_are_answered_right(scores, store):
    wrong = [(r.case.question, r.outcome, r.source_title) for r in scores[store].results if r.outcome not in ("correct", "handed_off_correctly")]
    assert scores[store].accuracy >= ACCURACY_FLOOR, wrong


@pytest.mark.parametrize("store", STORES)
def test_out_of_scope_questions_hand_off(scores, store):
    answered = [(r.case.question, r.source_title) for r in scores[store].results if r.case.expect == "handoff" and r.outcome != "handed_off_correctly"]
    assert not answered


NEW_STORE = EVAL_DIR / "newstore"
NEW_STORE_FLOOR = 0.8


def test_a_store_never_seen_answers_from_its_pasted_page_alone(tmp_path):
    """Lumen & Wick (candles, not jewelry) was written after the matcher's weights were fitted
    and is not fitted on: what a new store gets with no curation and no policy.toml."""
    knowledge = NEW_STORE / "knowledge"
    assert sorted(p.name for p in (knowledge / "lumen").iterdir()) == ["faq.txt", "store.toml"]
    engine = Engine(knowledge, tmp_path / "index", packaged_model_path(), MatchSettings())
    cases = read_cases(NEW_STORE / "lumen.jsonl")
    score = evaluate(engine, cases)["lumen"]
    assert score.accuracy >= NEW_STORE_FLOOR, [(r.case.question, r.outcome) for r in score.results if r.outcome not in ("correct", "handed_off_correctly")]
    assert score.count("answered_out_of_scope") == 0


DATE_DIR = EVAL_DIR / "dates"


@pytest.mark.parametrize("store", STORES)
def test_every_date_question_is_computed_right(engine, store):
    """Policy answers must be exactly right: every row, with its own `today`, gets the computed dates."""
    cases = read_cases(DATE_DIR / f"{store}.jsonl")
    assert len(cases) >= 10 and all(c.today and c.expect == "policy" for c in cases)
    results = evaluate(engine, cases)[store].results
    wrong = [(r.case.question, r.outcome, r.kind) for r in results if r.outcome != "correct"]
    assert not wrong


PAGES = EVAL_DIR / "pages"
PAGES_FLOOR = 0.8


def test_pasted_pages_of_other_trades_answer_from_the_page_alone(tmp_path):
    """Coffee, kids' clothes, bike parts, skincare, pet food, plants, board games, tea, books, bedding,
    yarn, phone cases, hats, knives: pages as owners paste them (raw text, Markdown, HTML accordions, Q:/A:), with
    no policy.toml or curation, and shoppers' questions written by people trying the bot as new store
    owners. Fixes were made from these (unlike Lumen & Wick), so this floor guards against
    regressions; it does not measure generalisation."""
    engine = Engine(PAGES / "knowledge", tmp_path / "index", packaged_model_path(), MatchSettings())
    cases = [case for path in sorted(PAGES.glob("*.jsonl")) for case in read_cases(path)]
    scores = evaluate(engine, cases)
    results = [r for score in scores.values() for r in score.results]
    good = sum(r.outcome in ("correct", "handed_off_correctly") for r in results)
    assert len(scores) == 14 and good / len(results) >= PAGES_FLOOR, {store: round(s.accuracy, 3) for store, s in scores.items()}


REAL = EVAL_DIR / "real"
# The floor sits a few points under the dev half's figure so that a change which does worse on real
# shops fails here; the test half is scored by `make bench` only, never asserted or studied.
REAL_DEV_FLOOR = 0.72  # measured 76.0 % (bench/README.md); the ranker is fitted on this half, the test half is the proof
REAL_DEV_MAX_CONFIDENT_WRONG = 0.12  # measured 9.1 %


def test_real_shops_dev_half_keeps_its_floor(tmp_path):
    """Real shops' own pages as found, questions written blind (tests/eval/real/README.md), asked
    through the chat turn as /v1/chat takes them. A confident wrong answer is counted apart: it is
    worse than a hand-off."""
    dev = REAL / "dev"
    engine = Engine(dev / "knowledge", tmp_path / "index", packaged_model_path(), MatchSettings())
    upgrade_database(url := f"sqlite:///{tmp_path}/eval.db")
    cases = [case for path in sorted(dev.glob("*.jsonl")) for case in read_cases(path)]
    results = [r for score in evaluate(engine, cases, ask_by_chat(engine, session_factory(url))).values() for r in score.results]
    assert len({r.case.store for r in results}) == 18
    assert sum(r.right for r in results) / len(results) >= REAL_DEV_FLOOR
    assert sum(r.confidently_wrong for r in results) / len(results) <= REAL_DEV_MAX_CONFIDENT_WRONG


def test_the_real_benchmark_is_split_by_shop():
    """No shop is in both halves, and each half keeps every shop's pages beside its questions."""
    halves = {half: {p.stem for p in (REAL / half).glob("*.jsonl")} for half in ("dev", "test")}
    assert not halves["dev"] & halves["test"] and len(halves["dev"]) + len(halves["test"]) >= 30
    for half, shops in halves.items():
        assert shops == {p.name for p in (REAL / half / "knowledge").iterdir()}


@pytest.mark.parametrize(
    ("expect", "text", "outcome", "carried"),
    [
        pytest.param("answer", "Returns are accepted within 30 days of delivery.", "correct", True, id="the-answering-sentence-shown"),
        pytest.param("answer", "We ship with UPS. (say tell me more)", "correct", False, id="right-passage-other-sentence-shown"),
        pytest.param("answer", "Returns are accepted within 30 days of delivery.", "wrong", False, id="shown-but-cited-wrong"),
        pytest.param("handoff", "Let me get a person.", "handed_off_correctly", True, id="an-honest-hand-off"),
    ],
)
def test_a_reply_carries_the_answer_only_when_its_words_hold_it(expect, text, outcome, carried):
    """The benchmark grades the cited passage; a shopper reads the reply. `carried` is what they read."""
    from bot.evaluation import EvalCase, carries
    from bot.reply import Reply

    case = EvalCase(store="s", question="how long to return?", expect=expect, passage_contains=["within 30 days of  delivery"] if expect != "handoff" else None)
    assert carries(case, Reply("s", "answer", text, 0.9, (), (), "confident match"), outcome) is carried
