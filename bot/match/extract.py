"""Precise answering: the sentences of a passage that answer the question.

A long passage is not dumped whole. Its sentences were embedded at build time,
so picking the best ones costs a dot product, not another encode.
"""

from __future__ import annotations

import re

import numpy as np

from bot.index import StoreIndex
from bot.match.lexical import QueryTerms
from bot.match.retrieval import Candidate
from bot.match.text import content_terms

SHORT_PASSAGE_SENTENCES = 3
LEAD_SENTENCES = 2
# A label ("Step 1: Initiate your return"), a list item of a few words or the page's own question
# repeats the topic without answering it: it leads only together with the sentence after it.
LABEL = re.compile(r"^(\W*\s*)?(step\s*\d+\b.*|.{0,60}:\s*$|.*\?\s*$)", re.I)
BULLET = re.compile(r"^\s*([•·*\-–]|\d+[.)])\s+")


def is_label(sentence: str) -> bool:
    """A heading, a question, or a bullet of a few words: it names the topic but does not answer."""
    short_item = bool(BULLET.match(sentence)) and len(sentence.split()) <= 6
    return bool(LABEL.match(sentence)) or short_item


def lead_sentences(index: StoreIndex, candidate: Candidate, vector: np.ndarray, query: QueryTerms) -> tuple[tuple[str, ...], bool]:
    """The answering sentences in page order, and whether the passage holds more."""
    sentences = candidate.chunk.sentences
    if len(sentences) <= SHORT_PASSAGE_SENTENCES:
        return sentences, False
    dense = index.sentence_scores(candidate.position, vector)
    terms = set(query.terms)
    scores = [
        float(d) + 0.3 * (len(terms & set(content_terms(s))) / max(len(terms), 1))
        for d, s in zip(dense, sentences, strict=True)
    ]
    best = int(np.argmax(scores))
    chosen = {best}
    runner = sorted(range(len(sentences)), key=scores.__getitem__, reverse=True)[1]
    if scores[runner] >= scores[best] - 0.08:
        chosen.add(runner)
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
