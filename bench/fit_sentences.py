"""Fits which sentence of the answering passage leads the reply, and says how well it generalises.

    python -m bench.fit_sentences [--scratch DIR]   # DIR keeps the indexes between runs

Data: every labelled question with an expected phrase (FAQ and date questions alike) of the
families `bench.fit_matcher` fits on (jewelry curated and raw, tests/eval/pages, bench/data/train,
the real benchmark's dev half). For each, the passage retrieval ranks best among those holding the
phrase; its sentences are the examples, a sentence holding the phrase (or held by it) the positive.
Passages of one sentence, or where no single sentence holds the phrase, teach nothing and are left out.

Printed, leave-one-family-out (fit on the other families, measure on this one) and over all:
- `lead`: the top-scored sentence is a positive;
- `shown`: what the reply shows holds a positive (passages of up to 3 sentences, or of up to `whole_passage_words` words, are shown whole;
  longer ones the lead, a runner-up within the margin and a label's next sentence), with the mean
  number of sentences shown, per runner-up margin;
for the scorer in `MatchSettings` now and the fitted one; then the fitted weights to copy into
`MatchSettings` (bot/settings.py).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.fit_matcher import FAMILIES, ROOT, STORES, family_of, raw_knowledge
from bot.engine import Engine, spelled_out
from bot.evaluation import EvalCase, expected_phrases, read_cases, squash
from bot.index import build_store_index, load_embedder
from bot.match.extract import LEAD_SENTENCES, SENTENCE_FEATURES, SHORT_PASSAGE_SENTENCES, SentenceEvidence, is_label, sentence_evidence
from bot.settings import MatchSettings, packaged_model_path

MARGINS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
WHOLE_WORDS = (0, 40, 60, 80, 100)  # a passage this short is shown whole
C = 0.5  # regularisation: the weights must carry to shops not fitted on


@dataclass(frozen=True)
class Passage:
    """One question's answering passage: each sentence's evidence and whether it holds the answer."""

    variant: str
    case: EvalCase
    sentences: tuple[str, ...]
    evidence: tuple[SentenceEvidence, ...]
    right: tuple[bool, ...]


def holds(sentence: str, phrases: list[str]) -> bool:
    s = squash(sentence)
    return any(p in s or (len(s) > 25 and s in p) for p in phrases)


def passages(variant: str, knowledge: Path, cases: list[EvalCase], index_dir: Path) -> list[Passage]:
    embedder = load_embedder(packaged_model_path())
    cases = [c for c in cases if c.expect != "handoff" and expected_phrases(c)]
    for store in dict.fromkeys(case.store for case in cases):
        build_store_index(knowledge, index_dir, store, embedder)
    engine = Engine(knowledge, index_dir, packaged_model_path(), MatchSettings(), build_stale=False)
    found = []
    for case in cases:
        runtime = engine.runtime(case.store)
        phrases = [squash(p) for p in expected_phrases(case)]
        wording = spelled_out(case.question)
        retrieval = runtime.retriever.retrieve(wording, engine.encode_asked(runtime, [wording])[0])
        answering = next((c for c in retrieval.candidates if any(p in squash(f"{c.chunk.title} {c.chunk.text}") for p in phrases)), None)
        if answering is None or len(answering.chunk.sentences) < 2:
            continue
        right = tuple(holds(s, phrases) for s in answering.chunk.sentences)
        if not any(right):
            continue
        evidence = tuple(sentence_evidence(runtime.retriever.index, answering, retrieval, wording))
        found.append(Passage(variant, case, answering.chunk.sentences, evidence, right))
    return found


def collect(scratch: Path) -> list[Passage]:
    shipped = [c for store in STORES for c in read_cases(ROOT / "tests" / "eval" / f"{store}.jsonl")]
    curated = scratch / "curated"
    if not curated.exists():
        shutil.copytree(ROOT / "knowledge", curated)
    raw = scratch / "raw"
    if not raw.exists():
        raw_knowledge(raw)
    found = passages("curated", curated, shipped, scratch / "index-curated") + passages("raw", raw, shipped, scratch / "index-raw")
    for variant, folder in (("pages", ROOT / "tests" / "eval" / "pages"), ("train", ROOT / "bench" / "data" / "train"), ("real", ROOT / "tests" / "eval" / "real" / "dev")):
        cases = [case for path in sorted(folder.glob("*.jsonl")) for case in read_cases(path)]
        found += passages(variant, folder / "knowledge", cases, scratch / f"index-{variant}")
    return found


def matrix(evidence: tuple[SentenceEvidence, ...]) -> np.ndarray:
    return np.array([[getattr(e, name) for name in SENTENCE_FEATURES] for e in evidence])


def fit(found: list[Passage]) -> tuple[dict[str, float], float]:
    """Pointwise logistic regression: is this sentence an answering one. Its bias is kept, so a
    sentence's score reads as log-odds and the runner-up margin as a difference of log-odds."""
    x = np.vstack([matrix(p.evidence) for p in found])
    y = np.concatenate([np.array(p.right) for p in found])
    model = LogisticRegression(C=C, max_iter=5000).fit(x, y)
    return {name: round(float(w), 3) for name, w in zip(SENTENCE_FEATURES, model.coef_[0], strict=True)}, round(float(model.intercept_[0]), 3)


