"""Precise answering: the sentences of a passage that answer the question.

A long passage is not dumped whole, and its first sentence is not the answer by default: on real
pages the sentence with the number sits two lines below the one naming the topic. Each sentence
gets its evidence (how close it is by meaning, how much of the question's weight it holds, whether
it is about the question's topic, whether it states the kind of fact asked for, where it sits) and
one logistic scorer, fitted on labelled answering sentences of many shops (`python -m
bench.fit_sentences`, weights in `MatchSettings`), picks the lead. Sentences were embedded at build
time, so this costs a dot product, not another encode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from bot.index import StoreIndex
from bot.match.answer_type import asked_for, states
from bot.match.lexical import cover
from bot.match.retrieval import Candidate, Retrieval
from bot.text import content_terms

SHORT_PASSAGE_SENTENCES = 3
LEAD_SENTENCES = 2
WORDS_SCALE = 20  # a sentence's length enters as words / 20, capped at 2
# A label ("Step 1: Initiate your return"), a list item of a few words or the page's own question
# repeats the topic without answering it: it leads only together with the sentence after it.
LABEL = re.compile(r"^(\W*\s*)?(step\s*\d+\b.*|.{0,60}:\s*$|.*\?\s*$)", re.I)
BULLET = re.compile(r"^\s*([•·*\-–]|\d+[.)])\s+")


def is_label(sentence: str) -> bool:
    """A heading, a question, or a bullet of a few words: it names the topic but does not answer."""
    short_item = bool(BULLET.match(sentence)) and len(sentence.split()) <= 6
    return bool(LABEL.match(sentence)) or short_item


@dataclass(frozen=True, slots=True)
class SentenceEvidence:
    dense: float  # cosine of the question to the sentence
    dense_gap: float  # ... less the passage's closest sentence's (0 for the closest, below 0 for the others)
    cover: float  # share of the question's weight (IDF) the sentence holds, 0..1
    cover_gap: float  # ... less the passage's best sentence's
    topic: float  # how far the sentence is about what the question is about, by labelled exemplars (0..1)
    label: float  # 1 for a heading, the page's own question or a bullet of a few words
    after_label: float  # the cosine of the sentence before when that is a label (the page's own question, a heading): its answer follows it
    first: float  # 1 for the passage's first sentence
    position: float  # where it sits in the passage, 0 (first) .. 1 (last)
    states_asked: float  # 1 when the question asks for a duration, an amount or a payment method and the sentence states one
    number: float  # 1 when it holds a digit
    words: float  # its length, words / 20, capped at 2

    def score(self, weights: Mapping[str, float], bias: float) -> float:
        return bias + sum(weight * getattr(self, name) for name, weight in weights.items())


SENTENCE_FEATURES = tuple(f.name for f in fields(SentenceEvidence))


def sentence_evidence(index: StoreIndex, candidate: Candidate, retrieval: Retrieval, question: str) -> list[SentenceEvidence]:
    """The evidence for each sentence of the candidate's chunk, in page order."""
    sentences = candidate.chunk.sentences
    if not sentences:
        return []
    dense = index.sentence_scores(candidate.position, retrieval.vector)
    start = index.sentence_offsets[candidate.position]
    topic = retrieval.sentence_topic[start : start + len(sentences)]
    total = sum(retrieval.query.weights) or 1.0
    covers = [cover(retrieval.query, frozenset(content_terms(s))) / total for s in sentences]
    asked = asked_for(question)
    best_dense, best_cover = float(dense.max()), max(covers)
    last = max(len(sentences) - 1, 1)
    labels = [is_label(s) for s in sentences]
    return [
        SentenceEvidence(
            dense=float(d),
            dense_gap=float(d) - best_dense,
            cover=c,
            cover_gap=c - best_cover,
            topic=float(t) if len(topic) else 0.0,
            label=float(labels[i]),
            after_label=float(dense[i - 1]) if i and labels[i - 1] else 0.0,
            first=float(i == 0),
            position=i / last,
            states_asked=float(asked is not None and states(s, asked)),
            number=float(any(ch.isdigit() for ch in s)),
            words=min(len(s.split()) / WORDS_SCALE, 2.0),
        )
        for i, (s, d, c, t) in enumerate(zip(sentences, dense, covers, topic if len(topic) else [0.0] * len(sentences), strict=True))
    ]


def best_sentence(index: StoreIndex, candidate: Candidate, retrieval: Retrieval, question: str, weights: Mapping[str, float], bias: float) -> str:
    """The one sentence of the candidate's chunk the scorer ranks first (the chunk has sentences)."""
    scores = [e.score(weights, bias) for e in sentence_evidence(index, candidate, retrieval, question)]
    return candidate.chunk.sentences[int(np.argmax(scores))]


def lead_sentences(
    index: StoreIndex,
    candidate: Candidate,
    retrieval: Retrieval,
    question: str,
    weights: Mapping[str, float],
    bias: float,
    runner_margin: float,
    whole_words: int,
) -> tuple[tuple[str, ...], bool]:
    """The answering sentences in page order, and whether the passage holds more. A passage of up to
    3 sentences or `whole_words` words is shown whole: a shopper reads it at a glance. Otherwise the
    fitted scorer picks the lead; a runner-up within `runner_margin` (log-odds) of it is shown too,
    since two sentences the scorer cannot tell apart often both carry the answer (the window and
    its condition)."""
    sentences = candidate.chunk.sentences
    if len(sentences) <= SHORT_PASSAGE_SENTENCES or sum(len(s.split()) for s in sentences) <= whole_words:
        return sentences, False
    scores = [e.score(weights, bias) for e in sentence_evidence(index, candidate, retrieval, question)]
    order = sorted(range(len(sentences)), key=scores.__getitem__, reverse=True)
    best = order[0]
    chosen = {best}
    if scores[order[1]] >= scores[best] - runner_margin:
        chosen.add(order[1])
    if is_label(sentences[best]) and best + 1 < len(sentences):
        chosen.add(best + 1)  # a list's intro needs its first item; a step's label needs its text
    lead = sorted(chosen)[: LEAD_SENTENCES + 1]
    intro = list_intro(sentences, lead[0])
    picked = tuple(sentences[i] for i in ([intro] if intro is not None and intro not in lead else []) + lead)
    return picked, len(picked) < len(sentences)


def list_intro(sentences: tuple[str, ...], position: int) -> int | None:
    """Where the list holding this bullet is introduced ("Final sale, no returns:"): a bullet
    alone ("• Socks, insoles and laces") does not say what the list is of."""
    if not BULLET.match(sentences[position]):
        return None
    for i in range(position - 1, -1, -1):
        if not BULLET.match(sentences[i]):
            return i if sentences[i].rstrip().endswith(":") else None
    return None
