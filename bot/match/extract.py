"""Precise answering: the sentences of a passage that answer the question.

A long passage is not dumped whole. Its sentences were embedded at build time,
so picking the best ones costs a dot product, not another encode.
"""

from __future__ import annotations

import numpy as np

from bot.index import StoreIndex
from bot.match.lexical import QueryTerms
from bot.match.retrieval import Candidate
from bot.match.text import content_terms

SHORT_PASSAGE_SENTENCES = 3
LEAD_SENTENCES = 2


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
    if sentences[best].endswith(":") and best + 1 < len(sentences):
        chosen.add(best + 1)  # a list's intro needs its first item
    picked = tuple(sentences[i] for i in sorted(chosen)[:LEAD_SENTENCES + 1])
    return picked, len(picked) < len(sentences)
