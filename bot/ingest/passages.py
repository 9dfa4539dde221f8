"""Blocks -> Passages: one answer each, with its question when the page kept it.

Real pages lose questions (Dissoo's kept almost none), so an answer without a
question is normal, not an error: it becomes its own passage, titled later by
curation or by its own first sentence. Rules, in order:

- a heading starts a section; it closes the open passage;
- a question closes a passage that already has an answer; consecutive questions
  with no answer between them are phrasings of the same passage;
- after a question, paragraphs belong to its answer until the next question or
  heading, except a paragraph opening with "Yes"/"No" (the start of another
  answer whose question was lost);
- without a question, each paragraph is its own passage, except list items and
  what follows a line ending in ":" (or "simply", "as follows"), a step label, or a line
  announcing "3 easy steps" (its next three paragraphs), which stay with it;
  on pages that separate paragraphs by blank lines, a line is a paragraph only
  after a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.ingest.documents import Block, BlockKind

STEP_LABEL = re.compile(r"^step\s*\d+\b[^.!?]{0,60}$", re.I)
# "To return your items, simply" / "as follows": a sentence the next paragraph finishes.
LEAD_IN = re.compile(r"(:|\b(simply|as\s+follows|below|the\s+following))\s*$", re.I)
# "3 easy steps on how to process a return!": that many paragraphs follow as its steps.
STEPS_ANNOUNCED = re.compile(r"^\W*(?P<count>[2-9]|two|three|four|five|six|seven)\s+(?:\w+\s+){0,2}?steps\b", re.I)
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
LIST_RESTART = re.compile(r"^\s*1[.)]\s")
NEW_ANSWER_START = re.compile(r"^(yes|no|unfortunately|of course|sure|absolutely)\b[,.!]?", re.I)


@dataclass(slots=True)
class Passage:
    heading: str | None
    questions: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    follows_heading: bool = False  # first passage under its heading: the heading can title it

    @property
    def text(self) -> str:
        return "\n".join(block_text(block) for block in self.blocks)

    @property
    def first_line(self) -> int:
        return self.blocks[0].first_line

    @property
    def last_line(self) -> int:
        return self.blocks[-1].last_line


def block_text(block: Block) -> str:
    if block.kind == BlockKind.item and not block.text.startswith(("•", "-", "*")):
        return block.text if re.match(r"^(\d|step|\()", block.text, re.I) else f"• {strip_marker(block.text)}"
    return block.text


def strip_marker(text: str) -> str:
    return re.sub(r"^\s*[^\w\s\"'“‘(]+\s*", "", text)


def group_passages(blocks: list[Block]) -> list[Passage]:
    passages: list[Passage] = []
    heading: str | None = None
    current: Passage | None = None
    after_heading = False
    blank_lines_separate = sum(block.paragraph_start for block in blocks) >= 0.3 * len(blocks)

    def close() -> None:
        nonlocal current
        if current is not None and current.blocks:  # questions whose answer was lost serve nothing
            passages.append(current)
        current = None

    for index, block in enumerate(blocks):
        if block.kind == BlockKind.heading and is_real_heading(blocks, index):
            close()
            heading, after_heading = block.text, True
            continue
        if block.kind == BlockKind.question:
            if current is not None and current.blocks:
                close()
            if current is None:
                current = Passage(heading=heading, follows_heading=after_heading)
                after_heading = False
            current.questions.append(block.text)
            continue
        # text, item, or a "heading" line that is really a short sentence of the answer
        if current is None:
            current = Passage(heading=heading, follows_heading=after_heading)
            after_heading = False
        elif current.blocks and starts_new_passage(current, block, blank_lines_separate):
            close()
            current = Passage(heading=heading)
        current.blocks.append(block)
    close()
    return passages


def is_real_heading(blocks: list[Block], index: int) -> bool:
    """A short line is a heading only when content follows it; a trailing
    "LEARN MORE" or a one-line answer ("Returns accepted") is not."""
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    if following is None:
        return False
    return following.kind != BlockKind.heading or is_real_heading(blocks, index + 1)


def starts_new_passage(current: Passage, block: Block, blank_lines_separate: bool) -> bool:
    previous = current.blocks[-1]
    lead_in = bool(LEAD_IN.search(previous.text)) and previous.kind != BlockKind.item
    if block.kind == BlockKind.item:
        # A list numbered from 1 after a finished sentence is a new answer whose intro was lost.
        return bool(LIST_RESTART.match(block.text)) and previous.kind != BlockKind.item and not lead_in
    if lead_in or STEP_LABEL.match(previous.text):
        return False  # the list's introduction, or a step label, carries on
    announced = STEPS_ANNOUNCED.match(current.blocks[0].text)
    if announced and not current.questions:
        count = announced.group("count").lower()
        if len(current.blocks) <= int(NUMBER_WORDS.get(count, count)):
            return False  # one of the steps it announced
    if blank_lines_separate and not block.paragraph_start:
        return False  # same visual paragraph on a page that separates paragraphs by blank lines
    if current.questions:
        return bool(NEW_ANSWER_START.match(block.text)) and block.paragraph_start
    return True
