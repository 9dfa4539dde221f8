"""Passages -> Chunks: the unit the index embeds and a reply cites.

A short answer stays whole. A long one is split at paragraph / list-item
boundaries; every piece carries its section heading, question and title, so
it still makes sense on its own. Ids hash the chunk's own words (plus its
question), so they stay the same while other passages change.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from bot.ingest.curation import Curation
from bot.ingest.documents import ITEM_MARKER, Block, BlockKind
from bot.ingest.passages import LEAD_IN, Passage, block_text

MAX_CHUNK_WORDS = 110
TITLE_WORDS = 12


@dataclass(frozen=True, slots=True)
class Chunk:
    id: str
    store: str
    title: str
    heading: str | None
    questions: tuple[str, ...]  # the page's question(s) and curated alternate phrasings
    text: str
    source: str  # document file name inside knowledge/<store>/
    first_line: int
    last_line: int
    passage_id: str  # pieces of one long passage share it
    sentences: tuple[str, ...]  # what extractive answers pick from

    @property
    def citation(self) -> str:
        lines = f"line {self.first_line}" if self.first_line == self.last_line else f"lines {self.first_line}-{self.last_line}"
        return f"{self.source}, {lines}"


def chunk_passages(store: str, source: str, passages: list[Passage], curations: list[Curation | None]) -> list[Chunk]:
    chunks: list[Chunk] = []
    section_sizes = Counter(passage.heading for passage in passages)
    for passage, curation in zip(passages, curations, strict=True):
        passage_id = stable_id(passage.questions[0] if passage.questions else passage.text, passage.text)
        pieces = split_blocks(passage.blocks)
        for piece in pieces:
            text = "\n".join(block_text(block) for block in piece)
            curated_title, alternates = curation.for_piece(passage.questions, text) if curation else (None, ())
            questions = tuple(passage.questions) + alternates
            title = (
                curated_title
                or (passage.questions[0] if passage.questions else None)
                or (passage.heading if titles_its_passage(passage, section_sizes[passage.heading], len(pieces)) else None)
                or derived_title(piece)
            )
            chunks.append(
                Chunk(
                    id=stable_id(title if passage.questions else text, text),
                    store=store,
                    title=title,
                    heading=passage.heading,
                    questions=questions,
                    text=text,
                    source=source,
                    first_line=piece[0].first_line,
                    last_line=piece[-1].last_line,
                    passage_id=passage_id,
                    sentences=tuple(split_sentences(text)),
                )
            )
    return chunks


def titles_its_passage(passage: Passage, section_size: int, piece_count: int) -> bool:
    """A section heading ("Delivery") names a passage only when the section holds
    nothing else: otherwise it would title the first of several answers and pull
    every question on the topic to that one."""
    return passage.follows_heading and section_size == 1 and piece_count == 1 and not is_generic_heading(passage.heading)


def split_blocks(blocks: list[Block]) -> list[list[Block]]:
    """Greedy packing of whole blocks up to MAX_CHUNK_WORDS; a list's intro
    ("Please note:") is repeated at the head of each later piece. A labelled
    list item ("• Refunds: ...") is an answer of its own: it gets a piece of its
    own, so the piece's title is its label and no other item's."""
    total = sum(len(block.text.split()) for block in blocks)
    if total <= MAX_CHUNK_WORDS or len(blocks) == 1:
        return [blocks]
    intro = blocks[0] if blocks[0].text.endswith(":") and blocks[0].kind != BlockKind.item else None
    pieces: list[list[Block]] = [[]]
    words = 0
    for block in blocks:
        size = len(block.text.split())
        has_body = any(b is not intro for b in pieces[-1])
        if has_body and (words + size > MAX_CHUNK_WORDS or item_label(block) or item_label(pieces[-1][-1])):
            # A list's introduction ("These items are final sale:") goes with its list, not before the cut.
            carried = [pieces[-1].pop()] if len(pieces[-1]) > 1 and pieces[-1][-1].text.endswith(":") and block.kind == BlockKind.item else []
            pieces.append(([intro] if intro else []) + carried)
            words = sum(len(b.text.split()) for b in pieces[-1])
        pieces[-1].append(block)
        words += size
    return [piece for piece in pieces if any(block is not intro for block in piece)]


ITEM_LABEL = re.compile(r"^([A-Z][a-z][\w’' &/-]{1,40}):\s")


def item_label(block: Block) -> str | None:
    """"Refunds" for "• Refunds: We are happy to ..."; None for a plain item or paragraph."""
    if block.kind != BlockKind.item:
        return None
    match = ITEM_LABEL.match(ITEM_MARKER.sub("", block.text, count=1))
    return match.group(1) if match else None


def is_generic_heading(heading: str | None) -> bool:
    return bool(heading) and bool(re.fullmatch(r"(faqs?|frequently asked questions|help|questions?|q ?& ?a)", heading.strip().lower()))


def derived_title(blocks: list[Block]) -> str:
    """A label for an answer whose question was lost: a list item's own label
    ("Refunds: ...") or the first sentence, shortened."""
    body = [block for block in blocks if not LEAD_IN.search(block.text)] or blocks
    first = ITEM_MARKER.sub("", body[0].text, count=1)
    first = re.sub(r"^(yes|no)\b[.,!]?\s*", "", first, flags=re.I)
    label = ITEM_LABEL.match(first)
    if label:
        return label.group(1)
    sentence = split_sentences(first)[0].rstrip(".!") if first else body[0].text
    words = sentence.split()
    return " ".join(words[:TITLE_WORDS]) + ("…" if len(words) > TITLE_WORDS else "")


ABBREVIATION = re.compile(r"(?:\b(?:no|nos|vs|etc|e\.g|i\.e|approx|dept|st|mr|mrs|ms|dr|inc|ltd|co)|\b[A-Z](?:\.[A-Z])*)\.$", re.I)


SENTENCE_END = re.compile(r"[.!?]+[)\"”’]?\s+(?=[\"“(]?[A-Z0-9])")
LABEL_WORDS = 8  # "USPS Priority Mail (Expedited Shipping):" on a line of its own labels the line after it


def split_sentences(text: str) -> list[str]:
    """Sentences and list items, keeping "No. 1" and "U.S. orders" whole. A short line ending in a
    colon is a label of the line below ("USPS Priority Mail:" over "Delivery time is 1-3 business
    days"): alone it says nothing and the line below loses what it is about, so the label leads that
    line's first sentence. Over a list it stays apart: it heads every item."""
    sentences: list[str] = []
    label = ""
    for line in text.split("\n"):
        if label and line.strip():
            if ITEM_MARKER.match(line):
                sentences.append(label)  # "The following are final sale:" over a list heads all of it, not one line
            else:
                line = f"{label} {line.strip()}"
            label = ""
        elif line.strip().endswith(":") and len(line.split()) <= LABEL_WORDS and not SENTENCE_END.search(line):
            label = line.strip()
            continue
        start = 0
        for boundary in SENTENCE_END.finditer(line):
            candidate = line[start : boundary.end()].strip()
            if ABBREVIATION.search(line[start : boundary.start() + 1]):
                continue
            sentences.append(candidate)
            start = boundary.end()
        if line[start:].strip():
            sentences.append(line[start:].strip())
    if label:
        sentences.append(label)  # a label the text ends on is kept, as written
    return sentences


def stable_id(label: str, text: str) -> str:
    slug = "-".join(re.findall(r"[a-z0-9]+", label.lower())[:6])[:40] or "passage"
    digest = hashlib.sha1(re.sub(r"\s+", " ", text.strip().lower()).encode()).hexdigest()[:8]
    return f"{slug}-{digest}"
