"""`faqbot serve --workers 2` as an operator starts it: one port, two worker processes that each
answer, one conversation carried across them (its state is in the database, not in a worker)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import KNOWLEDGE, free_port

FAQBOT = Path(sys.executable).with_name("faqbot")


def serving(arguments: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """`faqbot serve --workers 2` on a free port, once /healthz answers."""
    port = free_port()
    process = subprocess.Popen([str(FAQBOT), "serve", "--workers", "2", "--port", str(port), *arguments], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"faqbot serve exited: {process.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return process, url


@pytest.fixture
def two_workers(built_index: Path, tmp_path: Path):
    env = {**os.environ, "FAQBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'faqbot.db'}", "FAQBOT_LOG_LEVEL": "warning"}
    process, url = serving(["--knowledge", str(KNOWLEDGE), "--index", str(built_index)], env)
    yield url
    process.terminate()
    process.wait(30)


def test_two_workers_answer_on_one_port_and_share_a_conversation(two_workers):
    workers = set()
    for _ in range(200):  # a new connection each time: the kernel spreads them over the workers
        workers.add(httpx.get(f"{two_workers}/healthz", headers={"Connection": "close"}).json()["worker"])
        if len(workers) == 2:
            break
    assert len(workers) == 2
    first = httpx.post(f"{two_workers}/v1/chat", json={"store": "dissoo", "message": "can I still return my ring?", "today": "2026-11-25"}).json()
    assert first["kind"] == "policy" and "?" in first["reply"]  # it asks when the ring arrived
    answers = [
        httpx.post(f"{two_workers}/v1/chat", json={"store": "dissoo", "message": "it arrived on November 20", "session_id": first["session_id"], "today": "2026-11-25"}, headers={"Connection": "close"}).json()
        for _ in range(4)
    ]
    assert all(a["session_id"] == first["session_id"] for a in answers)
    assert "2026" in answers[0]["reply"]  # the waiting question was finished, by whichever worker took it


PAGE = "Returns\nHow do I return an item?\nEmail us within 30 days of delivery.\nShipping\nWe ship to the US and Canada.\n"


def test_a_build_published_while_serving_is_answered_by_every_worker_without_a_restart(store_folder, tmp_path):
    knowledge, index = store_folder(PAGE, extra='support_email = "help@acme.test"\n'), tmp_path / "index"
    folders = ["--knowledge", str(knowledge), "--index", str(index)]
    env = {**os.environ, "FAQBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'faqbot.db'}", "FAQBOT_LOG_LEVEL": "warning"}
    process, url = serving(folders, env)
    try:
        def replies() -> list[str]:
            """40 questions, each on a new connection: the kernel spreads them over both workers."""
            return [
                httpx.post(f"{url}/v1/chat", json={"store": "acme", "message": "Which cards do you take?"}, headers={"Connection": "close"}).json()["reply"]
                for _ in range(40)
            ]

        assert not any("Visa" in reply for reply in replies())
        (knowledge / "acme" / "faq.txt").write_text(PAGE + "Payment\nWhich cards do you take?\nWe accept Visa and Mastercard.\n")
        built = subprocess.run([str(FAQBOT), "build", *folders], env=env, capture_output=True, text=True, timeout=300)
        assert built.returncode == 0, built.stderr
        assert all("Visa" in reply for reply in replies())
        workers = {httpx.get(f"{url}/healthz", headers={"Connection": "close"}).json()["worker"] for _ in range(40)}
        assert len(workers) == 2  # both were serving (and so both answered some of the 40)
    finally:
        process.terminate()
        process.wait(30)
