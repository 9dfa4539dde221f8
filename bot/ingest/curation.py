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
    entries: tuple[CuratedPassage, ...]  # every entry whose phrase occurs in the passage

    def for_piece(self, questions: list[str], piece_text: str) -> tuple[str | None, tuple[str, ...]]:
        """Title and alternates for one chunk of the passage: an entry keyed by a
        phrase of the answer belongs to the piece holding that phrase, so one
        bullet's phrasings do not pull shoppers to another bullet's piece."""
        in_question = squash(" ".join(questions))
        in_piece = squash(piece_text)
        applicable = [e for e in self.entries if squash(e.match) in in_piece or squash(e.match) in in_question]
        title = next((e.title for e in applicable if e.title), None)
        return title, tuple(a for e in applicable for a in e.alternates)


def load_curation(store_dir: Path) -> list[CuratedPassage]:
    path = store_dir / CURATION_FILE
    if not path.exists():
        return []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return CurationFile.model_validate(raw).passage
    except tomllib.TOMLDecodeError as exc:
        raise BadKnowledge(path, f"not valid TOML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise BadKnowledge(path, problems) from None


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
            curations[i] = Curation((earlier.entries if earlier else ()) + (entry,))
    return curations, warnings
