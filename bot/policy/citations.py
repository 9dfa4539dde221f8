"""Where each policy fact stands on the page: the chunk holding its source words.

The same lookup is the support check `faqbot lint` runs: words that are in no
passage mean the fact is not backed by the store's page.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.ingest import Chunk
from bot.policy.model import Fact, StorePolicy

QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(QUOTES)).strip().lower()


def chunk_holding(source: str, chunks: list[Chunk]) -> Chunk | None:
    """The chunk whose text contains the source words; None when no chunk does."""
    wanted = normalized(source)
    for chunk in chunks:
        if wanted in normalized(f"{' '.join(chunk.questions)} {chunk.text}"):
            return chunk
    return None


def closest_chunk(source: str, chunks: list[Chunk]) -> Chunk | None:
    """For words split across two chunks of one long passage: the chunk sharing most of them."""
    wanted = normalized(source)
    scored = [(fuzz.partial_ratio(wanted, normalized(chunk.text)), chunk) for chunk in chunks]
    best = max(scored, key=lambda pair: pair[0], default=None)
    return best[1] if best and best[0] >= 80 else None


def cite_facts(policy: StorePolicy, chunks: list[Chunk]) -> list[tuple[Fact, Chunk]]:
    """Each fact with the chunk its words stand in (facts whose words no chunk holds are left out)."""
    cited = []
    for _key, fact in policy.facts():
        chunk = chunk_holding(fact.source, chunks) or closest_chunk(fact.source, chunks)
        if chunk is not None:
            cited.append((fact, chunk))
    return cited
