"""Fits whether a question asks for a date worked out for the shopper's own case, and measures it.

    python -m bench.fit_dates [--scratch DIR]   # DIR keeps the indexes between runs

A shopper who gives a date ("it arrived on March 3", "if I order today") and asks when, by when or
until when wants a date counted, not the page's sentence quoted; one who gives a date in passing
("I bought it last week as a gift, can I return it?") may want the rule. The labelled exemplars of
computed dates (bot/match/computed.toml) say how close a question is to each kind of computed date
and to general questions; alone, their fixed margin left 120 of 297 training date questions
unlabelled. This fits one logistic gate over those closenesses and whether the message gives a date
of its own, on the training shops (bench/data/train/: every `date` row against every other), and
measures it on shops it never saw (the real benchmark's dev half, tests/eval/pages).

Printed: precision and recall of the gate per set at the fitted threshold, then the weights to copy
into `MatchSettings` (bot/settings.py).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.fit_matcher import ROOT
from bot.engine import Engine, spelled_out
from bot.evaluation import EvalCase, read_cases
from bot.index import build_store_index, load_embedder
from bot.match.exemplars import asks_for_a_date, date_gate_inputs
from bot.policy.intents import repair_policy_words
from bot.policy.slots import extract_slots
from bot.settings import MatchSettings, packaged_model_path

SETS = {"train": ROOT / "bench" / "data" / "train", "real-dev": ROOT / "tests" / "eval" / "real" / "dev", "pages": ROOT / "tests" / "eval" / "pages"}
A_DAY = date(2026, 6, 15)
DATE = re.compile(r"[A-Z][a-z]+ \d{1,2}, \d{4}")  # `today` for rows that give none: only whether the message names a date matters


def inputs(folder: Path, index_dir: Path) -> tuple[list[dict[str, float]], np.ndarray, list[EvalCase]]:
    cases = [case for path in sorted(folder.glob("*.jsonl")) for case in read_cases(path)]
    embedder = load_embedder(packaged_model_path())
    for store in dict.fromkeys(c.store for c in cases):
        build_store_index(folder / "knowledge", index_dir, store, embedder)
    engine = Engine(folder / "knowledge", index_dir, packaged_model_path(), MatchSettings(), build_stale=False)
    rows = []
    for case in cases:
        runtime = engine.runtime(case.store)
        vector = engine.encode_asked(runtime, [spelled_out(case.question)])[0]
        dated = bool(extract_slots(repair_policy_words(case.question), case.today or A_DAY).dates)
        rows.append(date_gate_inputs(runtime.exemplars, vector, dated))
    return rows, np.array([asks_a_date(case) for case in cases]), cases


def asks_a_date(case: EvalCase) -> bool:
    """Labelled `date`, or (sets written before categories) a computed answer that must state a date."""
    if case.category is not None:
        return case.category == "date"
    wanted = [case.reply_contains] if isinstance(case.reply_contains, str) else list(case.reply_contains or [])
    return case.expect == "policy" and any(DATE.search(w) for w in wanted)


def report(label: str, x: list[dict[str, float]], y: np.ndarray, weights: dict[str, float], bias: float) -> None:
    said = np.array([asks_for_a_date(row, weights, bias) for row in x], dtype=bool)
    caught = int((said & y).sum())
    print(f"{label:9s} n={len(y):4d} dates={int(y.sum()):3d} gate says {int(said.sum()):3d}: precision {caught / max(said.sum(), 1):.1%} recall {caught / max(y.sum(), 1):.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scratch", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = args.scratch or Path(temporary)
        data = {name: inputs(folder, scratch / f"dates-{name}") for name, folder in SETS.items()}
    rows, y, _ = data["train"]
    names = sorted(rows[0])
    model = LogisticRegression(C=1.0, max_iter=5000).fit(np.array([[row[n] for n in names] for row in rows]), y)
    weights = {n: round(float(w), 3) for n, w in zip(names, model.coef_[0], strict=True)}
    bias = round(float(model.intercept_[0]), 3)
    now = MatchSettings()
    for name, (xs, ys, _) in data.items():
        report(name, xs, ys, weights, bias)
        report(f"{name}/now", xs, ys, now.date_gate_weights, now.date_gate_bias)
    print("\n# MatchSettings (bot/settings.py)")
    print("DATE_GATE_WEIGHTS =", weights)
    print(f"date_gate_bias = {bias}")


if __name__ == "__main__":
    main()
