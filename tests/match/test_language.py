"""Another language is told from typo-heavy English by word frequencies (bot/match/language.py)."""

from __future__ import annotations

import pytest

from bot.match.language import written_in_another_language


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("whats ur retrun polcy", id="typos-and-texting"),
        pytest.param("do u ship intl", id="abbreviations"),
        pytest.param("wher is my ordr", id="dropped-letters"),
        pytest.param("wat r ur hours", id="texting"),
        pytest.param("omg my hoodie came rippd can i get a new 1", id="long-texting"),
        pytest.param("hi", id="one-word"),
        pytest.param("paypal?", id="a-brand"),
        pytest.param("do you ship to mexico", id="a-place-name"),
    ],
)
def test_english_however_typed_is_english(message):
    assert not written_in_another_language(message)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("¿Hacen envíos a México?", id="spanish"),
        pytest.param("cuanto tarda el envio", id="spanish-without-accents"),
        pytest.param("Pouvez-vous livrer en France?", id="french"),
        pytest.param("Wie lange dauert der Versand?", id="german"),
        pytest.param("Quanto costa la spedizione?", id="italian"),
        pytest.param("Fazem envios para Portugal?", id="portuguese"),
        pytest.param("kan ik retourneren", id="dutch"),
        pytest.param("hvor lang tid tar frakt", id="norwegian"),
        pytest.param("czy wysyłacie do polski", id="polish"),
        pytest.param("配送にはどのくらいかかりますか", id="another-script"),
    ],
)
def test_other_languages_are_recognised(message):
    assert written_in_another_language(message)


def test_the_stores_own_words_count_as_english():
    """A shop selling "tortilla presses" and "molcajetes" is asked about them in English."""
    message = "molcajete tortilla prensa"
    assert written_in_another_language(message)
    assert not written_in_another_language(message, {"molcajete", "tortilla", "prensa"})
