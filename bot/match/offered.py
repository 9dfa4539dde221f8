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
from bot.match.synonyms import word_groups
from bot.text import content_terms, words

EXISTENCE = re.compile(
    r"""(?:^|[,.!?;:]\s)\s*(?:hi|hello|hey)?[\s,!.]*
    (?:(?:do|does|can|will|would)\s+(?:you|u|y'?all|ya|your\s+(?:shop|store|company|site|team|brand))\s+(?:guys\s+)?(?:also\s+)?
        (?:offer|sell|have|carry|stock|provide|make|do|run|give|host|support|(?=gift[\s-]?wrap))\b
      | (?:is|are)\s+there\s+(?:a|an|any)\b
      | (?:can|could|do|would)\s+(?:i|we)\s+(?:get|have|receive)\s+(?:a|an|any)\b
      | (?:is|are)\s+(?=(?:your|ur)\s+\w+(?:\s+\w+)?\s+\w+\s*\??\s*$)
      | do\s+you\s+guys\s+(?:offer|sell|have|carry|stock|provide|make|do)\b)
    (?P<thing>[^?.!]*)""",
    re.I | re.X,
)
# Words that say how, not what: "do you offer any discounts for students" keeps "discount", "student".
# The store's goods in general are no thing of their own: "do you gift wrap orders?" asks about wrapping.
NOT_THE_THING = frozenset(
    content_terms(
        "any kind kinds type types sort option options available right now currently also still ever please thing things something "
        "order orders item items product products piece pieces purchase purchases"
    )
)
# Questions with a word only a passage about it answers, wherever the word sits: a passage about
# ordering does not say whether a ring is in stock, how to become an ambassador, or the minimum order.
MUST_NAME = (
    (re.compile(r"\b(?:in|out\s+of|back\s+in)\s+stock\b|\bsold\s+out\b", re.I), "stock"),
    (re.compile(r"\bhow\s+(?:do|can|could|would)\s+(?:i|we|one)\s+(?:become|join)\b|\bwant\s+to\s+(?:become|join)\b", re.I), "join"),
    (re.compile(r"\bnet[\s-]?\d{2}\b|\b(?:payment|credit)\s+terms\b|\bon\s+terms\b|\bpay\s+(?:by|on|with|via)\s+invoice\b", re.I), "terms"),
    # The store buying from the shopper: a passage about what it sells does not answer it.
    (re.compile(r"\b(?:do|does|would|will|can)\s+(?:you|u|ya|y'?all)\s+(?:guys\s+)?(?:buy|purchase|accept\s+trade|take\s+trade|consign)\w*\b|\bconsign\w*\b|\btrade[\s-]?ins?\b", re.I), "buy"),
    (re.compile(r"\bminimum\b", re.I), "minimum"),
    (re.compile(r"\bmaximum\b", re.I), "maximum"),
)
# "Are your diamonds lab grown?", "is it hypoallergenic?": a claim about the goods only the page can make.
PROPERTY = re.compile(
    r"\b(?:is|are)\b[^?.!]*?\b(?P<claim>real|genuine|natural|lab[\s-]?grown|lab[\s-]?created|synthetic|solid|vegan|organic|"
    r"hypoallergenic|nickel[\s-]?free|lead[\s-]?free|waterproof|water[\s-]?resistant|tarnish[\s-]?free|handmade|conflict[\s-]?free|recycled|sustainable)\b",
    re.I,
)
# "Is it safe for kids?", "is Ever Skincare okay for sensitive skin?": whom or what it suits is the thing.
SUITS = re.compile(
    r"\b(?:is|are)\s+(?:it|they|this|these|that|those|the\s+\w+|your\s+\w+|\w+(?:\s+\w+)?)\s+"
    r"(?:ok|okay|good|safe|suitable|fine|recommended|appropriate|ideal)\s+"
    r"(?:for|to\s+\w+(?:\s+\w+){0,3}?\s+(?:while|during|when|if\s+i'?m|with|for|on))\s+(?:being\s+|i'?m\s+)?(?P<thing>[^?.!,]+)",  # "safe to wear … while pregnant"
    re.I,
)


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
    "stock stocked restock restocked inventory availability backorder",
    "join joining become becoming apply application register registration enroll signup member membership",
    "minimum least over above",
    "terms invoice invoices invoiced net",
    "maximum most limit",
    # Only words that say the same claim: "original packaging" names no authenticity, "purchased" no buying back.
    "real genuine authentic authenticity legit fake fakes replica replicas counterfeit",
    "buy buying buyback consign consignment trade-in",
    "pet pets cat cats dog dogs animal animals",
    "kid kids child children baby babies toddler toddlers",
)
AMOUNT_OFF = re.compile(r"(\d\s*%|[$€£]\s*\d+)\s*off\b", re.I)  # "10% off", "$5 off": a discount
KINDRED = word_groups(KINDRED_WORDS, lambda group: [*words(group), *content_terms(group)])


def asked_thing(question: str) -> list[str]:
    """The content stems of what the shopper asks the store to have; [] when it is no such question."""
    suits = SUITS.search(question)
    if suits:
        thing = suits.group("thing")
    else:
        match = EXISTENCE.search(question)
        if not match:
            return []
        thing = match.group("thing")
    # The thing ends where another clause or its purpose starts: "a return label | or do I pay postage".
    thing = re.split(r",|\b(or|and|but|so|because|if|when|before|after|for|to|with|from|on|in)\b", thing, maxsplit=1, flags=re.I)[0]
    return [t for t in content_terms(thing) if t not in NOT_THE_THING and not t.isdigit()]


def must_name(question: str) -> list[str]:
    """Words the passage must name (or say in kindred words) whatever else the question shares with it."""
    required = [word for pattern, word in MUST_NAME if pattern.search(question)]
    claim = PROPERTY.search(question)
    return required + (content_terms(claim.group("claim")) if claim else [])


def unnamed_thing(question: str, query: QueryTerms, lexical: LexicalIndex, chunk: Chunk, position: int) -> list[str]:
    """The asked-for words the passage at `position` does not name (by any spelling the store uses)."""
    wanted = set(asked_thing(question))
    required = must_name(question)
    if not wanted and not required:
        return []
    # Stems, and the plain words too; "10% off" names a discount.
    said = " ".join((chunk.title, *chunk.questions, chunk.text))
    named = lexical.question_terms[position] | lexical.text_terms[position] | set(words(said))
    if AMOUNT_OFF.search(said):
        named.add("discount")
    # Short words are not stemmed: "cats" names a cat.
    named |= {f"{word}s" for word in named if len(word) <= 4} | {word[:-1] for word in named if len(word) <= 5 and word.endswith("s")}
    unsaid = [word for word in required if word not in named and not (KINDRED.get(word, frozenset()) & named)]
    if unsaid:
        return unsaid
    missing = []
    for term, matches in zip(query.terms, query.matches, strict=True):
        if term in wanted and not any(word in named for word in matches) and not (KINDRED.get(term, frozenset()) & named):
            missing.append(term)
    # Half the thing unnamed is another thing ("gift wrap" beside "gift cards"); one word of three
    # is a paraphrase ("a prepaid return label").
    return missing if 2 * len(missing) >= len(wanted) else []
