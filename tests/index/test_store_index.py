"""The persisted FAISS index: built once, rebuilt only on change, never half-replaced."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import IndexNotReady
from bot.index import build_store_index, index_status, load_embedder, load_store_index
from bot.settings import packaged_model_path

TODAY = date(2026, 11, 25)
PAGE = "Returns\nHow do I return an item?\nEmail us within 30 days of delivery.\nShipping\nWe ship to the US and Canada.\n"


@pytest.fixture(scope="module")
def embedder():
    return load_embedder(packaged_model_path())


def test_build_then_search_finds_the_paraphrase(store_folder, tmp_path, embedder):
    knowledge_dir, index_dir = store_folder(PAGE), tmp_path / "index"
    result = build_store_index(knowledge_dir, index_dir, "acme", embedder)
    assert result.rebuilt and result.chunk_count == 2
    index = load_store_index(knowledge_dir, index_dir, "acme", embedder)
    question, _ = index.key_scores(embedder.encode(["can I send something back?"])[0])
    assert index.chunks[int(question.argmax())].title == "How do I return an item?"
    assert index.manifest.dimension == 384 and set(index.manifest.source_hashes) == {"faq.txt", "store.toml"}


def test_unchanged_sources_are_not_rebuilt_and_changed_ones_are(store_folder, tmp_path, embedder):
    knowledge_dir, index_dir = store_folder(PAGE), tmp_path / "index"
    build_store_index(knowledge_dir, index_dir, "acme", embedder)
    assert not build_store_index(knowledge_dir, index_dir, "acme", embedder).rebuilt
    (knowledge_dir / "acme" / "faq.txt").write_text(PAGE + "Payment\nWe accept Visa.\n")
    assert index_status(knowledge_dir, index_dir, "acme", embedder) == "stale: changed since the last build: faq.txt"
    with pytest.raises(IndexNotReady, match="run `faqbot build`"):
        load_store_index(knowledge_dir, index_dir, "acme", embedder)
    assert build_store_index(knowledge_dir, index_dir, "acme", embedder).chunk_count == 3


def test_missing_index_is_reported_not_served(store_folder, tmp_path, embedder):
    with pytest.raises(IndexNotReady, match="no index has been built"):
        load_store_index(store_folder(PAGE), tmp_path / "nothing", "acme", embedder)


def test_a_crash_mid_build_leaves_the_old_index_serving(store_folder, tmp_path, embedder, monkeypatch):
    knowledge_dir, index_dir = store_folder(PAGE), tmp_path / "index"
    build_store_index(knowledge_dir, index_dir, "acme", embedder)
    (knowledge_dir / "acme" / "faq.txt").write_text(PAGE + "Payment\nWe accept Visa.\n")

    def crash(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("bot.index.store_index.write_json", crash)
    with pytest.raises(OSError):
        build_store_index(knowledge_dir, index_dir, "acme", embedder)
    (knowledge_dir / "acme" / "faq.txt").write_text(PAGE)  # the sources the old build was made from
    assert load_store_index(knowledge_dir, index_dir, "acme", embedder).manifest.chunk_count == 2


def test_a_build_published_by_another_process_is_served_from_the_next_question(store_folder, tmp_path, embedder):
    """A serving engine (it never builds: build_stale=False, as each worker) picks up a build that
    `faqbot build` published, without a restart; a published build it cannot serve leaves the
    loaded one serving."""
    from bot.engine import Engine
    from bot.settings import MatchSettings

    knowledge_dir, index_dir = store_folder(PAGE), tmp_path / "index"
    build_store_index(knowledge_dir, index_dir, "acme", embedder)
    serving = Engine(knowledge_dir, index_dir, packaged_model_path(), MatchSettings(), build_stale=False)
    asked = "Which cards do you take?"
    assert serving.answer("acme", asked, today=TODAY).kind == "handoff"
    (knowledge_dir / "acme" / "faq.txt").write_text(PAGE + "Payment\nWhich cards do you take?\nWe accept Visa and Mastercard.\n")
    build_store_index(knowledge_dir, index_dir, "acme", embedder)  # as `faqbot build` does, from another process
    assert "Visa" in serving.answer("acme", asked, today=TODAY).text
    (knowledge_dir / "acme" / "faq.txt").write_text(PAGE + "Payment\nWhich cards do you take?\nWe accept Visa, Mastercard and PayPal.\n")
    (index_dir / "acme" / "CURRENT").write_text("build-that-is-not-there\n")  # published, but not servable
    assert "Visa" in serving.answer("acme", asked, today=TODAY).text
