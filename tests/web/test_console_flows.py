"""Each flow of the agents' console in a real Chromium, against a real server: signing in (wrong, then
right, then out), attaching an inbox question to an entry the inbox proposes, sending and discarding an
email draft (a loopback SMTP relay receives what is sent), and the analytics range."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from playwright.sync_api import expect

from tests.web.conftest import AGENT_PASSWORD, screenshot, sign_in


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(page, live_server):
    page.goto(f"{live_server}/agent")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)  # nobody is signed in yet
    page.get_by_label("Agent password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Sign-in failed: that is not the agent password")
    expect(page.get_by_role("tab")).to_have_count(0)

    page.get_by_label("Agent password").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("tab")).to_have_text(["Suggest", "Inbox", "Email drafts", "Analytics"])
    expect(page.get_by_role("tab", name="Suggest")).to_have_attribute("aria-selected", "true")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Agent password")).to_be_visible()
    assert page.request.get(f"{live_server}/v1/agent/inbox?store=sessori").status == 401  # signed out: the console's API refuses this browser


def test_an_inbox_question_attached_to_a_proposed_entry_is_answered_from_it(page, live_server):
    question = "is there a minimum to open an account?"
    asked = page.request.post(f"{live_server}/v1/chat", data={"store": "sessori", "message": question}).json()
    assert asked["kind"] == "handoff"  # what the bot could not answer lands in the inbox
    page.request.post(f"{live_server}/v1/chat", data={"store": "sessori", "message": "can my boutique get net 30 terms?"})

    sign_in(page, live_server)
    page.get_by_label("Store").select_option("sessori")
    page.get_by_role("tab", name="Inbox").click()
    item = page.locator("#inbox-list li", has_text=question)
    entry = item.get_by_role("combobox", name=re.compile("FAQ entry for"))
    likely = item.locator("optgroup[label='Likely'] option")
    expect(likely).to_have_count(3)
    expect(likely.first).to_have_text("How do I register for a wholesale account?")
    screenshot(page, "agent-inbox.png")
    entry.select_option(likely.first.get_attribute("value"))
    item.get_by_role("button", name="Attach as phrasing").click()
    expect(item.get_by_role("status")).to_have_text("Attached.")

    answered = page.request.post(f"{live_server}/v1/chat", data={"store": "sessori", "message": question}).json()
    assert answered["kind"] == "answer"
    assert [source["title"] for source in answered["sources"]][:1] == ["How do I register for a wholesale account?"]
    page.get_by_role("tab", name="Suggest").click()
    page.get_by_role("tab", name="Inbox").click()  # taught: it has left the inbox
    expect(page.locator("#inbox-list li", has_text=question)).to_have_count(0)


def test_an_agent_sends_one_draft_as_edited_and_discards_another(page, live_server, email_drafts, mail_relay):
    sign_in(page, live_server)
    page.get_by_label("Store").select_option("dissoo")
    page.get_by_role("tab", name="Email drafts").click()
    complaint = page.locator("#drafts-list li", has_text="This is unacceptable")
    draft = complaint.get_by_role("textbox", name="Draft reply to kim@example.com")
    expect(draft).to_have_value(re.compile("Kim"))  # the bot's draft, greeting the customer by name
    expect(page.locator("#drafts-list li")).to_have_count(2)
    screenshot(page, "agent-drafts.png")
    draft.fill("Hello Kim,\n\nI'm so sorry about your necklace. A replacement goes out today.\n\nWarm regards,\nDissoo")
    complaint.get_by_role("button", name="Send").click()
    expect(complaint.get_by_role("status")).to_have_text("Sent to kim@example.com.")
    expect(draft).to_be_disabled()

    mail_from, recipients, raw = mail_relay.received.get(timeout=30)
    sent = email.message_from_bytes(raw, policy=policy.default)
    assert (mail_from, recipients) == ("support@dissoojewelry.com", ["kim@example.com"])
    assert sent["Subject"] == "Re: This is unacceptable" and sent["In-Reply-To"] == "<complaint-1@example.com>"
    assert "A replacement goes out today." in sent.get_body(("plain",)).get_content()

    damaged = page.locator("#drafts-list li", has_text="from wen@example.com")
    damaged.get_by_role("button", name="Discard").click()
    expect(damaged.get_by_role("status")).to_have_text("Discarded.")
    assert mail_relay.received.empty()  # a discarded draft sends nothing

    page.reload()
    page.get_by_label("Store").select_option("dissoo")
    page.get_by_role("tab", name="Email drafts").click()
    expect(page.locator("#drafts-list li")).to_have_text(["No drafts waiting."])


QUESTIONS = [
    "how long does shipping take?", "do you accept returns on engraved items?", "where is my order?", "hi",
    "can I pay with bitcoin?", "how do I find my ambassador", "how long do I have to return skincare?", "do you ship to canada?",
    "what is your return policy?", "can I cancel my order?", "is the jewelry hypoallergenic?", "thanks!",
]
# How many days back each question was asked, this many times: 4 in the last 7 days, 9 in 14, 15 in 30, 19 in 90.
HISTORY = {0: 2, 2: 1, 4: 1, 9: 3, 12: 2, 16: 2, 21: 3, 27: 1, 44: 2, 61: 1, 85: 1, 120: 1}


@pytest.fixture(scope="module")
def stelladot_history(live_server: str, web_database: str) -> None:
    """Real exchanges, asked through /v1/chat now, then moved back to the days HISTORY gives, as if
    shoppers had asked them then (no other test here asks Stella & Dot)."""
    import httpx
    from sqlalchemy import select

    from bot.db import Exchange, session_factory

    moments = [datetime.now(UTC) - timedelta(days=days) for days, times in HISTORY.items() for _ in range(times)]
    for n in range(len(moments)):
        httpx.post(f"{live_server}/v1/chat", json={"store": "stelladot", "message": QUESTIONS[n % len(QUESTIONS)]}, timeout=30).raise_for_status()
    with session_factory(web_database)() as db:
        exchanges = db.scalars(select(Exchange).where(Exchange.store == "stelladot").order_by(Exchange.id)).all()
        assert len(exchanges) == len(moments)
        for exchange, moment in zip(exchanges, moments, strict=True):
            exchange.created_at = moment
        db.commit()


@pytest.mark.parametrize(("days", "in_all"), [pytest.param(7, 4, id="7"), pytest.param(30, 15, id="30"), pytest.param(90, 19, id="90"), pytest.param(14, 9, id="14")])
def test_the_analytics_range_redraws_the_chart_over_that_many_days(page, live_server, stelladot_history, days, in_all):
    sign_in(page, live_server)
    page.get_by_label("Store").select_option("stelladot")
    page.get_by_role("tab", name="Analytics").click()
    chart = page.locator("#chart")
    expect(chart).to_have_attribute("aria-label", re.compile("last 14 days: 9 in all"))  # the range it opens on
    page.get_by_label("Range").select_option(str(days))
    expect(chart).to_have_attribute("aria-label", f"Questions per day by outcome, last {days} days: {in_all} in all")
    today = datetime.now(UTC).date()
    expect(chart.locator("svg text").nth(2)).to_have_text((today - timedelta(days=days)).strftime("%m-%d"))  # the axis starts that many days back
    # A bar for each day that had questions, and none for a day before the range.
    drawn_days = {title.split(":")[0] for title in chart.locator("rect title").all_text_contents()}
    assert drawn_days == {(today - timedelta(days=back)).isoformat() for back in HISTORY if back < days}
    if days == 30:
        screenshot(page, "agent-analytics.png")
