"""Seconds per mail for `faqbot email reply`: cold (each call loads the model and the store's index
in its own process) against warm (each call hands the mail to a running `faqbot serve`).

    python -m bench.email_warm [--mails N] [--index DIR]

Each call is a new `python -m bot.cli.app email reply` process, timed from its start to its exit,
as a mail filter (procmail, an MTA's pipe) runs it; the corpus mails of tests/email/corpus, each
on a database of its mode (the same mail is new to each). The server is started once, and the
store loaded in it, before the clock; it answers on loopback with the store's key.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "email" / "corpus"
STORE = "dissoo"
KEY = "bench-key"


def faqbot(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli.app", *arguments]


def timed_calls(mails: list[Path], env: dict[str, str], extra: list[str]) -> tuple[list[float], dict[int, int]]:
    seconds, codes = [], {}
    for path in mails:
        started = time.perf_counter()
        done = subprocess.run(faqbot("email", "reply", "--store", STORE, *extra), cwd=ROOT, env=env, input=path.read_bytes(), capture_output=True)
        seconds.append(time.perf_counter() - started)
        codes[done.returncode] = codes.get(done.returncode, 0) + 1
        if done.returncode not in (0, 3):
            raise SystemExit(f"{path.name}: exit {done.returncode}: {done.stderr.decode()[-500:]}")
    return seconds, codes


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as err:
        process = subprocess.Popen(faqbot("serve", "--port", str(port)), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"faqbot serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("faqbot serve did not start within 300 s")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mails", type=int, default=10, help="mails per mode (the corpus in name order; default 10)")
    parser.add_argument("--index", type=Path, default=None, help="an index folder to use (default: built in a temporary one)")
    args = parser.parse_args()
    mails = sorted(CORPUS.glob("*.eml"))[: args.mails]
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        base = {
            **os.environ,
            "FAQBOT_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
            "FAQBOT_INDEX_DIR": str(args.index or scratch / "index"),
            "FAQBOT_API_KEY_DISSOO": KEY,
            "FAQBOT_LOG_LEVEL": "warning",
        }
        # The index built once, before either clock: neither mode pays a build.
        subprocess.run(faqbot("build", "--store", STORE), cwd=ROOT, env=base, check=True, capture_output=True)
        cold_env = {**base, "FAQBOT_DATABASE_URL": f"sqlite:///{scratch / 'cold.db'}"}
        warm_env = {**base, "FAQBOT_DATABASE_URL": f"sqlite:///{scratch / 'warm.db'}"}
        port = free_port()
        server = start_server(warm_env, port, scratch / "serve.log")
        # A server loads a store at its first question: asked once here, before the clock.
        httpx.post(f"http://127.0.0.1:{port}/v1/chat", json={"store": STORE, "message": "which cards do you take?"}, timeout=300).raise_for_status()
        try:
            cold, cold_codes = timed_calls(mails, cold_env, [])
            warm, warm_codes = timed_calls(mails, {**warm_env, "FAQBOT_SERVER_URL": f"http://127.0.0.1:{port}"}, [])
        finally:
            server.terminate()
            server.wait(30)
    print(f"| `faqbot email reply`, {len(mails)} corpus mails each | p50 s | mean s | max s | exit 0 / 3 |")
    print("|---|---|---|---|---|")
    for label, seconds, codes in (("cold (in-process: model and index loaded per call)", cold, cold_codes), ("warm (`--server`: a running `faqbot serve` answers)", warm, warm_codes)):
        print(f"| {label} | {statistics.median(seconds):.2f} | {statistics.mean(seconds):.2f} | {max(seconds):.2f} | {codes.get(0, 0)} / {codes.get(3, 0)} |")
    print(f"warm / cold (p50): {statistics.median(warm) / statistics.median(cold):.2f}x")


if __name__ == "__main__":
    main()
