"""The sentence encoder, loaded once per folder and tuning, offline.

Two backends run the same network: ONNX Runtime on an export of it (bot/index/onnx_encoder.py;
float32 by default, int8 weights as an option), which is what serving uses and imports no torch,
and PyTorch through sentence-transformers, which fitting needs and which makes the export once
(bot/index/export.py). Each gives its own fingerprint, so an index built with one is rebuilt for
another, never mixed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.errors import FaqbotError


class ModelNotFound(FaqbotError):
    code, http_status = "model_not_found", 500


@dataclass(frozen=True)
class Embedder:
    path: Path
    fingerprint: str  # changes when the model's files, its tuning or the backend change: a built index must match it
    backend: object  # .encode(texts, batch_size) -> unit-length float32 rows (OnnxEncoder or TorchEncoder)
    vocabulary: frozenset[str]  # the tokenizer's whole words: our English dictionary for typo repair
    dimension: int

    @property
    def model(self):
        """The sentence-transformers model (PyTorch backend only): what fitting and exporting work on."""
        return self.backend.model

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 rows, so inner product is cosine similarity."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.backend.encode(texts, batch_size)


@dataclass(frozen=True)
class TorchEncoder:
    model: object  # sentence_transformers.SentenceTransformer
    lock: threading.Lock

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        with self.lock:  # torch's CPU kernels already use both cores; queueing beats contention
            vectors = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def model_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json"):
        file = path / name
        if file.exists():
            digest.update(name.encode() + file.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return digest.hexdigest()[:16]


# MiniLM's biases and layer norms refitted on shoppers' questions and the page sentences that
# answer them, across many shops and trades (`python -m bench.fit_encoder`): a few tens of thousands
# of numbers applied on top of the packaged weights, which stay where the package put them.
TUNING_FILE = Path(__file__).with_name("minilm-shops.safetensors")
# "onnx": the network as exported, float32, the same vectors as PyTorch's (cosine 1.0); "onnx-int8":
# its matrix weights quantised, twice as fast again but 1.3 points off on the real shops' dev half
# (bench/README.md, session 12), so not the default; "torch": sentence-transformers.
BACKENDS = ("onnx", "onnx-int8", "torch")


def tuning_digest(path: Path | None, base_fingerprint: str) -> str | None:
    """The tuning file's digest, when it was fitted on this very base model (read without torch)."""
    if path is None or not path.exists():
        return None
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as tuned:
        if (tuned.metadata() or {}).get("base_fingerprint") != base_fingerprint:
            return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def check_model_folder(path: Path) -> None:
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ModelNotFound(f"no sentence-transformers model in {path} (expected modules.json / config.json there)")


def load_torch_model(path: Path, tuning: Path | None = TUNING_FILE):
    """The sentence-transformers model on PyTorch, with the tuning applied when it was fitted on it."""
    check_model_folder(path)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    if tuning_digest(tuning, model_fingerprint(path)) is None:
        return model
    import torch
    from safetensors.torch import load_file

    tensors = load_file(str(tuning))
    parameters = dict(model.named_parameters())
    unknown = set(tensors) - set(parameters)
    if unknown:
        raise ModelNotFound(f"{tuning} tunes parameters {sorted(unknown)[:3]} the model in {path} does not have")
    with torch.no_grad():
        for name, value in tensors.items():
            parameters[name].copy_(value)
    return model


def vocabulary_of(path: Path) -> frozenset[str]:
    vocab_file = path / "vocab.txt"
    return frozenset(word for word in (vocab_file.read_text(encoding="utf-8").split() if vocab_file.exists() else []) if word.isalpha())


