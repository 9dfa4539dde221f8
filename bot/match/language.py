"""Is a message written in another language? Measured by word frequencies, not guessed by word lists.

A typo-heavy English message ("whats ur retrun polcy") has few dictionary words, so a
test of "enough known English words" refuses it as foreign. Asked the other way round the
question has an answer: is there a language in which these words are much more usual than
in English? wordfreq's frequency lists (fitted on large corpora, shipped in the package)
give each word's Zipf frequency per language; a word no list knows (a typo, a brand) counts
for none, so it moves nothing. Words of the store's own pages count as English: a shop's
product names are not evidence of Spanish.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from wordfreq import zipf_frequency

# English and the languages other than it that shoppers of English-language shops most often
# write in with Latin letters; other scripts are told apart by their letters alone.
OTHER_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl", "sv", "da", "nb", "pl", "tr")
WORDLIST = "small"  # the most frequent words of each language: enough for this, a few MB each
STORE_WORD_ZIPF = 4.0  # a word of the store's own pages is as usual as "order" in English
# Another language wins only clearly: half again as likely as English in total and by a margin
# of more than a common word or two, so "do u ship intl" and "hi" stay English.
FOREIGN_RATIO = 1.5
FOREIGN_MARGIN = 5.0
LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=8192)
def frequency(word: str, language: str) -> float:
    return zipf_frequency(word, language, wordlist=WORDLIST)


def warm_word_frequencies() -> None:
    """The lists load on first use (~0.2 s): a store's load pays it, not a shopper's reply."""
    for language in ("en", *OTHER_LANGUAGES):
        frequency("the", language)


def written_in_another_language(message: str, store_words: Collection[str] = ()) -> bool:
    letters = [ch for ch in message if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) / len(letters) < 0.7:
        return True  # another script
    tokens = LETTERS.findall(message.lower())
    if not tokens:
        return False
    english = sum(max(frequency(t, "en"), STORE_WORD_ZIPF if t in store_words else 0.0) for t in tokens)
    other = max(sum(frequency(t, language) for t in tokens) for language in OTHER_LANGUAGES)
    return other >= FOREIGN_RATIO * english and other - english >= FOREIGN_MARGIN

