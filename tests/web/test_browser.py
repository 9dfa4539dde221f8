"""The widget and the agents' console in a real Chromium, against a real faqbot server."""

from __future__ import annotations

import re

import pytest

from playwright.sync_api import Page, expect

from tests.web.conftest import AGENT_PASSWORD, screenshot


def open_widget(page: Page, live_server: str, store: str = "dissoo"):
    page.goto(f"{live_server}/demo/{store}")
    widget = page.locator("#faqbot-widget")
    launcher = widget.get_by_role("button", name=re.compile("Chat with"))
    launcher.click()
    return widget


def ask(widget, text: str) -> None:
    box = widget.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def test_ask_a_question_and_see_the_stores_answer(page, live_server):
    widget = open_widget(page, live_server)
    expect(widget.get_by_role("heading", name="Dissoo")).to_be_visible()
    ask(widget, "which cards do you take?")
    expect(widget.locator(".msg.bot").last).to_contain_text("Visa")
    expect(widget.get_by_role("link", name=re.compile("support@dissoojewelry.com"))).to_be_visible()
    screenshot(page, "widget.png", full_page=False)


def test_a_suggestion_chip_asks_it(page, live_server):
    widget = open_widget(page, live_server, "dissoo")
    ask(widget, "tell me about the warranty")
    chip = widget.get_by_role("button", name="Tell me more")
    expect(chip).to_be_visible()
    chip.click()
    expect(widget.locator(".msg.me").last).to_have_text(re.compile("Tell me more"))
    expect(widget.locator(".msg.bot").last).to_contain_text("Free Ring Resizing for Life")


def test_the_conversation_survives_a_reload(page, live_server):
    widget = open_widget(page, live_server, "stelladot")
    ask(widget, "do you accept returns on engraved items?")
    expect(widget.locator(".msg.bot")).to_have_count(2)
    page.reload()
    widget = page.locator("#faqbot-widget")
    expect(widget.locator(".msg.me").first).to_have_text(re.compile("engraved items"))
    expect(widget.locator(".msg.bot")).to_have_count(2)


def test_markup_in_a_reply_is_shown_as_text_and_runs_nothing(page, live_server):
    page.goto(f"{live_server}/demo/dissoo")
    page.evaluate("window.__pwned = false")
    payload = '<img src=x onerror="window.__pwned=true"><script>window.__pwned=true</script>'
    page.route(
        "**/v1/chat",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body='{"store":"dissoo","session_id":"s1","kind":"answer","reply":' + __import__("json").dumps(payload + " see javascript:alert(1) or https://example.com") + ',"confidence":1,"sources":[],"suggestions":[]}',
        ),
    )
    widget = page.locator("#faqbot-widget")
    widget.get_by_role("button", name=re.compile("Chat with")).click()
    ask(widget, "hello?")
    last = widget.locator(".msg.bot").last
    expect(last).to_contain_text("<img src=x")
    assert widget.locator(".msg img, .msg script").count() == 0
    assert page.evaluate("window.__pwned") is False
    assert [a.get_attribute("href") for a in last.locator("a").all()] == ["https://example.com"]