def load_embedder(path: Path, tuning: Path | None = TUNING_FILE, backend: str = "onnx", exports: Path | None = None, threads: int = 0) -> Embedder:
    """`tuning`: tensors fitted on top of this model (None: the model as its folder has it).
    `backend`: "onnx" / "onnx-int8" encode on the export kept under `exports` (default: the user's
    cache; made once, with torch, when missing); "torch" on sentence-transformers. `threads`: ONNX
    Runtime's threads per encode (0: one per core)."""
    if exports is None:
        from bot.settings import default_encoder_cache

        exports = default_encoder_cache()
    return cached_embedder(path, tuning, backend, exports, threads)


@lru_cache(maxsize=4)
def cached_embedder(path: Path, tuning: Path | None, backend: str, exports: Path, threads: int = 0) -> Embedder:
    check_model_folder(path)
    if backend not in BACKENDS:
        raise ModelNotFound(f"unknown encoder backend {backend!r}; known: {', '.join(BACKENDS)}")
    fingerprint, tuned = fingerprint_of(path, tuning)
    if backend != "torch":
        from bot.index.onnx_encoder import OnnxEncoder

        export = ensure_export(path, tuning if tuned else None, exports, f"{fingerprint}+{backend}")
        return Embedder(path, export.fingerprint, OnnxEncoder(export, threads), vocabulary_of(path), export.dimension)
    model = load_torch_model(path, tuning)
    return Embedder(path, fingerprint, TorchEncoder(model, threading.Lock()), vocabulary_of(path), int(model.get_embedding_dimension()))


def fingerprint_of(path: Path, tuning: Path | None) -> tuple[str, bool]:
    """The model's fingerprint with its tuning's digest when the tuning applies (an index built with
    the base model is stale under the tuned one), and whether it applies."""
    base = model_fingerprint(path)
    digest = tuning_digest(tuning, base)
    return (f"{base}+{digest}", True) if digest else (base, False)


def onnx_fingerprint(path: Path, tuning: Path | None = TUNING_FILE, backend: str = "onnx") -> str:
    """The fingerprint an ONNX export of this model and tuning carries (and an index built with it)."""
    return f"{fingerprint_of(path, tuning)[0]}+{backend}"


def export_folder(exports: Path, fingerprint: str) -> Path:
    return exports / fingerprint.replace("+", "-")


def current_export(exports: Path, fingerprint: str):
    """The whole export with this fingerprint under `exports`, or None."""
    from bot.index.onnx_encoder import read_export

    export = read_export(export_folder(exports, fingerprint))
    return export if export is not None and export.fingerprint == fingerprint else None


def has_export(path: Path, exports: Path, backend: str = "onnx", tuning: Path | None = TUNING_FILE) -> bool:
    """Whether the export this model, tuning and backend need is already under `exports`."""
    return current_export(exports, onnx_fingerprint(path, tuning, backend)) is not None


def ensure_export(path: Path, tuning: Path | None, exports: Path, fingerprint: str):
    """The ONNX export of this model and tuning under `exports`, made now when missing."""
    export = current_export(exports, fingerprint)
    if export is not None:
        return export
    folder = export_folder(exports, fingerprint)
    try:
        exports.mkdir(parents=True, exist_ok=True)
        with open(exports / f".{folder.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # processes starting together export once; the others wait and read it
            export = current_export(exports, fingerprint) or export_or_explain(path, tuning, folder, fingerprint)
    except OSError as exc:
        raise ModelNotFound(f"cannot write the encoder's ONNX export under {exports} ({exc.strerror}): set FAQBOT_ENCODER_CACHE to a writable folder") from None
    return export


def export_or_explain(path: Path, tuning: Path | None, folder: Path, fingerprint: str):
    """Export now where torch is installed; elsewhere say how to get an export."""
    try:
        import torch  # noqa: F401
    except ImportError:
        raise ModelNotFound(
            f"no ONNX export of the model in {path} under {folder.parent}: run `faqbot model export` on a machine with "
            "torch installed and copy the folder here, or set FAQBOT_ENCODER=torch"
        ) from None
    from bot.index.export import export_encoder

    return export_encoder(load_torch_model(path, tuning), path, folder, fingerprint, quantize=fingerprint.endswith("+onnx-int8"))
