"""Whether the bot may answer a mail itself: RFC 3834's never-reply rules, escalations a
person must take, and whether every question got a confident answer.

Conservative on purpose: a wrong auto-reply, or one sent to a robot, is worse than a draft.
Machine mail (bounces, out-of-office, lists, no-reply senders, our own) is `ignored`: nobody
needs to answer it. Anything a person wrote that the bot will not answer becomes a `draft`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta

from bot.email.parse import InboundMail
from bot.settings import Settings

ROBOT_SENDER = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|noreply|bounces?|notifications?|owner-[^@]*|[^@]*-request)([+.-][^@]*)?@", re.I
)
DEFECT = "damaged or wrong item"
ESCALATIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.I))
    for reason, pattern in (
        ("legal threat", r"\b(lawyer|attorney|solicitor|legal action|sue|suing|lawsuit|small claims|court|trading standards|consumer protection|better business bureau|bbb)\b"),
        ("chargeback", r"\b(charge ?back|dispute (the|this|my) (charge|payment|transaction)|(call|contact|told) my bank|credit card company|paypal (claim|dispute)|report (you|this) to)\b"),
        # "Can I cancel?" is a question for the FAQ; "please cancel my order" asks someone to act.
        ("asks us to change an order", r"\b(please|pls|kindly|i( want| need| would like|['’]d like)( you)? to|can you|could you|would you)\s+(cancel|change|update|modify|amend|exchange|refund|resend|replace|remove|add|upgrade)\b"),
        (DEFECT, r"\b(damaged|broken|broke|defective|faulty|cracked|tarnished|fell apart|wrong (item|size|colou?r|order|product|ring|necklace)|missing (item|piece|stone)|not what i ordered|never arrived|stolen)\b"),
        ("complaint", r"\b(complain\w*|unacceptable|disgusted|furious|outraged|ridiculous|terrible|worst|scam|fraud|rip-?off|never (again|ordering)|disappointed|angry|appalled|upset)\b|!{3,}"),
    )
)


GATE_INPUTS = ("confidence", "policy", "computed", "pending", "raw_page", "questions", "words", "question_words", "asks")


def gate_inputs(kind: str, confidence: float, pending: bool, raw_page: bool, questions: int, mail_words: int, question: str) -> dict[str, float]:
    """What the gate weighs for one answer of a mail: the engine's confidence (as log-odds), whether
    the answer was computed (a policy calculator; `computed`: at confidence 1.0, i.e. on the owner's
    policy.toml — a calculator on a pasted page's facts, or a span counted from a page's sentence,
    carries the reading's confidence since session 15, so gate weights fitted before then read it otherwise), whether it states the rule where the chat would ask for a date
    (`pending`), whether the store's facts are read off a pasted page (no policy.toml), how many
    questions the mail asks, how long the mail and the question are (log words), and whether it asks with "?"."""
    clipped = min(max(confidence, 1e-4), 1 - 1e-4)
    return {
        "confidence": math.log(clipped / (1 - clipped)),
        "policy": float(kind == "policy"),
        "computed": float(kind == "policy" and confidence >= 1.0),
        "pending": float(pending),
        "raw_page": float(raw_page),
        "questions": float(questions),
        "words": math.log1p(mail_words),
        "question_words": math.log1p(len(question.split())),
        "asks": float("?" in question),
    }


@dataclass(frozen=True, slots=True)
class EmailGate:
    """The probability that one answer of a mail is right: a logistic over `gate_inputs`, fitted on
    labelled mail (`python -m bench.fit_email_gate`; weights in settings). FAQBOT_EMAIL_MIN_CONFIDENCE
    is the bar this probability must reach. With the weight 1 on `confidence` alone and no bias it
    is the engine's confidence itself (`confidence_only`)."""

    weights: dict[str, float] = field(default_factory=lambda: {"confidence": 1.0})
    bias: float = 0.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.weights) - set(GATE_INPUTS))
        if unknown:
            raise ValueError(f"email gate: unknown inputs {unknown}; known: {', '.join(GATE_INPUTS)}")

    @classmethod
    def confidence_only(cls) -> EmailGate:
        return cls({"confidence": 1.0}, 0.0)

    def probability(self, inputs: dict[str, float]) -> float:
        z = self.bias + sum(weight * inputs[name] for name, weight in self.weights.items())
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True, slots=True)
class EmailRules:
    """What the responder may do on its own; built from settings by the channel (`faqbot email`)."""

    min_confidence: float  # every answer's probability of being right (the gate's) must reach it (FAQBOT_EMAIL_MIN_CONFIDENCE)
    reply_window: timedelta  # one auto-reply per sender per store within it
    max_text_chars: int  # longer new text is a letter for a person, not a question
    max_questions: int  # more questions than this: a person answers them all
    gate: EmailGate = field(default_factory=EmailGate)


