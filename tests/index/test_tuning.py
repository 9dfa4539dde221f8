"""The encoder's shipped tuning: applied on top of the very model it was fitted on, and only that one
(on PyTorch, where it is fitted; tests/index/test_onnx.py checks the export carries it)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from bot.index import load_embedder
from bot.index.embedder import TUNING_FILE, ModelNotFound, model_fingerprint
from bot.settings import packaged_model_path

QUESTION = "where do you ship from?"
LAYER_NORM = "0.model.encoder.layer.5.output.LayerNorm.bias"


def write_tuning(path, base_fingerprint: str, name: str = LAYER_NORM):
    """A tuning file as bench/fit_encoder.py writes one: one layer norm's bias moved by 0.5."""
    plain = load_embedder(packaged_model_path(), tuning=None, backend="torch")
    save_file({name: dict(plain.model.named_parameters())[LAYER_NORM].detach().clone() + 0.5}, str(path), metadata={"base_fingerprint": base_fingerprint})
    return path


def test_a_tuning_fitted_on_this_model_changes_its_vectors_and_its_fingerprint(tmp_path):
    base = packaged_model_path()
    plain = load_embedder(base, tuning=None, backend="torch")
    tuned = load_embedder(base, tuning=write_tuning(tmp_path / "tuned.safetensors", model_fingerprint(base)), backend="torch")
    assert tuned.fingerprint.startswith(plain.fingerprint + "+")  # an index built untuned is stale
    assert not np.allclose(tuned.encode([QUESTION]), plain.encode([QUESTION]))


@pytest.mark.parametrize(
    "case, base_fingerprint",
    [("fitted on another model", "0123456789abcdef"), ("written with no base named", "")],
)
def test_a_tuning_for_another_model_is_not_applied(tmp_path, case, base_fingerprint):
    base = packaged_model_path()
    plain = load_embedder(base, tuning=None, backend="torch")
    other = load_embedder(base, tuning=write_tuning(tmp_path / f"{len(base_fingerprint)}.safetensors", base_fingerprint), backend="torch")
    assert other.fingerprint == plain.fingerprint, case
    assert np.allclose(other.encode([QUESTION]), plain.encode([QUESTION]))


def test_a_tuning_naming_parameters_the_model_lacks_is_refused(tmp_path):
    base = packaged_model_path()
    with pytest.raises(ModelNotFound, match="does not have"):
        load_embedder(base, tuning=write_tuning(tmp_path / "odd.safetensors", model_fingerprint(base), name="no.such.parameter"), backend="torch")


def test_the_shipped_tuning_is_fitted_on_the_packaged_model():
    """bench/fit_encoder.py refits it; a new MiniLM package would silently lose it, so it is checked."""
    assert TUNING_FILE.exists()
    assert "+" in load_embedder(packaged_model_path()).fingerprint
