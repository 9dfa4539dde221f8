"""The store picker and each demo shop in its own trade's look (knowledge/<store>/demo.toml), in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bot.ingest.showcase import load_showcase
from tests.conftest import KNOWLEDGE, STORES
from tests.web.conftest import screenshot


def rgb(hex_colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)))


def test_the_store_picker_offers_every_shop_in_its_own_colours(page, live_server):
    page.goto(live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pick a demo shop")
    cards = page.locator(".store-card")
    expect(cards).to_have_count(len(STORES))
    for store in STORES:
        look = load_showcase(KNOWLEDGE / store)
        card = cards.filter(has=page.locator(f"a[href='/demo/{store}']"))
        expect(card.locator(".card-band")).to_have_css("background-color", rgb(look.accent))  # /demo/looks.css
        expect(card).to_contain_text(look.trade)
    expect(page.get_by_role("navigation").get_by_role("link", name="Agents' console")).to_have_attribute("href", "/agent")
    screenshot(page, "store-picker.png")
    page.get_by_role("link", name="Open the Sessori shop").click()
    expect(page).to_have_url(f"{live_server}/demo/sessori")


def test_sessori_is_a_wholesale_catalogue_with_prices_behind_an_account(page, live_server):
    page.goto(f"{live_server}/demo/sessori")
    expect(page.locator(".notice")).to_contain_text("approved retail accounts")
    catalogue = page.get_by_role("table")
    expect(catalogue.get_by_role("columnheader")).to_have_text(["Picture", "Item", "SKU", "Pack", "Price"])
    rows = catalogue.locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("SS-EAR-01")
    expect(rows.first).to_contain_text("12 pairs")
    expect(catalogue.get_by_text("Sign in for price")).to_have_count(5)
    assert "$" not in page.locator("main").inner_text()
    screenshot(page, "demo-sessori.png")


def test_the_retail_shops_show_pieces_with_prices_each_in_its_look(page, live_server):
    fonts = {}
    for store, look in (("dissoo", "atelier"), ("stelladot", "boutique")):
        page.goto(f"{live_server}/demo/{store}")
        expect(page.locator("body")).to_have_class(re.compile(f"look-{look}"))
        expect(page.get_by_role("table")).to_have_count(0)
        pieces = page.locator(".product")
        expect(pieces.first.locator(".price")).to_have_text(re.compile(r"^\$[\d,]+$"))
        expect(pieces.locator("svg.pic")).to_have_count(pieces.count())  # each piece drawn, no image fetched
        fonts[store] = page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")
    assert "Georgia" in fonts["dissoo"] and "Georgia" not in fonts["stelladot"]

