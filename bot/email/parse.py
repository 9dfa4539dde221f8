"""A raw RFC 5322 message -> what the customer newly wrote, and the headers the rules need.

Standard library `email` with the modern policy does the MIME work; HTML-only mail becomes
text with html2text; a charset that is missing, unknown or wrong never crashes (bytes are
decoded leniently). Quoted history ("On … wrote:", Outlook's "From: … Sent: …" block, in the
languages our shoppers write), signatures and disclaimers are cut by mail-parser-reply, a
maintained port of GitHub's email_reply_parser; what it leaves ("> " lines without a header,
the greeting, a last "Thanks,") is trimmed here, so only the new text is answered.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import html2text
from mailparser_reply.parser import EmailMessage as ReplyText

from bot.clean import readable_text

REPLY_LANGUAGES = ("en", "de", "fr", "es", "it", "nl")
SIGN_OFF = re.compile(r"^\s*(thanks( so much| again| in advance)?|thank you|many thanks|best( regards| wishes)?|kind regards|regards|cheers|warmly|sincerely|xo+)\s*[,!.]*\s*$", re.I)


@dataclass(frozen=True, slots=True)
class InboundMail:
    message_id: str | None
    subject: str
    sender: str  # the From address, lower case
    sender_name: str
    reply_to: str | None
    return_path: str | None  # None: header absent; "" : the null path <>
    references: str | None
    headers: dict[str, str]  # lower-case name -> value, the ones the rules read
    text: str  # what the customer newly wrote
    full_text: str  # the whole body as text
    attachments: tuple[str, ...] = field(default=())
    content_hash: str = ""
    size: int = 0


def decoded(part: EmailMessage) -> str:
    """The part's text, whatever its charset says."""
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeDecodeError, AssertionError, ValueError):
        pass
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252", "latin-1"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.body_width = 0
    converter.ignore_links = True  # "[this ring](https://…)" would reach the matcher as words
    return converter.handle(html)


def body_and_attachments(message: EmailMessage) -> tuple[str, tuple[str, ...]]:
    attachments = tuple(
        part.get_filename() or part.get_content_type() for part in message.walk() if part.get_content_disposition() == "attachment"
    )
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        if part.get_content_type() == "text/plain" and plain is None:
            plain = decoded(part)
        elif part.get_content_type() == "text/html" and html is None:
            html = decoded(part)
    if plain and plain.strip():
        return plain, attachments
    return (html_to_text(html) if html else ""), attachments


LIST_ITEM = re.compile(r"^([-*•]|\d+[.)])\s")
GREETING = re.compile(
    r"^\s*(hi|hello|hey|dear|good\s+(morning|afternoon|evening)|greetings|hallo|bonjour|hola|ciao|hej|guten\s+tag|liebe[rs]?|buongiorno|buenos\s+d[ií]as)\b[^\n]{0,40}\n",
    re.I,
)
# A forwarded mail's marker line ("---------- Forwarded message ---------", "Begin forwarded message:") is no question.
FORWARD_MARKER = re.compile(r"^\s*(-{2,}\s*)?(forwarded message|begin forwarded message|original message)\b.*$", re.I | re.M)


def new_text(body: str, sender_name: str = "") -> str:
    """Only what the customer newly wrote: no greeting line, quoted history, signature or disclaimer.

    Hyphen lists are kept ("- do you ship to Canada?"): the library would take them for a
    signature. A last line that is only the sender's name ("Wen") is a signature too."""
    body = body.replace("\r\n", "\n")
    replies = ReplyText(text=body, languages=list(REPLY_LANGUAGES), keep_hyphen_lists=True).read().replies
    latest = replies[0].body if replies else ""
    lines = [line for line in latest.split("\n") if not line.lstrip().startswith(">")]
    # A sign-off ("Thanks,") near the end and the short name lines under it.
    for i in range(len(lines) - 1, max(-1, len(lines) - 7), -1):
        if SIGN_OFF.match(lines[i]) and all(len(rest.strip()) <= 40 for rest in lines[i + 1 :]):
            lines = lines[:i]
            break
    names = set(re.findall(r"\w+", sender_name.lower()))
    while lines and (not lines[-1].strip() or (names and set(re.findall(r"\w+", lines[-1].lower())) <= names)):
        lines.pop()
    text = FORWARD_MARKER.sub("", "\n".join(lines)).strip()
    return unwrapped(GREETING.sub("", text, count=1).strip())


def unwrapped(text: str) -> str:
    """Mail clients wrap lines at ~72 characters (format=flowed or hard breaks): a line that does
    not end a sentence continues on the next, so "can I pay with\namex?" stays one question."""
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        joinable = out and out[-1] and stripped and not out[-1].endswith((".", "?", "!", ":", ";")) and not LIST_ITEM.match(stripped)
        if joinable:
            out[-1] = f"{out[-1]} {stripped}"
        else:
            out.append(stripped)
    return "\n".join(out)


def first_address(value: str | None) -> str | None:
    if value is None:
        return None
    addresses = [address for _, address in getaddresses([value]) if address]
    return addresses[0].strip().lower() if addresses else ""


def read_message(raw: bytes) -> InboundMail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    name, sender = parseaddr(str(message.get("From", "")))
    body, attachments = body_and_attachments(message)
    return_path = message.get("Return-Path")
    watched = ("auto-submitted", "precedence", "list-id", "list-unsubscribe", "x-auto-response-suppress", "x-autoreply", "x-autorespond", "content-type")
    headers = {name: str(message.get(name)) for name in watched if message.get(name) is not None}
    body, name, sender = readable_text(body), readable_text(name), readable_text(sender)
    headers = {key: readable_text(value) for key, value in headers.items()}
    return InboundMail(
        message_id=(readable_text(str(message.get("Message-ID"))).strip() if message.get("Message-ID") else None),
        subject=readable_text(str(message.get("Subject", "") or "")).strip(),
        sender=sender.strip().lower(),
        sender_name=name,
        reply_to=first_address(str(message.get("Reply-To"))) if message.get("Reply-To") else None,
        return_path=(first_address(str(return_path)) if return_path is not None else None),
        # RFC 5322: the parent's References, or failing those its In-Reply-To, lead the thread.
        references=readable_text(str(message.get("References") or message.get("In-Reply-To") or "")).strip() or None,
        headers=headers,
        text=new_text(body, name),
        full_text=body,
        attachments=attachments,
        content_hash=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
    )
