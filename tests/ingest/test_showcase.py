"""demo.toml: a demo shop's look, read and checked (white text on the accent must be readable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import BadKnowledge
from bot.ingest.showcase import Showcase, contrast_ratio, load_showcase
from bot.ingest.knowledge import hash_sources
from tests.conftest import KNOWLEDGE, STORES


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        pytest.param("#000000", "#ffffff", 21.0, id="black-on-white"),
        pytest.param("#ffffff", "#ffffff", 1.0, id="same-colour"),
        pytest.param("#767676", "#ffffff", 4.54, id="the-lightest-grey-AA-allows-on-white"),
    ],
)
def test_contrast_ratio_is_wcags(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        pytest.param('accent = "#f2b705"', "contrast of 1.82:1", id="accent-too-light-for-white-text"),
        pytest.param('accent = "purple"', "not a colour", id="accent-not-hex"),
        pytest.param('accent = "#123456; } body { display: none"', "not a colour", id="accent-cannot-inject-css"),
        pytest.param('look = "brutalist"', "look", id="unknown-look"),
        pytest.param('[[products]]\nname = "Ring"\npicture = "photo.jpg"', "products.0.picture", id="picture-not-drawn"),
        pytest.param('colour = "#000000"', "colour", id="unknown-key"),
        pytest.param('tagline = "unclosed', "not valid TOML", id="broken-toml"),
    ],
)
def test_a_bad_demo_toml_names_the_file_and_key(tmp_path, toml, problem):
    (tmp_path / "demo.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(BadKnowledge, match="demo.toml") as raised:
        load_showcase(tmp_path)
    assert problem in str(raised.value)


def test_without_demo_toml_a_store_gets_a_plain_shop(tmp_path):
    assert load_showcase(tmp_path) == Showcase()


@pytest.mark.parametrize("store", STORES)
def test_each_shipped_store_has_its_trades_look(store):
    look = load_showcase(KNOWLEDGE / store)
    assert look.products and look.tagline and look.trade
    if store == "sessori":  # a wholesale catalogue: SKUs and packs, prices only to approved accounts
        assert look.look == "catalogue" and all(p.sku and p.pack and not p.price for p in look.products)


def test_the_demo_look_is_not_part_of_what_the_index_depends_on():
    """A new tagline must not send a store's pages to be embedded again."""
    assert "demo.toml" not in hash_sources(KNOWLEDGE, "sessori")