def test_keyboard_only(page, live_server):
    page.goto(f"{live_server}/demo/sessori")
    widget = page.locator("#faqbot-widget")
    launcher = widget.get_by_role("button", name=re.compile("Chat with"))
    launcher.focus()
    page.keyboard.press("Enter")
    box = widget.get_by_role("textbox", name="Your message")
    expect(box).to_be_focused()
    page.keyboard.type("do you ship to Canada?")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("thanks")
    expect(box).to_have_value("do you ship to Canada?\nthanks")
    page.keyboard.press("Enter")
    expect(widget.locator(".msg.bot").last).to_contain_text("Canada")
    page.keyboard.press("Escape")
    expect(widget.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()


def test_server_down_shows_a_retry_and_keeps_the_message(page, live_server):
    page.goto(f"{live_server}/demo/dissoo")
    page.route("**/v1/chat", lambda route: route.abort())
    widget = page.locator("#faqbot-widget")
    widget.get_by_role("button", name=re.compile("Chat with")).click()
    ask(widget, "where is my order?")
    expect(widget.locator(".msg.bot").last).to_contain_text("can't be reached")
    expect(widget.get_by_role("textbox", name="Your message")).to_have_value("where is my order?")
    page.unroute("**/v1/chat")
    widget.get_by_role("button", name="Retry").click()
    expect(widget.locator(".msg.bot").last).to_contain_text("order number")


def test_fits_a_360_px_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    widget = open_widget(page, live_server)
    box = widget.get_by_role("dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    context.close()


def test_agent_console_from_sign_in_to_teaching_a_phrasing(page, live_server):
    phrasing = "ribbon and bow option?"
    # A shopper asks something the bot cannot answer yet: it lands in the inbox.
    shopper = page.context.new_page()
    widget = open_widget(shopper, live_server, "dissoo")
    ask(widget, phrasing)
    expect(widget.locator(".msg.bot")).to_have_count(2)

    page.goto(f"{live_server}/agent")
    page.get_by_label("Agent password").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Store").select_option("dissoo")
    page.get_by_label("Customer's message").fill("how long do refunds take?")
    page.get_by_role("button", name="Suggest replies").click()
    first = page.locator(".suggestion").first
    expect(first).to_contain_text("confidence")
    expect(first.locator("summary").first).to_contain_text("Source:")
    first.get_by_role("button", name="Good reply").click()
    expect(first.get_by_role("status")).to_have_text("Feedback saved.")
    first.get_by_role("button", name="I sent an edited version").click()
    first.get_by_role("textbox", name="The reply you sent").fill("Refunds take 5-7 days after we receive your return.")
    first.get_by_role("button", name="Save edited reply").click()
    expect(first.get_by_role("status")).to_have_text("Feedback saved.")
    screenshot(page, "agent-console.png")

    page.get_by_role("tab", name="Inbox").click()
    item = page.locator("#inbox-list li", has_text=phrasing)
    expect(item).to_be_visible()
    expect(item.get_by_role("button", name="Attach as phrasing")).to_be_disabled()  # nothing is chosen for the agent
    expect(item.locator("optgroup[label='Likely'] option")).to_have_count(3)  # retrieval's best guesses first, then every entry
    item.get_by_role("combobox").select_option(label="Can I get gift box packaging?")
    item.get_by_role("button", name="Attach as phrasing").click()
    expect(item.get_by_role("status")).to_have_text("Attached.")

    page.get_by_role("tab", name="Analytics").click()
    expect(page.locator("#chart svg rect").first).to_be_attached()
    expect(page.locator("#legend li")).to_have_count(6)
    expect(page.locator("#legend")).to_contain_text("handed off")
    page.get_by_label("Range").select_option(label="Last 30 days")
    expect(page.locator("#chart")).to_have_attribute("aria-label", re.compile("last 30 days"))

    ask(widget, phrasing)
    expect(widget.locator(".msg.bot").last).to_contain_text("gift box")


def test_the_api_docs_render_with_no_network(page, live_server):
    """/docs loads Swagger UI from the server's own files: every request off the server is refused here."""
    refused = []

    def only_the_server(route):
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    page.goto(f"{live_server}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("faqbot")
    expect(page.get_by_text("/v1/chat", exact=True).first).to_be_visible()
    assert refused == []


def test_icons_are_drawn_not_emoji_and_the_conversation_is_reachable_by_keyboard(page, live_server):
    """An emoji is an empty box where no emoji font is installed; the scrolling conversation must be
    reachable (and so scrollable) by keyboard (axe: scrollable-region-focusable)."""
    page.goto(f"{live_server}/demo/dissoo")
    launcher = page.locator("#faqbot-widget").get_by_role("button", name=re.compile("Chat with"))
    expect(launcher.locator("svg")).to_have_count(1)
    assert not re.search(r"[\U0001F300-\U0001FAFF]", launcher.inner_text())
    widget = open_widget(page, live_server)
    log = widget.get_by_role("log", name="Conversation")
    log.focus()
    expect(log).to_be_focused()


@pytest.mark.parametrize(
    ("colour", "drawn"),
    [
        ("#5b2a6e", "rgb(91, 42, 110)"),  # the shop's own colour, white text on it at 10.9:1
        ("#5B2A6E", "rgb(91, 42, 110)"),
        ("#f2b705", "rgb(31, 58, 95)"),  # white on amber is 1.8:1: unreadable, the default is kept
        ("purple", "rgb(31, 58, 95)"),  # not "#rrggbb"
        (None, "rgb(31, 58, 95)"),
    ],
)
def test_the_widget_takes_the_shops_colour_when_white_text_reads_on_it(page, live_server, colour, drawn):
    """A shop's own page (served by the browser's route: Chromium keeps a public origin from loading
    a loopback script) with the one tag and, optionally, its colour."""
    attribute = f' data-colour="{colour}"' if colour else ""
    page.route(
        f"{live_server}/a-shop",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!doctype html><html lang="en"><title>A shop</title><script src="{live_server}/widget.js" data-store="dissoo"{attribute} defer></script>',
        ),
    )
    page.goto(f"{live_server}/a-shop")
    launcher = page.locator("#faqbot-widget").get_by_role("button", name=re.compile("Chat with"))
    expect(launcher).to_have_css("background-color", drawn)
    launcher.click()
    expect(page.locator("#faqbot-widget header")).to_have_css("background-color", drawn)


def test_each_demo_shop_wears_its_own_colour(page, live_server):
    for store, drawn in (("dissoo", "rgb(91, 42, 110)"),):
        page.goto(f"{live_server}/demo/{store}")
        expect(page.locator("#faqbot-widget").get_by_role("button", name=re.compile("Chat with"))).to_have_css("background-color", drawn)
