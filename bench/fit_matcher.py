"""Fits the matcher's ranker and confidence on labelled questions of many shops, and says how well they generalise.

    python -m bench.fit_matcher [--curve]
    python -m bench.fit_matcher --folds DIR --tuning FILE   # evidence read with out-of-fold encoder fits (bench.fit_encoder --leave-out)
    python -m bench.fit_matcher --experiments   # the guards obeyed or weighed, the lead sentence's evidence weighed: each leave-one-family-out

Data, every answerable and out-of-scope question (date rows are the calculators'):
- jewelry: tests/eval/*.jsonl asked of the three shipped stores twice, with their curated
  knowledge and with the raw FAQ page alone (what a new store gets);
- pages: tests/eval/pages/, 14 shops of other trades written by helpers as new owners;
- train: bench/data/train/, 191 real shops' own pages as found, fitted on and never scored;
- real: tests/eval/real/dev/, 18 real shops' own pages as found (the benchmark's dev half).
tests/eval/dev/ and the real benchmark's test half are never fitted on. Printed:

- leave-one-family-out accuracy and confident-wrong share (fit on the other families, measure on
  this one; the threshold counts a confident wrong answer twice) for the
  hybrid and the dense-only and fuzzy-only ablations: the honest estimate for a kind of
  shop never seen;
- the weights fitted on all families, to copy into `MatchSettings` (bot/settings.py).

Accuracy here is the matcher's own: the top chunk is the right one and confidence clears
the threshold, or an out-of-scope question falls below it. The guards (other language,
injection, "the page states no price") and the policy calculators are left out, so these
figures differ from `python -m bench.match` and `python -m bench.real`, which run the whole engine.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from bot.engine import Engine
from bot.evaluation import EvalCase, read_cases, squash
from bench.fit_encoder import fold_of
from bot.index import build_store_index, load_embedder
from bot.index.embedder import TUNING_FILE
from bot.ingest import Chunk
from bot.match.decide import MAX_MARGIN, confidence_of, distinct_rivals, lead, length_input
from bot.match.lexical import repair_typos
from bot.match.answer_type import asked_for, states
from bot.match.offered import unnamed_thing
from bot.match.extract import sentence_evidence
from bot.match.retrieval import DENSE_EVIDENCE, FEATURES, LEXICAL_EVIDENCE, Candidate, Evidence, Retrieval
from bot.settings import MatchSettings, packaged_model_path

ROOT = Path(__file__).resolve().parents[1]
STORES = ("sessori", "dissoo", "stelladot")
RANKER_C = 0.3  # regularisation: the weights must carry to stores not fitted on
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.71, 0.05))
SETTINGS = MatchSettings()
ABLATIONS = {"hybrid": FEATURES, "dense-only": DENSE_EVIDENCE, "fuzzy-only": LEXICAL_EVIDENCE}
FAMILIES = ("jewelry", "pages", "train", "real")


def family_of(variant: str) -> str:
    return "jewelry" if variant in ("curated", "raw") else variant


@dataclass(frozen=True)
class Asked:
    """One labelled question and the evidence for every chunk of its store."""

    store: str
    variant: str  # curated | raw | pages | real: the family the shop belongs to
    case: EvalCase
    evidence: tuple[Evidence, ...]
    right: tuple[bool, ...]  # per chunk: holds the expected passage
    chunks: tuple[Chunk, ...]
    coverage: float
    extra: dict[int, dict[str, float]] | None = None  # per chunk among the first few: its lead sentence's evidence, the guards' verdicts


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    rank_weights: dict[str, float]
    rank_bias: float
    confidence: tuple[float, ...]  # in the order of confidence_inputs: score, margin, coverage, dense, evidence…, length
    confidence_bias: float
    threshold: float

    def settings(self) -> MatchSettings:
        score, margin, coverage, dense, *evidence, length = self.confidence[: 5 + len(FEATURES)]
        return MatchSettings(
            rank_weights=self.rank_weights, rank_bias=self.rank_bias, confidence_score_weight=score,
            confidence_margin_weight=margin, confidence_coverage_weight=coverage, confidence_dense_weight=dense,
            confidence_evidence_weights=dict(zip(FEATURES, evidence, strict=True)), confidence_length_weight=length,
            confidence_bias=self.confidence_bias, answer_min_confidence=self.threshold,
        )


def raw_knowledge(target: Path) -> Path:
    """Each store as a newcomer would paste it: store.toml with its name and the page."""
    for store in STORES:
        folder = target / store
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "knowledge" / store / "faq.txt", folder / "faq.txt")
        name = next(line for line in (ROOT / "knowledge" / store / "store.toml").read_text().splitlines() if line.startswith("name"))
        (folder / "store.toml").write_text(name + "\n", encoding="utf-8")
    return target


def collect(cases: list[EvalCase], scratch: Path, off_topic: bool = True) -> list[Asked]:
    """The shipped stores' questions, asked with curated knowledge and with the raw page alone."""
    curated = scratch / "curated"
    shutil.copytree(ROOT / "knowledge", curated)
    return ask_all("curated", curated, cases, scratch, off_topic) + ask_all("raw", raw_knowledge(scratch / "raw"), cases, scratch, off_topic)


