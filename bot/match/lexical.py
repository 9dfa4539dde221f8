"""Fuzzy lexical retrieval with rapidfuzz: typos and word forms still land.

Each query term is matched against the store's vocabulary once (exact stem,
else rapidfuzz similarity >= FUZZY_CUTOFF), then chunks are scored by how much
of the query's weight (IDF) they cover: in their questions/title, and in their
answer text. The same numbers tell how much of a question the store's
knowledge talks about at all — evidence for out-of-scope detection that does
not depend on the nearest chunk.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache, partial

from rapidfuzz import fuzz, process

from bot.ingest import Chunk
from bot.match.synonyms import SYNONYM_SIMILARITY, synonyms_of
from bot.text import content_terms, words

FUZZY_CUTOFF = 80.0


@dataclass(frozen=True, slots=True)
class LexicalHit:
    chunk: int
    question_cover: float  # 0..1 share of the query's weight found in the chunk's questions/title
    text_cover: float  # same, in the chunk's answer text
    phrasing: float  # rapidfuzz token-set similarity to the closest question, 0..1
    sentence_cover: float  # same share as text_cover, in the chunk's single best sentence


@dataclass(frozen=True, slots=True)
class QueryTerms:
    terms: tuple[str, ...]  # the query's content stems
    weights: tuple[float, ...]
    matches: tuple[dict[str, float], ...]  # per term: vocabulary stem -> similarity 0..1

    @property
    def coverage(self) -> float:
        """Share of the query's weight that the store's knowledge mentions at all."""
        total = sum(self.weights)
        if not total:
            return 0.0
        return sum(w * max(m.values(), default=0.0) for w, m in zip(self.weights, self.matches, strict=True)) / total


class LexicalIndex:
    def __init__(self, chunks: tuple[Chunk, ...]) -> None:
        self.question_terms = [set(content_terms(" ".join((c.title, *c.questions)))) for c in chunks]
        self.text_terms = [set(content_terms(" ".join((c.heading or "", c.text)))) for c in chunks]
        self.question_phrases = [[" ".join(words(q)) for q in dict.fromkeys((c.title, *c.questions))] for c in chunks]
        self.sentence_terms = [[frozenset(content_terms(s)) for s in c.sentences] for c in chunks]
        document_frequency: dict[str, int] = defaultdict(int)
        for q_terms, t_terms in zip(self.question_terms, self.text_terms, strict=True):
            for term in q_terms | t_terms:
                document_frequency[term] += 1
        count = len(chunks)
        self.idf = {term: math.log(1 + count / df) for term, df in document_frequency.items()}
        self.unseen_idf = math.log(1 + count)
        self.vocabulary = tuple(sorted(document_frequency))
        self.vocabulary_set = frozenset(self.vocabulary)
        # Cached per store, over the vocabulary alone: a cache of a bound method would hold the index
        # in a reference cycle, kept after its store is dropped until the cyclic collector runs.
        self.match_term = lru_cache(maxsize=4096)(partial(match_term, self.vocabulary, self.vocabulary_set))

    def query_terms(self, text: str) -> QueryTerms:
        terms = tuple(dict.fromkeys(content_terms(text)))
        matches = tuple(self.match_term(term) for term in terms)
        weights = tuple(
            max((self.idf[v] for v in m), default=self.unseen_idf) for m in matches
        )
        return QueryTerms(terms, weights, matches)

    def search(self, text: str, query: QueryTerms) -> list[LexicalHit]:
        total = sum(query.weights)
        phrase = " ".join(words(text))
        hits = []
        if not total:
            return hits
        for position, (q_terms, t_terms) in enumerate(zip(self.question_terms, self.text_terms, strict=True)):
            phrasing = max((fuzz.token_set_ratio(phrase, p) for p in self.question_phrases[position]), default=0.0) / 100
            sentence_cover = max((cover(query, terms) for terms in self.sentence_terms[position]), default=0.0) / total
            hits.append(LexicalHit(position, cover(query, q_terms) / total, cover(query, t_terms) / total, phrasing, sentence_cover))
        return hits


def match_term(vocabulary: tuple[str, ...], vocabulary_set: frozenset[str], term: str) -> dict[str, float]:
    """The store's words a query term stands for, with their similarity."""
    if term in vocabulary_set:
        return {term: 1.0}
    # A word the pages never use: the page's own word for the same thing ("broken" -> "defect").
    matched = {word: SYNONYM_SIMILARITY for word in synonyms_of(term) if word in vocabulary_set}
    if len(term) < 4 or term.isdigit():
        return matched
    found = process.extract(term, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=3)
    return {**matched, **{word: score / 100 for word, score, _ in found}}


def cover(query: QueryTerms, terms: set[str] | frozenset[str]) -> float:
    """The query's weight found among `terms` (a misspelt match counts at its similarity)."""
    return sum(
        weight * max((s for v, s in matches.items() if v in terms), default=0.0)
        for weight, matches in zip(query.weights, query.matches, strict=True)
    )


@dataclass(frozen=True, slots=True)
class KnownWords:
    """English (the encoder's vocabulary: one set of some 22,000 words that every store shares) or
    one store's own words. A union set per store cost about 1 MB of each loaded store's memory."""

    english: frozenset[str]
    store: frozenset[str]

    def __contains__(self, word: object) -> bool:
        return word in self.english or word in self.store


def repair_typos(text: str, english: Container[str], store_words: tuple[str, ...]) -> str:
    """Replace words found in neither English nor the store's pages by the store
    word they most resemble ("retrun" -> "return"), so the encoder sees the word
    the shopper meant. Known words are never touched."""
    repaired = text
    for word in set(words(text)):
        if len(word) < 4 or word.isdigit() or word in english:
            continue
        best = process.extractOne(word, store_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best and best[0] != word:
            repaired = re.sub(rf"\b{re.escape(word)}\b", best[0], repaired, flags=re.I)
    return repaired
