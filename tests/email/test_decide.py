"""Deciding: RFC 3834's never-reply rules, escalations, and what counts as answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.email.decide import EmailRules, escalation_reason, machine_mail_reason, suppressed_reason, unanswered_reason
from bot.email.parse import read_message

OWN = {"support@dissoojewelry.com"}
RULES = EmailRules(min_confidence=0.85, reply_window=timedelta(hours=24), max_text_chars=4000, max_questions=3)


def mail(headers: str, sender: str = "Ann <ann@example.com>"):
    return read_message(f"From: {sender}\n{headers}Subject: hi\n\nDo you ship to Canada?\n".encode())


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        pytest.param("", "Ann <ann@example.com>", None, id="a-person"),
        pytest.param("Auto-Submitted: no\n", "Ann <ann@example.com>", None, id="auto-submitted-no"),
        pytest.param("Auto-Submitted: No (sent by hand)\n", "Ann <ann@example.com>", None, id="auto-submitted-no-with-comment"),
        pytest.param("Auto-Submitted: auto-generated\n", "Ann <ann@example.com>", "Auto-Submitted: auto-generated", id="auto-generated"),
        pytest.param("Auto-Submitted: auto-notified\n", "Ann <ann@example.com>", "Auto-Submitted: auto-notified", id="auto-notified"),
        pytest.param("Precedence: bulk\n", "Ann <ann@example.com>", "Precedence: bulk", id="precedence-bulk"),
        pytest.param("Precedence: junk\n", "Ann <ann@example.com>", "Precedence: junk", id="precedence-junk"),
        pytest.param("List-Unsubscribe: <mailto:u@x.com>\n", "Ann <ann@example.com>", "mailing list", id="list-unsubscribe"),
        pytest.param("List-Id: <news.x.com>\n", "Ann <ann@example.com>", "mailing list", id="list-id"),
        pytest.param("Return-Path: <>\n", "Ann <ann@example.com>", "null return path", id="null-return-path"),
        pytest.param("", "MAILER-DAEMON@mx.example.com", "automated sender", id="mailer-daemon"),
        pytest.param("", "postmaster@example.com", "automated sender", id="postmaster"),
        pytest.param("", "Shop <noreply@shop.example>", "automated sender", id="noreply"),
        pytest.param("", "Shop <do-not-reply@shop.example>", "automated sender", id="do-not-reply"),
        pytest.param("", "news-request@lists.example", "automated sender", id="list-request-address"),
        pytest.param("X-Autoreply: yes\n", "Ann <ann@example.com>", "X-Autoreply", id="x-autoreply"),
        pytest.param("Precedence: auto_reply\n", "Ann <ann@example.com>", "Precedence: auto_reply", id="precedence-auto-reply"),
        pytest.param("Return-Path: <bounces+123@mailer.example>\n", "Ann <ann@example.com>", "automated sender", id="bounce-handling-return-path"),
        pytest.param("", "Dissoo <Support@DissooJewelry.com>", "our own address", id="own-address-any-case"),
        pytest.param("Reply-To: support@dissoojewelry.com\n", "Ann <ann@example.com>", "our own address", id="reply-to-ourselves"),
        pytest.param("Content-Type: multipart/report; report-type=delivery-status; boundary=x\n", "Ann <ann@example.com>", "delivery report", id="delivery-report"),
    ],
)
def test_machine_mail_gets_no_reply(headers, sender, reason):
    found = machine_mail_reason(mail(headers, sender), OWN)
    assert (found is None) if reason is None else (reason in found)


def test_x_auto_response_suppress_holds_the_reply_but_keeps_a_draft():
    suppressed = mail("X-Auto-Response-Suppress: OOF, AutoReply\n")
    assert machine_mail_reason(suppressed, OWN) is None and suppressed_reason(suppressed) == "X-Auto-Response-Suppress: OOF, AutoReply"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("Do you ship to Canada?", None, id="a-question"),
        pytest.param("Can I cancel my order?", None, id="asking-about-cancelling-is-a-question"),
        pytest.param("Please cancel my order.", "asks us to change an order", id="please-cancel"),
        pytest.param("I'd like to change the address on my order", "asks us to change an order", id="change-address"),
        pytest.param("The clasp arrived broken.", "damaged or wrong item", id="broken"),
        pytest.param("You sent the wrong size.", "damaged or wrong item", id="wrong-size"),
        pytest.param("I will dispute the charge with my bank", "chargeback", id="dispute-the-charge"),
        pytest.param("My lawyer will hear about this", "legal threat", id="lawyer"),
        pytest.param("This is ridiculous!!!", "complaint", id="angry-tone"),
    ],
)
def test_escalations_go_to_a_person(text, reason):
    assert escalation_reason(text, "") == reason


@pytest.mark.parametrize(
    ("kind", "confidence", "sent"),
    [
        pytest.param("answer", 0.9, True, id="confident-faq-answer"),
        pytest.param("answer", 0.84, False, id="faq-answer-below-threshold"),
        pytest.param("policy", 1.0, True, id="computed-policy"),
        pytest.param("clarify", 0.9, False, id="did-you-mean"),
        pytest.param("handoff", 0.1, False, id="handoff"),
        pytest.param("smalltalk", 1.0, False, id="small-talk-alone"),
    ],
)
def test_what_counts_as_answered(kind, confidence, sent):
    assert (unanswered_reason(kind, confidence, RULES) is None) == sent


def test_the_gate_by_default_is_the_engines_confidence():
    """FAQBOT_EMAIL_MIN_CONFIDENCE is the bar the gate's probability must reach; with the shipped
    weights (confidence alone) that probability is the engine's confidence, as before the gate."""
    from bot.email.decide import EmailGate, email_rules, gate_inputs
    from bot.settings import Settings

    gate = email_rules(Settings()).gate
    assert gate == EmailGate.confidence_only()
    for confidence in (0.3, 0.84, 0.85, 0.97):
        inputs = gate_inputs("answer", confidence, False, False, 1, 12, "Do you ship to Canada?")
        assert gate.probability(inputs) == pytest.approx(confidence, abs=1e-6)
        assert (unanswered_reason("answer", confidence, RULES, inputs) is None) == (confidence >= 0.85)
    computed = gate_inputs("policy", 1.0, False, False, 1, 12, "How long do I have to return an item?")
    assert unanswered_reason("policy", 1.0, EmailRules(1.0, timedelta(hours=24), 4000, 3), computed) is None


def test_a_fitted_gate_weighs_more_than_the_confidence():
    from bot.email.decide import EmailGate, gate_inputs

    rules = EmailRules(0.85, timedelta(hours=24), 4000, 3, EmailGate({"confidence": 1.0, "raw_page": -3.0}, 0.0))
    curated = gate_inputs("answer", 0.95, False, False, 1, 12, "Do you ship to Canada?")
    pasted = gate_inputs("answer", 0.95, False, True, 1, 12, "Do you ship to Canada?")
    assert unanswered_reason("answer", 0.95, rules, curated) is None
    assert "right with probability 0.49 < 0.85" in unanswered_reason("answer", 0.95, rules, pasted)
    with pytest.raises(ValueError, match="unknown inputs"):
        EmailGate({"confidense": 1.0})