def collect_family(variant: str, folder: Path, scratch: Path) -> list[Asked]:
    """Shops kept as folder/knowledge/<shop>/ with their questions in folder/<shop>.jsonl."""
    cases = [case for path in sorted(folder.glob("*.jsonl")) for case in read_cases(path)]
    return ask_all(variant, folder / "knowledge", cases, scratch)


OFF_TOPIC = ROOT / "bench" / "data" / "off_topic.txt"
OFF_TOPIC_PER_STORE = 4


def off_topic_cases(stores: list[str], family: str) -> list[EvalCase]:
    """A few questions no shop page answers, per store, in turn through the family's own third of the
    file: the confidence learns that a question near no shop topic hands off, and a family held out
    of the fit is asked off-topic questions the fit never saw."""
    lines = [line.strip() for line in OFF_TOPIC.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    third = len(lines) // len(FAMILIES)
    own = lines[FAMILIES.index(family) * third : (FAMILIES.index(family) + 1) * third]
    return [
        EvalCase(store=store, question=own[(i * OFF_TOPIC_PER_STORE + k) % len(own)], expect="handoff", category="off_topic")
        for i, store in enumerate(stores)
        for k in range(OFF_TOPIC_PER_STORE)
    ]


ENCODER_FITTED_ON = ("curated", "raw", "pages", "train")  # the families bench.fit_encoder fits on


@dataclass(frozen=True)
class Tunings:
    """Which encoder tuning a shop's evidence is read with. By default the shipped one for every shop;
    with `folds`, a shop the encoder was fitted on is read with the fit that left its fold out
    (`bench.fit_encoder --leave-out K N`, saved as folder/fold-K-of-N.safetensors), so the ranker
    learns how far to trust the encoder on shops it has not seen, not on the ones it memorised."""

    full: Path | None = TUNING_FILE
    folder: Path | None = None
    folds: int = 0

    def of(self, variant: str, store: str) -> Path | None:
        if self.folder is None or variant not in ENCODER_FITTED_ON:
            return self.full
        return self.folder / f"fold-{fold_of(store, self.folds)}-of-{self.folds}.safetensors"


TUNINGS = Tunings()


def ask_all(variant: str, knowledge: Path, cases: list[EvalCase], scratch: Path, off_topic: bool = True) -> list[Asked]:
    """`off_topic`: add the family's off-topic questions (fitting), or not (a held-out set is as written)."""
    if off_topic:
        cases = cases + off_topic_cases(list(dict.fromkeys(case.store for case in cases)), family_of(variant))
    by_tuning: dict[Path | None, list[str]] = {}
    for store in dict.fromkeys(case.store for case in cases):
        by_tuning.setdefault(TUNINGS.of(variant, store), []).append(store)
    asked = []
    for number, (tuning, stores) in enumerate(by_tuning.items()):
        embedder = load_embedder(packaged_model_path(), tuning)
        index_dir = scratch / f"index-{variant}-{number}"
        for store in stores:
            build_store_index(knowledge, index_dir, store, embedder)
        engine = Engine(knowledge, index_dir, packaged_model_path(), MatchSettings(), build_stale=False, tuning=tuning)
        for case in cases:
            if case.store not in stores or case.expect == "policy" or (case.expect == "answer" and not case.passage_contains):
                continue
            runtime = engine.runtime(case.store)
            vector = embedder.encode([repair_typos(case.question, runtime.known_words, runtime.store_words)])[0]
            query = runtime.retriever.lexical.query_terms(case.question)
            phrases = [case.passage_contains] if isinstance(case.passage_contains, str) else list(case.passage_contains or [])
            chunks = runtime.retriever.index.chunks
            right = tuple(any(squash(p) in squash(f"{c.title} {c.text}") for p in phrases) for c in chunks)
            if case.expect == "answer" and not any(right):
                continue  # the raw page lacks this passage's words (a curated title): nothing to learn from
            evidence = tuple(runtime.retriever.evidence(case.question, vector, query))
            extra = extra_inputs(runtime.retriever, case.question, vector, query, evidence) if EXTRA else None
            asked.append(Asked(case.store, variant, case, evidence, right, chunks, query.coverage, extra))
    return asked


# Experiments beyond the engine's confidence (session 16): per chunk among the shipped ranker's first
# EXTRA_OF, the lead sentence's own evidence (the shipped sentence scorer's pick) and the two guards'
# verdicts (decide(): "the page states no <duration>", "the page does not name what is asked for").
# --sentence-inputs / --guard-inputs add them to the confidence's inputs; --hard-guards applies the
# guards as the engine does (a verdict hands off), so a fit with them as inputs can be set against it.
EXTRA = False
LEAD_INPUTS = ("lead_topic", "lead_states_asked", "lead_dense", "lead_cover", "lead_label", "lead_words", "asks_a_kind", "sentences")
GUARD_INPUTS = ("states_none", "unnamed")
USED: tuple[str, ...] = ()  # which extras enter the confidence
HARD_GUARDS = False
LEAD_EXTRAS = True  # read the lead sentence's evidence too (slow); --rankers needs the guards alone
EXTRA_OF = 10
# --rankers: the chunk ranker fitted pointwise (a logistic over every chunk, as shipped) or listwise
# (a softmax over each question's chunks: the right one's share, which is what "first" rewards),
# then scaled to log-odds by a one-input logistic so the confidence reads its score as before.
RANKER = "pointwise"
LISTWISE_L2 = 1.0


def fit_listwise(answerable: list[Asked], features: tuple[str, ...], l2: float) -> tuple[dict[str, float], float]:
    from scipy.optimize import minimize

    xs = [matrix(a.evidence, features) for a in answerable]
    rights = [np.array(a.right) for a in answerable]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * w @ w, 2 * l2 * w
        for x, r in zip(xs, rights, strict=True):
            s = x @ w
            e = np.exp(s - s.max())
            z, er = e.sum(), e[r]
            zr = er.sum()
            total -= np.log(zr) - np.log(z)
            grad -= x[r].T @ (er / zr) - x.T @ (e / z)
        return total, grad

    w = minimize(loss, np.zeros(len(features)), jac=True, method="L-BFGS-B").x
    scale = LogisticRegression(C=RANKER_C, max_iter=5000).fit(
        np.concatenate([x @ w for x in xs]).reshape(-1, 1), np.concatenate(rights)
    )
    a = float(scale.coef_[0][0])
    return dict(zip(features, (round(float(a * v), 3) for v in w), strict=True)), round(float(scale.intercept_[0]), 3)


def ranker_first(asked: list[Asked], model: Model) -> float:
    """The share of answerable questions whose right passage the ranker puts first."""
    answerable = [a for a in asked if a.case.expect == "answer"]
    return sum(top_of(a, model.rank_weights, model.rank_bias)[2] for a in answerable) / max(len(answerable), 1)


def extra_inputs(retriever, question: str, vector: np.ndarray, query, evidence: tuple[Evidence, ...]) -> dict[int, dict[str, float]]:
    scores = [e.score(SETTINGS.rank_weights, SETTINGS.rank_bias) for e in evidence]
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:EXTRA_OF]
    retrieval = Retrieval((), query, vector, retriever.sentence_topic(vector))
    wanted = asked_for(question)
    found = {}
    for position in order:
        chunk = retriever.index.chunks[position]
        candidate = Candidate(chunk, position, evidence[position], scores[position])
        values = {
            "states_none": float(wanted is not None and not states(f"{chunk.title} {chunk.text}", wanted)),
            "unnamed": float(bool(unnamed_thing(question, query, retriever.lexical, chunk, position))),
            "asks_a_kind": float(wanted is not None),
        }
        sentences = sentence_evidence(retriever.index, candidate, retrieval, question) if LEAD_EXTRAS else []
        if sentences:
            best = max(sentences, key=lambda e: e.score(SETTINGS.sentence_weights, SETTINGS.sentence_bias))
            values |= {f"lead_{name}": getattr(best, name) for name in ("topic", "states_asked", "dense", "cover", "label", "words")}
            values["sentences"] = min(len(sentences), 10) / 10
        found[position] = values
    return found


