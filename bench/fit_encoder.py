"""Refits MiniLM's biases and layer norms on shoppers' questions and the page text that answers them.

    python -m bench.fit_encoder            # writes bot/index/minilm-shops.safetensors
    python -m bench.fit_encoder --fraction 0.25 --out /tmp/quarter.safetensors   # a learning curve's point

After fitting it prints how often the closest key by meaning alone (the `dense_best` evidence)
belongs to a passage holding the answer, on the real benchmark's dev half and the jewelry stores'
held-out dev sets, for the model untuned, with the shipped tuning and with the new one: the
encoder's own figure, before any ranker is fitted on it.

MiniLM was trained on the web's question–answer pairs, not on shops: it puts "where do you ship
from" nearest the sentence about where the shop ships *to*, "changed my mind" far from "returns
for reasons other than defects". Shops' pages and the questions shoppers ask of them are the data
that teaches it the difference. Only the biases and layer norms move (BitFit: ~31k numbers of 22M),
so what is learnt ships as a small file applied on top of the packaged weights
(`bot.index.embedder.TUNING_FILE`), and what MiniLM already knows is kept.

Data: every answerable question with the passage it names, in three families of shops:
- jewelry: tests/eval/<store>.jsonl over the three shipped stores, curated (their knowledge/
  folders, the owners' alternate phrasings included) and as raw FAQ pages;
- pages: tests/eval/pages/ (14 shops of other trades, written by helpers as new owners);
- train: bench/data/train/ (191 real shops of many trades, their pages as found, questions written
  from the pages by helpers; see its README). `--fraction F` keeps the first F of its shops by the
  SHA-1 of their ids, for the learning curve.
The real benchmark (tests/eval/real/, both halves) is never fitted on here, so its figures
measure the encoder on shops it has not seen.

Each question is pulled toward a text the index keys its answering chunk by (the chunk's
question, title or whole content, or the sentence holding the expected phrase) and pushed from the other questions' answers
in its batch and from the store's own closest wrong passage (multiple-negatives ranking loss).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from bot.evaluation import EvalCase, read_cases, squash
from bot.index.embedder import TUNING_FILE, load_embedder, load_torch_model, model_fingerprint
from bot.index.store_index import chunk_keys
from bot.ingest import load_store_knowledge
from bot.settings import packaged_model_path

ROOT = Path(__file__).resolve().parents[1]
STORES = ("sessori", "dissoo", "stelladot")
BATCH = 16
SCALE = 20.0  # cosine × 20 as logits: the usual temperature of the multiple-negatives loss
HARD_NEGATIVES = 5  # the store's passages the untuned model finds closest, one drawn per step
MAX_TOKENS = 128


@dataclass(frozen=True)
class Pair:
    question: str
    answers: tuple[str, ...]  # texts the index keys the answering chunk by
    near_misses: tuple[str, ...]  # the same store's other passages and sentences, closest first


def is_tuned(name: str) -> bool:
    return (name.endswith(".bias") or "LayerNorm" in name) and "pooler" not in name  # mean pooling never reads the pooler


def raw_jewelry(target: Path) -> Path:
    """The shipped stores as a newcomer pastes them: the FAQ page and the name, no curation."""
    for store in STORES:
        (target / store).mkdir(parents=True)
        shutil.copy(ROOT / "knowledge" / store / "faq.txt", target / store / "faq.txt")
        name = next(line for line in (ROOT / "knowledge" / store / "store.toml").read_text().splitlines() if line.startswith("name"))
        (target / store / "store.toml").write_text(name + "\n", encoding="utf-8")
    return target


def first_shops(paths: list[Path], fraction: float) -> list[Path]:
    """The first `fraction` of shops, ordered by the SHA-1 of their ids: the same shops each run."""
    ordered = sorted(paths, key=lambda p: hashlib.sha1(p.stem.encode()).hexdigest())
    return ordered[: max(1, round(len(ordered) * fraction))]


def fold_of(shop: str, folds: int) -> int:
    """Which of `folds` parts a shop falls in, by the SHA-1 of its id: the same part each run and in
    each script (bench.fit_matcher reads a shop's features from the encoder fitted without its part)."""
    return int(hashlib.sha1(shop.encode()).hexdigest(), 16) % folds


def families(scratch: Path, fraction: float = 1.0, leave_out: tuple[int, int] | None = None) -> list[tuple[Path, list[EvalCase]]]:
    """`leave_out` = (fold, folds): every family's shops of that fold are left out of the fit."""

    def kept(cases: list[EvalCase]) -> list[EvalCase]:
        return [case for case in cases if leave_out is None or fold_of(case.store, leave_out[1]) != leave_out[0]]

    def cases(folder: Path, fraction: float = 1.0) -> list[EvalCase]:
        return kept([case for path in sorted(first_shops(list(folder.glob("*.jsonl")), fraction)) for case in read_cases(path)])

    jewelry = kept([case for store in STORES for case in read_cases(ROOT / "tests" / "eval" / f"{store}.jsonl")])
    return [
        (ROOT / "knowledge", jewelry),
        (raw_jewelry(scratch / "jewelry"), jewelry),
        (ROOT / "tests" / "eval" / "pages" / "knowledge", cases(ROOT / "tests" / "eval" / "pages")),
        (ROOT / "bench" / "data" / "train" / "knowledge", cases(ROOT / "bench" / "data" / "train", fraction)),
    ]


def pairs_of(knowledge: Path, cases: list[EvalCase], unanswerable: bool = False) -> list[Pair]:
    """`unanswerable`: also a pair with no answer for each question the page cannot answer, whose
    near misses are every text of its store (see `fit`)."""
    chunks_of: dict[str, tuple] = {}
    found = []
    for case in cases:
        if case.store not in chunks_of and (case.passage_contains or (unanswerable and case.expect == "handoff")):
            chunks_of[case.store] = load_store_knowledge(knowledge, case.store).chunks
        if unanswerable and case.expect == "handoff":
            found.append(Pair(case.question, (), tuple(t for c in chunks_of[case.store] for t in (*(k for k, _ in chunk_keys(c)), *c.sentences))))
            continue
        if case.expect == "handoff" or not case.passage_contains:
            continue
        phrases = [case.passage_contains] if isinstance(case.passage_contains, str) else case.passage_contains
        holds = [any(squash(p) in squash(f"{c.title} {c.text}") for p in phrases) for c in chunks_of[case.store]]
        right = [c for c, h in zip(chunks_of[case.store], holds, strict=True) if h]
        if not right:
            continue  # the page lacks the phrase (a curated title): nothing to pull toward
        # Every key the index reaches the chunk by: its question(s) and title too, so that a
        # shopper's wording stays near the page's and an owner's own phrasing of the question.
        answers = [text for c in right for text, _ in chunk_keys(c)] + [s for c in right for s in c.sentences if any(squash(p) in squash(s) for p in phrases)]
        wrong = [c for c, h in zip(chunks_of[case.store], holds, strict=True) if not h]
        misses = [chunk_keys(c)[-1][0] for c in wrong] + [s for c in wrong for s in c.sentences]
        found.append(Pair(case.question, tuple(answers), tuple(misses)))
    return found


def closest_misses(model, pairs: list[Pair]) -> list[Pair]:
    """Each question's wrong passages the untuned model ranks highest: the confusions to unlearn."""
    texts = list(dict.fromkeys(t for pair in pairs for t in (pair.question, *pair.near_misses)))
    with torch.no_grad():
        vectors = dict(zip(texts, model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True), strict=True))
    kept = []
    for pair in pairs:
        misses = pair.near_misses
        if misses:
            closeness = np.array([vectors[m] for m in misses]) @ vectors[pair.question]
            misses = tuple(misses[i] for i in np.argsort(-closeness)[:HARD_NEGATIVES])
        kept.append(Pair(pair.question, pair.answers, misses))
    return kept


