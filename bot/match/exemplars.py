"""Understanding by labelled exemplars: what a question is about, and what a passage states.

MiniLM alone puts "which carriers do u use" far from "Orders are shipped using USPS, UPS, or
Fedex" (cosine 0.16): the shopper names a kind of thing, the page names instances of it, and no
word is shared. A page that lost its questions gives retrieval nothing else to go on. Both
sides are near their own kind of text, though: the question is near the ways shoppers ask
about carriers, and the sentence near the ways shops name theirs. So understanding is data,
encoded once and compared by nearest neighbours, never a pattern per phrasing:

- topics.toml: per topic a shop's page covers, `asks` (shoppers' words, typos included) and
  `says` (shops' sentences), written across trades (bikes to chocolate), never from a test
  question. A chunk's topic evidence is how far its best sentence is about the topic the
  question is about: both turned into shares of the topics, and the shares multiplied.
- computed.toml: questions that ask for a date about the shopper's own case (when will my
  order ship / arrive, my refund, my last day to return) beside general ones the page's words
  answer ("how long does shipping take?"), for the calculators to take what their patterns missed.
- lookup.toml: questions about the shopper's own order beside general ones about tracking and
  shipping, for the order desk, whose patterns fire on "tracking number" in both.

A new way of asking is taught by adding an exemplar to a file.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.errors import FaqbotError
from bot.index import Embedder

TOPICS_FILE = Path(__file__).with_name("topics.toml")
COMPUTED_FILE = Path(__file__).with_name("computed.toml")
ORDER_DATES = "order_dates"  # computed.toml's group of the ship date and the arrival date
LOOKUP_FILE = Path(__file__).with_name("lookup.toml")
NEIGHBOURS = 3  # a label's closeness is the mean of its 3 closest exemplars: one odd exemplar does not decide
# Closeness to topics becomes a distribution over them at this temperature: a sentence near one
# topic's exemplars by 0.05 more than any other's is that topic's, not "a bit of everything".
TOPIC_TEMPERATURE = 0.02


STATED_SHARE = 0.5  # a sentence states a topic when more than half its share is that topic's
# A question no shopper exemplar comes this close to is about none of the topics (the weather, a
# poem: 0.2-0.3; shop questions sit at 0.6 and above): "none" is one more topic, at this closeness.
NO_TOPIC = 0.45


def topic_shares(scores: np.ndarray, none: float | None = None) -> np.ndarray:
    """Softmax over the last axis: how much each topic, rather than the others, a text is about.
    With `none`, a share also goes to no topic at all, and is left out: shares then sum below 1."""
    if none is not None:
        scores = np.concatenate([scores, np.full((*scores.shape[:-1], 1), none, scores.dtype)], axis=-1)
    raised = np.exp((scores - scores.max(axis=-1, keepdims=True)) / TOPIC_TEMPERATURE)
    shares = raised / raised.sum(axis=-1, keepdims=True)
    return shares[..., :-1] if none is not None else shares


# A label wins when its exemplars are this close and clearly closer than any other label's: below
# either, the question is left to the patterns and the page (Rasa's FallbackClassifier draws the same
# two lines, a threshold and an ambiguity margin).
LABEL_MIN_SIMILARITY = 0.6
LABEL_MIN_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class Exemplars:
    """Labelled sentences, encoded: unit rows grouped label by label."""

    names: tuple[str, ...]
    vectors: np.ndarray
    starts: np.ndarray  # label i's rows are starts[i]:starts[i+1]

    def closest(self, vectors: np.ndarray) -> np.ndarray:
        """Rows x labels: each row's cosine to the label's closest exemplar."""
        if not self.names or not len(vectors):
            return np.zeros((len(vectors), len(self.names)), np.float32)
        return np.maximum.reduceat(vectors @ self.vectors.T, self.starts[:-1], axis=1)

    def clearly(self, vector: np.ndarray, yes: str, no: str) -> bool | None:
        """Of two labels, True when `yes` is the closer by LABEL_MIN_MARGIN, False when `no` is; None
        when neither is clearly closer, or the labels are not exactly these two."""
        if len(self.names) != 2:
            return None
        scores = dict(zip(self.names, self.affinity(vector), strict=True))
        lead = scores.get(yes, 0.0) - scores.get(no, 0.0)
        return None if abs(lead) < LABEL_MIN_MARGIN else bool(lead > 0)

    def affinity(self, vector: np.ndarray) -> np.ndarray:
        """Per label, the mean cosine of one vector to the label's closest exemplars."""
        scores = self.vectors @ vector
        return np.array(
            [np.sort(scores[a:b])[-NEIGHBOURS:].mean() for a, b in zip(self.starts[:-1], self.starts[1:], strict=True)], np.float32
        )



