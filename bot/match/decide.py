"""From ranked candidates to a decision: answer, clarify, hand off — with a confidence.

Top-1 similarity alone is not evidence that a question is in scope (QnA Maker
famously answered wholly unrelated questions with confidence 95). So the
confidence combines three signals: how close the best chunk is (dense), how
much of the question's own words that chunk covers (lexical), and how much
of the question the store's knowledge mentions anywhere (coverage). Guards
for other languages, prompt injection and gibberish come first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum

from rapidfuzz import fuzz

from bot.match.retrieval import Candidate, Retrieval
from bot.match.text import ENGLISH_FUNCTION_WORDS, words
from bot.settings import MatchSettings


class Kind(str, Enum):
    answer = "answer"
    clarify = "clarify"
    handoff = "handoff"
    smalltalk = "smalltalk"
    policy = "policy"  # computed by a policy calculator, not quoted from a passage


@dataclass(frozen=True, slots=True)
class Decision:
    kind: Kind
    confidence: float
    candidates: tuple[Candidate, ...]  # the answer first, or the options offered
    reason: str  # why, in a few words: for logs, the record and the agents' inbox


INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instruction|prompt|rule|previous|above)s?\b|\bsystem prompt\b|"
    r"\byou are now\b|\bact as\b|\bjailbreak\b|\bpretend (to be|you)\b|\bdeveloper mode\b",
    re.I,
)


def confidence_of(candidate: Candidate, coverage: float) -> float:
    """Logistic blend of the three signals; weights chosen on tests/eval (bench/README.md)."""
    z = 10.0 * candidate.dense + 4.0 * candidate.lexical + 4.0 * coverage - 10.0
    return 1 / (1 + math.exp(-z))


def foreign_language(message: str, known_words: frozenset[str]) -> bool:
    """Another script, or several words and none of English's function words."""
    letters = [ch for ch in message if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) / len(letters) < 0.7:
        return True
    tokens = words(message)
    if len(tokens) < 3:
        return False
    english = sum(t in ENGLISH_FUNCTION_WORDS for t in tokens)
    known = sum(t in known_words for t in tokens)
    return english == 0 and known / len(tokens) < 0.6


def decide(retrieval: Retrieval, message: str, settings: MatchSettings, known_words: frozenset[str]) -> Decision:
    if INJECTION.search(message):
        return Decision(Kind.handoff, 0.0, (), "instructions to the bot, not a shopper's question")
    if foreign_language(message, known_words):
        return Decision(Kind.handoff, 0.0, (), "not written in English")
    if not retrieval.query.terms:
        return Decision(Kind.handoff, 0.0, (), "no words to match")
    ranked = retrieval.candidates
    if not ranked:
        return Decision(Kind.handoff, 0.0, (), "nothing retrieved")
    coverage = retrieval.query.coverage
    top = ranked[0]
    confidence = confidence_of(top, coverage)
    rivals = distinct_rivals(ranked, settings)
    if confidence >= settings.answer_min_confidence:
        close = [r for r in rivals if top.fused - r.fused <= settings.ambiguity_margin and confidence_of(r, coverage) >= settings.answer_min_confidence]
        if close and confidence < 0.9:
            return Decision(Kind.clarify, confidence, (top, *close)[: settings.max_suggestions], "rival answers score alike")
        return Decision(Kind.answer, confidence, (top,), "confident match")
    if confidence >= settings.clarify_min_confidence:
        options = [top, *[r for r in rivals if confidence_of(r, coverage) >= settings.clarify_min_confidence]]
        return Decision(Kind.clarify, confidence, tuple(options[: settings.max_suggestions]), "close but not certain")
    return Decision(Kind.handoff, confidence, tuple(ranked[:1]), "no confident match")


def distinct_rivals(ranked: tuple[Candidate, ...], settings: MatchSettings) -> list[Candidate]:
    """Runners-up that are really other answers: not pieces of the same passage,
    nor the page repeating itself."""
    top = ranked[0]
    rivals: list[Candidate] = []
    for candidate in ranked[1:8]:
        same_passage = candidate.chunk.passage_id == top.chunk.passage_id
        seen = [top, *rivals]
        if same_passage or any(fuzz.token_set_ratio(candidate.chunk.text, s.chunk.text) > 85 for s in seen):
            continue
        if any(candidate.chunk.title == s.chunk.title for s in seen):
            continue
        rivals.append(candidate)
        if len(rivals) >= settings.max_suggestions - 1:
            break
    return rivals
