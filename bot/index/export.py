"""Exports a sentence-transformers model, its tuning applied, to an ONNX encoder.

This is the one place serving's encoder meets torch: `faqbot model export` (and `faqbot build`
when no export exists yet) runs it once per model, tuning and backend; every process after that
encodes on ONNX Runtime (bot/index/onnx_encoder.py). The network is exported as it runs in PyTorch
(token ids, attention mask and token types in; the last hidden states out); pooling and unit length
are done in numpy. For "onnx-int8" the weights of its matrix products are then quantised to int8
dynamically (per channel; activations stay float): a cosine of 0.994 to PyTorch's vectors on
average, which costs MiniLM 1.3 points on the real shops' dev half (bench/README.md, session 12).
"""

from __future__ import annotations

import inspect
import json
import logging
import shutil
import tempfile
import warnings
from pathlib import Path

from bot.errors import FaqbotError
from bot.index.onnx_encoder import CONFIG_FILE, MODEL_FILE, TOKENIZER_FILE, ExportedEncoder, read_export

OPSET = 17
POOLINGS = ("mean", "cls", "max")  # what bot/index/onnx_encoder.py pools by


class NotExportable(FaqbotError):
    code, http_status = "model_not_exportable", 500


def pooling_of(model, model_path: Path) -> str:
    """The model's pooling, when the export can reproduce the whole model: a transformer, a pooling
    ONNX Runtime's caller does in numpy, and at most a normalisation (every vector is made unit length)."""
    kinds = [type(module).__name__ for module in model]
    pooling = model[1].get_config_dict().get("pooling_mode") if kinds[:2] == ["Transformer", "Pooling"] else None
    if pooling not in POOLINGS or any(kind != "Normalize" for kind in kinds[2:]):
        raise NotExportable(
            f"the model in {model_path} ({' → '.join(kinds)}, pooling {pooling}) cannot be exported for ONNX Runtime here: "
            f"serve it with FAQBOT_ENCODER=torch"
        )
    return pooling


def export_encoder(model, model_path: Path, target: Path, fingerprint: str, quantize: bool = False) -> ExportedEncoder:
    """Writes the export of `model` (a SentenceTransformer, its tuning applied, loaded from `model_path`)
    into `target`, replacing it whole: a reader sees the old export or the new one."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    pooling = pooling_of(model, model_path)
    transformer = model[0].auto_model.eval()
    max_tokens = int(model.max_seq_length)
    dimension = int(model.get_embedding_dimension())
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if "token_type_ids" in inspect.signature(transformer.forward).parameters else [])

    class LastHidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs, strict=True)), return_dict=False)[0]

    sample = model.tokenizer(["where is my order?", "returns within 30 days of delivery"], padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in names} | {"last_hidden_state": {0: "batch", 1: "tokens"}}
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        staging = Path(scratch) / "export"
        staging.mkdir()
        plain = Path(scratch) / "plain.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on MiniLM's shape arithmetic: the export is checked against torch in tests
            torch.onnx.export(
                LastHidden(), tuple(sample[n] for n in names), str(plain), input_names=names, output_names=["last_hidden_state"],
                dynamic_axes=axes, opset_version=OPSET, dynamo=False,
            )
        if quantize:
            root, level = logging.getLogger(), logging.getLogger().level
            root.setLevel(logging.ERROR)  # its advice to pre-process first: accuracy is measured without (bench/README.md)
            try:
                quantize_dynamic(str(plain), str(staging / MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True)
            finally:
                root.setLevel(level)
        else:
            shutil.copy(plain, staging / MODEL_FILE)
        model.tokenizer.save_pretrained(str(staging / "tokenizer"))  # the fast tokenizer as one tokenizer.json, whatever files the folder had
        shutil.copy(staging / "tokenizer" / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        shutil.rmtree(staging / "tokenizer")
        config = {
            "fingerprint": fingerprint, "dimension": dimension, "max_tokens": max_tokens, "pooling": pooling,
            "inputs": names, "quantized": quantize, "model_path": str(model_path),
        }
        (staging / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        old = Path(scratch) / "old"
        if target.exists():
            target.rename(old)
        staging.rename(target)
    found = read_export(target)
    assert found is not None
    return found
