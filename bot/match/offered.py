""""Do you offer gift wrapping?", "are your yarns vegan?": a question whether the store has a thing
(or its goods a property) is answered only by a passage that names it.

Nearest-passage matching answers such a question with whatever shares its other words ("gift"
cards, "student" → the discounts passage), confidently. The object of "do you offer / sell /
have / carry …", "is there a …", "can I get a …" must be on the passage the bot would quote
(or a close spelling of it); when a word of it is nowhere there, the page does not say, and a
person answers.
"""

from __future__ import annotations

import re

from bot.ingest import Chunk
from bot.match.lexical import LexicalIndex, QueryTerms
from bot.match.text import content_terms, words

EXISTENCE = re.compile(
    r"""^\s*(?:hi|hello|hey)?[\s,!.]*
    (?:(?:do|does|can|will|would)\s+(?:you|u|y'?all|ya|your\s+(?:shop|store|company|site|team|brand))\s+(?:guys\s+)?(?:also\s+)?
        (?:offer|sell|have|carry|stock|provide|make|do|run|give|host|support|(?=gift[\s-]?wrap))\b
      | (?:is|are)\s+there\s+(?:a|an|any)\b
      | (?:is|are)\s+(?=(?:your|ur)\s+\w+(?:\s+\w+)?\s+\w+\s*\??\s*$)
      | do\s+you\s+guys\s+(?:offer|sell|have|carry|stock|provide|make|do)\b)
    (?P<thing>[^?.!]*)""",
    re.I | re.X,
)
# Words that say how, not what: "do you offer any discounts for students" keeps "discount", "student".
NOT_THE_THING = frozenset(content_terms("any kind kinds type types sort option options available right now currently also still ever please thing things something"))


# Shop words a page says in other words: "a discount" is there when the page says "10% off".
KINDRED_WORDS = (
    "discount discounts coupon coupons code codes promo promos promotion promotions save saving savings deal deals voucher vouchers",
    "ship shipping shipped deliver delivery delivered post postage mail",
    "return returns refund refunds exchange exchanges",
    "price prices cost costs fee fees charge charges rate rates",
    "email emails newsletter newsletters subscribe subscription signing sign",
    "size sizes sizing",
    "engrave engraving engraved personalize personalized personalization monogram",
    "custom customize customized bespoke",
    "warranty guarantee",
)
AMOUNT_OFF = re.compile(r"(\d\s*%|[$€£]\s*\d+)\s*off\b", re.I)  # "10% off", "$5 off": a discount
KINDRED: dict[str, frozenset[str]] = {}
for group in KINDRED_WORDS:
    spellings = frozenset(words(group)) | frozenset(content_terms(group))
    for word in spellings:
        KINDRED[word] = KINDRED.get(word, frozenset()) | spellings


def asked_thing(question: str) -> list[str]:
    """The content stems of what the shopper asks the store to have; [] when it is no such question."""
    match = EXISTENCE.match(question)
    if not match:
        return []
    # The thing ends where another clause or its purpose starts: "a return label | or do I pay postage".
    thing = re.split(r",|\b(or|and|but|so|because|if|when|before|after|for|to|with|from|on|in)\b", match.group("thing"), maxsplit=1, flags=re.I)[0]
    return [t for t in content_terms(thing) if t not in NOT_THE_THING and not t.isdigit()]


def unnamed_thing(question: str, query: QueryTerms, lexical: LexicalIndex, chunk: Chunk, position: int) -> list[str]:
    """The asked-for words the passage at `position` does not name (by any spelling the store uses)."""
    wanted = set(asked_thing(question))
    if not wanted:
        return []
    # Stems, and the plain words too; "10% off" names a discount.
    said = " ".join((chunk.title, *chunk.questions, chunk.text))
    named = lexical.question_terms[position] | lexical.text_terms[position] | set(words(said))
    if AMOUNT_OFF.search(said):
        named.add("discount")
    missing = []
    for term, matches in zip(query.terms, query.matches, strict=True):
        if term in wanted and not any(word in named for word in matches) and not (KINDRED.get(term, frozenset()) & named):
            missing.append(term)
    # Half the thing unnamed is another thing ("gift wrap" beside "gift cards"); one word of three
    # is a paraphrase ("a prepaid return label").
    return missing if 2 * len(missing) >= len(wanted) else []