def extra_of(asked: Asked, top: Candidate) -> list[float]:
    values = (asked.extra or {}).get(top.position, {})
    return [values.get(name, 0.0) for name in USED]


def guarded(asked: Asked, top: Candidate) -> bool:
    values = (asked.extra or {}).get(top.position, {})
    return HARD_GUARDS and any(values.get(name, 0.0) for name in GUARD_INPUTS)


def matrix(evidence: tuple[Evidence, ...], features: tuple[str, ...]) -> np.ndarray:
    return np.array([[getattr(e, name) for name in features] for e in evidence])


def fit(asked: list[Asked], features: tuple[str, ...]) -> Model:
    answerable = [a for a in asked if a.case.expect == "answer"]
    if RANKER == "listwise":
        weights, bias = fit_listwise(answerable, features, LISTWISE_L2)
    else:
        ranker = LogisticRegression(C=RANKER_C, max_iter=5000).fit(
            np.vstack([matrix(a.evidence, features) for a in answerable]), np.concatenate([a.right for a in answerable])
        )
        weights = dict(zip(features, (round(float(w), 3) for w in ranker.coef_[0]), strict=True))
        bias = round(float(ranker.intercept_[0]), 3)
    tops = [(a, *top_of(a, weights, bias)) for a in asked]
    confidence = LogisticRegression(C=1.0, max_iter=5000).fit(
        [confidence_inputs(top, margin, a.coverage, words(a)) + extra_of(a, top) for a, top, margin, _ in tops], [right for *_, right in tops]
    )
    partial = Model(features, weights, bias, tuple(round(float(w), 3) for w in confidence.coef_[0]), round(float(confidence.intercept_[0]), 3), 0.5)
    best = max(THRESHOLDS, key=lambda t: (worth(asked, partial, t), -abs(t - 0.4)))
    return Model(partial.features, weights, bias, partial.confidence, partial.confidence_bias, best)


