"""A store, loaded when first asked and kept while it is asked: its index and retriever, its policy
(the owner's policy.toml, or the facts read off its page) and the one config every step uses; the
encoder and the exemplars every store shares are loaded once per process (`Stores.warm`).

Answering (bot/engine.py) reads a store only through `runtime(store)`; nothing else re-reads
store.toml, so a support address read off the page is the one every hand-off names (a mail is
still sent only from store.toml's own address: `reply_from`). A missing or stale index is built
here when a store is loaded and `build_stale` is on (`faqbot ask`); serving builds stale indexes
before it listens and never inside a shopper's question.

Memory follows the stores being asked, not the stores there are (bot/residency.py): a store idle
for `Limits.idle_seconds`, or the least recently asked beyond `Limits.max_loaded`, is dropped, and
its next question loads it again (about 0.1 s on the 2-core dev machine, up to 0.25 s when it is
busy: bench/README.md, session 14), from the build published then.
"""

from __future__ import annotations

import ctypes
import logging
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Self

from bot.index import BuildResult, Embedder, StoreIndex, build_store_index, index_status, load_embedder, load_store_index, published_build
from bot.index.embedder import TUNING_FILE
from bot.errors import FaqbotError
from bot.ingest import Chunk, StoreConfig, list_stores, load_store_config
from bot.ingest.curation import CURATION_FILE
from bot.ingest.knowledge import store_dir
from bot.match.exemplars import Understanding, understanding
from bot.match.language import warm_word_frequencies
from bot.match.lexical import KnownWords
from bot.match.retrieval import StoreRetriever
from bot.policy import StorePolicy, load_policy
from bot.policy.calendar import BusinessCalendar, store_today
from bot.policy.citations import cite_facts
from bot.policy.infer import EMAIL, infer_policy
from bot.policy.model import POLICY_FILE
from bot.policy.responder import PolicyResponder
from bot.policy.slots import warm_dateparser
from bot.reply import ReplySource
from bot.residency import Limits, Residency
from bot.settings import MatchSettings, Settings
from bot.text import words

log = logging.getLogger("faqbot.stores")


@dataclass(frozen=True)
class StoreRuntime:
    config: StoreConfig
    retriever: StoreRetriever
    known_words: Container[str]  # English + this store's words: a word in neither is a typo to repair
    store_words: tuple[str, ...]  # words of this store's pages: what a typo is repaired to
    page_words: frozenset[str]  # the same, to look up: a store's own words are never another language
    policy_read_from_page: bool  # no policy.toml: the facts are inferred, so a computed answer is checked against retrieval
    exemplars: Understanding  # what questions ask and sentences state, by labelled exemplars of many shops
    policy: StorePolicy
    responder: PolicyResponder
    citations: dict[int, ReplySource]  # id(fact) -> the passage its source words are in
    reply_from: str | None = None  # store.toml's support_email: the only address mail is sent from (one read off the page is shown, never sent from)
    build: str | None = None  # the index build loaded (what CURRENT named): another published since is loaded instead



