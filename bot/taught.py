"""Phrasings agents taught: a wording attached to a passage is answered from it, one marked out of
scope hands off, for the chat and the mail alike.

A taught wording matches as typed (case, punctuation and spacing aside, or with a slip: rapidfuzz)
and, through its vector, as the same request in other words. The vectors are encoded once per
store and wording and kept until the store is reloaded.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from bot.reply import Handoff, Kind, Reply, ReplySource, render_texts
from bot.runtime import StoreRuntime
from bot.text import content_terms, stem

LEARNED_SIMILARITY = 92  # rapidfuzz ratio: a taught phrasing with a typo or a word more still counts


@dataclass
class TaughtPhrasings:
    _vectors: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def by_wording(self, runtime: StoreRuntime, message: str, learned: dict[str, str | None]) -> Reply | None:
        """A wording an agent attached to a passage is answered from it; one marked out of scope hands off."""
        if not learned:
            return None
        key = phrase_key(message)
        match = key if key in learned else None
        if match is None:
            found = process.extractOne(key, list(learned), scorer=fuzz.ratio, score_cutoff=LEARNED_SIMILARITY)
            match = found[0] if found else None
        if match is None:
            return None
        return taught_reply(runtime, learned[match])

    def by_meaning(
        self, runtime: StoreRuntime, message: str, vector: np.ndarray, learned: dict[str, str | None],
        min_similarity: float, encode: Callable[[list[str]], np.ndarray],
    ) -> Reply | None:
        """The same request in other words ("could I get my ring made a bit bigger later on"): the
        closest taught phrasing by meaning, when it is about as close as a rewording gets."""
        if not learned:
            return None
        keys = sorted(learned)
        vectors = self.vectors(runtime.retriever.store, keys, encode)
        similarity = vectors @ vector
        best = int(similarity.argmax())
        if float(similarity[best]) < min_similarity or swaps_a_word(message, keys[best]):
            return None
        return taught_reply(runtime, learned[keys[best]])

    def vectors(self, store: str, keys: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Taught phrasings, encoded once each and kept (a store's list grows slowly; a rebuilt store
        starts afresh)."""
        with self._lock:
            missing = [k for k in keys if (store, k) not in self._vectors]
        if missing:
            encoded = encode(missing)
            with self._lock:
                self._vectors.update({(store, k): v for k, v in zip(missing, encoded, strict=True)})
        with self._lock:
            return np.stack([self._vectors[(store, k)] for k in keys])

    def forget(self, store: str) -> None:
        with self._lock:
            self._vectors = {k: v for k, v in self._vectors.items() if k[0] != store}


def taught_reply(runtime: StoreRuntime, passage_id: str | None) -> Reply | None:
    config = runtime.config
    if passage_id is None:
        texts = render_texts("handoff", why=Handoff.unanswered, store_name=config.name, support_email=config.support_email, website=config.website)
        return Reply(runtime.retriever.store, Kind.handoff, texts.chat, 0.0, (), (), "marked out of scope by an agent", mail_text=texts.mail)
    chunk = runtime.retriever.index.chunk(passage_id)
    if chunk is None:
        return None  # the passage changed since the agent attached it: the matcher answers
    texts = render_texts("answer", lead=[chunk.text], more=False, title=chunk.title, citation=chunk.citation)
    source = ReplySource.of(chunk, 1.0)
    return Reply(runtime.retriever.store, Kind.answer, texts.chat, 1.0, (source,), (), "a phrasing an agent attached to this passage", mail_text=texts.mail)


def swaps_a_word(message: str, taught: str) -> bool:
    """"silver earrings" after "gold earrings" was taught: each has a word the other lacks, so it is
    another request, however close by meaning. A reworded one only adds or drops words."""
    asked, known = set(content_terms(message)), set(content_terms(taught))
    return bool(asked - known) and bool(known - asked) and not (asked - known) <= {stem(w) for w in ("could", "would", "bit", "please")}


def phrase_key(message: str) -> str:
    """How learned phrasings are compared: case, punctuation and spacing do not matter."""
    return " ".join(re.sub(r"[^\w\s]", " ", message.lower()).split())[:400]
