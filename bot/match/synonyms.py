"""Shop words a shopper and a page say differently: "broken" on the phone, "defective" on the page.

A pasted page has no curated phrasings, so "my necklace arrived broken" shares no word with
"contact us if the item is defective or damaged", and a typo-tolerant matcher does not help.
A query word the store's pages never use is matched, at a discount, to the page's own word
for the same thing; a word the page uses is matched as it is. Only words that mean the same
thing in a shop go here: "wrong" (item) and "incorrect" (address), or "charge" (tax) and "price"
(of goods) pulled questions to the wrong passage when they were tried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.text import content_terms

SYNONYM_SIMILARITY = 0.8  # below an exact word, about a close misspelling
SHOP_SYNONYMS = (
    "broken broke cracked faulty defective defect damaged damage snapped shattered",
    "swap swapping exchange exchanging switch",
    "parcel package packages shipment",
    "track tracking trace follow",
    "present presents gift gifts",
    "receipt proof",
    "permission approval approved authorization authorisation preapproved pre-approved",
    "lost missing",
    "promo coupon voucher discount code",
    "markdown clearance sale",
    "late delayed delay",
    "fast quick express expedited rush",
    "international internationally overseas abroad worldwide",
    "unused unworn unopened",
    "worn used",
    "engrave engraving engraved personalize personalized personalization monogram",
    "guest unregistered",
    "checkout purchase buy ordering",
)

def word_groups(groups: Iterable[str], spellings: Callable[[str], Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each spelling of a group's words -> every spelling it shares a group with, itself included."""
    found: dict[str, frozenset[str]] = {}
    for group in groups:
        spelled = frozenset(spellings(group))
        for word in spelled:
            found[word] = found.get(word, frozenset()) | spelled
    return found


SYNONYMS = {stem: alike - {stem} for stem, alike in word_groups(SHOP_SYNONYMS, content_terms).items()}


def synonyms_of(term: str) -> frozenset[str]:
    return SYNONYMS.get(term, frozenset())
