"""Stores loaded when asked and dropped when idle (bot/runtime.py), on real FAISS indexes of four small
shops and a clock the test moves: nothing sleeps."""

from __future__ import annotations

import gc
import threading
import weakref
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot.engine import Engine
from bot.index import build_store_index, load_embedder, published_build
from bot.residency import Limits
from bot.settings import MatchSettings, Settings, packaged_model_path

TODAY = date(2026, 11, 25)
SHOPS = {  # store -> (store.toml, faq.txt, a question its page answers, a word of the answer)
    "acme": ('name = "Acme Rings"\nsupport_email = "help@acme.test"\n',
             "Returns\nHow do I return a ring?\nEmail us within 30 days of delivery and we send a label.\nShipping\nDo you ship to Canada?\nWe ship to the US and Canada.\n",
             "can I send a ring back?", "30 days"),
    "bolt": ('name = "Bolt Candles"\nsupport_email = "help@bolt.test"\n',
             "Candle care\nHow long should I burn a candle?\nBurn it for at most four hours at a time.\nShipping\nHow much is shipping?\nShipping is a flat $5 per order.\n",
             "what does shipping cost?", "$5"),
    "cask": ('name = "Cask Coffee"\nsupport_email = "help@cask.test"\n',
             "Subscriptions\nCan I pause my subscription?\nYes, pause it any time from your account page.\nRoasting\nWhen do you roast?\nWe roast every Monday and ship on Tuesday.\n",
             "when is the coffee roasted?", "Monday"),
    "dune": ('name = "Dune Rugs"\n',  # no address in store.toml: the page gives it
             "Rugs\nAre your rugs hand made?\nEvery rug is hand woven in our workshop.\nContact\nHow can I reach you?\nEmail help@dune.test and we answer within one business day.\n",
             "how can I reach you?", "help@dune.test"),
}


def write_shops(knowledge: Path) -> Path:
    for store, (toml, page, _, _) in SHOPS.items():
        (knowledge / store).mkdir(parents=True, exist_ok=True)
        (knowledge / store / "store.toml").write_text(toml, encoding="utf-8")
        (knowledge / store / "faq.txt").write_text(page, encoding="utf-8")
    return knowledge


@pytest.fixture(scope="module")
def embedder():
    return load_embedder(packaged_model_path())


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, Path]:
    """The four shops, built once for the module; tests that edit pages make their own (`own_shops`)."""
    root = tmp_path_factory.mktemp("shops")
    knowledge, index = write_shops(root / "knowledge"), root / "index"
    for store in SHOPS:
        build_store_index(knowledge, index, store, embedder)
    return knowledge, index


@pytest.fixture
def own_shops(tmp_path: Path, embedder) -> tuple[Path, Path]:
    knowledge, index = write_shops(tmp_path / "knowledge"), tmp_path / "index"
    for store in SHOPS:
        build_store_index(knowledge, index, store, embedder)
    return knowledge, index


