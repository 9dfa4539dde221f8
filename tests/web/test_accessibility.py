"""axe-core (the copy axe-playwright-python ships; nothing is fetched) run in Chromium over the widget,
the store picker, every demo shop and every view of the agents' console, each with content in it:
no serious or critical violation of WCAG 2 A/AA."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import sign_in

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")


def axe_results(page: Page) -> dict:
    """axe.run over the whole page (open shadow roots included), WCAG 2 A/AA rules only. Injected with
    page.evaluate, which the pages' Content-Security-Policy (script-src 'self') does not block."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}}).response


def assert_no_serious_violations(page: Page) -> dict:
    results = axe_results(page)
    assert results["passes"], "axe checked nothing"
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {node['target']}: {node['failureSummary'].splitlines()[-1].strip()}" for node in v["nodes"])
        for v in blocking
    )
    assert not blocking, f"axe found {len(blocking)} serious or critical violation(s) on {page.url}:\n{report}"
    return results


def test_axe_here_finds_what_it_should(page):
    """The check can fail: a page with an unlabelled field, an image without alt and grey-on-white text."""
    page.set_content('<html><body><main><img src="x.png"><input><p style="color:#aaa">faint</p></main></body></html>')
    found = {v["id"]: v["impact"] for v in axe_results(page)["violations"]}
    assert {"image-alt": "critical", "label": "critical", "color-contrast": "serious"}.items() <= found.items()


def test_store_picker(page, live_server):
    page.goto(live_server)
    expect(page.get_by_role("link", name=re.compile("Sessori"))).to_be_visible()
    assert_no_serious_violations(page)


@pytest.mark.parametrize(
    ("store", "width"), [("sessori", 1200), ("dissoo", 1200), ("stelladot", 1200), pytest.param("sessori", 360, id="sessori-phone")]
)
def test_demo_shop_with_the_widget_open_on_an_answer(page, live_server, store, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server}/demo/{store}")
    widget = page.locator("#faqbot-widget")
    widget.get_by_role("button", name=re.compile("Chat with")).click()
    box = widget.get_by_role("textbox", name="Your message")
    box.fill("what is your return policy?")
    box.press("Enter")
    expect(widget.locator(".msg.bot")).to_have_count(2)
    expect(widget.locator(".chip").first).to_be_visible()
    results = assert_no_serious_violations(page)
    checked = [node["target"] for rule in results["passes"] for node in rule["nodes"]]
    # A node inside a shadow root is named by a path: [["#faqbot-widget", "selector inside it"]].
    assert any(isinstance(target[0], list) and target[0][0] == "#faqbot-widget" for target in checked), "axe did not reach into the widget"


def test_the_widget_when_the_server_is_down(page, live_server):
    page.goto(f"{live_server}/demo/dissoo")
    page.route("**/v1/chat", lambda route: route.abort())
    widget = page.locator("#faqbot-widget")
    widget.get_by_role("button", name=re.compile("Chat with")).click()
    widget.get_by_role("textbox", name="Your message").fill("where is my order?")
    widget.get_by_role("button", name="Send").click()
    expect(widget.get_by_role("button", name="Retry")).to_be_visible()
    assert_no_serious_violations(page)


def test_console_sign_in_with_its_error(page, live_server):
    page.goto(f"{live_server}/agent")
    assert_no_serious_violations(page)
    page.get_by_label("Agent password").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not the agent password")
    assert_no_serious_violations(page)


def test_console_suggest_with_suggestions(page, live_server):
    sign_in(page, live_server)
    page.get_by_label("Customer's message").fill("how long do refunds take?")
    page.get_by_role("button", name="Suggest replies").click()
    expect(page.locator(".suggestion").first).to_contain_text("confidence")
    page.locator(".suggestion").first.get_by_role("button", name="I sent an edited version").click()
    assert_no_serious_violations(page)


def test_console_inbox_with_questions(page, live_server):
    page.request.post(f"{live_server}/v1/chat", data={"store": "sessori", "message": "do you sell gift wrap?"})
    sign_in(page, live_server)
    page.get_by_label("Store").select_option("sessori")
    page.get_by_role("tab", name="Inbox").click()
    expect(page.locator("#inbox-list li").first.get_by_role("combobox")).to_be_visible()
    assert_no_serious_violations(page)


def test_console_drafts_with_drafts(page, live_server, email_drafts):
    sign_in(page, live_server)
    page.get_by_label("Store").select_option("dissoo")
    page.get_by_role("tab", name="Email drafts").click()
    expect(page.locator("#drafts-list li")).to_have_count(len(email_drafts))
    assert_no_serious_violations(page)


def test_console_analytics(page, live_server):
    page.request.post(f"{live_server}/v1/chat", data={"store": "dissoo", "message": "which cards do you take?"})
    sign_in(page, live_server)
    page.get_by_label("Store").select_option("dissoo")
    page.get_by_role("tab", name="Analytics").click()
    expect(page.locator("#chart svg rect").first).to_be_attached()
    assert_no_serious_violations(page)
