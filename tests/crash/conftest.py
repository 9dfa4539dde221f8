"""Real `faqbot` processes, SIGKILLed at chosen points: a small store built once, the commands
to start, and the waits (each polled against a deadline)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = (
    "Returns\nHow do I return an item?\nEmail us within 30 days of delivery.\n"
    "Shipping\nWhich countries do you ship to?\nWe ship to the US and Canada.\n"
    "Payment\nWhich cards do you take?\nWe accept Visa and Mastercard.\n"
)
STORE = "acme"
DEADLINE = 60.0


def faqbot(*arguments: str) -> list[str]:
    """`faqbot` from this checkout (cwd=ROOT puts its `bot` first on the path)."""
    return [sys.executable, "-m", "bot.cli.app", *arguments]


def faqbot_stopped_before(event: str, needle: str, *arguments: str) -> list[str]:
    """`faqbot` that stops itself just before the operation (tests/crash/stop_at.py)."""
    return [sys.executable, "-m", "tests.crash.stop_at", event, needle, *arguments]


class Process:
    """A started command whose output goes to files (a pipe nobody reads could block it)."""

    started: list[Process] = []

    def __init__(self, command: list[str], env: dict[str, str], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.out, self.err = folder / "stdout", folder / "stderr"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        Process.started.append(self)

    def output(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")[-3000:]

    def wait_stopped(self) -> None:
        """Until the process has stopped itself; fails if it exits instead (the point was never reached)."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            pid, status = os.waitpid(self.popen.pid, os.WUNTRACED | os.WNOHANG)
            if pid and os.WIFSTOPPED(status):
                return
            if pid:
                pytest.fail(f"exited (status {status}) before the point was reached:\n{self.output()}")
            time.sleep(0.01)
        pytest.fail(f"not stopped within {DEADLINE}s:\n{self.output()}")

    def kill9(self) -> None:
        self.popen.kill()  # SIGKILL: no finally, no atexit, no flush
        assert self.popen.wait(DEADLINE) == -9

    def finish(self) -> str:
        """Wait for a normal exit; its output, failing on a non-zero status."""
        code = self.popen.wait(DEADLINE)
        assert code == 0, self.output()
        return self.output()


@pytest.fixture(autouse=True)
def no_process_left():
    """A server a test started, or a process a failed test left stopped, ends with the test."""
    yield
    while Process.started:
        process = Process.started.pop()
        if process.popen.poll() is None:
            process.popen.kill()
            process.popen.wait(DEADLINE)


def run(command: list[str], env: dict[str, str], folder: Path) -> str:
    return Process(command, env, folder).finish()


@pytest.fixture(scope="session")
def crash_knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    knowledge = tmp_path_factory.mktemp("crash-knowledge")
    (knowledge / STORE).mkdir()
    (knowledge / STORE / "store.toml").write_text('name = "Acme Rings"\nsupport_email = "help@acme.test"\n', encoding="utf-8")
    (knowledge / STORE / "faq.txt").write_text(PAGE, encoding="utf-8")
    return knowledge


def base_env(knowledge: Path, index: Path, database: Path) -> dict[str, str]:
    return {
        **os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "FAQBOT_LOG_LEVEL": "info",
        "FAQBOT_KNOWLEDGE_DIR": str(knowledge), "FAQBOT_INDEX_DIR": str(index), "FAQBOT_DATABASE_URL": f"sqlite:///{database}",
    }


@pytest.fixture(scope="session")
def seed_index(crash_knowledge: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store built once by `faqbot build` (with the exemplars' vectors beside it, which take
    the longest): each test starts from a copy."""
    folder = tmp_path_factory.mktemp("crash-seed")
    index = folder / "index"
    env = base_env(crash_knowledge, index, folder / "faqbot.db")
    run(faqbot("build", "--knowledge", str(crash_knowledge), "--index", str(index), "--store", STORE), env, folder / "build")
    return index


def copy_index(seed: Path, destination: Path, with_store: bool = True) -> Path:
    """The seed's index; without the store (a first build), only the shared exemplars' vectors."""
    shutil.copytree(seed, destination, ignore=None if with_store else shutil.ignore_patterns(STORE))
    return destination
