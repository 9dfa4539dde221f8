"""Messages a person should take at once: someone asking for a human, or a shopper who is upset.

Retrieval would answer these with whatever passage is nearest ("real person" -> "Have Questions?");
a plain, kind handoff is what they need.
"""

from __future__ import annotations

import re

from bot.reply import Handoff

ASKS_FOR_PERSON = re.compile(
    r"\b((talk|speak|chat)\s+(to|with)\s+(a|an|some)?\s*(real\s+)?(person|human|agent|someone|somebody|representative|rep|manager|staff)"
    r"|(real|actual|live)\s+(person|human|agent)|human\s+(agent|being|please)|customer\s+service\s+(agent|rep)|get\s+me\s+(a|an)\s+\w*\s*(person|human|agent|manager))\b",
    re.I,
)
UPSET = re.compile(
    r"\b(stupid|useless|idiot\w*|scam\w*|fraud\w*|rip-?off|disgusted|furious|f+u+c+k\w*|f\*+\w*|shit\w*|wtf|charge\s?back|lawyer|lawsuit|sue\s+you)\b"
    r"|\b(this\s+is|that'?s|what\s+a|so|is)\s+(ridiculous|unacceptable|terrible|awful|a\s+joke|outrageous)\b"
    r"|\b(worst|terrible|awful|horrible|disgraceful)\s+(service|company|experience|store|shop|customer\s+service|support)\b|!{3,}",
    re.I,
)


def escalation(message: str) -> Handoff | None:
    if ASKS_FOR_PERSON.search(message):
        return Handoff.person
    if UPSET.search(message):
        return Handoff.upset
    return None
