"""Fit the email gate: the probability that an answer the bot would mail is right, a logistic over
what the mail path knows (bot/email/decide.py `gate_inputs`: the engine's confidence, whether the
answer was computed and on whose facts, whether the store's facts are read off a pasted page, how
many questions the mail asks, how long it and the question are), fitted on the calibration sets
only and compared with the confidence alone on the held-out sets.

    python -m bench.email --family all --index DIR --rows-out rows.jsonl   # the labelled mail, once
    python -m bench.fit_email_gate rows.jsonl

Prints the weights (for EMAIL_GATE_WEIGHTS / email_gate_bias in bot/settings.py) and, for each
held-out set, recall and wrong replies at matched settings of both gates. The held-out sets'
rows are never fitted or chosen on; tests/eval/real/test is reported in aggregate only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.email import MailRow, read_rows, tally
from bot.email.decide import GATE_INPUTS, EmailGate

SETTINGS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)


def samples(rows: list[MailRow], names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """One sample per answer a gate weighs: an answer or policy part of a mail the open gate sent,
    right or wrong (nearly all labelled mails ask one question); labelled right when the mail's
    every answer is. A mail neither (the rule quoted where a computed date was wanted) is left out."""
    x, y = [], []
    for row in rows:
        if row.decision != "replied" or not (row.right or row.wrong):
            continue
        for part in row.parts:
            if part["kind"] in ("answer", "policy"):
                x.append([part["inputs"][n] for n in names])
                y.append(int(row.right))
    return np.array(x), np.array(y)


def fit(rows: list[MailRow], names: tuple[str, ...], c: float = 1.0) -> EmailGate:
    x, y = samples(rows, names)
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    return EmailGate({n: round(float(w), 3) for n, w in zip(names, model.coef_[0], strict=True)}, round(float(model.intercept_[0]), 3))


def curve(label: str, rows: list[MailRow], gates: dict[str, EmailGate]) -> None:
    print(f"\n{label} ({len(rows)} mails; {sum(r.right for r in rows)} with every answer right): recall / wrong (sent)")
    print("| setting | " + " | ".join(gates) + " |")
    print("|---|" + "---|" * len(gates))
    for setting in SETTINGS:
        cells = []
        for gate in gates.values():
            t = tally(rows, gate, setting)
            cells.append(f"{t.recall:.1%} / {t.wrong} ({t.sent})")
        print(f"| {setting:.2f} | " + " | ".join(cells) + " |")


def best_at_no_wrong(rows: list[MailRow], gate: EmailGate) -> tuple[float, float] | None:
    """The lowest setting (of a fine grid) at which the set has no wrong reply, and its recall."""
    for setting in np.arange(0.30, 1.0, 0.005):
        t = tally(rows, gate, float(setting))
        if t.wrong == 0:
            return float(setting), t.recall
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=Path, help="bench.email --rows-out of every family")
    args = parser.parse_args()
    rows = read_rows(args.rows)
    calibrate = [r for r in rows if r.role == "calibrate"]
    held = {name: [r for r in rows if r.set == name] for name in dict.fromkeys(r.set for r in rows if r.role == "held out")}
    x, y = samples(calibrate, GATE_INPUTS)
    print(f"calibration: {len(calibrate)} mails ({', '.join(sorted({r.set for r in calibrate}))}), {len(y)} answers the open gate sends, {int((1 - y).sum())} of them wrong")
    gates = {"confidence alone": EmailGate.confidence_only()}
    for label, names in (("confidence + page", ("confidence", "raw_page")), ("all inputs", GATE_INPUTS)):
        gates[label] = fit(calibrate, names)
        print(f"{label}: weights {gates[label].weights}, bias {gates[label].bias}")
    for name in dict.fromkeys(r.set for r in calibrate):
        curve(f"calibration set {name}", [r for r in calibrate if r.set == name], gates)
    for name, held_rows in held.items():
        curve(f"held out {name}", held_rows, gates)
    print("\nlowest setting with no wrong reply, and its recall (held-out sets):")
    for name, held_rows in held.items():
        found = {label: best_at_no_wrong(held_rows, gate) for label, gate in gates.items()}
        print(f"  {name}: " + "; ".join(f"{label}: " + (f"{s:.3f} -> {r:.1%}" if (s_r := found[label]) and (s := s_r[0]) is not None and (r := s_r[1]) is not None else "none") for label in gates))
    best = gates["all inputs"]
    print("\n# bot/settings.py")
    print("EMAIL_GATE_WEIGHTS =", best.weights)
    print(f"email_gate_bias = {best.bias}")


if __name__ == "__main__":
    main()
