"""Greetings, thanks and goodbyes: answered politely, never matched against the FAQ.

A greeting that carries a question ("hi, where's my refund?") is not small
talk: the greeting is peeled off and the question goes on to the matcher.
"""

from __future__ import annotations

import re
from enum import Enum


class Smalltalk(str, Enum):
    greeting = "greeting"
    thanks = "thanks"
    goodbye = "goodbye"
    how_are_you = "how_are_you"
    identity = "identity"
    affirm = "affirm"


PATTERNS: tuple[tuple[Smalltalk, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"^(?:{pattern})\b[\s,.!?:;)(*~-]*", re.I))
    for kind, pattern in (
        (Smalltalk.thanks, r"(?:thank(?:s| you)(?: (?:so|very) much)?(?: for (?:your|the) help)?|thx|ty|cheers|much appreciated|appreciate it|great,? thanks?)"),
        (Smalltalk.goodbye, r"(?:bye|goodbye|good bye|see you|see ya|have a (?:good|nice|great) (?:day|one|evening))"),
        (Smalltalk.how_are_you, r"(?:how are you(?: doing)?(?: today)?|how's it going|how r u)"),
        (Smalltalk.identity, r"(?:are you (?:a )?(?:bot|robot|human|real person|ai)|who are you|what are you)"),
        (Smalltalk.greeting, r"(?:hi+|hello+|hey+|hiya|howdy|greetings|yo|good (?:morning|afternoon|evening)|hi there|hello there|hey there)(?: there| team| all| guys| folks)?"),
        (Smalltalk.affirm, r"(?:ok(?:ay)?|great|perfect|got it|cool|awesome|sounds good|alright|no problem)"),
    )
)


PRIORITY = (Smalltalk.goodbye, Smalltalk.thanks, Smalltalk.how_are_you, Smalltalk.identity, Smalltalk.greeting, Smalltalk.affirm)


# Emoji say little on their own: 👍 is an acknowledgement, 🙏 thanks; around words they are dropped.
EMOJI = re.compile("[\u2190-\u2bff\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]+")
GRATEFUL = set("🙏❤♥💕😊🥰")


def peel_smalltalk(message: str) -> tuple[Smalltalk | None, str]:
    """The small-talk kind the message opens with (if any) and what is left after it."""
    rest = EMOJI.sub(" ", message).strip()
    if not rest.strip(" .!?,") and EMOJI.search(message):
        return (Smalltalk.thanks if GRATEFUL & set(message) else Smalltalk.affirm), ""
    found: set[Smalltalk] = set()
    while True:
        for kind, pattern in PATTERNS:
            match = pattern.match(rest)
            if match and match.end() > 0:
                found.add(kind)
                rest = rest[match.end():].strip()
                break
        else:
            # "ok thanks bye" is a goodbye: the most telling kind speaks for the message.
            return next((kind for kind in PRIORITY if kind in found), None), rest