@dataclass
class Stores:
    """Every store of a knowledge folder, each loaded at its first question and kept while asked.

    `limits` say when a loaded store is dropped (idle too long, or beyond a cap); `clock` is a
    monotonic clock in seconds, handed in by whoever builds the engine (`from_settings`: the
    channels' edge), and needed only to drop idle stores: without one, time stands still.
    """

    knowledge_dir: Path
    index_dir: Path
    model_path: Path
    match_settings: MatchSettings = field(default_factory=MatchSettings)
    build_stale: bool = True  # rebuild a missing/stale index on load instead of refusing
    encoder: str = "onnx"  # the encoder's backend (settings.encoder): ONNX Runtime int8, or "torch"
    encoder_cache: Path | None = None  # where ONNX exports are kept (settings.encoder_cache; None: the user's cache)
    encoder_threads: int = 0  # ONNX Runtime's threads per encode (settings.encoder_threads; 0: one per core)
    tuning: Path | None = TUNING_FILE  # the encoder's tuning on top of the model (another only in bench/: an out-of-fold fit)
    limits: Limits = field(default_factory=Limits)  # no idle drop, no cap: every store asked stays loaded
    clock: Callable[[], float] | None = None
    _resident: Residency[StoreRuntime] = field(init=False, repr=False)
    _configs: dict[str, tuple[str | None, StoreConfig]] = field(default_factory=dict, init=False, repr=False)  # store -> (build, config)

    def __post_init__(self) -> None:
        if self.limits.idle_seconds and self.clock is None:
            raise ValueError("dropping idle stores needs a clock: pass clock=time.monotonic")
        self._resident = Residency(self.limits, on_drop=self._dropped)

    @classmethod
    def from_settings(cls, settings: Settings, build_stale: bool = True, clock: Callable[[], float] = time.monotonic) -> Self:
        """The engine every channel runs: folders, model, matching, encoder and how long stores stay
        loaded, from the one settings object; the clock is read here, at the edge, and nowhere below."""
        return cls(
            settings.knowledge_dir, settings.index_dir, settings.resolved_model_path(), settings.match, build_stale=build_stale,
            encoder=settings.encoder, encoder_cache=settings.encoder_cache, encoder_threads=settings.encoder_threads,
            limits=Limits(settings.store_idle_seconds, settings.max_loaded_stores), clock=clock,
        )

    def embedder_for(self, config: StoreConfig) -> Embedder:
        """A store may name its own model folder; the others share the default."""
        return load_embedder(config.model_path or self.model_path, self.tuning, backend=self.encoder, exports=self.encoder_cache, threads=self.encoder_threads)

    def warm(self) -> None:
        """What every store shares, loaded once per process before the first question (serving calls
        it at start): the default encoder, the exemplars, the date parser and word frequencies."""
        understanding(load_embedder(self.model_path, self.tuning, backend=self.encoder, exports=self.encoder_cache, threads=self.encoder_threads), self.index_dir)
        warm_dateparser()
        warm_word_frequencies()

    def stores(self) -> list[str]:
        return list_stores(self.knowledge_dir)

    def loaded_stores(self) -> list[str]:
        """The stores this process holds now (idle ones dropped first), least recently asked first."""
        return self._resident.loaded(self._now())

    def store_config(self, store: str) -> StoreConfig:
        """The store's config as every step uses it: store.toml, with the support address the page
        gives when store.toml names none (what hand-offs name; mail goes out only from `reply_from`).
        Listing every store (the store picker, CORS, /v1/stores) must not load them all: when
        store.toml or policy.toml names the address, it is read without loading the store; only a
        store whose address its page alone gives is loaded for it. Kept per store until a new build
        is published (store.toml is one of a build's sources)."""
        published = published_build(self.index_dir, store)
        known = self._configs.get(store)
        if known is not None and known[0] == published:
            return known[1]
        folder = store_dir(self.knowledge_dir, store)
        config = load_store_config(folder)
        if config.support_email is None and not (folder / POLICY_FILE).exists():
            return self.runtime(store).config  # the address is read off the page, which takes the loaded store
        config = with_contact_address(config, load_policy(folder)) if config.support_email is None else config
        self._configs[store] = (published, config)
        return config

    def runtime(self, store: str) -> StoreRuntime:
        """The store as loaded, or loaded now: at its first question, after it was dropped, or when a
        build was published since (by `faqbot build` in another process, say): every worker serves it
        from its next question, without a restart. A published build that cannot be served (another
        model) leaves the loaded one serving."""
        runtime = self._resident.get(store, self._now())
        if runtime is not None and runtime.build == published_build(self.index_dir, store):
            return runtime
        store_dir(self.knowledge_dir, store)  # an unknown store fails here, before it has a lock of its own
        with self._resident.load_lock(store):  # a second first question waits for the first one's load
            runtime = self._resident.get(store, self._now())
            if runtime is not None and runtime.build == published_build(self.index_dir, store):
                return runtime
            try:
                loaded = self._load(store)
            except FaqbotError as exc:
                if runtime is None:
                    raise
                log.warning("store %s: the published index is not served (%s); the loaded one still is", store, exc)
                loaded = replace(runtime, build=published_build(self.index_dir, store))  # not retried each question
            self._resident.put(store, loaded, self._now())
            self._configs[store] = (loaded.build, loaded.config)
            return loaded

    def _now(self) -> float:
        return self.clock() if self.clock is not None else 0.0

    def _dropped(self, stores: list[str], why: str) -> None:
        log.info("dropped %s from memory (%s)", ", ".join(stores), "idle" if why == "idle" else f"more than {self.limits.max_loaded} loaded")
        release_freed_memory()

    def build(self, store: str) -> BuildResult:
        """Build the store's index if it is missing or stale, without loading the store."""
        return build_store_index(self.knowledge_dir, self.index_dir, store, self.embedder_for(load_store_config(store_dir(self.knowledge_dir, store))))

    def _load(self, store: str) -> StoreRuntime:
        config = load_store_config(store_dir(self.knowledge_dir, store))
        embedder = self.embedder_for(config)
        if self.build_stale and index_status(self.knowledge_dir, self.index_dir, store, embedder) != "fresh":
            build_store_index(self.knowledge_dir, self.index_dir, store, embedder)
        published = published_build(self.index_dir, store)  # read before loading: a build published meanwhile is loaded next time
        # Serving (build_stale off) loads what was published even if the pages were edited since: a
        # store dropped when idle comes back as it was, not as an error until someone runs `faqbot build`.
        index = load_store_index(self.knowledge_dir, self.index_dir, store, embedder, edited_ok=not self.build_stale)
        exemplars = understanding(embedder, self.index_dir)
        folder = store_dir(self.knowledge_dir, store)
        has_policy = (folder / POLICY_FILE).exists()
        # Exemplars of other shops bridge a pasted page's words to shoppers'; a store whose owner curated
        # its passages has said how shoppers ask for each, and there they only blur its distinctions
        # (bench/README.md, session 6: the curated family's matcher accuracy fell 2 points with them; real shops' gained 5-8).
        curated = (folder / CURATION_FILE).exists()
        retriever = StoreRetriever(
            index, self.match_settings.rank_weights, self.match_settings.rank_bias, exemplars, topic_evidence=not curated
        )
        store_words = {w for chunk in index.chunks for w in words(f"{chunk.title} {' '.join(chunk.questions)} {chunk.text}")}
        # A store without policy.toml still gets what its page states plainly (see bot/policy/infer.py),
        # each sentence with the topic exemplars read it as stating.
        policy = load_policy(folder) if has_policy else policy_read_off(index, exemplars)
        reply_from = config.support_email
        config = with_contact_address(config, policy)
        calendar = BusinessCalendar(config.country)
        # Libraries that load data on first use pay it here, not in a shopper's reply: holidays (~0.4 s), dateparser.
        calendar.is_business_day(store_today(config.timezone))
        warm_dateparser()
        warm_word_frequencies()
        responder = PolicyResponder(policy, calendar, config.name, contact_words(config))
        citations = {id(fact): ReplySource.of(chunk, 1.0) for fact, chunk in cite_facts(policy, index.chunks)}
        page_words = frozenset(store_words)
        return StoreRuntime(
            config,
            retriever,
            KnownWords(embedder.vocabulary, page_words),  # the encoder's vocabulary is one set for every store, never copied
            tuple(sorted(store_words)),
            page_words,
            not has_policy,
            exemplars,
            policy,
            responder,
            citations,
            reply_from,
            published,
        )

    def page_policy(self, store: str) -> StorePolicy:
        """The facts the page states, as the bot reads them when the store has no policy.toml."""
        runtime = self.runtime(store)
        return policy_read_off(runtime.retriever.index, runtime.exemplars)

    def reload(self, store: str) -> None:
        """Serve a rebuilt index from the next question on."""
        self._resident.drop(store)
        self._configs.pop(store, None)

    def check_fresh(self, store: str) -> str:
        config = load_store_config(store_dir(self.knowledge_dir, store))  # without loading (or building) the store
        return index_status(self.knowledge_dir, self.index_dir, store, self.embedder_for(config))

    def passage(self, store: str, chunk_id: str) -> Chunk | None:
        return self.runtime(store).retriever.index.chunk(chunk_id)


def policy_read_off(index: StoreIndex, exemplars: Understanding) -> StorePolicy:
    """The page's facts, each sentence with the topic labelled exemplars read it as stating."""
    sentences = [sentence.strip() for chunk in index.chunks for sentence in chunk.sentences]
    return infer_policy(index.chunks, dict(zip(sentences, exemplars.stated(index.sentence_vectors), strict=True)))


def with_contact_address(config: StoreConfig, policy: StorePolicy) -> StoreConfig:
    """store.toml names no address, but the policy's contact (policy.toml's, or the page's) does:
    hand-offs name that one (mail is not sent from it)."""
    page_email = EMAIL.search(policy.contact.channel) if policy.contact else None
    if config.support_email is None and page_email:
        return config.model_copy(update={"support_email": page_email.group(0)})
    return config


def release_freed_memory() -> None:
    """Hand the heap a dropped store freed back to the system (glibc keeps it for reuse otherwise, so
    the process's RSS would not show the drop); a no-op where the C library has no malloc_trim."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def contact_words(config: StoreConfig) -> str:
    """How a reply tells the shopper to reach a person."""
    if config.support_email:
        return f"email {config.support_email}"
    if config.website:
        return f"contact the team through {config.website}"
    return f"contact the {config.name} team"
