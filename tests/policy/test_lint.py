"""`faqbot lint` finds what a support lead would: the same policy with two numbers,
facts the page does not support, numbers of days no fact covers, duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.app import app
from bot.policy.lint import lint_store

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

PAGE = """Returns
How long do I have to return?
You can return unworn items within 30 days of delivery.
When is my return processed?
Returns will be processed within 5-7 days upon receiving your package.
Refunds
Returns will be processed within 5 days upon receiving your package.
Gift wrapping takes 2 days.
"""
WINDOW = """
[[returns.windows]]
days = 30
counted_from = "delivery"
refunds = ["cash"]
source = "You can return unworn items within 30 days of delivery."
"""
CONFLICT = """
[[conflicts]]
topic = "return processing time"
readings = ["processed within 5-7 days", "processed within 5 days"]
chosen = "processed within 5-7 days"
why = "the longer range never promises too early"
"""


def findings_of(store_folder, policy: str) -> list[tuple[str, str]]:
    knowledge = store_folder(PAGE)
    (knowledge / "acme" / "policy.toml").write_text(policy, encoding="utf-8")
    return [(f.severity, f.check) for f in lint_store(knowledge, "acme")]


@pytest.mark.parametrize(
    ("policy", "expected", "absent"),
    [
        pytest.param(WINDOW, ("error", "contradiction"), None, id="unrecorded-contradiction-is-an-error"),
        pytest.param(WINDOW + CONFLICT, ("info", "contradiction"), ("error", "contradiction"), id="recorded-contradiction-is-info"),
        pytest.param(WINDOW.replace("within 30 days", "within 60 days"), ("error", "unsupported"), None, id="words-not-on-the-page"),
        pytest.param(WINDOW + CONFLICT, ("warning", "uncovered"), None, id="gift-wrapping-days-uncovered"),
        pytest.param(WINDOW + WINDOW + CONFLICT, ("error", "duplicate"), None, id="duplicate-fact"),
        pytest.param("[returns\n", ("error", "unparseable"), None, id="broken-toml"),
        pytest.param(WINDOW + CONFLICT, None, ("error", "unsupported"), id="supported-fact-is-clean"),
    ],
)
def test_findings(store_folder, policy, expected, absent):
    found = findings_of(store_folder, policy)
    if expected:
        assert expected in found, found
    if absent:
        assert absent not in found, found


@pytest.mark.parametrize(("extra", "warned"), [("", True), ('support_email = "help@acme.example"\n', False)])
def test_a_store_with_no_address_to_reply_from_is_told_its_mail_waits_as_drafts(store_folder, extra, warned):
    """Mail goes out only from the address the owner wrote in store.toml, never from one read off the page:
    without it every mail is a draft, which the owner learns from lint, not from a silent inbox."""
    knowledge = store_folder(PAGE + "Questions? Write to help@acme.example.\n", extra=extra)
    assert (("warning", "no-sender") in [(f.severity, f.check) for f in lint_store(knowledge, "acme")]) == warned


def test_the_draft_command_lint_suggests_runs_as_written(store_folder):
    """The hint names the knowledge folder linted, and the draft says where to save it: a store in
    another folder than ./knowledge gets commands that work as printed."""
    knowledge = store_folder(PAGE)
    hint = next(f.message for f in lint_store(knowledge, "acme") if f.check == "unsupported")
    command = hint.split("`")[1].split()
    assert command[:3] == ["faqbot", "policy", "draft"] and command[command.index("--knowledge") + 1] == str(knowledge)


def test_exit_code_is_non_zero_only_on_errors(store_folder):
    runner = CliRunner()
    knowledge = store_folder(PAGE)
    policy = knowledge / "acme" / "policy.toml"
    policy.write_text(WINDOW, encoding="utf-8")
    failing = runner.invoke(app, ["lint", "--knowledge", str(knowledge)])
    assert failing.exit_code == 1 and "contradiction" in failing.output and "[[conflicts]]" in failing.output
    policy.write_text(WINDOW + CONFLICT, encoding="utf-8")
    passing = runner.invoke(app, ["lint", "--knowledge", str(knowledge)])
    assert passing.exit_code == 0 and "0 error(s)" in passing.output


def test_the_three_stores_lint_clean():
    result = CliRunner().invoke(app, ["lint", "--knowledge", str(KNOWLEDGE)])
    assert result.exit_code == 0, result.output


def test_two_carriers_with_their_own_times_are_no_contradiction(store_folder):
    from bot.policy.lint import lint_store

    page = "Shipping\nHow long does shipping take?\n- Media Mail: 5-10 business days\n- Priority Mail: 2-3 business days\n"
    findings = lint_store(store_folder(page), "acme")
    assert not [f for f in findings if f.check == "contradiction"]
    page = "Returns\nYou can return items within 30 days.\nReturns\nYou can return items within 45 days.\n"
    assert [f.severity for f in lint_store(store_folder(page, store="other"), "other") if f.check == "contradiction"] == ["error"]


@pytest.mark.parametrize(
    ("demo", "expected"),
    [
        pytest.param(None, [], id="no-demo-file-is-fine"),
        pytest.param('trade = "Coffee"\naccent = "#5b2a6e"\n', [], id="a-valid-demo-file"),
        pytest.param('accent = "#f2b705"\n', [("error", "demo", "contrast of 1.82:1")], id="white-text-unreadable-on-the-accent"),
        pytest.param('accent = "purple"\n', [("error", "demo", "#rrggbb")], id="colour-not-hex"),
        pytest.param('[[products]]\nname = "Mug"\npicture = "mug"\n', [("error", "demo", "products.0.picture")], id="a-picture-the-page-cannot-draw"),
        pytest.param("trade = \n", [("error", "demo", "not valid TOML")], id="broken-toml"),
    ],
)
def test_the_demo_shop_file_is_checked(store_folder, demo, expected):
    """demo.toml is read only when /demo/<store> is opened: lint says what would break it before a visitor does."""
    knowledge = store_folder(PAGE)
    if demo is not None:
        (knowledge / "acme" / "demo.toml").write_text(demo, encoding="utf-8")
    found = [f for f in lint_store(knowledge, "acme") if f.check == "demo"]
    assert [(f.severity, f.check) for f in found] == [(severity, check) for severity, check, _ in expected]
    for finding, (*_, words) in zip(found, expected, strict=True):
        assert words in finding.message and finding.where == "demo.toml"


def test_a_demo_file_that_is_not_text_is_a_finding_not_a_crash(store_folder):
    knowledge = store_folder(PAGE)
    (knowledge / "acme" / "demo.toml").write_bytes(b'trade = "Caf\xe9"\n')  # Latin-1, not UTF-8
    assert [(f.severity, f.check, f.message) for f in lint_store(knowledge, "acme") if f.check == "demo"] == [("error", "demo", "not UTF-8 text")]
