"""`faqbot email reply` handing each mail to a running `faqbot serve` (the warm path): real
processes, as an operator runs them, on one SQLite database. The exit codes and records are the
in-process command's: 0 and the reply on stdout, 3 and why not on stderr, 1 for an error."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.db import InboundMail, session_factory
from tests.conftest import KNOWLEDGE, ROOT, free_port

CORPUS = Path(__file__).parent / "corpus"
KEY = "mail-key-for-tests"


def faqbot(*arguments: str) -> list[str]:
    """`faqbot` from this checkout (cwd=ROOT puts its `bot` first on the path)."""
    return [sys.executable, "-m", "bot.cli.app", *arguments]


@pytest.fixture
def warm(built_index: Path, tmp_path: Path):
    """`faqbot serve` on a free port, once /healthz answers; its environment, for `email reply` too."""
    env = {
        **os.environ,
        "FAQBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'faqbot.db'}",
        "FAQBOT_KNOWLEDGE_DIR": str(KNOWLEDGE),
        "FAQBOT_INDEX_DIR": str(built_index),
        "FAQBOT_API_KEY_DISSOO": KEY,
        "FAQBOT_LOG_LEVEL": "warning",
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.err").open("wb") as err:
        process = subprocess.Popen(faqbot("serve", "--port", str(port)), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"faqbot serve did not start: {(tmp_path / 'serve.err').read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url, {**env, "FAQBOT_SERVER_URL": url}, session_factory(env["FAQBOT_DATABASE_URL"])
    finally:
        process.terminate()
        process.wait(30)


def email_reply(env: dict[str, str], mail: str | bytes, *arguments: str) -> subprocess.CompletedProcess:
    raw = mail if isinstance(mail, bytes) else (CORPUS / mail).read_bytes()
    return subprocess.run(faqbot("email", "reply", "--store", "dissoo", "--today", "2026-11-25", *arguments), cwd=ROOT, env=env, input=raw, capture_output=True, timeout=180)


def decisions(sessions, sender: str) -> list[str]:
    with sessions() as db:
        return [r.decision for r in db.scalars(select(InboundMail).where(InboundMail.sender == sender).order_by(InboundMail.id))]


def test_email_reply_answers_through_a_running_server_with_the_same_exit_codes_and_records(warm):
    url, env, sessions = warm
    answered = email_reply(env, "plain.eml")
    assert answered.returncode == 0, answered.stderr.decode()
    assert b"Subject: Re: cards?" in answered.stdout and b"Auto-Submitted: auto-replied" in answered.stdout and b"Visa" in answered.stdout
    assert b"answering here" not in answered.stderr  # the server answered, not this process
    assert decisions(sessions, "ann@example.com") == ["replied"]  # handed on through stdout, reported to the server
    again = email_reply(env, "plain.eml")
    assert again.returncode == 3 and again.stdout == b"" and b"duplicate" in again.stderr
    refused = email_reply(env, "complaint.eml")
    assert refused.returncode == 3 and refused.stdout == b"" and b"chargeback" in refused.stderr
    assert decisions(sessions, "kim@example.com") == ["draft"]
    ignored = email_reply(env, "out_of_office.eml")
    assert ignored.returncode == 3 and b"ignored: Auto-Submitted" in ignored.stderr


def test_the_server_wants_the_stores_key(warm):
    url, env, sessions = warm
    wrong = email_reply({**env, "FAQBOT_API_KEY_DISSOO": "not-the-key"}, "iphone.eml")
    assert wrong.returncode == 1 and b"401" in wrong.stderr and wrong.stdout == b""
    assert decisions(sessions, "rosa.b@icloud.com") == []  # refused before the body was read: nothing recorded
    raw = (CORPUS / "iphone.eml").read_bytes()
    assert httpx.post(f"{url}/v1/stores/dissoo/mail", content=raw, headers={"Content-Type": "message/rfc822"}).status_code == 401
    assert httpx.post(f"{url}/v1/stores/dissoo/mail/1/sent", headers={"Authorization": "Bearer nope"}).status_code == 401
    unknown = email_reply(env, "iphone.eml", "--store", "nope")
    assert unknown.returncode == 1 and b"nope" in unknown.stderr


def test_without_a_server_listening_the_mail_is_answered_in_the_commands_own_process(warm, tmp_path):
    url, env, sessions = warm
    closed = f"http://127.0.0.1:{free_port()}"
    answered = email_reply(env, "iphone.eml", "--server", closed)
    assert answered.returncode == 0, answered.stderr.decode()
    assert b"answering here" in answered.stderr and b"PayPal" in answered.stdout
    assert decisions(sessions, "rosa.b@icloud.com") == ["replied"]
