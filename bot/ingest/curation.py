"""curated.toml: a store owner's improvements to passages the page left bare.

Each entry names its passage by a phrase from that passage (`match`), not by
position or id, so it keeps applying while other passages are edited, moved
or deleted. An entry whose phrase no longer occurs is reported, never guessed.

    [[passage]]
    match = "14-day return policy"
    title = "How can I return my order?"
    alternates = ["how long do I have to send something back"]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import BadKnowledge
from bot.ingest.passages import Passage

CURATION_FILE = "curated.toml"


class CuratedPassage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match: str = Field(min_length=3, description="a phrase that occurs in the passage")
    title: str | None = None
    alternates: tuple[str, ...] = ()


class CurationFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    passage: list[CuratedPassage] = []


@dataclass(frozen=True, slots=True)
class Curation:
    title: str | None
    alternates: tuple[str, ...]


def load_curation(store_dir: Path) -> list[CuratedPassage]:
    path = store_dir / CURATION_FILE
    if not path.exists():
        return []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return CurationFile.model_validate(raw).passage
    except tomllib.TOMLDecodeError as exc:
        raise BadKnowledge(f"{path}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise BadKnowledge(f"{path}: {problems}") from None


def squash(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def curate(passages: list[Passage], entries: list[CuratedPassage]) -> tuple[list[Curation | None], list[str]]:
    """The curation for each passage (in order) and a warning per entry that matched nothing."""
    curations: list[Curation | None] = [None] * len(passages)
    haystacks = [squash(" ".join([*p.questions, p.text])) for p in passages]
    warnings: list[str] = []
    for entry in entries:
        needle = squash(entry.match)
        hits = [i for i, haystack in enumerate(haystacks) if needle in haystack]
        if not hits:
            warnings.append(f"{CURATION_FILE}: no passage contains {entry.match!r}; entry ignored")
            continue
        for i in hits:
            earlier = curations[i]
            curations[i] = Curation(
                title=entry.title or (earlier.title if earlier else None),
                alternates=(earlier.alternates if earlier else ()) + entry.alternates,
            )
    return curations, warnings
