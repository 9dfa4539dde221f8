"""Reading mail: only what the customer newly wrote is kept, and no message makes the reader crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.email.parse import new_text, read_message


@pytest.mark.parametrize(
    ("body", "name", "kept"),
    [
        pytest.param("Do you ship to Canada?\n\nOn Mon, 3 Mar 2026, Jo <jo@x.com> wrote:\n> old text\n", "", "Do you ship to Canada?", id="on-wrote"),
        pytest.param("Do you ship to Canada?\n> quoted\n", "", "Do you ship to Canada?", id="quote-lines-without-header"),
        pytest.param("Hi team,\nDo you ship to Canada?\n\nThanks,\nJo\n", "", "Do you ship to Canada?", id="greeting-and-sign-off"),
        pytest.param("Do you ship to Canada?\n\nSent from my iPhone", "", "Do you ship to Canada?", id="sent-from-my-iphone"),
        pytest.param("Do you ship to Canada?\n-----Original Message-----\nFrom: x\nSent: y\nold", "", "Do you ship to Canada?", id="original-message"),
        pytest.param("Do you ship to Canada?\n\n________________________________\nFrom: Shop <s@x.com>\nSent: Monday\nTo: Jo\n\nold", "", "Do you ship to Canada?", id="outlook-from-sent-block"),
        pytest.param("Do you ship to Canada?\n\nLe lun. 3 mars 2026 à 10:00, Jo <jo@x.com> a écrit :\n> vieux", "", "Do you ship to Canada?", id="french-a-ecrit"),
        pytest.param("Which cards?\n\n-- \nHal Smith | Buyer\nCONFIDENTIALITY NOTICE: This email is confidential.", "", "Which cards?", id="signature-and-disclaimer"),
        pytest.param("- Do you ship to Canada?\n- Do you take amex?", "", "- Do you ship to Canada?\n- Do you take amex?", id="hyphen-list-is-not-a-signature"),
        pytest.param("Do you ship to Canada? And can I pay with\namex? My friend said you\ndo.", "", "Do you ship to Canada? And can I pay with amex? My friend said you do.", id="hard-wrapped-lines-joined"),
        pytest.param("Do you ship to Canada?\nCan I pay with amex?", "", "Do you ship to Canada?\nCan I pay with amex?", id="one-question-a-line-kept"),
        pytest.param("Questions\n1. Do you ship to Canada?\n2. Do you engrave", "", "Questions\n1. Do you ship to Canada?\n2. Do you engrave", id="numbered-list-kept"),
        pytest.param("Do you ship to Canada?\nWen Li", "Wen Li", "Do you ship to Canada?", id="last-line-is-the-senders-name"),
        pytest.param("Do you ship to Canada?\nWednesday works", "Wen Li", "Do you ship to Canada?\nWednesday works", id="other-last-line-kept"),
        pytest.param("Hallo,\nDo you ship to Germany?", "", "Do you ship to Germany?", id="a-german-greeting"),
        pytest.param("Can you help with this?\n\n---------- Forwarded message ---------\nDo you ship to Canada?", "", "Can you help with this?\n\nDo you ship to Canada?", id="a-forward-marker-is-no-question"),
    ],
)
def test_only_what_the_customer_newly_wrote(body, name, kept):
    assert new_text(body, name) == kept


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_without_crashing(raw):
    mail = read_message(raw)
    assert mail.size == len(raw) and len(mail.content_hash) == 64


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["utf-8", "latin-1", "x-unknown", "utf-16", ""]))
def test_any_body_in_any_declared_charset_is_read(body, charset):
    declared = f'; charset="{charset}"' if charset else ""
    raw = f"From: a@example.com\nContent-Type: text/plain{declared}\nContent-Transfer-Encoding: 8bit\n\n".encode() + body.encode("utf-8", "surrogatepass")
    assert isinstance(read_message(raw).text, str)


def test_a_reply_carries_the_thread_even_when_the_parent_had_only_in_reply_to():
    raw = b"From: a@example.com\nTo: s@example.com\nMessage-ID: <2@x>\nIn-Reply-To: <1@x>\nSubject: re\n\nDo you ship to Canada?\n"
    assert read_message(raw).references == "<1@x>"
