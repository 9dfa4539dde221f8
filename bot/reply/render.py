"""Reply text from jinja2 templates, one per kind; the data a channel sends on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.ingest import Chunk
from bot.state import Waiting


@dataclass(frozen=True, slots=True)
class ReplySource:
    id: str
    title: str
    score: float  # the confidence this passage earned, 0..1
    citation: str  # "faq.txt, lines 17-19": as a person reads it
    document: str = ""  # "faq.txt": the knowledge file, as a field (a channel links to its page; no one parses the citation)
    first_line: int = 0
    last_line: int = 0

    @classmethod
    def of(cls, chunk: Chunk, score: float) -> ReplySource:
        return cls(chunk.id, chunk.title, score, chunk.citation, chunk.source, chunk.first_line, chunk.last_line)


class Kind(StrEnum):
    """What a reply is, which each channel acts on (the mail gate, the agents' inbox, analytics)."""

    answer = "answer"  # quoted from a passage of the store's pages
    policy = "policy"  # computed by a policy calculator, not quoted from a passage
    order = "order"  # about the shopper's own order (the order desk)
    clarify = "clarify"  # "did you mean…": rival passages offered
    handoff = "handoff"  # a person takes it
    smalltalk = "smalltalk"


class Flag(StrEnum):
    """What a reply's reader (the mail gate, an agent) must know beyond its kind, set where it is
    known and read as a type: a reworded reply never changes where it goes."""

    late = "late"  # an order past the last day of its estimate: a person looks into it before the customer hears back


class Handoff(StrEnum):
    """Why a turn goes to a person: it picks the hand-off's words (handoff.j2). The values are the
    reasons kept with the exchange, as they read before this was a type."""

    person = "asks for a person"
    upset = "upset"
    language = "not written in English"
    instructions = "instructions to the bot, not a shopper's question"
    unanswered = "no reliable answer"  # the pages hold none (the decision's reason says why), or an agent marked it out of scope


@dataclass(frozen=True, slots=True)
class Reply:
    store: str
    kind: Kind
    text: str
    confidence: float
    sources: tuple[ReplySource, ...]
    suggestions: tuple[str, ...]
    reason: str  # why this kind: kept with the exchange for agents and analytics
    pending: Waiting | None = None  # what the next turn is waited for (a policy question's date, an order lookup's details, an order shown)
    private: tuple[str, ...] = ()  # values (tracking numbers) the reply shows but records must not keep
    flags: frozenset[Flag] = frozenset()
    mail_text: str = ""  # the same answer for a mail, which is answered whole (no "tell me more", no source line, no question back); "" = as text


# How a mail's answer tells the customer to reach the store: the mail came to the store's address.
MAIL_CONTACT = "reply to this email"


@lru_cache(maxsize=1)
def environment() -> Environment:
    # Plain text out; channels escape for their medium (the widget renders text, never HTML).
    env = Environment(loader=PackageLoader("bot.reply", "templates"), autoescape=False, undefined=StrictUndefined, trim_blocks=False)
    env.filters["possessive"] = possessive
    env.globals["Handoff"] = Handoff
    env.globals["MAIL_CONTACT"] = MAIL_CONTACT
    return env


def possessive(name: str) -> str:
    """"Sessori's", but "Luna Beads'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass(frozen=True, slots=True)
class Texts:
    """One reply in both media, from one template: the templates mark what only a chat shows
    (`{% if not mail %}`), so no channel cuts lines out of another's words."""

    chat: str  # the widget and the CLI: with the source line, "tell me more" and the chat's next question
    mail: str  # a mail, answered whole: without them


def render_reply(template: str, **values: object) -> str:
    """The chat's text (order replies and the like, the same in both media)."""
    return environment().get_template(f"{template}.j2").render(mail=False, **values).strip()


def render_texts(template: str, **values: object) -> Texts:
    chosen = environment().get_template(f"{template}.j2")
    return Texts(chosen.render(mail=False, **values).strip(), chosen.render(mail=True, **values).strip())
