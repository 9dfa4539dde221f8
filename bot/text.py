"""Words as the lexical matcher compares them: lower case, no stop words, light stems.

Shoppers write "shipping", "shipped", "ships"; the FAQ says "ship". A light
suffix stripper joins those; fuzzy matching (bot/match/lexical.py) then absorbs typos.
A leaf module: matching and the policy calculators both read words through it, so
neither package needs the other for it.
"""

from __future__ import annotations

import re

STOP_WORDS = frozenset(
    """a about above after again all am an and any are as at be been before being below between both but by
    can could did do does doing down during each few for from further had has have having he her here hers him
    his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
    our ours out over own same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves im ive id dont cant wont isnt didnt doesnt pls please hi hello hey thanks
    thank ok okay also get got want wanted need know like still yet anyway really much many one thing something
    us let lets may might must shall would ll re ve s t d m""".split()
)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "edly", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("‘", "'")
    return [w.replace("'", "") for w in WORD.findall(text)]


def stem(word: str) -> str:
    if word.isdigit() or len(word) <= 4:
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                return base + "y"
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]  # shipped -> shipp -> ship
            return base
    return word


def content_terms(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order, repeats kept."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def squash(text: str) -> str:
    """Lower case, every run of whitespace one space: two texts compared as a reader sees them."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().lower()