def fit_listwise(found: list[Passage], decay: float = 1e-3) -> tuple[dict[str, float], float]:
    """Listwise: the passage's answering sentences against its others (a softmax within each
    passage), which is the choice the reply makes; the bias cancels within a passage and is 0."""
    import torch

    xs = [torch.tensor(matrix(p.evidence), dtype=torch.float64) for p in found]
    ys = [torch.tensor(p.right, dtype=torch.bool) for p in found]
    w = torch.zeros(len(SENTENCE_FEATURES), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([w], max_iter=200, line_search_fn="strong_wolfe")

    def loss():
        optimiser.zero_grad()
        total = sum(-(torch.logsumexp((x @ w)[y], 0) - torch.logsumexp(x @ w, 0)) for x, y in zip(xs, ys, strict=True)) / len(xs) + decay * (w @ w)
        total.backward()
        return total

    optimiser.step(loss)
    return {name: round(float(v), 3) for name, v in zip(SENTENCE_FEATURES, w.detach(), strict=True)}, 0.0


def shown(p: Passage, weights: dict[str, float], bias: float, margin: float, whole_words: int = 0) -> tuple[bool, bool, int]:
    """(lead right, shown right, words shown), as extract.lead_sentences shows them."""
    scores = [e.score(weights, bias) for e in p.evidence]
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    best = order[0]
    words = [len(s.split()) for s in p.sentences]
    if len(p.sentences) <= SHORT_PASSAGE_SENTENCES or sum(words) <= whole_words:
        return p.right[best], any(p.right), sum(words)
    chosen = {best}
    if scores[order[1]] >= scores[best] - margin:
        chosen.add(order[1])
    if is_label(p.sentences[best]) and best + 1 < len(p.sentences):
        chosen.add(best + 1)
    lead = sorted(chosen)[: LEAD_SENTENCES + 1]
    return p.right[best], any(p.right[i] for i in lead), sum(words[i] for i in lead)


def figures(found: list[Passage], weights: dict[str, float], bias: float, margin: float, whole_words: int = 0) -> str:
    rows = [shown(p, weights, bias, margin, whole_words) for p in found]
    n = len(rows) or 1
    return f"lead={sum(r[0] for r in rows) / n:.1%} shown={sum(r[1] for r in rows) / n:.1%} words={sum(r[2] for r in rows) / n:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scratch", type=Path, default=None, help="keep the built indexes here between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.scratch or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        found = collect(scratch)
    by_family = defaultdict(list)
    for p in found:
        by_family[family_of(p.variant)].append(p)
    print("passages: " + " ".join(f"{f}={len(by_family[f])}" for f in FAMILIES) + f" (longer than {SHORT_PASSAGE_SENTENCES} sentences: {sum(len(p.sentences) > SHORT_PASSAGE_SENTENCES for p in found)})")
    now = MatchSettings()
    for family in FAMILIES:
        held = by_family[family]
        rest = [p for p in found if family_of(p.variant) != family]
        print(f"{family:8s} now: {figures(held, now.sentence_weights, now.sentence_bias, now.sentence_runner_margin, now.whole_passage_words)}")
        for label, fitter in (("pointwise", fit), ("listwise", fit_listwise)):
            weights, bias = fitter(rest)
            for margin in MARGINS:
                print(f"{family:8s} {label}, margin {margin}: {figures(held, weights, bias, margin)}")
    weights, bias = fit_listwise(found)
    print(f"all      now: {figures(found, now.sentence_weights, now.sentence_bias, now.sentence_runner_margin, now.whole_passage_words)}")
    for margin in MARGINS:
        print(f"all      listwise, margin {margin}: {figures(found, weights, bias, margin)}")
    for whole in WHOLE_WORDS:
        for margin in (0.5, 1.0, 1.5):
            print(f"all      listwise, margin {margin}, whole up to {whole} words: {figures(found, weights, bias, margin, whole)}")
    print("\n# MatchSettings (bot/settings.py)")
    print("SENTENCE_WEIGHTS =", weights)
    print(f"sentence_bias = {bias}")


if __name__ == "__main__":
    main()