def top_of(asked: Asked, weights: dict[str, float], bias: float) -> tuple[Candidate, float, bool]:
    """The best chunk under these weights, its lead over the next answer, and whether it is the right one."""
    ranked = sorted(
        (Candidate(chunk, i, e, e.score(weights, bias)) for i, (chunk, e) in enumerate(zip(asked.chunks, asked.evidence, strict=True))),
        key=lambda c: c.score,
        reverse=True,
    )
    top = ranked[0]
    good = asked.case.expect == "answer" and asked.right[top.position]
    return top, lead(top, distinct_rivals(tuple(ranked), SETTINGS)), bool(good)


def confidence_inputs(top: Candidate, margin: float, coverage: float, length: int) -> list[float]:
    """What confidence_of weighs, in the order of Model.confidence."""
    return [top.score, min(margin, MAX_MARGIN), coverage, top.dense, *(getattr(top.evidence, name) for name in FEATURES), length_input(length)]


def words(asked: Asked) -> int:
    """The message's length as decide() counts it."""
    return len(asked.case.question.split())


def outcomes(asked: list[Asked], model: Model, threshold: float | None = None) -> tuple[float, float]:
    """What the engine would decide with these weights, its own confidence_of against the threshold:
    the share right, and the share answered wrongly above it (confident wrong)."""
    settings = model.settings()
    threshold = model.threshold if threshold is None else threshold
    good = wrong = 0
    for a in asked:
        top, margin, right = top_of(a, model.rank_weights, model.rank_bias)
        sure = sure_of(a, top, margin, model, settings) >= threshold and not guarded(a, top)
        good += (sure and right) or (not sure and a.case.expect == "handoff")
        wrong += sure and not right
    return (good / len(asked), wrong / len(asked)) if asked else (0.0, 0.0)


def sure_of(asked: Asked, top: Candidate, margin: float, model: Model, settings: MatchSettings) -> float:
    """The engine's confidence_of, or the same blend with the experiment's inputs added."""
    extra = extra_of(asked, top)
    if not extra:
        return confidence_of(top, asked.coverage, margin, words(asked), settings)
    inputs = confidence_inputs(top, margin, asked.coverage, words(asked)) + extra
    z = sum(w * x for w, x in zip(model.confidence, inputs, strict=True)) + model.confidence_bias
    return 1 / (1 + np.exp(-z))