@dataclass(frozen=True, slots=True)
class Understanding:
    asks: Exemplars  # topics, as shoppers ask about them
    says: Exemplars  # topics, as shops state them
    computed: Exemplars  # which computed date a question asks for (`order_dates`, `refund_date`…), or `general`
    lookup: Exemplars  # `own_order` (the order desk looks it up) or `general` (the page answers)
    order_event: Exemplars  # of the order's dates, `ship_date` or `arrival_date`: which one the shopper wants

    def asks_about_own_order(self, vector: np.ndarray) -> bool | None:
        """True or False when one side is clearly the closer; None leaves the decision to the desk's patterns."""
        return self.lookup.clearly(vector, "own_order", "general")

    def stated(self, vectors: np.ndarray) -> list[str | None]:
        """Per sentence vector, the topic it states, when most of its share is one topic's."""
        if not self.says.names or not len(vectors):
            return [None] * len(vectors)
        shares = topic_shares(self.says.closest(vectors), none=NO_TOPIC)  # "Our founder loves dogs" states none
        return [self.says.names[int(row.argmax())] if row.max() >= STATED_SHARE else None for row in shares]

    def computed_date(self, vector: np.ndarray) -> str | None:
        """The kind of computed date whose exemplars are closest (never `general`): once a question is
        known to ask for a date, which one it asks for."""
        named = [(score, name) for score, name in zip(self.computed.affinity(vector), self.computed.names, strict=True) if name != "general"]
        return max(named)[1] if named else None

    def asks_ship_date(self, vector: np.ndarray) -> bool | None:
        """Once a question asks for the order's dates, whether it wants the day the order leaves
        (True) or the day it arrives (False), when one label's exemplars are clearly the closer; None
        leaves it to the question's verb. The two labels are one `order_dates` when telling a date
        question from a general one (too alike to clear the margin apart) and told apart here."""
        return self.order_event.clearly(vector, "ship_date", "arrival_date")

    def date_asked(self, vector: np.ndarray) -> str | None:
        """The computed date a question asks for (`order_dates`, `refund_date`…), or None when it is a
        general question, or no label is clearly the closest."""
        if len(self.computed.names) < 2:
            return None
        scores = self.computed.affinity(vector)
        second, best = np.argsort(scores)[-2:]
        if scores[best] < LABEL_MIN_SIMILARITY or scores[best] - scores[second] < LABEL_MIN_MARGIN:
            return None
        name = self.computed.names[best]
        return None if name == "general" else name


def date_gate_inputs(understanding: Understanding, vector: np.ndarray, dated: bool) -> dict[str, float]:
    """What the date gate weighs: the question's closeness to each kind of computed date's exemplars
    (and to general questions'), and whether the message gives a date of its own."""
    return {**dict(zip(understanding.computed.names, (float(a) for a in understanding.computed.affinity(vector)), strict=True)), "dated": float(dated)}


def asks_for_a_date(inputs: dict[str, float], weights: dict[str, float], bias: float) -> bool:
    """A logistic gate fitted on many shops' questions (`python -m bench.fit_dates`): does the shopper
    want a date worked out for their own case? Fitted, because a fixed margin over the exemplars left
    two in five of such questions unread, and a date named in passing ("bought it last week as a
    gift") is no request for one."""
    z = bias + sum(weight * inputs.get(name, 0.0) for name, weight in weights.items())
    return z >= 0.0


class BadExemplars(FaqbotError):
    code, http_status = "bad_exemplars", 500


def read_entries(path: Path, table: str, *keys: str) -> list[dict]:
    """Every entry with a name and each key filled: a topic missing its `says` would shift every
    topic after it out of line with its `asks`, so a file like that is refused, not read around."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get(table, [])
    for number, entry in enumerate(entries):
        missing = [key for key in ("name", *keys) if not entry.get(key)]
        if missing:
            raise BadExemplars(f"{path.name}: {table}[{number}] has no {', '.join(missing)}")
    return entries


def grouped(entries: list[dict], key: str) -> list[tuple[str, list[str]]]:
    """Entries that share `key` (default: their own name) as one label, in the file's order."""
    groups: dict[str, list[str]] = {}
    for entry in entries:
        groups.setdefault(entry.get(key, entry["name"]), []).extend(entry["asks"])
    return list(groups.items())


LOADED: dict[str, Understanding] = {}
FILES = (TOPICS_FILE, COMPUTED_FILE, LOOKUP_FILE)
EXEMPLAR_DIR = "_exemplars"  # beside the stores' folders; a store id never starts with "_"


def understanding(embedder: Embedder, cache_dir: Path | None = None) -> Understanding:
    """Encoded once per model and version of the files, then shared by every store. Encoding the
    1,400 exemplars takes seconds on a small machine, so with `cache_dir` (the index folder) the
    vectors are kept on disk beside the indexes, under the model's fingerprint and the files' hash:
    a start, `faqbot ask` or a worker after the first reads them instead."""
    key = hashlib.sha256(embedder.fingerprint.encode() + b"".join(path.read_bytes() for path in FILES)).hexdigest()[:16]
    if key not in LOADED:
        LOADED[key] = read_or_encode(embedder, cache_dir / EXEMPLAR_DIR / f"{key}.npz" if cache_dir else None)
    return LOADED[key]


def read_or_encode(embedder: Embedder, cached: Path | None) -> Understanding:
    topics = read_entries(TOPICS_FILE, "topic", "asks", "says")
    computed = read_entries(COMPUTED_FILE, "label", "asks")
    groups = {
        "asks": [(t["name"], t["asks"]) for t in topics],
        "says": [(t["name"], t["says"]) for t in topics],
        "computed": grouped(computed, "computes"),
        "lookup": grouped(read_entries(LOOKUP_FILE, "label", "asks"), "name"),
        "order_event": grouped([e for e in computed if e.get("computes") == ORDER_DATES], "name"),
    }
    vectors = {}
    if cached is not None and cached.exists():
        with np.load(cached) as stored:
            vectors = {name: stored[name] for name in groups if name in stored.files}
    if len(vectors) != len(groups):
        vectors = {name: embedder.encode([t for _, texts in group for t in texts]) for name, group in groups.items()}
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            staging = cached.with_suffix(".tmp.npz")
            np.savez(staging, **vectors)
            staging.replace(cached)  # atomic: a reader sees the old file or the whole new one
    return Understanding(**{name: labelled(group, vectors[name]) for name, group in groups.items()})


def labelled(groups: list[tuple[str, list[str]]], vectors: np.ndarray) -> Exemplars:
    return Exemplars(tuple(name for name, _ in groups), vectors, np.cumsum([0, *(len(t) for _, t in groups)]))
