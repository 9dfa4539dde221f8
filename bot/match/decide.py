"""From ranked candidates to a decision: answer, clarify, hand off — with a confidence.

Top-1 similarity alone is not evidence that a question is in scope (QnA Maker
famously answered wholly unrelated questions with confidence 95). So the
confidence combines the ranker's score for the best chunk, its lead over the
next distinct answer, how close it is by meaning (dense), how much of the
question the store's knowledge mentions anywhere (coverage), the best chunk's
evidence piece by piece and the message's length, by weights fitted on many shops.
Guards for other languages, prompt injection and gibberish come first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.match.answer_type import asked_for, states
from bot.match.lexical import LexicalIndex
from bot.match.offered import unnamed_thing
from bot.match.retrieval import Candidate, Retrieval
from bot.match.language import written_in_another_language
from bot.reply import Handoff, Kind
from bot.settings import MatchSettings


@dataclass(frozen=True, slots=True)
class Decision:
    kind: Kind
    confidence: float
    candidates: tuple[Candidate, ...]  # the answer first, or the options offered
    reason: str  # why, in a few words: for logs, the record and the agents' inbox
    handoff: Handoff = Handoff.unanswered  # a hand-off's kind, which its words follow


INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instruction|prompt|rule|previous|above)s?\b|\bsystem prompt\b|"
    r"\byou are now\b|\bact as\b|\bjailbreak\b|\bpretend (to be|you)\b|\bdeveloper mode\b",
    re.I,
)


MAX_MARGIN = 5.0  # log-odds: a lead this large over the next answer is as good as no rival at all


def lead(top: Candidate, rivals: list[Candidate]) -> float:
    """How far the best chunk's log-odds stand above the next distinct answer's."""
    return top.score - rivals[0].score if rivals else MAX_MARGIN


LENGTH_SCALE = 20  # words: a message's length enters the confidence as words / 20, so its weight reads like the others'
LENGTH_CAP = 40  # words: beyond a couple of sentences, length says no more about whether the page answers


def length_input(words: int) -> float:
    """The message's length as the confidence weighs it: capped, so a long email is not made sure by its length alone."""
    return min(words, LENGTH_CAP) / LENGTH_SCALE


def confidence_of(candidate: Candidate, coverage: float, margin: float, length: int, settings: MatchSettings) -> float:
    """Logistic blend, weights fitted on many shops' labelled questions (`python -m bench.fit_matcher`):
    the ranker's log-odds for the best chunk, its lead over the next distinct answer, how much of the
    question the store talks about at all (coverage), how close the best chunk is by meaning (dense),
    each piece of the best chunk's evidence on its own, and the message's length in words.

    The ranker weighs evidence for *which* chunk answers; whether the best one answers at all depends
    on it differently: a terse question sits far from every passage by cosine even when its words are
    all in one sentence, and a long message sits near many. Measured end to end over the shipped
    stores' sets, the jewelry dev set, tests/eval/pages and the real dev half, these inputs (length
    capped) took confident wrong answers from 82 to 74 at equal or better accuracy on each set
    (bench/README.md, sessions 9-10)."""
    evidence = candidate.evidence
    z = (
        settings.confidence_score_weight * candidate.score
        + settings.confidence_margin_weight * min(margin, MAX_MARGIN)
        + settings.confidence_coverage_weight * coverage
        + settings.confidence_dense_weight * candidate.dense
        + sum(weight * getattr(evidence, name) for name, weight in settings.confidence_evidence_weights.items())
        + settings.confidence_length_weight * length_input(length)
        + settings.confidence_bias
    )
    return 1 / (1 + math.exp(-z))


def decide(
    retrieval: Retrieval, message: str, settings: MatchSettings, store_words: Collection[str], lexicon: LexicalIndex | None = None
) -> Decision:
    if INJECTION.search(message):
        return Decision(Kind.handoff, 0.0, (), Handoff.instructions.value, Handoff.instructions)
    if written_in_another_language(message, store_words):
        return Decision(Kind.handoff, 0.0, (), Handoff.language.value, Handoff.language)
    if not retrieval.query.terms:
        return Decision(Kind.handoff, 0.0, (), "no words to match")
    ranked = retrieval.candidates
    if not ranked:
        return Decision(Kind.handoff, 0.0, (), "nothing retrieved")
    coverage = retrieval.query.coverage
    top = ranked[0]
    rivals = distinct_rivals(ranked, settings)
    confidence = confidence_of(top, coverage, lead(top, rivals), len(message.split()), settings)
    wanted = asked_for(message)
    if wanted is not None and not states(f"{top.chunk.title} {top.chunk.text}", wanted):
        return Decision(Kind.handoff, confidence, tuple(ranked[:1]), f"the page states no {wanted.value}")
    missing = unnamed_thing(message, retrieval.query, lexicon, top.chunk, top.position) if lexicon is not None else []
    if missing:
        return Decision(Kind.handoff, confidence, tuple(ranked[:1]), f"the page does not name what is asked for ({', '.join(missing)})")
    if confidence >= settings.answer_min_confidence:
        return Decision(Kind.answer, confidence, (top,), "confident match")
    if confidence >= settings.clarify_min_confidence and rivals and top.dense >= settings.clarify_min_dense:
        options = [top, *rivals]
        return Decision(Kind.clarify, confidence, tuple(options[: settings.max_suggestions]), "rival answers score alike")
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
