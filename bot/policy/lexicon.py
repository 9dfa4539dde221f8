"""The words shoppers use for the things policies talk about: item kinds, payment
methods, countries, US states. Data, not logic: a new synonym is one line here.

Countries and states come from pycountry (ISO 3166), so every name and code
is known without a hand-kept list; only the everyday aliases ("the UK",
"Britain", "the States") are written down.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import pycountry

from bot.text import STOP_WORDS, stem, words

# kind -> a regex of the words that say an item is of that kind.
ITEM_KINDS: dict[str, str] = {
    "sale": r"on sale|(?<!final )(?<!final-)sale (item|price|jewel\w*|ring|necklace|bracelet|earrings?|piece)s?|(bought|got|purchased) it on sale|discounted|clearance|promo(tion)?al?",
    "final_sale": r"final[- ]sale",
    "markdown": r"mark(ed)?[- ]?downs?|marked down",
    "gift_card": r"gift[- ]?cards?|gift[- ]?certificates?|e-?gift",
    "custom": r"custom(ized|ised|[- ]made|[- ]built)?|made[- ]to[- ]order|bespoke",
    "special_order": r"special[- ]order(ed)?|(part|piece|one|some)\s+(of|from|out\s+of)\s+(a|the)\s+(matching\s+|whole\s+)?set|(out\s+of|from)\s+(a|the)\s+(matching|whole)\s+set|split(ting)?\s+(up\s+)?(a|the)\s+set",
    "personalized": r"personali[sz]ed|personali[sz]ation|monogram(med)?|(with|has) (my|her|his|a|the) (name|initials?)",
    "engraved": r"engrav(ed|ing|ings|able|ables)",
    "photo": r"photo (locket|pendant|jewel\w*|necklace)|with (a|my|our) photo",
    "design_your_own": r"design(ed)? (your|my) own",
    "custom_size": r"custom[- ]siz(e|es|ed)|resized",
    "worn": r"\bworn\b|\bwore\b|wearing it|have worn|used (it|them|once|twice)|(been|was|were) used|\blit (it|them|once)|burn(ed|t) (it|them|once)|washed (it|them)",
    # Opening the packaging is not wearing: it matters where the page takes back only sealed or unopened items.
    "opened": r"(i|we|i'?ve|we'?ve|already|have|has|been|was|were|is|are)\s+(already\s+)?opened|opened (it|them|the (box|bag|package|seal|jar|bottle|tin|pack))|broke the seal|took (it|them) out of the (shrink|wrap|packag\w*)|no longer sealed",
    "no_tag": r"(without|no|lost|removed) (the )?(jewelry )?tags?|tags? (off|removed|missing)",
    "replacement": r"(a|the|my) replacement|sent (to me )?as (a )?replacement",
    "display": r"display (item|piece|sample)s?",
    "business_supplies": r"business suppl(y|ies)",
    "style_for_a_steal": r"style for a steal",
    "skincare": r"skin ?care|\bever\b|serum|moisturi[sz]er|cleanser|face cream|eye cream|toner|sunscreen|retinol|lotion",
    "gift": r"((was|is|it'?s|as|a|received a|got a|the) gift|gift (from|for|i|that|which|my)|(christmas|xmas|holiday|birthday|anniversary|wedding|graduation|valentine'?s?) (gift|present)|gifted|a present|was given)(?![- ]?(card|certificate))",
    "defect": r"defect(ive|s)?|broke(n)?|faulty|damaged?|snapped|cracked|warped|bent|scratched|scuffed|shattered|stained|frayed|peeling|chipped|crushed|dented|torn|ripped( open)?|leak(ing|ed|s)?|soaking wet|soaked|water[- ]damaged|(with|has|had|have) (a|an) (tear|hole|rip|stain|scratch|crack|chip|dent)|fell (apart|off)|(clasp|chain|stone)s? (came|fell|is) (off|loose|out)|tarnish(ed)?|discolou?r(ed|ation)|(changed|changing|turned) colou?rs?"
    r"|(clasp|chain|lock|latch|closure|zip|zipper|hinge|battery|button|lid|pump|mechanism)s?\b[^.?!]{0,25}\b(doesn'?t|does not|won'?t|will not|stopped|isn'?t|is not|not) (work|close|open|lock|stay|fasten)\w*",
    "wrong_item": r"wrong (item|size|colou?r|ring|necklace|bracelet|earrings?|product|order|piece)|not what i ordered|(sent|received|got) (me )?the wrong",
    "missing_item": r"missing (an? )?(item|piece|product)|item (was|is) missing|not (in|inside) the (box|package)",
}

# canonical name -> the ways shoppers write it.
PAYMENT_METHODS: dict[str, str] = {
    "Visa": r"visa",
    "Mastercard": r"master ?card|mc",
    "American Express": r"american express|amex|am ex",
    "Discover": r"discover( card)?",
    "Maestro": r"maestro",
    "JCB": r"jcb",
    "Diners Club": r"diners?( club)?",
    "PayPal": r"pay ?pal",
    "Klarna": r"klarna",
    "Afterpay": r"after ?pay|clearpay",
    "Affirm": r"affirm",
    "Sezzle": r"sezzle",
    "Apple Pay": r"apple ?pay",
    "Google Pay": r"google ?pay|g ?pay|android pay",
    "Shop Pay": r"shop ?pay",
    "Amazon Pay": r"amazon ?pay",
    "Venmo": r"venmo",
    "Zelle": r"zelle",
    "Cash App": r"cash ?app",
    "Bitcoin": r"bitcoin|btc|crypto(currency)?|ethereum",
    "Bank transfer": r"bank transfer|wire( transfer)?|ach|direct debit|sepa",
    "Check": r"cheques?|(by|with) (a )?(personal )?checks?",
    "Cash": r"(by|with|in|pay) cash|cash on delivery|cod",
    "Credit card": r"credit(\s*(and|or|/|&)\s*debit)? ?cards?",
    "Debit card": r"debit ?cards?",
    "Gift card": r"gift ?cards?",
    "Store credit": r"store credit",
    "Union Pay": r"union ?pay",
    "Alipay": r"ali ?pay",
    "WeChat Pay": r"we ?chat( pay)?",
}

# USPS code -> name; DC is a state for sales tax.
US_STATES: dict[str, str] = {s.code.split("-")[1]: s.name for s in pycountry.subdivisions.get(country_code="US") if s.type in ("State", "District")}

COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "u.k.": "GB", "the uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US", "the states": "US", "united states": "US",
    "the us": "US", "the usa": "US", "stateside": "US",
    "uae": "AE", "emirates": "AE", "dubai": "AE", "holland": "NL", "the netherlands": "NL", "south korea": "KR", "korea": "KR",
    "russia": "RU", "vietnam": "VN", "taiwan": "TW", "iran": "IR", "syria": "SY", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "moldova": "MD", "laos": "LA", "czech republic": "CZ", "czechia": "CZ", "turkey": "TR",
    "ivory coast": "CI", "deutschland": "DE", "espana": "ES", "españa": "ES", "brasil": "BR", "nippon": "JP", "hong kong": "HK", "macau": "MO", "puerto rico": "PR", "aussie": "AU", "oz": "AU",
}

# Words that are also a country code and would match in ordinary sentences.
AMBIGUOUS_CODES = {"in", "it", "is", "me", "no", "am", "at", "be", "by", "do", "go", "hi", "id", "la", "ma", "my", "to", "so", "us", "pa", "ca"}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """lower-case name -> ISO alpha-2, for every country pycountry knows plus the aliases."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names[value.lower()] = country.alpha_2
                names.setdefault(re.sub(r",.*$", "", value.lower()), country.alpha_2)
    names.update(COUNTRY_ALIASES)
    return names


