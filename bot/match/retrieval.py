"""Dense + lexical evidence per chunk, ranked by one learned linear score per store.

Each chunk gets eleven pieces of evidence: how close the question is to its
questions/title, to its whole text and to its closest sentence (dense, FAISS
keys and the sentence vectors), how much of the question's weight its
questions, text and best sentence cover, how it reads against its closest
question (lexical, rapidfuzz), whether it has a question at all, the best
dense and best lexical of those, and whether its closest sentence is about
what the question is about by labelled exemplars of many shops (topic). A logistic ranker fitted on labelled questions
(`python -m bench.fit_matcher`, weights in `MatchSettings`) adds them up.

Adding rather than taking the best of them is the point: on a page whose answers
lost their questions, the right chunk is the one whose text *and* one sentence
are both close, and whose words the question shares; a single close key is
often a neighbour that shares the topic. The score is a log-odds, so the
decision step still sees "nothing is close" as a low number, not only an order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np

from bot.index import StoreIndex
from bot.ingest import Chunk
from bot.match.lexical import LexicalIndex, QueryTerms
from bot.match.exemplars import NO_TOPIC, Understanding, topic_shares

DENSE_EVIDENCE = ("dense_question", "dense_content", "dense_sentence", "has_question", "dense_best", "topic")
LEXICAL_EVIDENCE = ("question_cover", "text_cover", "phrasing", "sentence_cover", "has_question", "lexical_best")


@dataclass(frozen=True, slots=True)
class Evidence:
    dense_question: float  # cosine to the closest question/title key; 0 when the chunk has no question of its own
    dense_content: float  # cosine to heading + title + text
    dense_sentence: float  # cosine to the closest sentence
    question_cover: float  # share of the question's weight in the chunk's questions/title, 0..1
    text_cover: float  # ... in its text
    phrasing: float  # rapidfuzz token-set similarity to the closest question, 0..1
    sentence_cover: float  # ... in its best single sentence
    has_question: float  # 1 when the page (or curation) gives the chunk a question
    dense_best: float  # the closest of the three dense keys: one very close key is evidence on its own
    lexical_best: float  # the best of the lexical covers, text and phrasing discounted a little
    topic: float  # how far the closest sentence is about the question's topic, by labelled exemplars (exemplars.py)

    def score(self, weights: Mapping[str, float], bias: float) -> float:
        """Log-odds that this chunk answers the question. A feature without a weight counts 0:
        that is how the ablations (dense-only, fuzzy-only) drop the other side."""
        return bias + sum(weight * getattr(self, name) for name, weight in weights.items())


FEATURES = tuple(f.name for f in fields(Evidence))


def check_features(weights: Mapping[str, float], what: str, known: tuple[str, ...] = FEATURES) -> None:
    """Weights come from settings (FAQBOT_MATCH_*): a misspelt feature would silently weigh nothing."""
    unknown = set(weights) - set(known)
    if unknown:
        raise ValueError(f"unknown {what} features {sorted(unknown)}; known: {', '.join(known)}")


@dataclass(frozen=True, slots=True)
class Candidate:
    chunk: Chunk
    position: int  # row in the store's index
    evidence: Evidence
    score: float  # ranker log-odds

    @property
    def dense(self) -> float:
        return self.evidence.dense_best

    @property
    def probability(self) -> float:
        return 1 / (1 + math.exp(-self.score))


@dataclass(frozen=True, slots=True)
class Retrieval:
    candidates: tuple[Candidate, ...]  # best first
    query: QueryTerms
    vector: np.ndarray
    sentence_topic: np.ndarray  # per sentence of the store: agreement with the question's topic (StoreRetriever.sentence_topic)


class StoreRetriever:
    """Everything one store needs to rank its own chunks; holds no other store's data."""

    def __init__(
        self, index: StoreIndex, weights: Mapping[str, float], bias: float, understanding: Understanding | None = None, topic_evidence: bool = True
    ) -> None:
        check_features(weights, "ranker")
        self.index = index
        self.lexical = LexicalIndex(index.chunks)
        self.weights = dict(weights)
        self.bias = bias
        self.understanding = understanding
        # What each sentence states, as shares of the topics: read once per store.
        self.sentence_topics = None
        if understanding is not None and understanding.says.names and topic_evidence:
            self.sentence_topics = topic_shares(understanding.says.closest(index.sentence_vectors))

    @property
    def store(self) -> str:
        return self.index.store

    def evidence(self, text: str, vector: np.ndarray, query: QueryTerms, sentence_topic: np.ndarray | None = None) -> list[Evidence]:
        """`sentence_topic`: each sentence's agreement with the question's topic, when the caller has it already."""
        question, content = self.index.key_scores(vector)
        sentence = self.index.best_sentence_scores(vector)
        lexical = {hit.chunk: hit for hit in self.lexical.search(text, query)}
        topic = self.same_topic(self.sentence_topic(vector) if sentence_topic is None else sentence_topic)
        found = []
        for position, chunk in enumerate(self.index.chunks):
            hit = lexical.get(position)
            asks = bool(chunk.questions)
            dense = (float(question[position]), float(content[position]), float(sentence[position]) if len(sentence) else -1.0)
            covers = (hit.question_cover, hit.text_cover, hit.phrasing, hit.sentence_cover) if hit else (0.0, 0.0, 0.0, 0.0)
            found.append(
                Evidence(
                    dense_question=dense[0] if asks else 0.0,
                    dense_content=dense[1],
                    dense_sentence=dense[2],
                    question_cover=covers[0],
                    text_cover=covers[1],
                    phrasing=covers[2],
                    sentence_cover=covers[3],
                    has_question=float(asks),
                    dense_best=max(dense),
                    lexical_best=max(covers[0], 0.85 * covers[1], 0.9 * covers[2]),
                    topic=float(topic[position]),
                )
            )
        return found

    def sentence_topic(self, vector: np.ndarray) -> np.ndarray:
        """Per sentence of the store, how far it is about what the question is about (0..1); all 0
        where the store ranks without topics."""
        if self.sentence_topics is None or not len(self.sentence_topics):
            return np.zeros(len(self.index.sentence_vectors), np.float32)
        return self.sentence_topics @ topic_shares(self.understanding.asks.affinity(vector), none=NO_TOPIC)

    def same_topic(self, by_sentence: np.ndarray) -> np.ndarray:
        """Per chunk, how far its closest sentence is about what the question is about (0..1)."""
        found = np.zeros(len(self.index.chunks), np.float32)
        offsets = self.index.sentence_offsets
        for i in range(len(self.index.chunks)):
            if offsets[i + 1] > offsets[i]:
                found[i] = by_sentence[offsets[i] : offsets[i + 1]].max()
        return found

    def retrieve(self, text: str, vector: np.ndarray) -> Retrieval:
        query = self.lexical.query_terms(text)
        sentence_topic = self.sentence_topic(vector)
        candidates = [
            Candidate(self.index.chunks[position], position, evidence, evidence.score(self.weights, self.bias))
            for position, evidence in enumerate(self.evidence(text, vector, query, sentence_topic))
        ]
        candidates.sort(key=lambda c: c.score, reverse=True)
        return Retrieval(tuple(candidates), query, vector, sentence_topic)