NONE_COSINE = 0.5  # an unanswerable question is pulled below this cosine to its store's closest texts


def fit(model, pairs: list[Pair], epochs: int, learning_rate: float, seed: int, unanswerable_weight: float = 0.0) -> None:
    """Answerable pairs: the multiple-negatives loss. Pairs with no answer (a question the page cannot
    answer), when weighted: a choice between "none" at NONE_COSINE and the store's closest texts,
    whose right answer is "none", so the tuning that pulls questions toward their answers also
    keeps the others from settling near some passage (bench/README, session 15)."""
    rng = random.Random(seed)
    nothing = [p for p in pairs if not p.answers and len(p.near_misses) == HARD_NEGATIVES]  # a store of fewer texts: left out
    pairs = [p for p in pairs if p.answers]
    torch.manual_seed(seed)
    for name, parameter in model.named_parameters():
        parameter.requires_grad = is_tuned(name)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate, weight_decay=0.01)

    def embed(texts: list[str]) -> torch.Tensor:
        return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=-1)

    model.train()
    for epoch in range(epochs):
        order = list(pairs)
        rng.shuffle(order)
        losses = []
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            answers = [rng.choice(p.answers) for p in batch]
            misses = [rng.choice(p.near_misses) if p.near_misses else rng.choice(p.answers) for p in batch]
            logits = SCALE * embed([p.question for p in batch]) @ embed(answers + misses).T
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            if unanswerable_weight and nothing:
                lost = rng.sample(nothing, min(len(nothing), BATCH // 2))
                questions = embed([p.question for p in lost])
                misses = embed([m for p in lost for m in p.near_misses])
                cosines = (questions.unsqueeze(1) * misses.view(len(lost), -1, misses.shape[-1])).sum(-1)
                none = torch.full((len(lost), 1), NONE_COSINE)
                loss = loss + unanswerable_weight * torch.nn.functional.cross_entropy(SCALE * torch.cat([none, cosines], dim=1), torch.zeros(len(lost), dtype=torch.long))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        print(f"epoch {epoch + 1}/{epochs} loss {np.mean(losses):.3f}", flush=True)
    model.eval()


def save(model, base: Path, target: Path) -> None:
    from safetensors.torch import save_file

    tensors = {name: p.detach().contiguous().clone() for name, p in model.named_parameters() if is_tuned(name)}
    save_file(tensors, str(target), metadata={"base_fingerprint": model_fingerprint(base), "fitted_by": "bench/fit_encoder.py"})
    print(f"wrote {target}: {sum(t.numel() for t in tensors.values())} numbers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=TUNING_FILE)
    parser.add_argument("--fraction", type=float, default=1.0, help="share of the training shops to fit on (learning curve)")
    parser.add_argument("--unanswerable-weight", type=float, default=0.0, help="also push questions the page cannot answer away from its texts (0: off)")
    parser.add_argument("--leave-out", type=int, nargs=2, metavar=("FOLD", "FOLDS"), help="fit without every shop of this fold (out-of-fold features for bench.fit_matcher --folds)")
    args = parser.parse_args()
    base = packaged_model_path()
    model = load_torch_model(base, tuning=None)
    model.max_seq_length = MAX_TOKENS
    with tempfile.TemporaryDirectory() as scratch:
        leave_out = tuple(args.leave_out) if args.leave_out else None
        pairs = [pair for knowledge, cases in families(Path(scratch), args.fraction, leave_out) for pair in pairs_of(knowledge, cases, args.unanswerable_weight > 0)]
    print(f"pairs: {len(pairs)} ({sum(not p.answers for p in pairs)} unanswerable; training shops: {args.fraction:.0%}; fold left out: {args.leave_out})", flush=True)
    fit(model, closest_misses(model, pairs), args.epochs, args.learning_rate, args.seed, args.unanswerable_weight)
    save(model, base, args.out)
    measured = {"untuned": None, "shipped": TUNING_FILE, "new": args.out} if args.out != TUNING_FILE else {"untuned": None, "new": args.out}
    for label, tuning in measured.items():
        print(f"{label:8s} dense top-1: {dense_top1(base, tuning)}", flush=True)


def dense_top1(base: Path, tuning: Path | None) -> str:
    """The closest key by meaning (dense_best) holds the answer: the encoder's own retrieval, on
    shops it was never fitted on (the real dev half; the jewelry stores' held-out dev sets, raw)."""
    from bot.index import build_store_index
    from bot.index.store_index import load_store_index

    embedder = load_embedder(base, tuning, backend="torch")  # as the tuning was fitted
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        jewelry_dev = [case for store in STORES for case in read_cases(ROOT / "tests" / "eval" / "dev" / f"{store}.jsonl")]
        real = ROOT / "tests" / "eval" / "real" / "dev"
        sets = {
            "real-dev": (real / "knowledge", [case for path in sorted(real.glob("*.jsonl")) for case in read_cases(path)]),
            "jewelry-dev": (raw_jewelry(Path(scratch) / "jewelry"), jewelry_dev),
        }
        for label, (knowledge, cases) in sets.items():
            asked = [c for c in cases if c.expect != "handoff" and c.passage_contains]
            right = 0
            for store in dict.fromkeys(c.store for c in asked):
                build_store_index(knowledge, Path(scratch) / label, store, embedder)
                index = load_store_index(knowledge, Path(scratch) / label, store, embedder)
                mine = [c for c in asked if c.store == store]
                for case, vector in zip(mine, embedder.encode([c.question for c in mine]), strict=True):
                    question, content = index.key_scores(vector)
                    best, sentence = np.maximum(question, content), index.best_sentence_scores(vector)
                    best = np.maximum(best, sentence) if len(sentence) else best
                    chunk = index.chunks[int(best.argmax())]
                    phrases = [case.passage_contains] if isinstance(case.passage_contains, str) else case.passage_contains
                    right += any(squash(p) in squash(f"{chunk.title} {chunk.text}") for p in phrases)
            found.append(f"{label}={right / len(asked):.1%} (n={len(asked)})")
    return " ".join(found)


if __name__ == "__main__":
    main()
