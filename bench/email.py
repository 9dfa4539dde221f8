"""The email gate on labelled mail: of the mails the bot would answer right, how many it sends on
its own (recall), and how many it sends wrong, side by side per gate setting; then the time to
process each message of the test corpus.

    python -m bench.email                                  # the shipped stores' mail
    python -m bench.email --family all --index DIR         # every family (indexes kept in DIR)
    python -m bench.email --family all --rows-out rows.jsonl   # one row per mail, for bench.fit_email_gate

Labelled mail: every labelled question of a family, written as a customer's mail (a greeting, the
question, a sign-off, a subject; varied by the question's hash, so a run is repeatable) from an
address of its own, taken through `process_mail` as `email serve` takes it (parsing, splitting,
routing, the rules, the gate) with the gate open; each question's reply is graded as the eval
grades it (bot/evaluation.py). A gate setting then sends a mail when the open gate would and each
of its answers passes the setting.

- sent: mails auto-replied; wrong: sent with a wrong answer (from the wrong passage or store), or
  answering a question the pages cannot (expect = handoff): the eval's "confidently wrong". A mail
  sent with the right passage's words where a computed date was wanted is neither right nor wrong;
- recall: of the mails whose every answer is right (the reply a person would send), the share
  sent; coverage: of the mails the pages answer, the share sent right.

Sets, and what each is for (a figure on a set the gate was fitted or chosen on is no evidence):

| family | calibrate on | held out |
|---|---|---|
| shipped (sessori, dissoo, stelladot; curated) | tests/eval/*.jsonl (asserted) | tests/eval/dev/ |
| real (raw pages) | tests/eval/real/dev/ | tests/eval/real/test/ (aggregate only) |
| pages (invented shops, raw) | tests/eval/pages/ | |
| train (191 training shops, raw) | bench/data/train/ | |
| newstore (Lumen & Wick, raw) | | tests/eval/newstore/ |

A store with no `support_email` (the raw-page families) is given one in a copy of its knowledge:
without one every mail would be a draft whatever the gate says.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from bot.cli.email import email_rules
from bot.db import session_factory, upgrade_database
from bot.email.decide import EmailGate, EmailRules
from bot.email.responder import one_line, process_mail
from bot.engine import Engine
from bot.evaluation import EvalCase, case_today, grade, read_cases
from bot.ingest import list_stores
from bot.policy.calendar import store_today
from bot.reply import Reply
from bot.settings import MatchSettings, Settings, get_settings

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
SHIPPED = ("sessori", "dissoo", "stelladot")
THRESHOLDS = (0.4, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99)


@dataclass(frozen=True, slots=True)
class LabelledSet:
    family: str
    name: str
    role: str  # calibrate | held out
    knowledge: Path
    questions: tuple[Path, ...]  # JSONL files of labelled questions
    aggregate_only: bool = False  # never print its rows (tests/eval/real/test)


def labelled_sets() -> list[LabelledSet]:
    real = EVAL / "real"
    return [
        LabelledSet("shipped", "asserted", "calibrate", ROOT / "knowledge", tuple(EVAL / f"{s}.jsonl" for s in SHIPPED)),
        LabelledSet("shipped", "dev", "held out", ROOT / "knowledge", tuple(EVAL / "dev" / f"{s}.jsonl" for s in SHIPPED)),
        LabelledSet("real", "real-dev", "calibrate", real / "dev" / "knowledge", tuple(sorted((real / "dev").glob("*.jsonl")))),
        LabelledSet("real", "real-test", "held out", real / "test" / "knowledge", tuple(sorted((real / "test").glob("*.jsonl"))), aggregate_only=True),
        LabelledSet("pages", "pages", "calibrate", EVAL / "pages" / "knowledge", tuple(sorted((EVAL / "pages").glob("*.jsonl")))),
        LabelledSet("train", "train", "calibrate", ROOT / "bench" / "data" / "train" / "knowledge", tuple(sorted((ROOT / "bench" / "data" / "train").glob("*.jsonl")))),
        LabelledSet("newstore", "newstore", "held out", EVAL / "newstore" / "knowledge", (EVAL / "newstore" / "lumen.jsonl",)),
    ]


# How customers open, sign and title a mail; each mail takes one of each by its question's hash.
GREETINGS = ("Hi,", "Hello,", "Hi there,", "Dear team,", "Good morning,", "")
SIGN_OFFS = ("Thanks,\nAnn", "Best regards,\nAnn Lee", "Thank you!\n\nAnn", "Sent from my iPhone", "Cheers,\nA.", "")
SUBJECTS = ("Question", "quick question", "Hello", "Inquiry", "Help please", "")


def labelled_mail(case: EvalCase, number: int, to: str) -> bytes:
    pick = int(hashlib.sha256(case.question.encode()).hexdigest(), 16)
    greeting, sign_off, subject = (options[(pick >> shift) % len(options)] for options, shift in ((GREETINGS, 0), (SIGN_OFFS, 8), (SUBJECTS, 16)))
    body = "\n\n".join(p for p in (greeting, case.question, sign_off) if p)
    headers = (
        f"From: Ann Lee <customer{number}@example.com>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <labelled-{number}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n"
    )
    return f"{headers}\r\n{body}\r\n".encode()


class Recording:
    """The engine, keeping each reply it gives (to grade each question of a mail as the eval does)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.replies: dict[str, Reply] = {}

    def answer(self, store: str, message: str, **kwargs) -> Reply:
        reply = self._engine.answer(store, message, **kwargs)
        self.replies[one_line(message)] = reply
        return reply

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


