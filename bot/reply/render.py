"""Reply text from jinja2 templates, one per kind; the data a channel sends on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.state import Waiting


@dataclass(frozen=True, slots=True)
class ReplySource:
    id: str
    title: str
    score: float  # the confidence this passage earned, 0..1
    citation: str  # "faq.txt, lines 17-19"


@dataclass(frozen=True, slots=True)
class Reply:
    store: str
    kind: str  # answer | policy | order | clarify | handoff | smalltalk
    text: str
    confidence: float
    sources: tuple[ReplySource, ...]
    suggestions: tuple[str, ...]
    reason: str  # why this kind: kept with the exchange for agents and analytics
    pending: Waiting | None = None  # what the next turn is waited for (a policy question's date, an order lookup's details, an order shown)
    private: tuple[str, ...] = ()  # values (tracking numbers) the reply shows but records must not keep


@lru_cache(maxsize=1)
def environment() -> Environment:
    # Plain text out; channels escape for their medium (the widget renders text, never HTML).
    env = Environment(loader=PackageLoader("bot.reply", "templates"), autoescape=False, undefined=StrictUndefined, trim_blocks=False)
    env.filters["possessive"] = possessive
    return env


def possessive(name: str) -> str:
    """"Sessori's", but "Luna Beads'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def render_reply(template: str, **values: object) -> str:
    return environment().get_template(f"{template}.j2").render(**values).strip()
