"""Prints, for each candidate FAQBOT_EMAIL_MIN_CONFIDENCE, how many labelled questions an
auto-reply would be sent for and how many of those would be wrong; then the time to process
each message of the test corpus (parse, decide, answer, write, record on SQLite).

    python -m bench.email

A mail is auto-answered only when each question comes back as `answer` or `policy` with no
pending question and confidence at least the threshold; a wrong auto-reply is worse than a
draft, so the threshold is chosen for few wrong sends, not for coverage. Questions are the
labelled sets in tests/eval (asserted) and tests/eval/dev (never tuned on), judged as the
eval does; out-of-scope rows count as wrong whenever they would be sent.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bot.db import session_factory, upgrade_database
from bot.email.decide import EmailRules
from bot.email.responder import process_mail
from bot.engine import Engine
from bot.evaluation import case_today, judge, read_cases
from bot.index import build_store_index, load_embedder
from bot.settings import MatchSettings, get_settings, packaged_model_path

ROOT = Path(__file__).resolve().parents[1]
STORES = ("sessori", "dissoo", "stelladot")
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


def main() -> None:
    knowledge = ROOT / "knowledge"
    encoder = get_settings().encoder  # FAQBOT_ENCODER=torch|onnx: the auto-replies under either backend
    embedder = load_embedder(packaged_model_path(), backend=encoder)
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch)
        for store in STORES:
            build_store_index(knowledge, index_dir, store, embedder)
        engine = Engine(knowledge, index_dir, packaged_model_path(), MatchSettings(), build_stale=False, encoder=encoder)
        for label, folder in (("asserted", ROOT / "tests" / "eval"), ("dev", ROOT / "tests" / "eval" / "dev")):
            cases = [c for store in STORES for c in read_cases(folder / f"{store}.jsonl")]
            rows = []
            for case in cases:
                result = judge(engine, case)
                reply = engine.answer(case.store, case.question, today=case_today(engine, case))
                sendable = reply.kind in ("answer", "policy") and reply.pending is None
                right = result.outcome == "correct"
                rows.append((sendable, reply.confidence, right, case.expect != "handoff"))
            answerable = sum(r[3] for r in rows)
            for threshold in THRESHOLDS:
                sent = [r for r in rows if r[0] and r[1] >= threshold]
                wrong = sum(not r[2] for r in sent)
                print(
                    f"email set={label} n={len(rows)} threshold={threshold:.2f} sent={len(sent)} wrong={wrong} "
                    f"wrong_share={wrong / len(sent) if sent else 0:.3f} answered_right={(len(sent) - wrong) / answerable:.3f}"
                )
        corpus_latency(engine, Path(scratch))


def corpus_latency(engine: Engine, scratch: Path) -> None:
    url = f"sqlite:///{scratch / 'bench.db'}"
    upgrade_database(url)
    sessions = session_factory(url)
    rules = EmailRules(min_confidence=0.85, reply_window=timedelta(hours=24), max_text_chars=4000, max_questions=3)
    timings = []
    for path in sorted((ROOT / "tests" / "email" / "corpus").glob("*.eml")):
        raw = path.read_bytes()
        started = time.perf_counter()
        with sessions() as db:
            process_mail(engine, db, "dissoo", raw, rules)
        timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"email corpus n={len(timings)} p50={statistics.median(timings):.1f}ms p95={p95:.1f}ms max={max(timings):.1f}ms")


if __name__ == "__main__":
    main()
