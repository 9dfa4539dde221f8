"""`faqbot serve` SIGKILLed while shoppers chat: every turn a client had a 200 for is in the
database, once, and the server restarted on that database finds it sound and answers. The turn is
recorded (bot/conversations.py commits the exchange) before /v1/chat returns its answer, so an
answer the client holds cannot be missing: killed just before that commit, the client has no
answer and the database no record; killed just after it, the record is there though the answer
never left. Killed at a seeded moment while several sessions chat at once, whatever was answered
is recorded and nothing is recorded twice."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port
from tests.crash.conftest import DEADLINE, STORE, Process, base_env, copy_index, faqbot, faqbot_stopped_before

QUESTIONS = ("Which cards do you take?", "How do I return an item?", "Which countries do you ship to?", "hello there", "do you ship to Canada?")


class Server:
    """`faqbot serve` as an operator starts it, on a SQLite file, with the store built."""

    def __init__(self, knowledge: Path, index: Path, folder: Path) -> None:
        self.database = folder / "faqbot.db"
        self.env = base_env(knowledge, index, self.database)
        self.folder, self.port, self.starts = folder, free_port(), 0
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self, stopped_before: tuple[str, str] | None = None) -> Process:
        """Once /healthz answers (a server stopped at a chat call still answers it: nothing has chatted yet)."""
        self.starts += 1
        arguments = ("serve", "--port", str(self.port))
        command = faqbot_stopped_before(*stopped_before, *arguments) if stopped_before else faqbot(*arguments)
        process = Process(command, self.env, self.folder / f"start-{self.starts}")
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            if process.popen.poll() is not None:
                pytest.fail(f"faqbot serve exited:\n{process.output()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return process
            except httpx.HTTPError:
                time.sleep(0.05)
        pytest.fail(f"faqbot serve not answering within {DEADLINE}s:\n{process.output()}")

    def chat(self, session_id: str, message: str, timeout: float = DEADLINE) -> dict:
        """One turn; raises unless the server answered 200."""
        response = httpx.post(f"{self.url}/v1/chat", json={"store": STORE, "message": message, "session_id": session_id}, timeout=timeout)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["session_id"] == session_id and body["reply"]
        return body

    def exchanges(self) -> list[tuple[str, str]]:
        """Every recorded turn as (session id, message), read from the file as it is on disk; the
        database must be sound first."""
        with sqlite3.connect(self.database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            return connection.execute("SELECT session_id, message FROM exchanges ORDER BY id").fetchall()


def restarted_answers(server: Server, session_ids: list[str]) -> None:
    """The killed server's database, served again: each old session and a new one get an answer,
    recorded once more."""
    before = server.exchanges()
    server.start()
    again = [(session_id, f"Which cards do you take? (after the restart, {session_id})") for session_id in [*session_ids, "crash-new"]]
    for session_id, message in again:
        server.chat(session_id, message)
    assert server.exchanges() == before + again


@pytest.fixture
def server(crash_knowledge, seed_index, tmp_path) -> Server:
    return Server(crash_knowledge, copy_index(seed_index, tmp_path / "index"), tmp_path)


# (where the server stops itself in the turn it is answering, whether that turn is recorded then)
POINTS = [
    # bot/conversations.chat masks the message for the record: the exchange is not yet added nor committed
    pytest.param(("call:redacted", "the killed turn"), False, id="before-the-exchange-is-committed"),
    # the ChatTurn chat() returns once it has committed: the answer not yet built, let alone sent
    pytest.param(("call:__init__", "crash-killed"), True, id="after-the-commit-before-the-response"),
]


@pytest.mark.parametrize(("point", "recorded"), POINTS)
def test_a_server_killed_within_a_turn_keeps_every_answered_turn_and_restarts_sound(server, point, recorded):
    process = server.start(stopped_before=point)
    answered = []
    for n, question in enumerate(QUESTIONS[:3]):
        session_id = f"crash-s{n % 2}"
        server.chat(session_id, f"{question} (turn {n})")
        answered.append((session_id, f"{question} (turn {n})"))

    killed = ("crash-killed", "Which cards do you take? (the killed turn)")
    outcome: list[BaseException | dict] = []
    client = threading.Thread(target=lambda: outcome.append(_attempt(server, *killed)))
    client.start()
    process.wait_stopped()  # it stopped itself in that turn, at the point
    process.kill9()
    client.join(DEADLINE)
    assert not client.is_alive()
    assert isinstance(outcome[0], httpx.TransportError), f"the client had an answer from a killed server: {outcome[0]!r}"

    assert server.exchanges() == answered + ([killed] if recorded else [])  # each answered turn once, in order
    restarted_answers(server, ["crash-s0", "crash-s1", "crash-killed"])


def _attempt(server: Server, session_id: str, message: str) -> BaseException | dict:
    try:
        return server.chat(session_id, message)
    except BaseException as exc:  # noqa: BLE001 - what the client saw, for the test thread to judge
        return exc


SESSIONS = 4


@pytest.mark.parametrize("seed", [16, 1616])
def test_a_server_killed_at_a_random_moment_while_sessions_chat_keeps_every_answered_turn(server, seed):
    """SESSIONS clients chat at once, each turn after its last answer; the server is SIGKILLed once
    the seeded number of answers has arrived, with the other sessions' turns in flight."""
    rng = random.Random(seed)
    kill_after = rng.randint(8, 30)
    process = server.start()
    lock, enough = threading.Lock(), threading.Event()
    answered: list[tuple[str, str]] = []
    sent: list[tuple[str, str]] = []
    failures: list[BaseException] = []

    def shopper(session_id: str, questions: list[str]) -> None:
        for n, question in enumerate(questions):
            message = f"{question} ({session_id} turn {n})"
            with lock:
                sent.append((session_id, message))
            result = _attempt(server, session_id, message)
            with lock:
                if isinstance(result, dict):
                    answered.append((session_id, message))
                    if len(answered) >= kill_after:
                        enough.set()
                else:
                    if not isinstance(result, httpx.TransportError):  # a refusal or a 500 is a failure, not the kill
                        failures.append(result)
                    return

    session_ids = [f"crash-{seed}-s{i}" for i in range(SESSIONS)]
    shoppers = [threading.Thread(target=shopper, args=(s, [rng.choice(QUESTIONS) for _ in range(100)])) for s in session_ids]
    for thread in shoppers:
        thread.start()
    assert enough.wait(DEADLINE), f"{kill_after} answers not within {DEADLINE}s:\n{process.output()}"
    process.kill9()
    for thread in shoppers:
        thread.join(DEADLINE)
        assert not thread.is_alive()
    assert not failures, failures

    recorded = server.exchanges()
    assert len(recorded) == len(set(recorded)), "a turn recorded twice"
    missing = [turn for turn in answered if turn not in recorded]
    assert not missing, f"answered but not recorded: {missing}"
    assert set(recorded) <= set(sent)  # the unanswered turns in flight may be recorded (committed, not yet sent), once
    assert len(answered) >= kill_after
    restarted_answers(server, session_ids)
