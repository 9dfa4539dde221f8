"""Writing the reply: one "Re:", each question in order, links to pages the store lists."""

from __future__ import annotations

import pytest

from bot.email.compose import AnsweredPart, compose, reply_subject
from bot.email.parse import read_message
from bot.ingest import StoreConfig


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        pytest.param("cards?", "Re: cards?", id="plain"),
        pytest.param("Re: cards?", "Re: cards?", id="no-re-re"),
        pytest.param("RE: cards?", "RE: cards?", id="outlook-upper-case"),
        pytest.param("AW: Versand", "AW: Versand", id="german-outlook"),
        pytest.param("", "Re: your message", id="no-subject"),
        pytest.param("multi\n line", "Re: multi line", id="folded"),
    ],
)
def test_reply_subject(subject, expected):
    assert reply_subject(subject) == expected


def test_each_part_links_the_page_it_came_from_and_html_is_escaped():
    config = StoreConfig(name="Acme", support_email="help@acme.example", page_urls={"faq.txt": "https://acme.example/faq"})
    mail = read_message(b"From: Jo <jo@example.com>\nSubject: q\nMessage-ID: <q@x>\n\nDo you ship? <b>really</b>\n")
    parts = [
        AnsweredPart("Do you ship? <b>really</b>", "Yes, worldwide.", "answer", 0.9, None, ("faq.txt",)),
        AnsweredPart("Do you engrave?", "Yes.", "answer", 0.9, None, ("other.txt",)),
    ]
    reply = compose(mail, parts, config)
    text = reply.get_body(("plain",)).get_content()
    html = reply.get_body(("html",)).get_content()
    assert text.index("1.") < text.index("Yes, worldwide.") < text.index("https://acme.example/faq") < text.index("2.")
    assert text.count("https://acme.example/faq") == 1
    assert "just reply to this email" in text and "help@acme.example" not in text  # the mail came to it: no "write to help@…"
    assert '<a href="https://acme.example/faq">' in html and "&lt;b&gt;really&lt;/b&gt;" in html and "<b>really</b>" not in html
    assert reply["From"] == "Acme <help@acme.example>" and reply["To"] == "jo@example.com"
