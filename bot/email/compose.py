"""The reply mail: both alternatives rendered from jinja2 templates in the store's voice, each
question answered in order with a link to its page where the store publishes one, and the
headers that thread it under the customer's mail and mark it automatic (RFC 3834 §3.1.7)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.email.parse import InboundMail
from bot.ingest import StoreConfig

SUBJECT_PREFIX = ("re:", "aw:", "sv:", "vs:", "antw:", "r:")


@dataclass(frozen=True, slots=True)
class AnsweredPart:
    """One question of a mail with the engine's answer, and why it may not go out alone (`why`)."""

    question: str
    text: str
    kind: str
    confidence: float
    why: str | None  # None: answered well enough to send
    documents: tuple[str, ...] = ()  # knowledge files the answer came from, for links
    private: tuple[str, ...] = ()  # tracking numbers the reply shows but the record masks
    gate_inputs: dict[str, float] | None = None  # what the email gate weighed (bot/email/decide.py); None for an order's status

    @property
    def sure(self) -> bool:
        return self.why is None


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(
        loader=PackageLoader("bot.reply", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
    )


def reply_subject(subject: str) -> str:
    """One "Re:", whatever the customer's client put there (Outlook's German "AW:" included)."""
    subject = " ".join(subject.split()) or "your message"
    return subject if subject.lower().startswith(SUBJECT_PREFIX) else f"Re: {subject}"


def page_links(part: AnsweredPart, config: StoreConfig) -> list[str]:
    return list(dict.fromkeys(config.page_urls[d] for d in part.documents if d in config.page_urls))


def compose(mail: InboundMail, parts: list[AnsweredPart], config: StoreConfig) -> EmailMessage:
    """The store's `support_email` is the From: a store without one gets drafts, not replies."""
    if not config.support_email:
        raise ValueError(f"{config.name} has no support_email to reply from")
    values = {
        "name": first_name(mail),
        "store_name": config.name,
        "parts": [{"question": p.question, "text": p.text, "links": page_links(p, config)} for p in parts],
        "support_email": config.support_email,
        "website": config.website,
    }
    message = threaded_reply(mail, config, config.support_email)
    message["Auto-Submitted"] = "auto-replied"
    message.set_content(templates().get_template("email_reply.txt.j2").render(**values))
    message.add_alternative(templates().get_template("email_reply.html.j2").render(**values), subtype="html")
    return message


ANSWERING_KINDS = ("answer", "policy", "order")  # a hand-off's or a "did you mean"'s words are the chat's, not a reply


def draft_text(mail: InboundMail, parts: list[AnsweredPart], config: StoreConfig, instructions: str | None = None, sorry: bool = False) -> str:
    """What an agent starts from, shaped as the reply a person sends after a glance: a greeting, an
    apology when the mail is a complaint or about a damaged item, the store's instructions once,
    each question with the bot's answer (marked when it was not sure) or a gap for the agent's own,
    and a sign-off. Never the chat's hand-off ("email our team at …") to someone who did."""
    values = {
        "name": first_name(mail),
        "store_name": config.name,
        "sorry": sorry,
        "instructions": instructions,
        "parts": [
            {
                "question": p.question,
                "text": p.text if p.kind in ANSWERING_KINDS else "",
                "check": p.why,
            }
            for p in parts
            if not (instructions and p.kind in ANSWERING_KINDS and instructions in p.text)  # the instructions say it once
        ],
    }
    return templates().get_template("email_draft.txt.j2").render(**values).strip()


def first_name(mail: InboundMail) -> str:
    """"Ann" from "Ann Lee <ann@…>"; nothing from a bare address."""
    return mail.sender_name.split(" ")[0] if mail.sender_name and "@" not in mail.sender_name else ""


def person_reply(mail: InboundMail, text: str, config: StoreConfig, sender: str) -> EmailMessage:
    """A reply an agent wrote (or approved) in the console: threaded under the customer's mail like
    the automatic ones, but sent by a person, so not marked Auto-Submitted. `sender`: the store's
    own address (store.toml's support_email)."""
    message = threaded_reply(mail, config, sender)
    message.set_content(text)
    return message


def threaded_reply(mail: InboundMail, config: StoreConfig, sender: str) -> EmailMessage:
    """The headers every reply carries: from the store, to the customer (or their Reply-To), one
    "Re:", threaded under their mail (In-Reply-To, References), a fresh Message-ID and Date."""
    message = EmailMessage()
    message["From"] = formataddr((config.name, sender))
    message["To"] = mail.reply_to or mail.sender
    message["Subject"] = reply_subject(mail.subject)
    if mail.message_id:
        message["In-Reply-To"] = mail.message_id
        message["References"] = f"{mail.references} {mail.message_id}" if mail.references else mail.message_id
    message["Message-ID"] = make_msgid(domain=sender.split("@")[-1])
    message["Date"] = formatdate(localtime=False, usegmt=True)
    return message