def accuracy(asked: list[Asked], model: Model, threshold: float | None = None) -> float:
    return outcomes(asked, model, threshold)[0]


def worth(asked: list[Asked], model: Model, threshold: float) -> float:
    """Right answers, less confident wrong ones once more: a wrong answer given as sure is worse than a hand-off."""
    right, wrong = outcomes(asked, model, threshold)
    return right - wrong


def family(asked: Asked) -> str:
    return family_of(asked.variant)


def leave_one_family_out(asked: list[Asked], features: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Per family: (right, confident wrong) when fitted on the other families."""
    return {name: outcomes([a for a in asked if family(a) == name], fit([a for a in asked if family(a) != name], features)) for name in FAMILIES}


def collect_training(scratch: Path) -> list[Asked]:
    fitted = [c for store in STORES for c in read_cases(ROOT / "tests" / "eval" / f"{store}.jsonl")]
    return (
        collect(fitted, scratch / "fit")
        + collect_family("pages", ROOT / "tests" / "eval" / "pages", scratch / "pages")
        + collect_family("train", ROOT / "bench" / "data" / "train", scratch / "train")
        + collect_family("real", ROOT / "tests" / "eval" / "real" / "dev", scratch / "real")
    )


CURVE = (0.25, 0.5, 1.0)


def learning_curve(asked: list[Asked]) -> None:
    """The ranker and confidence fitted on the other families with a growing share of the training
    shops, measured on the real dev half (left out of every fit here): what more shops buy."""
    real = [a for a in asked if a.variant == "real"]
    train_shops = sorted({a.store for a in asked if a.variant == "train"}, key=lambda s: hashlib.sha1(s.encode()).hexdigest())
    for fraction in CURVE:
        kept = set(train_shops[: max(1, round(len(train_shops) * fraction))])
        fitted_on = [a for a in asked if a.variant not in ("real", "train") or a.store in kept]
        right, wrong = outcomes(real, fit(fitted_on, FEATURES))
        print(f"curve training shops {len(kept):3d} ({fraction:.0%}): real dev, matcher alone: right {right:.1%}, confident wrong {wrong:.1%}", flush=True)


def experiments(asked: list[Asked]) -> None:
    """The confidence's inputs and the guards, each combination fitted and measured leave-one-family-out."""
    global USED, HARD_GUARDS
    for label, used, hard in (
        ("no guards (fit_matcher's default)", (), False),
        ("guards hand off (the engine)", (), True),
        ("guards as inputs", GUARD_INPUTS, False),
        ("lead sentence as inputs, guards hand off", LEAD_INPUTS, True),
        ("lead sentence and guards as inputs", LEAD_INPUTS + GUARD_INPUTS, False),
    ):
        USED, HARD_GUARDS = used, hard
        lofo = leave_one_family_out(asked, FEATURES)
        mean = sum(r for r, _ in lofo.values()) / len(lofo), sum(w for _, w in lofo.values()) / len(lofo)
        print(f"{label:42s} " + " ".join(f"{s}={v:.1%} (cw {w:.1%})" for s, (v, w) in lofo.items()) + f" | mean {mean[0]:.1%} (cw {mean[1]:.1%})", flush=True)


def rankers(asked: list[Asked]) -> None:
    """Pointwise against listwise, the guards obeyed as in the engine: per family left out, the
    ranker's first passage, right and confident wrong."""
    global RANKER, HARD_GUARDS, LISTWISE_L2
    HARD_GUARDS = True
    for label, kind, l2 in (("pointwise (shipped)", "pointwise", 0.0), ("listwise, l2 0.1", "listwise", 0.1), ("listwise, l2 1", "listwise", 1.0), ("listwise, l2 10", "listwise", 10.0)):
        RANKER, LISTWISE_L2 = kind, l2
        found = []
        for name in FAMILIES:
            model = fit([a for a in asked if family(a) != name], FEATURES)
            held = [a for a in asked if family(a) == name]
            found.append((name, ranker_first(held, model), *outcomes(held, model)))
        mean = [sum(f[i] for f in found) / len(found) for i in (1, 2, 3)]
        print(f"{label:22s} " + " ".join(f"{n}: first {f:.1%} right {r:.1%} cw {w:.1%} |" for n, f, r, w in found)
              + f" mean first {mean[0]:.1%} right {mean[1]:.1%} cw {mean[2]:.1%}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--curve", action="store_true", help="also print the learning curve over the training shops")
    parser.add_argument("--tuning", type=Path, default=TUNING_FILE, help="the encoder tuning to read evidence with (default: the shipped one)")
    parser.add_argument("--folds", type=Path, default=None, metavar="DIR", help="read the encoder's own shops with out-of-fold tunings DIR/fold-K-of-N.safetensors")
    parser.add_argument("--sentence-inputs", action="store_true", help="experiment: the confidence also weighs the lead sentence's evidence")
    parser.add_argument("--guard-inputs", action="store_true", help="experiment: the confidence weighs the guards' verdicts instead of obeying them")
    parser.add_argument("--hard-guards", action="store_true", help="experiment: the guards hand off as in the engine (to set --guard-inputs against)")
    parser.add_argument("--experiments", action="store_true", help="collect once, print leave-one-family-out for each combination of the three above, and stop")
    parser.add_argument("--rankers", action="store_true", help="experiment: the ranker fitted pointwise and listwise, guards obeyed, leave-one-family-out; then stop")
    args = parser.parse_args()
    global TUNINGS, EXTRA, USED, HARD_GUARDS, LEAD_EXTRAS
    USED = (LEAD_INPUTS if args.sentence_inputs else ()) + (GUARD_INPUTS if args.guard_inputs else ())
    HARD_GUARDS = args.hard_guards
    EXTRA = bool(USED) or HARD_GUARDS or args.experiments or args.rankers
    LEAD_EXTRAS = not args.rankers
    if args.folds:
        folds = {int(p.stem.split("-of-")[1]) for p in args.folds.glob("fold-*-of-*.safetensors")}
        if len(folds) != 1:
            parser.error(f"{args.folds} must hold fold-K-of-N.safetensors for one N")
        TUNINGS = Tunings(args.tuning, args.folds, folds.pop())
    else:
        TUNINGS = Tunings(args.tuning)
    held_out = [c for store in STORES for c in read_cases(ROOT / "tests" / "eval" / "dev" / f"{store}.jsonl")]
    with tempfile.TemporaryDirectory() as scratch:
        asked = collect_training(Path(scratch))
        dev = collect(held_out, Path(scratch) / "dev", off_topic=False)
    print(f"questions: fitted {len(asked)} (" + ", ".join(f"{v} {sum(a.variant == v for a in asked)}" for v in ("curated", "raw", "pages", "train", "real")) + f"), held out {len(dev)}", flush=True)
    if args.experiments:
        experiments(asked)
        return
    if args.rankers:
        rankers(asked)
        return
    if args.curve:
        learning_curve(asked)
    models = {}
    for label, features in ABLATIONS.items():
        models[label] = model = fit(asked, features)
        lofo = leave_one_family_out(asked, features)
        fitted = " ".join(f"{v}={accuracy([a for a in asked if a.variant == v], model):.1%}" for v in ("curated", "raw", "pages", "train", "real"))
        held = " ".join(f"dev-{v}={accuracy([a for a in dev if a.variant == v], model):.1%}" for v in ("curated", "raw"))
        print(f"{label:10s} leave-one-family-out " + " ".join(f"{s}={v:.1%} (cw {w:.1%})" for s, (v, w) in lofo.items()) + f" | fit {fitted} | {held}")
    hybrid = models["hybrid"]
    print("\n# MatchSettings (bot/settings.py)")
    print("RANK_WEIGHTS =", hybrid.rank_weights)
    print(f"rank_bias = {hybrid.rank_bias}")
    score, margin, coverage, dense, *evidence, length = hybrid.confidence[: 5 + len(FEATURES)]
    for name, weight in (("score", score), ("margin", margin), ("coverage", coverage), ("dense", dense), ("length", length)):
        print(f"confidence_{name}_weight = {weight}")
    print("CONFIDENCE_EVIDENCE_WEIGHTS =", dict(zip(FEATURES, evidence, strict=True)))
    print(f"confidence_bias = {hybrid.confidence_bias}")
    print(f"answer_min_confidence = {hybrid.threshold}")


if __name__ == "__main__":
    main()