@dataclass(frozen=True, slots=True)
class MailRow:
    """One labelled mail with the gate open: what it decided, and what a gate weighs."""

    family: str
    set: str
    role: str
    store: str
    question: str
    expect: str
    category: str
    decision: str  # with the gate open: replied | draft | …
    reason: str
    right: bool  # every answer right (for expect = handoff: never, a reply is wrong)
    wrong: bool  # an answer from the wrong passage, or any answer to a question the pages cannot answer
    parts: list[dict]  # per question: kind, confidence, why (the open gate's), inputs (what EmailGate weighs)

    def sent(self, gate: EmailGate, threshold: float) -> bool:
        """Whether the mail goes out at this setting: the open gate sent it, and every answer passes."""
        if self.decision != "replied":
            return False
        return all(p["kind"] == "order" or gate.probability(p["inputs"]) >= threshold for p in self.parts)


def with_support_email(knowledge: Path, scratch: Path) -> Path:
    """`knowledge` itself when every store has a support_email; else a copy in which each has one."""
    stores = list_stores(knowledge)
    if all("support_email" in (knowledge / s / "store.toml").read_text(encoding="utf-8") for s in stores):
        return knowledge
    copy = scratch / f"knowledge-{hashlib.sha256(str(knowledge).encode()).hexdigest()[:8]}"
    if not copy.exists():
        shutil.copytree(knowledge, copy)
        for store in stores:
            toml = copy / store / "store.toml"
            if "support_email" not in toml.read_text(encoding="utf-8"):
                toml.write_text(toml.read_text(encoding="utf-8").rstrip("\n") + f'\nsupport_email = "help@{store}.example"\n', encoding="utf-8")
    return copy


def run_set(labelled: LabelledSet, index_dir: Path, scratch: Path, encoder: str) -> list[MailRow]:
    knowledge = with_support_email(labelled.knowledge, scratch)
    engine = Engine(knowledge, index_dir / labelled.family, get_settings().resolved_model_path(), MatchSettings(), encoder=encoder)
    url = f"sqlite:///{scratch / f'{labelled.name}.db'}"
    upgrade_database(url)
    sessions = session_factory(url)
    # The gate open: every answer passes, so each setting is worked out from one run.
    rules = EmailRules(min_confidence=0.0, reply_window=timedelta(hours=24), max_text_chars=4000, max_questions=3)
    rows = []
    cases = [case for path in labelled.questions for case in read_cases(path)]
    for number, case in enumerate(cases):
        recording = Recording(engine)
        raw = labelled_mail(case, number, engine.store_config(case.store).support_email or "")
        with sessions() as db:
            outcome = process_mail(recording, db, case.store, raw, rules, case_today(engine, case))
        replies = [recording.replies.get(p.question) for p in outcome.parts]
        outcomes = [grade(engine, case, r, 0.0).outcome if r is not None else "order" for r in replies]
        right = case.expect != "handoff" and bool(outcomes) and all(o == "correct" for o in outcomes)
        wrong = case.expect == "handoff" or any(o in ("wrong", "wrong_store", "answered_out_of_scope") for o in outcomes)
        parts = [{"kind": p.kind, "confidence": p.confidence, "why": p.why, "inputs": p.gate_inputs} for p in outcome.parts]
        rows.append(MailRow(labelled.family, labelled.name, labelled.role, case.store, case.question, case.expect, case.category or "", outcome.decision, outcome.reason, right, wrong, parts))
    return rows


@dataclass(frozen=True, slots=True)
class Tally:
    mails: int
    answerable: int
    right: int  # mails whose every answer is right
    sent: int
    wrong: int
    sent_right: int

    @property
    def recall(self) -> float:
        return self.sent_right / self.right if self.right else 0.0

    @property
    def coverage(self) -> float:
        return self.sent_right / self.answerable if self.answerable else 0.0


def tally(rows: Iterable[MailRow], gate: EmailGate, threshold: float) -> Tally:
    rows = list(rows)
    sent = [r for r in rows if r.sent(gate, threshold)]
    return Tally(len(rows), sum(r.expect != "handoff" for r in rows), sum(r.right for r in rows), len(sent), sum(r.wrong for r in sent), sum(r.right for r in sent))