@dataclass
class Clock:
    """Monotonic seconds, moved by the test."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class CountingEngine(Engine):
    """An engine that counts its loads, store by store."""

    loads: Counter = field(default_factory=Counter, init=False)

    def _load(self, store: str):
        self.loads[store] += 1
        return super()._load(store)


def serving(folders: tuple[Path, Path], limits: Limits = Limits(), clock: Clock | None = None) -> CountingEngine:
    """An engine as a server runs it: it serves what is published and never builds."""
    knowledge, index = folders
    return CountingEngine(knowledge, index, packaged_model_path(), MatchSettings(), build_stale=False, limits=limits, clock=clock or Clock())


def ask(engine: Engine, store: str) -> str:
    return engine.answer(store, SHOPS[store][2], today=TODAY).text


def test_no_store_is_loaded_until_asked_and_one_question_loads_it(shops):
    engine = serving(shops)
    assert engine.stores() == ["acme", "bolt", "cask", "dune"]
    names = {store: engine.store_config(store).name for store in ["acme", "bolt", "cask"]}  # listing reads store.toml
    assert names == {"acme": "Acme Rings", "bolt": "Bolt Candles", "cask": "Cask Coffee"}
    assert {engine.check_fresh(store) for store in engine.stores()} == {"fresh"}
    assert engine.loaded_stores() == [] and not engine.loads
    assert "30 days" in ask(engine, "acme")
    assert engine.loaded_stores() == ["acme"] and engine.loads == {"acme": 1}
    ask(engine, "acme")
    assert engine.loads == {"acme": 1}


def test_an_address_only_the_page_gives_loads_its_store_once(shops):
    engine = serving(shops)
    assert engine.store_config("dune").support_email == "help@dune.test"
    assert engine.store_config("dune").support_email == "help@dune.test"
    assert engine.loaded_stores() == ["dune"] and engine.loads == {"dune": 1}


@pytest.mark.parametrize(
    "limits, questions, loaded, loads",
    [
        pytest.param(Limits(), [(0, "acme"), (10**6, "bolt")], ["acme", "bolt"], {"acme": 1, "bolt": 1}, id="no-limits-every-store-asked-stays"),
        pytest.param(Limits(60), [(0, "acme"), (30, "bolt"), (70, "bolt")], ["bolt"], {"acme": 1, "bolt": 1}, id="idle-beyond-the-setting-dropped"),
        pytest.param(Limits(60), [(0, "acme"), (100, "bolt"), (200, "acme")], ["acme"], {"acme": 2, "bolt": 1}, id="dropped-then-its-next-question-reloads-it"),
        pytest.param(Limits(0, 2), [(0, "acme"), (1, "bolt"), (2, "acme"), (3, "cask")], ["acme", "cask"], {"acme": 1, "bolt": 1, "cask": 1}, id="cap-drops-the-least-recently-asked"),
        pytest.param(Limits(0, 2), [(0, "acme"), (1, "bolt"), (2, "cask"), (3, "acme")], ["cask", "acme"], {"acme": 2, "bolt": 1, "cask": 1}, id="cap-then-the-dropped-one-comes-back"),
        pytest.param(Limits(60, 3), [(0, "acme"), (1, "bolt"), (100, "cask"), (101, "dune")], ["cask", "dune"], {"acme": 1, "bolt": 1, "cask": 1, "dune": 1}, id="idle-and-cap-together"),
    ],
)
def test_stores_loaded_after_questions(shops, limits, questions, loaded, loads):
    clock = Clock()
    engine = serving(shops, limits, clock)
    for now, store in questions:
        clock.now = now
        ask(engine, store)
    assert engine.loaded_stores() == loaded
    assert engine.loads == loads


def test_a_store_dropped_when_idle_answers_the_same_when_asked_again(shops):
    clock = Clock()
    engine = serving(shops, Limits(idle_seconds=1800), clock)
    first = {store: engine.answer(store, SHOPS[store][2], today=TODAY) for store in SHOPS}
    clock.now = 1801
    assert engine.loaded_stores() == []  # /healthz asks this: idle stores go even when no question comes
    again = {store: engine.answer(store, SHOPS[store][2], today=TODAY) for store in SHOPS}
    assert {s: (r.kind, r.text, r.sources) for s, r in again.items()} == {s: (r.kind, r.text, r.sources) for s, r in first.items()}
    assert all(SHOPS[store][3] in reply.text for store, reply in again.items() if store != "dune")
    assert engine.loads == {store: 2 for store in SHOPS}


def test_a_dropped_store_is_freed_at_once_not_at_the_next_garbage_collection(shops):
    """Its memory is handed back as it is dropped (malloc_trim); a reference cycle would keep it until
    the cyclic collector ran (the lexical index's term cache held the index itself)."""
    clock = Clock()
    engine = serving(shops, Limits(idle_seconds=60), clock)
    ask(engine, "acme")
    runtime = engine.runtime("acme")
    parts = [weakref.ref(runtime), weakref.ref(runtime.retriever.lexical), weakref.ref(runtime.retriever.index)]
    del runtime
    gc.collect()
    gc.disable()
    try:
        clock.now = 61
        assert engine.loaded_stores() == []
        assert [part() for part in parts] == [None, None, None]
    finally:
        gc.enable()


def test_concurrent_first_questions_load_a_store_once(shops):
    """Eight threads ask one store its first question together; the load is held open until all eight
    have missed it, so each would load it if the lock did not make them wait for the first."""
    engine = serving(shops)
    asking, everyone_missed = 8, threading.Event()
    missed, lock_of = [], engine._resident.load_lock

    def counting_lock(store: str):
        missed.append(store)
        if len(missed) == asking:
            everyone_missed.set()
        return lock_of(store)

    engine._resident.load_lock = counting_lock
    load = engine._load

    def held_open(store: str):
        assert everyone_missed.wait(60), "not every thread reached the load"
        return load(store)

    engine._load = held_open
    replies: list[str] = []
    threads = [threading.Thread(target=lambda: replies.append(ask(engine, "cask"))) for _ in range(asking)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(missed) == asking and len(replies) == asking and len(set(replies)) == 1
    assert engine.loads == {"cask": 1}


def test_a_build_published_while_a_store_was_dropped_is_the_one_loaded_next(own_shops, embedder):
    knowledge, index = own_shops
    clock = Clock()
    engine = serving(own_shops, Limits(idle_seconds=60), clock)
    asked = "Which cards do you take?"
    assert engine.answer("acme", asked, today=TODAY).kind == "handoff"
    clock.now = 61
    assert engine.loaded_stores() == []
    page = SHOPS["acme"][1] + "Payment\nWhich cards do you take?\nWe accept Visa and Mastercard.\n"
    (knowledge / "acme" / "faq.txt").write_text(page, encoding="utf-8")
    build_store_index(knowledge, index, "acme", embedder)  # as `faqbot build` publishes, from another process
    assert "Visa" in engine.answer("acme", asked, today=TODAY).text
    assert engine.runtime("acme").build == published_build(index, "acme")


def test_a_store_dropped_after_its_pages_were_edited_serves_its_published_build(own_shops):
    """Edited but not built yet: loaded again, the store serves what was published, as it would
    have kept serving it loaded, instead of refusing until someone runs `faqbot build`."""
    knowledge, _ = own_shops
    clock = Clock()
    engine = serving(own_shops, Limits(idle_seconds=60), clock)
    before = ask(engine, "bolt")
    (knowledge / "bolt" / "faq.txt").write_text(SHOPS["bolt"][1] + "Gifts\nDo you gift wrap?\nYes, for $2.\n", encoding="utf-8")
    assert engine.check_fresh("bolt").startswith("stale: changed since the last build")
    clock.now = 61
    assert ask(engine, "bolt") == before and engine.loads == {"bolt": 2}


def test_healthz_says_which_stores_are_loaded_without_loading_any(shops, tmp_path):
    knowledge, index = shops
    settings = Settings(knowledge_dir=knowledge, index_dir=index, database_url=f"sqlite:///{tmp_path / 'faqbot.db'}")
    from bot.api.app import create_app

    engine = serving(shops)
    client = TestClient(create_app(settings, engine))
    health = client.get("/healthz").json()
    assert health["stores"] == {store: "fresh" for store in SHOPS} and health["loaded"] == [] and health["status"] == "ok"
    assert [s["id"] for s in client.get("/v1/stores").json()] == list(SHOPS)
    assert client.get("/healthz").json()["loaded"] == ["dune"]  # listed, its address is read off its page
    assert client.post("/v1/chat", json={"store": "bolt", "message": "what does shipping cost?"}).status_code == 200
    assert client.get("/healthz").json()["loaded"] == ["dune", "bolt"]
    assert engine.loads == {"dune": 1, "bolt": 1}


def test_an_unknown_store_is_refused_before_it_gets_a_lock(shops):
    engine = serving(shops)
    with pytest.raises(Exception, match="no store named 'nope'"):
        engine.runtime("nope")
    assert "nope" not in engine._resident._loading


@pytest.mark.parametrize(
    "setting, value, message",
    [
        pytest.param("store_idle_seconds", -1, "greater than or equal to 0", id="negative-idle-seconds"),
        pytest.param("max_loaded_stores", -1, "greater than or equal to 0", id="negative-max-loaded"),
        pytest.param("max_loaded_stores", "lots", "valid integer", id="not-a-number"),
    ],
)
def test_settings_refuse_negative_limits(setting, value, message):
    with pytest.raises(ValidationError, match=message) as raised:
        Settings(**{setting: value})
    assert raised.value.errors()[0]["loc"] == (setting,)


def test_the_defaults_drop_stores_idle_half_an_hour_with_no_cap():
    settings = Settings()
    assert (settings.store_idle_seconds, settings.max_loaded_stores) == (1800, 0)
    engine = Engine.from_settings(settings, build_stale=False)
    assert engine.limits == Limits(1800, 0) and engine.clock is not None


def test_dropping_idle_stores_needs_a_clock(shops):
    knowledge, index = shops
    with pytest.raises(ValueError, match="needs a clock"):
        Engine(knowledge, index, packaged_model_path(), limits=Limits(idle_seconds=60))
