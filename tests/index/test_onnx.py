"""Serving's encoder: the ONNX export gives PyTorch's vectors (the int8 one nearly), carries the
tuning in its fingerprint, never mixes with an index built on another backend, and runs without torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from bot.index import build_store_index, index_status, load_embedder
from bot.index.embedder import ModelNotFound, onnx_fingerprint
from bot.settings import packaged_model_path

SENTENCES = [
    "where do you ship from?",
    "Returns are accepted within 30 days of delivery, unworn and with tags attached.",
    "r ur watches real or fake",
    "Can I send the chocolates back if I just don't like the flavors?",
    "Orders placed before 2 pm Eastern ship the same business day; weekend orders ship on Monday.",
]


@pytest.fixture(scope="module")
def backends():
    model = packaged_model_path()
    return load_embedder(model, backend="torch"), load_embedder(model, backend="onnx")


@pytest.mark.parametrize(
    "backend, least_cosine",
    [
        ("onnx", 0.99999),  # the network as exported: PyTorch's vectors
        ("onnx-int8", 0.98),  # its weights in int8: 0.994 on average over the shipped stores' questions (bench/README.md)
    ],
)
def test_the_export_gives_the_torch_vectors(backends, backend, least_cosine):
    a = backends[0].encode(SENTENCES)
    b = load_embedder(packaged_model_path(), backend=backend).encode(SENTENCES)
    assert b.dtype == np.float32 and np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    cosines = (a * b).sum(axis=1)
    assert cosines.min() > least_cosine, cosines


def test_the_nearest_sentence_is_the_same_under_both(backends):
    questions = ["how long do I have to return something?", "do you ship abroad?", "is the watch genuine?"]
    nearest = [np.argmax(encoder.encode(questions) @ encoder.encode(SENTENCES).T, axis=1).tolist() for encoder in backends]
    assert nearest[0] == nearest[1] == [1, 0, 2]


def test_each_backend_has_its_own_fingerprint_so_an_index_is_rebuilt_not_mixed(backends, tmp_path):
    torch_encoder, onnx_encoder = backends
    assert onnx_encoder.fingerprint == torch_encoder.fingerprint + "+onnx" == onnx_fingerprint(packaged_model_path())
    assert load_embedder(packaged_model_path(), backend="onnx-int8").fingerprint == torch_encoder.fingerprint + "+onnx-int8"
    knowledge = tmp_path / "knowledge" / "shop"
    knowledge.mkdir(parents=True)
    (knowledge / "store.toml").write_text('name = "Shop"\n')
    (knowledge / "faq.txt").write_text("Returns\nReturns are accepted within 30 days of delivery.\n")
    build_store_index(tmp_path / "knowledge", tmp_path / "index", "shop", torch_encoder)
    assert index_status(tmp_path / "knowledge", tmp_path / "index", "shop", onnx_encoder) != "fresh"
    build_store_index(tmp_path / "knowledge", tmp_path / "index", "shop", onnx_encoder)
    assert index_status(tmp_path / "knowledge", tmp_path / "index", "shop", onnx_encoder) == "fresh"


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=300)


def test_answering_on_onnx_imports_no_torch(backends, tmp_path):
    """What serving, `faqbot ask` and the email path run: an engine's whole turn, in a fresh process."""
    knowledge = tmp_path / "knowledge" / "shop"
    knowledge.mkdir(parents=True)
    (knowledge / "store.toml").write_text('name = "Shop"\n')
    (knowledge / "faq.txt").write_text("Returns\nReturns are accepted within 30 days of delivery.\n\nShipping\nWe ship from Oregon.\n")
    done = run_python(
        """
        import json, sys
        from datetime import date
        from pathlib import Path
        from bot.engine import Engine
        from bot.settings import packaged_model_path
        engine = Engine(Path(sys.argv[1]), Path(sys.argv[2]), packaged_model_path(), encoder="onnx")
        reply = engine.answer("shop", "where do you ship from?", today=date(2026, 6, 15))
        print(json.dumps({"text": reply.text, "torch": "torch" in sys.modules, "st": "sentence_transformers" in sys.modules}))
        """,
        str(tmp_path / "knowledge"), str(tmp_path / "index"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "Oregon" in seen["text"]
    assert not seen["torch"] and not seen["st"]


def test_without_torch_a_missing_export_says_how_to_get_one(tmp_path):
    done = run_python(
        """
        import sys
        from pathlib import Path
        sys.modules["torch"] = None  # a server installed without the training extra
        from bot.index.embedder import ModelNotFound, load_embedder
        from bot.settings import packaged_model_path
        try:
            load_embedder(packaged_model_path(), exports=Path(sys.argv[1]))
        except ModelNotFound as exc:
            print(exc)
        """,
        str(tmp_path / "empty-cache"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "faqbot model export" in done.stdout and "FAQBOT_ENCODER=torch" in done.stdout


def small_model(folder, pooling: str):
    """Another sentence-transformers model, made here: a two-layer BERT of its own (random weights,
    MiniLM's tokenizer) with the pooling named, as a store's `model_path` may name one."""
    import shutil

    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel

    bert = folder / "bert"
    BertModel(BertConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128)).save_pretrained(str(bert))
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (packaged_model_path() / name).exists():
            shutil.copy(packaged_model_path() / name, bert / name)
    transformer = models.Transformer(str(bert), max_seq_length=64)
    SentenceTransformer(modules=[transformer, models.Pooling(64, pooling_mode=pooling)], device="cpu").save(str(folder / "model"))
    return folder / "model"


@pytest.mark.parametrize("pooling", ["cls", "max"])
def test_another_model_with_its_own_pooling_exports_too(tmp_path, pooling):
    model = small_model(tmp_path, pooling)
    torch_vectors = load_embedder(model, tuning=None, backend="torch").encode(SENTENCES)
    onnx_encoder = load_embedder(model, tuning=None, backend="onnx", exports=tmp_path / "exports")
    assert onnx_encoder.dimension == 64 and onnx_encoder.fingerprint.endswith("+onnx")
    assert ((torch_vectors * onnx_encoder.encode(SENTENCES)).sum(axis=1)).min() > 0.97


def test_an_unknown_backend_is_refused():
    with pytest.raises(ModelNotFound, match="unknown encoder backend"):
        load_embedder(packaged_model_path(), backend="tensorflow")


def test_faqbot_model_export_writes_an_export_serving_reads(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from bot.cli.app import app
    from bot.settings import get_settings

    model = small_model(tmp_path, "cls")
    monkeypatch.setenv("FAQBOT_ENCODER_CACHE", str(tmp_path / "cache"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        first = runner.invoke(app, ["model", "export", "--model", str(model)])
        assert first.exit_code == 0, first.output
        folder = onnx_fingerprint(model).replace("+", "-")
        assert folder in first.output and (tmp_path / "cache" / folder / "model.onnx").exists()
        made = (tmp_path / "cache" / folder / "model.onnx").stat().st_mtime_ns
        assert runner.invoke(app, ["model", "export", "--model", str(model)]).exit_code == 0
        assert (tmp_path / "cache" / folder / "model.onnx").stat().st_mtime_ns == made  # kept, not made again
        assert load_embedder(model, tuning=None, exports=tmp_path / "cache").fingerprint == onnx_fingerprint(model)
        refused = runner.invoke(app, ["model", "export", "--model", str(tmp_path / "no-model")])
        assert refused.exit_code == 1 and "no sentence-transformers model" in refused.output
    finally:
        get_settings.cache_clear()


def test_the_thread_count_is_the_operators_and_changes_no_vector(backends):
    one = load_embedder(packaged_model_path(), threads=1)
    assert one.backend.session.get_session_options().intra_op_num_threads == 1
    assert np.allclose(one.encode(SENTENCES), backends[1].encode(SENTENCES), atol=1e-5)