def print_curves(rows: list[MailRow], gates: dict[str, tuple[EmailGate, tuple[float, ...]]], shipped: float) -> None:
    sets = list(dict.fromkeys((r.set, r.role) for r in rows))
    for label, (gate, thresholds) in gates.items():
        print(f"\n{label}: recall / wrong (sent) per FAQBOT_EMAIL_MIN_CONFIDENCE")
        print("| setting | " + " | ".join(f"{name} ({role}, {tally([r for r in rows if r.set == name], gate, 0).mails})" for name, role in sets) + " |")
        print("|---|" + "---|" * len(sets))
        for threshold in thresholds:
            cells = []
            for name, _ in sets:
                t = tally([r for r in rows if r.set == name], gate, threshold)
                cells.append(f"{t.recall:.1%} / {t.wrong} ({t.sent})")
            mark = " (shipped)" if threshold == shipped else ""
            print(f"| {threshold:.2f}{mark} | " + " | ".join(cells) + " |")
    print("\nceiling (the gate open): mails / answerable / every answer right / sent with the gate open")
    for name, _ in sets:
        t = tally([r for r in rows if r.set == name], EmailGate.confidence_only(), 0.0)
        print(f"  {name}: {t.mails} / {t.answerable} / {t.right} / {t.sent} (wrong {t.wrong}, coverage {t.coverage:.1%})")


def print_rows(rows: list[MailRow], gate: EmailGate, threshold: float) -> None:
    """The mails that matter to the gate on sets whose rows may be read: sent wrong, or right and held back."""
    print(f"\nrows at the shipped gate ({threshold:.2f}): WRONG = sent wrong, HELD = right but a draft")
    for row in rows:
        if row.role == "held out" and row.family == "real":
            continue
        sent = row.sent(gate, threshold)
        if sent and row.wrong:
            mark = "WRONG"
        elif row.right and not sent:
            mark = "HELD"
        else:
            continue
        probabilities = ", ".join(f"{p['kind']} {gate.probability(p['inputs']):.2f}" for p in row.parts if p["kind"] != "order")
        print(f"  {mark} {row.set} {row.store}: {row.question!r} [{probabilities}] {row.reason[:90]}")


def corpus_latency(scratch: Path, encoder: str) -> None:
    engine = Engine(ROOT / "knowledge", scratch / "index-corpus", get_settings().resolved_model_path(), MatchSettings(), encoder=encoder)
    url = f"sqlite:///{scratch / 'corpus.db'}"
    upgrade_database(url)
    sessions = session_factory(url)
    rules = email_rules(Settings())
    engine.answer("dissoo", "which cards do you take?", today=store_today(engine.store_config("dissoo").timezone))  # loaded before the clock
    timings = []
    for path in sorted((ROOT / "tests" / "email" / "corpus").glob("*.eml")):
        raw = path.read_bytes()
        started = time.perf_counter()
        with sessions() as db:
            process_mail(engine, db, "dissoo", raw, rules)
        timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"\nemail corpus n={len(timings)} p50={statistics.median(timings):.1f}ms p95={p95:.1f}ms max={max(timings):.1f}ms")


def read_rows(path: Path) -> list[MailRow]:
    return [MailRow(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--family", default="shipped", help="shipped (default), real, pages, train, newstore, or all; comma-separated")
    parser.add_argument("--index", type=Path, default=None, help="keep the indexes here (default: a temporary folder)")
    parser.add_argument("--rows-out", type=Path, default=None, help="write one JSON line per mail (for bench.fit_email_gate)")
    parser.add_argument("--rows-in", type=Path, default=None, help="read the mails from an earlier --rows-out instead of running them")
    parser.add_argument("--rows", action="store_true", help="list the mails sent wrong or held back at the shipped gate (not the held-out real half)")
    args = parser.parse_args()
    wanted = {f.strip() for f in args.family.split(",")}
    settings = get_settings()
    encoder = settings.encoder  # FAQBOT_ENCODER=torch|onnx: the gate under either backend
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        if args.rows_in:
            rows = [r for r in read_rows(args.rows_in) if "all" in wanted or r.family in wanted]
        else:
            rows = []
            for labelled in labelled_sets():
                if "all" in wanted or labelled.family in wanted:
                    started = time.perf_counter()
                    rows += run_set(labelled, args.index or scratch / "index", scratch, encoder)
                    print(f"{labelled.name}: {sum(r.set == labelled.name for r in rows)} mails in {time.perf_counter() - started:.0f} s", flush=True)
        if args.rows_out:
            args.rows_out.write_text("".join(json.dumps(asdict(r)) + "\n" for r in rows), encoding="utf-8")
        shipped = email_rules(settings).gate
        gates = {"confidence alone (the engine's confidence is the probability)": (EmailGate.confidence_only(), THRESHOLDS)}
        if shipped != EmailGate.confidence_only():
            gates["the fitted gate (FAQBOT_EMAIL_GATE, bench.fit_email_gate)"] = (shipped, THRESHOLDS)
        print_curves(rows, gates, settings.email_min_confidence)
        if args.rows:
            print_rows(rows, shipped, settings.email_min_confidence)
        if not args.rows_in:
            corpus_latency(scratch, encoder)


if __name__ == "__main__":
    main()
