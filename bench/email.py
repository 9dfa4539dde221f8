"""Prints, for each candidate FAQBOT_EMAIL_MIN_CONFIDENCE, how many labelled questions an
auto-reply would be sent for and how many of those would be wrong.

    python -m bench.email

A mail is auto-answered only when each question comes back as `answer` or `policy` with no
pending question and confidence at least the threshold; a wrong auto-reply is worse than a
draft, so the threshold is chosen for few wrong sends, not for coverage. Questions are the
labelled sets in tests/eval (asserted) and tests/eval/dev (never tuned on), judged as the
eval does; out-of-scope rows count as wrong whenever they would be sent.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bot.engine import Engine
from bot.evaluation import judge, read_cases
from bot.index import build_store_index, load_embedder
from bot.settings import MatchSettings, packaged_model_path

ROOT = Path(__file__).resolve().parents[1]
STORES = ("sessori", "dissoo", "stelladot")
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


def main() -> None:
    knowledge = ROOT / "knowledge"
    embedder = load_embedder(packaged_model_path())
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch)
        for store in STORES:
            build_store_index(knowledge, index_dir, store, embedder)
        engine = Engine(knowledge, index_dir, packaged_model_path(), MatchSettings(), build_stale=False)
        for label, folder in (("asserted", ROOT / "tests" / "eval"), ("dev", ROOT / "tests" / "eval" / "dev")):
            cases = [c for store in STORES for c in read_cases(folder / f"{store}.jsonl")]
            rows = []
            for case in cases:
                result = judge(engine, case)
                reply = engine.answer(case.store, case.question, today=case.today)
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


if __name__ == "__main__":
    main()