def email_rules(settings: Settings) -> EmailRules:
    """The rules the settings give (FAQBOT_EMAIL_*): every channel that answers mail builds them here."""
    return EmailRules(
        min_confidence=settings.email_min_confidence,
        reply_window=timedelta(hours=settings.email_reply_window_hours),
        max_text_chars=settings.email_max_text_chars,
        max_questions=settings.email_max_questions,
        gate=EmailGate(dict(settings.email_gate_weights), settings.email_gate_bias),
    )


def machine_mail_reason(mail: InboundMail, own_addresses: set[str]) -> str | None:
    """RFC 3834 §2 and common practice: mail a machine sent, or our own, gets no reply and no draft."""
    auto = re.split(r"[(;]", mail.headers.get("auto-submitted", ""))[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = mail.headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for header in ("x-autoreply", "x-autorespond"):  # older autoresponders mark themselves so
        if header in mail.headers:
            return f"{header.title()} header"
    if "list-id" in mail.headers or "list-unsubscribe" in mail.headers:
        return "mailing list (List-Id / List-Unsubscribe)"
    if mail.return_path == "":
        return "null return path"
    if "multipart/report" in mail.headers.get("content-type", "").lower():
        return "delivery report (bounce)"
    if not mail.sender:
        return "no sender address"
    for address in (mail.sender, mail.return_path or ""):
        if ROBOT_SENDER.match(address):
            return f"automated sender {address.split('@')[0]}@…"
    if mail.sender in own_addresses or (mail.reply_to and mail.reply_to in own_addresses):
        return "our own address"
    return None


def suppressed_reason(mail: InboundMail) -> str | None:
    """Outlook's X-Auto-Response-Suppress asks for no automatic reply, yet a person may have
    written the mail: it becomes a draft, not an ignored mail."""
    if "x-auto-response-suppress" in mail.headers:
        return f"X-Auto-Response-Suppress: {mail.headers['x-auto-response-suppress'].strip()}"
    return None


def escalation_reason(text: str, subject: str) -> str | None:
    words = f"{subject}\n{text}"
    for reason, pattern in ESCALATIONS:
        if pattern.search(words):
            return reason
    return None


def unanswered_reason(kind: str, confidence: float, rules: EmailRules, inputs: dict[str, float] | None = None) -> str | None:
    """Why one question's answer may not go out on its own; None when it may.

    A computed policy answer that the chat would follow with "when did it arrive?" has answered a
    mail: the window, and the earliest day it may have started that is still in time (the customer's
    "can I still return the earrings I bought?" needs no second round trip). A "did you mean"
    (clarify) or a hand-off has not answered; an answer must reach the email threshold, as the
    gate's probability that it is right (`inputs`: the gate's; None: the confidence alone)."""
    if kind not in ("answer", "policy"):
        return f"{kind} at confidence {confidence:.2f}"
    if inputs is None or rules.gate == EmailGate.confidence_only():
        if confidence < rules.min_confidence:
            return f"{kind} at confidence {confidence:.2f} < {rules.min_confidence:.2f}"
        return None
    chance = rules.gate.probability(inputs)
    if chance < rules.min_confidence:
        return f"{kind} at confidence {confidence:.2f}: right with probability {chance:.2f} < {rules.min_confidence:.2f}"
    return None
