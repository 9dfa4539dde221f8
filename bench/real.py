"""The real-shop benchmark: shops' own pages as found, questions written blind, split by shop.

    python -m bench.real                    # both halves: aggregate figures only
    python -m bench.real --half dev --rows  # the dev half, with every row the bot got wrong
    python -m bench.real --model PATH       # another sentence-transformers folder in MiniLM's place
    python -m bench.real --half train --rows --index DIR   # the training shops (bench/data/train/), studied freely; indexes kept in DIR

tests/eval/real/<half>/knowledge/<shop>/ holds each shop's pages (the URL on a page's first
line, the text as the stored copy gave it) and a one-line store.toml: raw pages only, no
curated.toml, no policy.toml. tests/eval/real/<half>/<shop>.jsonl holds its questions.
The test half is only ever scored in aggregate: `--rows` refuses it, so no fix is made
from one of its rows.

Every question goes through the chat turn (`bot.conversations.chat`, the path /v1/chat
takes, order routing included), each in a fresh session on an in-memory SQLite database.
Beside the bot, in the same run, a naive retriever: top-1 cosine (the same encoder, as its package
ships it: without the bot's tuning) over the pages' blank-line paragraphs, handing off below a
cosine of 0.3 (fixed before it was run).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.db import session_factory, upgrade_database
from bot.engine import Engine, spelled_out
from bot.evaluation import case_today, CaseResult, EvalCase, ask_by_chat, evaluate, expected_phrases, read_cases, squash
from bot.index import Embedder, load_embedder
from bot.ingest.documents import DOCUMENT_SUFFIXES
from bot.settings import MatchSettings, packaged_model_path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "eval" / "real"
HALVES = ("dev", "test")
FOLDERS = {"dev": REAL / "dev", "test": REAL / "test", "train": ROOT / "bench" / "data" / "train"}
NAIVE_HANDOFF_BELOW = 0.3


def half_cases(half: str) -> list[EvalCase]:
    return [case for path in sorted(FOLDERS[half].glob("*.jsonl")) for case in read_cases(path)]


def run_bot(half: str, index_dir: Path, model: Path, encoder: str, bare: Embedder | None) -> tuple[list[CaseResult], dict[str, RankerHit]]:
    """`encoder`: the bot's backend (serving's is onnx); `bare`: the PyTorch encoder its latency is set against (None: skip)."""
    knowledge = FOLDERS[half] / "knowledge"
    engine = Engine(knowledge, index_dir / f"{half}-{encoder}", model, MatchSettings(), encoder=encoder)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/bench.db"
        upgrade_database(url)
        scores = evaluate(engine, half_cases(half), ask_by_chat(engine, session_factory(url)))
    if bare is not None:
        print_latency(half, engine, bare)
    return [r for score in scores.values() for r in score.results], ranker_hits(engine, half_cases(half))


@dataclass(frozen=True, slots=True)
class RankerHit:
    first: bool  # the ranker's first passage holds an expected phrase
    top3: bool  # ... one of its first three distinct passages does


def ranker_hits(engine: Engine, cases: list[EvalCase]) -> dict[str, RankerHit]:
    """What retrieval alone finds for each answerable question (keyed by store + question): the
    ranker's order, before any decision, guard or reply is made. The bot's own figure on the same
    questions below it is the loss after retrieval."""
    hits = {}
    for case in cases:
        phrases = [squash(p) for p in expected_phrases(case)]
        if case.expect == "handoff" or not phrases:
            continue
        runtime = engine.runtime(case.store)
        wording = spelled_out(case.question)
        ranked = runtime.retriever.retrieve(wording, engine.encode_asked(runtime, [wording])[0]).candidates
        firsts = list({c.chunk.passage_id: c for c in reversed(ranked)}.values())  # each passage by its best chunk
        firsts.sort(key=lambda c: c.score, reverse=True)
        holds = [any(p in squash(f"{c.chunk.title} {c.chunk.text}") for p in phrases) for c in firsts[:3]]
        hits[case_key(case)] = RankerHit(bool(holds) and holds[0], any(holds))
    return hits


def case_key(case: EvalCase) -> str:
    return f"{case.store}\t{case.question}"


def print_latency(half: str, engine: Engine, embedder: Embedder) -> None:
    """The engine's reply beside one bare PyTorch encode of the same question, interleaved in one run: on
    pasted pages every reply also weighs topics and may check a computed answer against retrieval."""
    encode_ms, reply_ms = [], []
    for case in half_cases(half):
        started = time.perf_counter()
        embedder.encode([case.question])
        encoded = time.perf_counter()
        engine.answer(case.store, case.question, today=case_today(engine, case))
        encode_ms.append((encoded - started) * 1000)
        reply_ms.append((time.perf_counter() - encoded) * 1000)
    ratio = statistics.median(reply_ms) / statistics.median(encode_ms)
    print(f"latency {half} n={len(reply_ms)} reply_p50={statistics.median(reply_ms):.2f}ms bare_encode_p50={statistics.median(encode_ms):.2f}ms ratio_p50={ratio:.2f}x")


@dataclass(frozen=True, slots=True)
class NaiveResult:
    case: EvalCase
    right: bool


def paragraphs(folder: Path) -> list[str]:
    found = []
    for page in sorted(p for p in folder.iterdir() if p.suffix.lower() in DOCUMENT_SUFFIXES):
        found += [p.strip() for p in re.split(r"\n\s*\n", page.read_text(encoding="utf-8")) if p.strip()]
    return found


def run_naive(half: str, embedder: Embedder) -> list[NaiveResult]:
    """The 40-line nearest-paragraph retriever the issue compares against: what the bot must beat."""
    results = []
    by_shop: dict[str, list[EvalCase]] = defaultdict(list)
    for case in half_cases(half):
        by_shop[case.store].append(case)
    for shop, cases in by_shop.items():
        texts = paragraphs(FOLDERS[half] / "knowledge" / shop) or [""]  # a page of no text: nothing is close
        vectors = embedder.encode(texts)
        asked = embedder.encode([c.question for c in cases])
        for case, vector in zip(cases, asked, strict=True):
            scores = vectors @ vector
            best = int(np.argmax(scores))
            handed_off = float(scores[best]) < NAIVE_HANDOFF_BELOW
            if case.expect == "handoff":
                right = handed_off
            else:
                text = squash(texts[best])
                phrases = expected_phrases(case)
                required = [case.reply_contains] if isinstance(case.reply_contains, str) else list(case.reply_contains or [])
                right = not handed_off and any(squash(p) in text for p in phrases) and all(squash(r) in text for r in required)
            results.append(NaiveResult(case, right))
    return results


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def report(half: str, bot: list[CaseResult], ranker: dict[str, RankerHit], naive: list[NaiveResult], rows: bool) -> None:
    total = len(bot)
    right = sum(r.right for r in bot)
    wrong = [r for r in bot if r.confidently_wrong]
    expected = [r for r in bot if r.case.expect == "handoff"]
    handed = [r for r in bot if r.kind in ("handoff", "smalltalk")]
    caught = sum(r.case.expect == "handoff" for r in handed)
    print(
        f"real {half} shops={len({r.case.store for r in bot})} questions={total} "
        f"bot={share(right, total)} carries={share(sum(r.carried for r in bot), total)} naive_top1={share(sum(n.right for n in naive), len(naive))} "
        f"confident_wrong={len(wrong)} ({share(len(wrong), total)}) "
        f"handoff_precision={share(caught, len(handed))} handoff_recall={share(caught, len(expected))}"
    )
    print_loss_after_retrieval(half, bot, ranker)
    naive_by = defaultdict(list)
    for n in naive:
        naive_by[n.case.category or "-"].append(n.right)
    by_category = defaultdict(list)
    for r in bot:
        by_category[r.case.category or "-"].append(r)
    for category, results in sorted(by_category.items()):
        print(
            f"  category {category:9s} n={len(results):3d} bot={share(sum(r.right for r in results), len(results)):>6s} "
            f"naive={share(sum(naive_by[category]), len(naive_by[category])):>6s} confident_wrong={sum(r.confidently_wrong for r in results)}"
        )
    by_shop = defaultdict(list)
    for r in bot:
        by_shop[r.case.store].append(r)
    for shop, results in sorted(by_shop.items()):
        print(f"  shop {shop:24s} n={len(results):3d} bot={share(sum(r.right for r in results), len(results)):>6s} confident_wrong={sum(r.confidently_wrong for r in results)}")
    if rows:
        for r in bot:
            if not r.carried:
                flag = "CONFIDENT-WRONG" if r.confidently_wrong else r.outcome if not r.right else "NOT-SHOWN"
                print(f"  [{flag}] {retrieved(ranker.get(case_key(r.case)))} {r.case.store}: {r.case.question!r} -> {r.kind} {r.source_title!r} ({r.confidence:.2f}); expected {r.case.expect} {r.case.passage_contains or ''} {r.case.reply_contains or ''}")


def retrieved(hit: RankerHit | None) -> str:
    """A failing row's place in the loss after retrieval: the ranker's first passage held the answer
    (first), one of its first three did (top3), none did (missed), or no passage is expected (-)."""
    if hit is None:
        return "retrieval=-"
    return "retrieval=" + ("first" if hit.first else "top3" if hit.top3 else "missed")


def print_loss_after_retrieval(half: str, bot: list[CaseResult], ranker: dict[str, RankerHit]) -> None:
    """On the same answerable questions: how often the ranker's first passage (and its first three)
    holds the answer, against how often the bot's reply is right (cites it) and carries it (the
    words shown hold it). Date questions apart: their answer is a count, not a passage."""
    for label, dated in (("no-date", False), ("date", True)):
        asked = [r for r in bot if case_key(r.case) in ranker and (r.case.category == "date") == dated]
        hits = [ranker[case_key(r.case)] for r in asked]
        print(
            f"  retrieval {label:7s} n={len(asked):3d} ranker_first={share(sum(h.first for h in hits), len(hits))} "
            f"ranker_top3={share(sum(h.top3 for h in hits), len(hits))} bot_right={share(sum(r.right for r in asked), len(asked))} "
            f"bot_carries={share(sum(r.carried for r in asked), len(asked))}"
        )


CURVE_AT = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1.0)


def print_curve(half: str, bot: list[CaseResult]) -> None:
    """What a stricter bar for answering would buy: each answer (quoted or computed) under the
    confidence `at` becomes a hand-off — right when the page cannot answer, missed otherwise. Only
    stricter: what a looser bar would answer is not known from these replies. The bar the targets ask
    for (≤ 3 % confident wrong) is read off this curve, with what it costs in right answers."""
    total = len(bot)
    for at in CURVE_AT:
        right = wrong = 0
        for r in bot:
            withheld = r.kind in ("answer", "policy") and r.confidence < at
            if withheld:
                right += r.case.expect == "handoff"
            else:
                right += r.right
                wrong += r.confidently_wrong
        print(f"  curve {half} answer at confidence >= {at:.2f}: right {share(right, total)}, confident wrong {wrong} ({share(wrong, total)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=tuple(FOLDERS), action="append", help="which half (default: dev and test); train: the training shops")
    parser.add_argument("--rows", action="store_true", help="print the dev half's failing rows (refused for the test half)")
    parser.add_argument("--no-latency", action="store_true", help="skip the reply/encode latency run (it doubles the time)")
    parser.add_argument("--index", type=Path, default=None, help="keep the built indexes in this folder between runs (default: a temporary one)")
    parser.add_argument("--encoder", choices=("onnx", "torch"), default="onnx", help="the bot's encoder backend (default: onnx, as served)")
    parser.add_argument("--model", type=Path, default=None, help="sentence-transformers model folder for the bot and the naive retriever (default: the packaged MiniLM)")
    parser.add_argument("--curve", action="store_true", help="also print right / confident wrong if every answer below a stricter confidence were handed off")
    args = parser.parse_args()
    halves = args.half or list(HALVES)
    if args.rows and "test" in halves:
        parser.error("--rows is for the dev half only: the test half is scored, never studied")
    model = (args.model or packaged_model_path()).resolve()
    untuned = load_embedder(model, tuning=None, backend="torch")  # the naive retriever: the plain way, as the package ships it
    bare = None if args.no_latency else load_embedder(model, backend="torch")
    with tempfile.TemporaryDirectory() as scratch:
        for half in halves:
            results, ranker = run_bot(half, args.index or Path(scratch), model, args.encoder, bare)
            report(half, results, ranker, run_naive(half, untuned), args.rows)
            if args.curve:
                print_curve(half, results)


if __name__ == "__main__":
    main()