def country_code(text: str) -> str | None:
    """'UK', 'Britain', 'gb', 'United Kingdom' -> 'GB'; None when it is no country."""
    value = text.strip().lower().rstrip(".?!")
    if len(value) in (2, 3) and value.isalpha():
        found = pycountry.countries.get(alpha_2=value.upper()) if len(value) == 2 else pycountry.countries.get(alpha_3=value.upper())
        if found is not None:
            return found.alpha_2
    return country_names().get(value)


def country_name(code: str) -> str:
    if code == "GB":
        return "the United Kingdom"
    if code == "US":
        return "the United States"
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def compiled(table: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {key: re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.I) for key, pattern in table.items()}


ITEM_KIND_PATTERNS = compiled(ITEM_KINDS)
PAYMENT_PATTERNS = compiled(PAYMENT_METHODS)


GENERIC_ITEM_WORDS = frozenset(
    "item items product products order orders purchase purchases bought buy marked final sale section category collection "
    "piece pieces thing things anything everything all any following return returned returns refund exchange exchanged certain "
    "types kinds".split()
)


def item_terms(phrase: str) -> list[str]:
    """The stems that name an item in a phrase: what a shopper's words must meet. A name in capitals
    keeps all its words ("Final Cut" is not "cut")."""
    named = re.fullmatch(r"\s*([A-Z][\w'&-]*\s+)+[A-Z][\w'&-]*\s*", phrase) is not None
    return [stem(w) for w in words(phrase) if w not in STOP_WORDS and (named or w not in GENERIC_ITEM_WORDS) and not w.isdigit()]


def names_item(name: str, message_stems: set[str]) -> bool:
    """A shopper names a store's item: every word of a one-word name, two words of a longer one.
    A word counts with another ending ("built"/"build"), never with a prefix ("unmounted")."""
    terms = set(item_terms(name))
    met = sum(any(t == m or alike(t, m) for m in message_stems) for t in terms)
    return bool(terms) and met >= min(2, len(terms))


def alike(a: str, b: str) -> bool:
    """Two stems that differ only in their last letter ("built"/"build"), or one a letter longer
    ("tir" from tires / "tire"); "case"/"cash" are two words."""
    shared = len(os.path.commonprefix([a, b]))
    if shared < max(len(a), len(b)) - 1:
        return False
    return shared >= 4 or (shared == 3 and shared == min(len(a), len(b)))
