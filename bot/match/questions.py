"""One message, several questions: "Do you ship to Canada? And how long do refunds take?"."""

from __future__ import annotations

import re

from bot.text import content_terms

QUESTION_OPENER = re.compile(
    r"^(and |also |plus |oh and )?(how|what|when|where|why|who|which|can|could|do|does|did|is|are|will|would|should|may|whats|hows|wheres|whens|whos|any)\b",
    re.I,
)
MAX_QUESTIONS = 3
# After a "?" or a line break, or at "… and how / also do / plus can …" joining two questions in one sentence.
SEPARATOR = re.compile(
    r"(?<=\?)\s+|\n+|,?\s+(?:and|also|plus)\s+(?=(?:how|what|when|where|why|which|can|could|do|does|is|are|will|would)\b)",
    re.I,
)


def split_questions(message: str) -> list[str]:
    """Separate questions only where each part is clearly a question of its own;
    otherwise the message stays whole (context helps retrieval)."""
    parts = [p.strip() for p in SEPARATOR.split(message) if p and p.strip()]
    questions = [p for p in parts if (p.endswith("?") or QUESTION_OPENER.match(p)) and len(content_terms(p)) >= 2]
    if len(questions) < 2:
        return [message.strip()]
    # Statements before the first question ("I ordered a ring last week.") give it context.
    first = message.find(questions[0])
    if first > 0:
        questions[0] = message[: first + len(questions[0])].strip()
    return [re.sub(r"^(and|also|plus|oh and)\s+", "", q, flags=re.I) for q in questions[:MAX_QUESTIONS]]


# "Do you ship to Canada and how long does it take?": the second question's "it" is the first's subject.
REFERS_BACK = re.compile(r"\b(it|(?<!is\s)(?<!are\s)there|that|them|they|this|those|these)\b", re.I)  # not "is there a …"
SELF_CONTAINED_TERMS = 3


def in_context(questions: list[str]) -> list[str]:
    """Each question as it is to be answered: a short follow-up that points back ("how long does it
    take to get there?") carries the question before it, whose words say what "there" is."""
    asked = list(questions)
    for i in range(1, len(questions)):
        part = questions[i]
        if REFERS_BACK.search(part) and len(content_terms(part)) <= SELF_CONTAINED_TERMS:
            asked[i] = f"{part} ({questions[i - 1].rstrip('?. ')})"
    return asked


FOCUS_MIN_WORDS = 25  # a message this long tells a story around its question
SHORT_QUESTION_WORDS = 6  # "is that normal?" needs the sentence before it to say what "that" is
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def focus_of(message: str) -> str | None:
    """The question a long message asks, without the story around it ("…I'm totally fine paying
    extra — but can you actually send it to Alaska?"): retrieved beside the whole message, whose
    context words otherwise outweigh the few words that ask. None for a message that is short or
    asks nothing with a question mark."""
    if len(message.split()) < FOCUS_MIN_WORDS:
        return None
    sentences = [s for s in SENTENCE_END.split(message.strip()) if s]
    asking = [i for i, s in enumerate(sentences) if s.rstrip().endswith("?")]
    if len(sentences) < 2 or not asking:
        return None
    last = asking[-1]
    start = last - 1 if len(sentences[last].split()) < SHORT_QUESTION_WORDS and last > 0 else last
    return " ".join(sentences[start : last + 1])
