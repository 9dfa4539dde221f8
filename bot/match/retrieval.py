"""Dense + lexical retrieval fused into one ranked list of candidates per store.

Dense similarity (FAISS, best key per chunk, or the chunk's closest sentence
when that is closer) finds paraphrases and synonyms;
rapidfuzz coverage finds the exact store words even misspelt. The fused score
is a weighted sum of both on comparable 0..1 scales rather than reciprocal
rank fusion, because the decision step needs magnitudes, not only an order:
"nothing is close" must stay visible after fusion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.index import StoreIndex
from bot.ingest import Chunk
from bot.match.lexical import LexicalIndex, QueryTerms

DENSE_WEIGHT = 0.6
LEXICAL_WEIGHT = 0.4


@dataclass(frozen=True, slots=True)
class Candidate:
    chunk: Chunk
    position: int  # row in the store's index
    dense: float  # cosine similarity of the best key, -1..1
    lexical: float  # 0..1
    fused: float


@dataclass(frozen=True, slots=True)
class Retrieval:
    candidates: tuple[Candidate, ...]  # best first
    query: QueryTerms
    vector: np.ndarray


class StoreRetriever:
    """Everything one store needs to rank its own chunks; holds no other store's data."""

    def __init__(self, index: StoreIndex, dense_weight: float = DENSE_WEIGHT) -> None:
        self.index = index
        self.lexical = LexicalIndex(index.chunks)
        self.dense_weight = dense_weight

    @property
    def store(self) -> str:
        return self.index.store

    def retrieve(self, text: str, vector: np.ndarray, dense_only: bool = False, lexical_only: bool = False) -> Retrieval:
        query = self.lexical.query_terms(text)
        dense = {hit.chunk: hit.score for hit in self.index.search(vector, limit=60)}
        for position, score in enumerate(self.index.best_sentence_scores(vector)):
            dense[position] = max(dense.get(position, 0.0), float(score))
        lexical = {hit.chunk: hit.score for hit in self.lexical.search(text, query)}
        weight = 1.0 if dense_only else 0.0 if lexical_only else self.dense_weight
        candidates = []
        for position in set(dense) | set(lexical):
            d = dense.get(position, 0.0)
            lex = lexical.get(position, 0.0)
            fused = weight * max(d, 0.0) + (1 - weight) * lex
            candidates.append(Candidate(self.index.chunks[position], position, d, lex, fused))
        candidates.sort(key=lambda c: c.fused, reverse=True)
        return Retrieval(tuple(candidates), query, vector)
