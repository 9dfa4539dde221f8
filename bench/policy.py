"""Prints what the policy layer costs a reply.

    python -m bench.policy

- policy path: slot reading + intent + calculator + wording, on the date questions
  of tests/eval/dates/ (the work a computed reply does instead of retrieval);
- overhead on FAQ questions: the same check on tests/eval/*.jsonl, where it finds
  nothing to compute and the FAQ matcher answers (every FAQ reply pays this);
- a whole computed reply against one bare encode of the same question, in the same run.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.engine import Engine
from bot.evaluation import read_cases
from bot.index import load_embedder
from bot.settings import MatchSettings, packaged_model_path
from bot.policy.calendar import store_today

ROOT = Path(__file__).resolve().parents[1]
STORES = ("sessori", "dissoo", "stelladot")
PASSES = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    knowledge = ROOT / "knowledge"
    engine = Engine(knowledge, ROOT / "index", packaged_model_path(), MatchSettings())
    embedder = load_embedder(packaged_model_path())
    dated = [c for store in STORES for c in read_cases(ROOT / "tests" / "eval" / "dates" / f"{store}.jsonl")]
    plain = [c for store in STORES for c in read_cases(ROOT / "tests" / "eval" / f"{store}.jsonl")]
    for store in STORES:
        engine.answer(store, "can I return the ring I got on March 3?", today=store_today("UTC"))
    policy_ms, overhead_ms, reply_ms, encode_ms = [], [], [], []
    for _ in range(PASSES):
        for case in dated:
            responder = engine.runtime(case.store).responder
            policy_ms.append(timed(responder.answer, case.question, case.today))
            reply_ms.append(timed(engine.answer, case.store, case.question, case.today))
            encode_ms.append(timed(embedder.encode, [case.question]))
        for case in plain:
            responder = engine.runtime(case.store).responder
            overhead_ms.append(timed(responder.answer, case.question, case.today or store_today("UTC")))
    print(f"policy path      n={len(policy_ms)} p50={statistics.median(policy_ms):.3f}ms p99={percentile(policy_ms, 0.99):.3f}ms")
    print(f"overhead on FAQ  n={len(overhead_ms)} p50={statistics.median(overhead_ms):.3f}ms p99={percentile(overhead_ms, 0.99):.3f}ms")
    ratio = statistics.median(reply_ms) / statistics.median(encode_ms)
    print(
        f"computed reply   p50={statistics.median(reply_ms):.3f}ms p99={percentile(reply_ms, 0.99):.3f}ms "
        f"bare_encode_p50={statistics.median(encode_ms):.3f}ms ratio_p50={ratio:.2f}x"
    )


if __name__ == "__main__":
    main()
