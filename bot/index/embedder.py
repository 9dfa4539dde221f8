"""The sentence-transformers model, loaded once per folder, offline."""

from __future__ import annotations

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
    fingerprint: str  # changes when the model's files change: a built index must match it
    model: object  # sentence_transformers.SentenceTransformer
    vocabulary: frozenset[str]  # the tokenizer's whole words: our English dictionary for typo repair
    lock: threading.Lock

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 rows, so inner product is cosine similarity."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self.lock:  # torch's CPU kernels already use both cores; queueing beats contention
            vectors = self.model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
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


def read_tuning(path: Path | None, base_fingerprint: str) -> tuple[dict, str] | None:
    """The tuned tensors and their digest, when the file was fitted on this very base model."""
    if path is None or not path.exists():
        return None
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as tuned:
        if (tuned.metadata() or {}).get("base_fingerprint") != base_fingerprint:
            return None
        tensors = {name: tuned.get_tensor(name) for name in tuned.keys()}
    return tensors, hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=4)
def load_embedder(path: Path, tuning: Path | None = TUNING_FILE) -> Embedder:
    """`tuning`: tensors fitted on top of this model (None: the model as its folder has it)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ModelNotFound(f"no sentence-transformers model in {path} (expected modules.json / config.json there)")
    from sentence_transformers import SentenceTransformer
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    vocab_file = path / "vocab.txt"
    vocabulary = frozenset(
        word for word in (vocab_file.read_text(encoding="utf-8").split() if vocab_file.exists() else []) if word.isalpha()
    )
    fingerprint = model_fingerprint(path)
    tuned = read_tuning(tuning, fingerprint)
    if tuned is not None:
        tensors, digest = tuned
        parameters = dict(model.named_parameters())
        unknown = set(tensors) - set(parameters)
        if unknown:
            raise ModelNotFound(f"{tuning} tunes parameters {sorted(unknown)[:3]} the model in {path} does not have")
        import torch

        with torch.no_grad():
            for name, value in tensors.items():
                parameters[name].copy_(value)
        fingerprint = f"{fingerprint}+{digest}"  # an index built with the base model is stale under the tuned one
    return Embedder(path, fingerprint, model, vocabulary, threading.Lock())
