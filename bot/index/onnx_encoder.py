"""The encoder on ONNX Runtime: what serving runs, without torch.

A shopper's reply needs only inference, and one bare PyTorch encode was most of a reply's time, a
serving process's memory and `faqbot ask`'s start (importing torch and sentence-transformers). The
same network, exported once with its tuning applied (`bot/index/export.py`, which needs torch; its
weights optionally quantised to int8), runs on ONNX Runtime with the model's own tokenizer (the
`tokenizers` library): the model's pooling over the attention mask and unit length, as
sentence-transformers does.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "encoder.json"  # what it was exported from: the fingerprint an index built with it carries


@dataclass(frozen=True)
class ExportedEncoder:
    folder: Path
    fingerprint: str
    dimension: int
    max_tokens: int
    pooling: str = "mean"  # mean | cls | max, as the model's sentence-transformers pooling


def read_export(folder: Path) -> ExportedEncoder | None:
    """The export in `folder`, when it is whole (its config is written last)."""
    config = folder / CONFIG_FILE
    if not config.exists() or not (folder / MODEL_FILE).exists() or not (folder / TOKENIZER_FILE).exists():
        return None
    data = json.loads(config.read_text(encoding="utf-8"))
    return ExportedEncoder(folder, data["fingerprint"], int(data["dimension"]), int(data["max_tokens"]), data.get("pooling", "mean"))


class OnnxEncoder:
    """Unit-length float32 rows for texts, as `SentenceTransformer.encode(normalize_embeddings=True)` gives them."""

    def __init__(self, export: ExportedEncoder, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.export = export
        self.tokenizer = Tokenizer.from_file(str(export.folder / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(max_length=export.max_tokens)
        self.tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0: ONNX Runtime's own choice, one per core
        # Its threads would spin after each encode for the next one, taking the cores the rest of the turn
        # (and other workers) need: a reply's p50 is the same without (bench/README.md, session 12).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(str(export.folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        rows = [self.encode_batch(texts[start : start + batch_size]) for start in range(0, len(texts), batch_size)]
        return np.concatenate(rows) if rows else np.zeros((0, self.export.dimension), np.float32)

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        with self.lock:
            hidden = self.session.run(None, feed)[0]
        pooled = pool(hidden, mask, self.export.pooling)
        return np.ascontiguousarray(pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None), dtype=np.float32)


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """One vector per text from its tokens' last hidden states, as sentence-transformers' Pooling does."""
    if pooling == "cls":
        return hidden[:, 0]
    weights = mask[:, :, None].astype(np.float32)
    if pooling == "max":
        return np.where(weights > 0, hidden, -1e9).max(axis=1)
    return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
