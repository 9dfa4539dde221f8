"""`faqbot` in-process through typer's CliRunner, on a new store folder and a temp database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli.app import app
from bot.settings import get_settings

PAGE = "Returns\nHow do I return an item?\nEmail us within 30 days of delivery.\nShipping\nWe ship to the US and Canada.\n"


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("FAQBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'faqbot.db'}")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_build_then_ask_json_on_a_store_with_only_a_raw_page(runner, store_folder, tmp_path):
    knowledge = store_folder(PAGE, extra='support_email = "help@acme.test"\n')
    index = tmp_path / "index"
    built = runner.invoke(app, ["build", "--knowledge", str(knowledge), "--index", str(index)])
    assert built.exit_code == 0, built.output
    assert "acme: built 2 chunks" in built.output
    assert "acme: up to date" in runner.invoke(app, ["build", "--knowledge", str(knowledge), "--index", str(index)]).output
    asked = runner.invoke(app, ["ask", "--store", "acme", "--json", "--knowledge", str(knowledge), "--index", str(index), "how can I return a ring?"])
    assert asked.exit_code == 0, asked.output
    body = json.loads(asked.stdout)
    assert body["kind"] == "answer" and "30 days" in body["reply"]
    again = runner.invoke(app, ["ask", "--store", "acme", "--json", "--session", body["session_id"], "--knowledge", str(knowledge), "--index", str(index), "thanks!"])
    assert json.loads(again.stdout)["session_id"] == body["session_id"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["ask", "--store", "nope", "hi"], "no store named 'nope'", id="unknown-store"),
        pytest.param(["ask", "--store", "acme", "--today", "25/11/2026", "hi"], "is not a date in the form YYYY-MM-DD", id="bad-date"),
        pytest.param(["ask", "--store", "acme", "   "], "the message is empty", id="empty-message"),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message(runner, store_folder, tmp_path, arguments, message):
    knowledge = store_folder(PAGE)
    result = runner.invoke(app, [*arguments, "--knowledge", str(knowledge), "--index", str(tmp_path / "index")])
    assert result.exit_code != 0
    assert message in result.output


def test_db_upgrade(runner):
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "revision 0007" in result.output


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        pytest.param("FAQBOT_STORE_IDLE_SECONDS", "-1", "error: FAQBOT_STORE_IDLE_SECONDS='-1': Input should be greater than or equal to 0", id="negative-idle-seconds"),
        pytest.param("FAQBOT_MAX_LOADED_STORES", "-5", "error: FAQBOT_MAX_LOADED_STORES='-5': Input should be greater than or equal to 0", id="negative-cap"),
        pytest.param("FAQBOT_MAX_LOADED_STORES", "many", "error: FAQBOT_MAX_LOADED_STORES='many': Input should be a valid integer", id="not-a-number"),
        pytest.param("FAQBOT_MATCH_ANSWER_MIN_CONFIDENCE", "high", "error: FAQBOT_MATCH_ANSWER_MIN_CONFIDENCE='high': Input should be a valid number", id="a-match-setting-named-with-its-prefix"),
    ],
)
def test_a_bad_setting_is_named_in_one_line_not_a_traceback(runner, monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
