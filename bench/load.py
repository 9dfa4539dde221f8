"""Many shoppers at once: `faqbot serve --workers N` on PostgreSQL under locust, headless.

    python -m bench.load [--seconds 120] [--workers 1 2] [--clients 10 50]

For each number of workers and of concurrent clients (locust users asking the shipped stores'
questions back to back, in sessions of up to four turns): requests per second, p50/p99, errors, the
serving processes' RSS at the start and at the end and its peak (sampled every 2 s), and whether
every answered request was recorded in the database. Before the runs, one request's CPU time alone
(the server's CPU over 100 sequential requests), so the throughput can be read against what two
cores could do: 2 cores / CPU per request. Needs PostgreSQL at 127.0.0.1:5432 (database
faqbot_load is made and emptied) and `pip install locust`.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAQBOT = Path(sys.executable).with_name("faqbot")
LOCUST = Path(sys.executable).with_name("locust")
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/faqbot_load"
TICKS = os.sysconf("SC_CLK_TCK")


def fresh_database() -> None:
    from sqlalchemy import create_engine, text

    with create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS faqbot_load WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE faqbot_load"))


def recorded() -> int:
    from sqlalchemy import create_engine, text

    with create_engine(DATABASE_URL).connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM exchanges")).scalar())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid: int) -> list[int]:
    """The process and its children (uvicorn's workers)."""
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split() if Path(f"/proc/{pid}/task/{pid}/children").exists() else []:
        found += tree(int(child))
    return found


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except FileNotFoundError:
            pass
    return total / TICKS


def serve(workers: int, index: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    env = {**os.environ, "FAQBOT_DATABASE_URL": DATABASE_URL, "FAQBOT_LOG_LEVEL": "warning", "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen([str(FAQBOT), "serve", "--port", str(port), "--workers", str(workers), "--index", str(index)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    seen: set[int] = set()
    while len(seen) < workers:
        if process.poll() is not None:
            raise RuntimeError(f"faqbot serve exited with {process.returncode}")
        try:
            seen.add(httpx.get(f"{url}/healthz", headers={"Connection": "close"}, timeout=30).json()["worker"])
        except httpx.HTTPError:
            time.sleep(0.2)
    return process, url


def cpu_per_request(url: str, pids: list[int]) -> tuple[float, float]:
    """The server's CPU seconds per request, and the p50 wall time, over 100 sequential requests."""
    import httpx

    sys.path.insert(0, str(ROOT))
    from bench.locustfile import QUESTIONS

    walls = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for store, question in QUESTIONS[:10]:
            client.post("/v1/chat", json={"store": store, "message": question})
        before = cpu_seconds(pids)
        for store, question in QUESTIONS[10:110]:
            started = time.perf_counter()
            client.post("/v1/chat", json={"store": store, "message": question}).raise_for_status()
            walls.append(time.perf_counter() - started)
        spent = cpu_seconds(pids) - before
    return spent / len(walls), sorted(walls)[len(walls) // 2]


def run(workers: int, clients: int, seconds: int, index: Path, scratch: Path) -> None:
    fresh_database()
    subprocess.run([str(FAQBOT), "db", "upgrade"], env={**os.environ, "FAQBOT_DATABASE_URL": DATABASE_URL}, check=True, stdout=subprocess.DEVNULL)
    process, url = serve(workers, index)
    pids = tree(process.pid)
    samples = [rss_mb(pids)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(2):
            samples.append(rss_mb(tree(process.pid)))

    try:
        if workers == 1 and clients == min(ARGS.clients):
            cpu, wall = cpu_per_request(url, pids)
            print(f"alone: one request p50 {wall * 1000:.1f} ms, server CPU {cpu * 1000:.1f} ms per request -> 2 cores could answer {2 / cpu:.0f} req/s", flush=True)
        before = recorded()
        threading.Thread(target=sample, daemon=True).start()
        prefix = scratch / f"w{workers}c{clients}"
        subprocess.run(
            [str(LOCUST), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(clients), "-r", str(clients), "-t", f"{seconds}s",
             "--host", url, "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        done.set()
        stats = next(row for row in csv.DictReader(open(f"{prefix}_stats.csv")) if row["Name"] == "Aggregated")
        answered = int(stats["Request Count"]) - int(stats["Failure Count"])
        kept = recorded() - before
        print(
            f"workers={workers} clients={clients} {seconds}s: {float(stats['Requests/s']):.1f} req/s p50={stats['50%']}ms p99={stats['99%']}ms "
            f"errors={stats['Failure Count']}/{stats['Request Count']} rss start={samples[0]:.0f}MB peak={max(samples):.0f}MB end={samples[-1]:.0f}MB "
            f"recorded={kept}/{answered}",
            flush=True,
        )
    finally:
        done.set()
        process.terminate()
        process.wait(30)


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    ARGS = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index = Path(scratch) / "index"
        subprocess.run([str(FAQBOT), "build", "--index", str(index)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for workers in ARGS.workers:
            for clients in ARGS.clients:
                run(workers, clients, ARGS.seconds, index, Path(scratch))


ARGS: argparse.Namespace


if __name__ == "__main__":
    main()
