"""What the records keep of what shoppers type: no full email address, no long number.

Shoppers paste their email ("bea @ example.com" too), phone, card, tracking and account numbers
into a chat. The exchange is kept for agents and analytics, who need what was asked, not those: an
address keeps its first letter and its domain, a number of nine digits or more (spaces, dashes,
dots and brackets between them allowed; a leading +) and a long code mixing letters and digits
keep their last four.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+\s*@\s*[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
LONG_NUMBER = re.compile(r"(?<![\w+])\+?\d(?:[ ().-]{0,2}\d){8,}(?!\w)")  # phone, card, tracking, account
MIXED_CODE = re.compile(r"\b(?=[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{10,}\b", re.I)


def masked_email(email: str) -> str:
    """'jane.doe@example.com' -> 'j***@example.com'."""
    local, _, domain = re.sub(r"\s+", "", email).partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def masked_number(value: str) -> str:
    """Only the last four characters that are letters or digits: '4111 1111 1111 1111' -> '***1111'."""
    kept = re.sub(r"[^A-Za-z0-9]", "", value)
    return f"***{kept[-4:]}" if len(kept) > 4 else "***"


def masked_text(text: str, private: tuple[str, ...] = ()) -> str:
    """`private`: values the reply itself named (a tracking number shown to the shopper who owns it)."""
    text = EMAIL.sub(lambda m: masked_email(m.group(0)), text)
    for value in private:
        text = text.replace(value, masked_number(value))
    text = LONG_NUMBER.sub(lambda m: masked_number(m.group(0)), text)
    return MIXED_CODE.sub(lambda m: masked_number(m.group(0)), text)
