"""Prints reply latency, index build time and the hybrid-vs-ablation accuracy.

    python -m bench.match

All figures come from one run on the same questions (tests/eval/*.jsonl), so
ratios are comparable on a noisy machine: the reference is one bare
sentence-transformers encode of the same question.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import fit_matcher
from bot.engine import Engine
from bot.evaluation import evaluate, read_cases
from bot.index import build_store_index, load_embedder
from bot.settings import MatchSettings, packaged_model_path

TODAY = date(2026, 11, 25)  # the day policy answers count from, when a row gives none
ROOT = Path(__file__).resolve().parents[1]
STORES = ("sessori", "dissoo", "stelladot")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    knowledge = ROOT / "knowledge"
    embedder = load_embedder(packaged_model_path())
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch)
        started = time.perf_counter()
        for store in STORES:
            build_store_index(knowledge, index_dir, store, embedder)
        print(f"build stores={len(STORES)} full_build_s={time.perf_counter() - started:.2f}")
        started = time.perf_counter()
        for store in STORES:
            build_store_index(knowledge, index_dir, store, embedder)
        print(f"build unchanged_check_ms={(time.perf_counter() - started) * 1000:.1f}")

        cases = [c for store in STORES for c in read_cases(ROOT / "tests" / "eval" / f"{store}.jsonl")]
        engine = Engine(knowledge, index_dir, packaged_model_path(), MatchSettings(), build_stale=False)
        for store in STORES:
            engine.answer(store, "warm up", today=TODAY)
        encode_ms, reply_ms = [], []
        for _ in range(3):
            for case in cases:
                t0 = time.perf_counter()
                embedder.encode([case.question])
                t1 = time.perf_counter()
                engine.answer(case.store, case.question, today=case.today or TODAY)
                t2 = time.perf_counter()
                encode_ms.append((t1 - t0) * 1000)
                reply_ms.append((t2 - t1) * 1000)
        ratio = statistics.median(reply_ms) / statistics.median(encode_ms)
        print(
            f"reply n={len(reply_ms)} p50={statistics.median(reply_ms):.2f}ms p99={percentile(reply_ms, 0.99):.2f}ms "
            f"bare_encode_p50={statistics.median(encode_ms):.2f}ms ratio_p50={ratio:.2f}x"
        )

        # The ablations are refitted on the same questions with their half of the evidence only
        # (bench/fit_matcher.py), so each side gets its best weights, not the hybrid's.
        asked = fit_matcher.collect(cases, Path(scratch) / "fit")
        models = {label: fit_matcher.fit(asked, features).settings() for label, features in fit_matcher.ABLATIONS.items() if label != "hybrid"}
        for label, settings in (("hybrid", MatchSettings()), *models.items()):
            engine = Engine(knowledge, index_dir, packaged_model_path(), settings, build_stale=False)
            scores = evaluate(engine, cases)
            total = sum(len(s.results) for s in scores.values())
            good = sum(s.count("correct") + s.count("handed_off_correctly") for s in scores.values())
            per_store = " ".join(f"{store}={scores[store].accuracy:.1%}" for store in STORES)
            print(f"accuracy {label:10s} overall={good / total:.1%} {per_store}")

if __name__ == "__main__":
    main()
