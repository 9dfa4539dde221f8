"""Memory of one `faqbot serve` worker as shops are added: 3, 30 and 300 synthetic shops (bench/shops.py).

    python -m bench.memory [--shops 3 30 300] [--cache /tmp/faqbot-memory] [--baseline REV]

The shops' pages are written and built once into the cache folder (`faqbot build`; a later run
rebuilds nothing); each count of shops is a folder of links to the first N. For each count and each
way of holding stores, a server is started (one worker, SQLite) and its RSS read from
/proc/<pid>/status (VmRSS, and RssAnon: the part not backed by a file) when /healthz first
answers, after one question to each of 3 shops, after one question to every shop, and, where
stores are dropped when idle, once the idle time has passed (a /healthz drops them). Also the
median time of a shop's first question (its store loaded) and of a second one (loaded already).

Ways: "no limits" (FAQBOT_STORE_IDLE_SECONDS=0: every store asked stays), "cap 10"
(FAQBOT_MAX_LOADED_STORES=10), "idle 5 s" (FAQBOT_STORE_IDLE_SECONDS=5); with `--baseline REV`,
first the server as it was at that git revision (every store loaded before it listens), run from
`git archive REV bot` unpacked in the cache. One run each; the machine's other work moves the
timings, not the memory.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from bench.shops import Shop, write_shops

ROOT = Path(__file__).resolve().parents[1]
ASKED_FIRST = 3
IDLE_SECONDS = 5
WAYS = {
    "no limits": {"FAQBOT_STORE_IDLE_SECONDS": "0", "FAQBOT_MAX_LOADED_STORES": "0"},
    "cap 10": {"FAQBOT_STORE_IDLE_SECONDS": "0", "FAQBOT_MAX_LOADED_STORES": "10"},
    f"idle {IDLE_SECONDS} s": {"FAQBOT_STORE_IDLE_SECONDS": str(IDLE_SECONDS), "FAQBOT_MAX_LOADED_STORES": "0"},
}


@dataclass
class Run:
    shops: int
    way: str
    started_s: float
    start: tuple[float, float]  # (VmRSS, RssAnon) MB
    after_first: tuple[float, float]
    after_all: tuple[float, float]
    after_idle: tuple[float, float] | None
    loaded_at_end: int | None  # /healthz's "loaded" (None: the baseline has no such field)
    cold_ms: float
    warm_ms: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["RssAnon"].split()[0]) / 1024


def build(cache: Path, count: int, seed: int) -> list[Shop]:
    shops = write_shops(cache / "shops", count, seed)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.cli.app", "build", "--knowledge", str(cache / "shops"), "--index", str(cache / "index")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"built (or found built) {count} shops in {time.perf_counter() - started:.0f} s", flush=True)
    return shops


def first(cache: Path, shops: list[Shop]) -> tuple[Path, Path]:
    """A knowledge and an index folder holding the first N shops, as links into the built ones."""
    knowledge, index = cache / f"knowledge-{len(shops)}", cache / f"index-{len(shops)}"
    for folder, source in ((knowledge, cache / "shops"), (index, cache / "index")):
        folder.mkdir(exist_ok=True)
        for name in [s.id for s in shops] + (["_exemplars"] if folder == index else []):
            if not (folder / name).is_symlink():
                (folder / name).symlink_to(source / name)
    return knowledge, index


def baseline_source(cache: Path, revision: str) -> Path:
    """bot/ as it was at `revision`, to run the server from."""
    target = cache / f"bot-{revision}"
    if not target.exists():
        archive = subprocess.run(["git", "archive", revision, "bot"], cwd=ROOT, check=True, capture_output=True).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target


def serve(knowledge: Path, index: Path, env: dict[str, str], source: Path, database: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    environment = {**os.environ, **env, "PYTHONPATH": str(source), "HF_HUB_OFFLINE": "1", "FAQBOT_LOG_LEVEL": "warning", "FAQBOT_DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "bot.cli.app", "serve", "--port", str(port), "--knowledge", str(knowledge), "--index", str(index)]
    process = subprocess.Popen(command, cwd=source, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"faqbot serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=120).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)


def ask(client, shop: Shop, question: str) -> float:
    started = time.perf_counter()
    client.post("/v1/chat", json={"store": shop.id, "message": question}).raise_for_status()
    return (time.perf_counter() - started) * 1000


def run(cache: Path, shops: list[Shop], way: str, env: dict[str, str], source: Path) -> Run:
    import httpx

    knowledge, index = first(cache, shops)
    database = cache / "var" / f"{len(shops)}-{way.replace(' ', '-')}.db"
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    process, url = serve(knowledge, index, env, source, database)
    started_s = time.perf_counter() - started
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            start = memory(process.pid)
            cold = [ask(client, shop, shop.questions[0]) for shop in shops[:ASKED_FIRST]]
            after_first = memory(process.pid)
            cold += [ask(client, shop, shop.questions[0]) for shop in shops[ASKED_FIRST:]]
            after_all = memory(process.pid)
            warm = [ask(client, shop, shop.questions[-1]) for shop in shops[-ASKED_FIRST:]]  # the last asked: still loaded in every way
            after_idle = None
            if env.get("FAQBOT_STORE_IDLE_SECONDS", "0") != "0":
                time.sleep(float(env["FAQBOT_STORE_IDLE_SECONDS"]) + 1)
                client.get("/healthz")
                after_idle = memory(process.pid)
            loaded = client.get("/healthz").json().get("loaded")
    finally:
        process.terminate()
        process.wait(60)
    return Run(len(shops), way, started_s, start, after_first, after_all, after_idle, None if loaded is None else len(loaded), statistics.median(cold), statistics.median(warm))


def row(run: Run) -> str:
    def mb(value: tuple[float, float] | None) -> str:
        return "-" if value is None else f"{value[0]:.0f} ({value[1]:.0f})"

    loaded = "all" if run.loaded_at_end is None else str(run.loaded_at_end)
    return (
        f"| {run.shops} | {run.way} | {run.started_s:.1f} s | {mb(run.start)} | {mb(run.after_first)} | {mb(run.after_all)} | {mb(run.after_idle)} "
        f"| {loaded} | {run.cold_ms:.0f} ms | {run.warm_ms:.0f} ms |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shops", type=int, nargs="+", default=[3, 30, 300])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/faqbot-memory"))
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--baseline", help="a git revision: also run the server as it was there")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    shops = build(args.cache, max(args.shops), args.seed)
    ways = [(name, env, ROOT) for name, env in WAYS.items()]
    if args.baseline:
        ways.insert(0, (f"before ({args.baseline})", {}, baseline_source(args.cache, args.baseline)))
    print("| shops | stores held | start | RSS at start MB (anon) | after 3 shops asked | after every shop asked | after the idle time | loaded at end | first question p50 | again p50 |")
    print("|---|---|---|---|---|---|---|---|---|---|", flush=True)
    for count in args.shops:
        for name, env, source in ways:
            print(row(run(args.cache, shops[:count], name, env, source)), flush=True)


if __name__ == "__main__":
    main()
