"""Whether the bot may answer a mail itself: RFC 3834's never-reply rules, escalations a
person must take, and whether every question got a confident answer.

Conservative on purpose: a wrong auto-reply, or one sent to a robot, is worse than a draft.
"""

from __future__ import annotations

import re

from bot.email.parse import InboundMail

ROBOT_SENDER = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|noreply|bounces?|notifications?)([+.-].*)?@", re.I)
ESCALATIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.I))
    for reason, pattern in (
        ("legal threat", r"\b(lawyer|attorney|legal action|sue|suing|lawsuit|small claims|court|trading standards|consumer protection|better business bureau|bbb)\b"),
        ("chargeback", r"\b(charge ?back|dispute (the|this) (charge|payment)|(call|contact) my bank|credit card company|paypal (claim|dispute))\b"),
        ("damaged or wrong item", r"\b(damaged|broken|broke|defective|faulty|cracked|tarnished|wrong (item|size|colou?r|order|product)|missing (item|piece)|not what i ordered)\b"),
        ("complaint", r"\b(complain\w*|unacceptable|disgusted|furious|outraged|ridiculous|terrible|worst|scam|fraud|rip-?off|never (again|ordering)|disappointed|angry|appalled)\b|!{3,}"),
    )
)


def never_reply_reason(mail: InboundMail, own_addresses: set[str]) -> str | None:
    """RFC 3834 §2 and common practice: no automatic reply to automatic or bulk mail, or to ourselves."""
    auto = mail.headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = mail.headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return f"Precedence: {precedence}"
    if "list-id" in mail.headers or "list-unsubscribe" in mail.headers:
        return "mailing list (List-Id / List-Unsubscribe)"
    if "x-auto-response-suppress" in mail.headers:
        return "X-Auto-Response-Suppress"
    if mail.return_path == "":
        return "null return path"
    if not mail.sender:
        return "no sender address"
    if ROBOT_SENDER.match(mail.sender):
        return f"automated sender {mail.sender.split('@')[0]}@…"
    if mail.sender in own_addresses or (mail.reply_to and mail.reply_to in own_addresses):
        return "our own address"
    if "multipart/report" in mail.headers.get("content-type", "").lower():
        return "delivery report (bounce)"
    return None


def escalation_reason(text: str, subject: str) -> str | None:
    words = f"{subject}\n{text}"
    for reason, pattern in ESCALATIONS:
        if pattern.search(words):
            return reason
    return None
