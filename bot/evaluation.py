"""A labelled question set run through the engine: how often the bot is right.

Each JSONL row: {"store", "question", "expect": "answer" | "policy" | "handoff",
"passage_contains"?: str | [str, ...], "reply_contains"?: str | [str, ...],
"today"?: "YYYY-MM-DD", "category"?: str, "answer_sentence"?: str}. An answer (FAQ or policy) is correct when the reply's
first source contains one of the expected phrases and the reply holds every
`reply_contains` phrase (a computed date, "No —").
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sqlalchemy.orm import Session, sessionmaker

from bot.conversations import chat
from bot.engine import Engine
from bot.errors import BadKnowledge
from bot.policy.calendar import store_today
from bot.reply import Reply
from bot.text import squash


class EvalCase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    store: str
    question: str = Field(min_length=1)
    expect: str = Field(pattern="^(answer|policy|handoff)$")  # policy: must be computed, not quoted
    passage_contains: str | list[str] | None = None
    reply_contains: str | list[str] | None = None
    today: date | None = None
    category: str | None = None  # how the question is asked (terse, typo, date…): for per-category figures
    answer_sentence: str | None = None  # the page's one sentence that answers, verbatim (training rows): what a reply should lead with


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: EvalCase
    outcome: str  # correct | handed_off_correctly | wrong | wrong_store | missed (handoff/clarify on an answerable question) | answered_out_of_scope
    kind: str
    source_title: str
    latency_ms: float
    confidence: float = 0.0
    carried: bool = False  # right, and the words a shopper reads hold an expected phrase (not only the passage cited)

    @property
    def right(self) -> bool:
        return self.outcome in ("correct", "handed_off_correctly")

    @property
    def confidently_wrong(self) -> bool:
        """The worst outcome: an answer given as an answer (not a hand-off, not a "did you mean")
        that is wrong or that answers what the page cannot."""
        return self.kind in ("answer", "policy") and self.outcome in ("wrong", "wrong_store", "answered_out_of_scope")


@dataclass
class StoreScore:
    results: list[CaseResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)

    @property
    def accuracy(self) -> float:
        good = self.count("correct") + self.count("handed_off_correctly")
        return good / len(self.results) if self.results else 0.0


def read_cases(path: Path) -> list[EvalCase]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(EvalCase.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise BadKnowledge(f"{path}:{number}", f"not a valid eval row: {exc}") from None
    return cases


def judge(engine: Engine, case: EvalCase, ask: Callable[[EvalCase], Reply] | None = None) -> CaseResult:
    """`ask` is the path the question takes (default: the engine alone; a benchmark of the
    public interface passes the chat turn, order routing included)."""
    started = time.perf_counter()
    reply = ask(case) if ask else engine.answer(case.store, case.question, today=case_today(engine, case))
    latency = (time.perf_counter() - started) * 1000
    return grade(engine, case, reply, latency)


def case_today(engine: Engine, case: EvalCase) -> date:
    """The row's own day, or the store's today (the harness is the edge that reads the clock)."""
    return case.today or store_today(engine.store_config(case.store).timezone)


def grade(engine: Engine, case: EvalCase, reply: Reply, latency: float) -> CaseResult:
    top = reply.sources[0] if reply.sources else None
    chunk = engine.passage(case.store, top.id) if top else None
    if case.expect == "handoff":
        outcome = "handed_off_correctly" if reply.kind in ("handoff", "smalltalk") else "answered_out_of_scope"
    elif reply.kind not in ("answer", "policy") or (case.expect == "policy" and reply.kind != "policy"):
        outcome = "missed"
    else:
        phrases = expected_phrases(case)
        # A computed answer cites every passage its rules come from; any of them may be the expected one.
        cited = [engine.passage(case.store, s.id) for s in reply.sources] if reply.kind == "policy" else [chunk]
        text = " ".join(squash(f"{c.title} {c.text}") for c in cited if c)
        required = [case.reply_contains] if isinstance(case.reply_contains, str) else list(case.reply_contains or [])
        found = (not phrases or any(squash(p) in text for p in phrases)) and all(squash(r) in squash(reply.text) for r in required)
        outcome = "correct" if chunk and found else "wrong"
        if chunk is None and top is not None:
            outcome = "wrong_store"
    return CaseResult(case, outcome, reply.kind, top.title if top else "", latency, reply.confidence, carries(case, reply, outcome))


def expected_phrases(case: EvalCase) -> list[str]:
    return [case.passage_contains] if isinstance(case.passage_contains, str) else list(case.passage_contains or [])


def carries(case: EvalCase, reply: Reply, outcome: str) -> bool:
    """Whether the shopper reads the answer, not only whether the cited passage holds it: a reply led
    by another sentence of the right passage is graded right, yet the shopper must ask again."""
    if outcome == "handed_off_correctly":
        return True
    phrases = expected_phrases(case)
    return outcome == "correct" and (not phrases or any(squash(p) in squash(reply.text) for p in phrases))


def ask_by_chat(engine: Engine, sessions: sessionmaker[Session]) -> Callable[[EvalCase], Reply]:
    """Each question as /v1/chat takes it (order routing included), in a session of its own."""

    def ask(case: EvalCase) -> Reply:
        return chat(engine, sessions, case.store, case.question, today=case.today, channel="eval").reply

    return ask


def evaluate(engine: Engine, cases: list[EvalCase], ask: Callable[[EvalCase], Reply] | None = None) -> dict[str, StoreScore]:
    # Load each store (and the model) before the clock starts: latency is per reply, not start-up.
    for store in dict.fromkeys(case.store for case in cases):
        today = store_today(engine.store_config(store).timezone)
        engine.answer(store, "can I return the ring I got on March 3?", today=today)
        engine.answer(store, "how long does shipping take?", today=today)
    scores: dict[str, StoreScore] = defaultdict(StoreScore)
    for case in cases:
        scores[case.store].results.append(judge(engine, case, ask))
    return dict(scores)


def latency_summary(results: list[CaseResult]) -> tuple[float, float]:
    latencies = sorted(r.latency_ms for r in results)
    if not latencies:
        return 0.0, 0.0
    p99 = latencies[min(len(latencies) - 1, int(round(0.99 * (len(latencies) - 1))))]
    return statistics.median(latencies), p99
