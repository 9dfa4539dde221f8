"""The encoder's backends side by side, in one run: speed, start, memory and accuracy.

    python -m bench.encoder               # speed, start and memory (a few minutes)
    python -m bench.encoder --accuracy    # also every labelled set under each backend (longer)

Printed, on the shipped stores' questions (tests/eval/*.jsonl), for the three backends
(FAQBOT_ENCODER=torch: sentence-transformers; onnx: ONNX Runtime on the float32 export; onnx-int8:
on the export with int8 weights):
- bare encode p50 of one question under each, interleaved;
- in-process reply p50/p99 on each ONNX engine, and over HTTP (`faqbot serve` in a child process,
  one client, keep-alive) p50/p99, each beside the bare PyTorch encode of the same question;
- cold start of `faqbot serve` to a healthy /healthz, the serving process's RSS at start and after
  the questions, and the wall time of one `faqbot ask`, under each, and whether torch was imported
  at all (an ONNX process must not import it);
- with --accuracy: the shipped stores' sets, their dev sets, tests/eval/pages and the real
  benchmark's dev half through the engine under each backend.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 25)  # the day policy answers count from, when a row gives none
ROOT = Path(__file__).resolve().parents[1]
STORES = ("sessori", "dissoo", "stelladot")
BACKENDS = ("torch", "onnx", "onnx-int8")
ONNX = ("onnx", "onnx-int8")
FAQBOT = Path(sys.executable).with_name("faqbot")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def questions() -> list[tuple[str, str]]:
    from bot.evaluation import read_cases

    return [(c.store, c.question) for store in STORES for c in read_cases(ROOT / "tests" / "eval" / f"{store}.jsonl")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def imports_torch(pid: int) -> bool:
    """Whether the process has torch's native library mapped: imported, not merely installed."""
    return "libtorch" in Path(f"/proc/{pid}/maps").read_text()


def serve(backend: str, env: dict[str, str], index: Path) -> tuple[subprocess.Popen, int, float]:
    import httpx

    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(FAQBOT), "serve", "--host", "127.0.0.1", "--port", str(port), "--index", str(index / backend)],
        env={**env, "FAQBOT_ENCODER": backend}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=60).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"faqbot serve ({backend}) exited with {process.returncode}")
        time.sleep(0.05)
    return process, port, time.perf_counter() - started


def speed(env: dict[str, str], index: Path) -> None:
    import httpx

    from bot.engine import Engine
    from bot.index import load_embedder
    from bot.settings import MatchSettings, packaged_model_path

    asked = questions()
    model = packaged_model_path()
    encoders = {backend: load_embedder(model, backend=backend) for backend in BACKENDS}
    engines = {backend: Engine(ROOT / "knowledge", index / backend, model, MatchSettings(), encoder=backend) for backend in ONNX}
    for engine in engines.values():
        for store in STORES:
            engine.answer(store, "warm up", today=TODAY)
    encode_ms = {backend: [] for backend in BACKENDS}
    reply_ms = {backend: [] for backend in ONNX}
    for store, question in asked:
        for backend, encoder in encoders.items():
            started = time.perf_counter()
            encoder.encode([question])
            encode_ms[backend].append((time.perf_counter() - started) * 1000)
        for backend, engine in engines.items():
            started = time.perf_counter()
            engine.answer(store, question, today=TODAY)
            reply_ms[backend].append((time.perf_counter() - started) * 1000)
    base = statistics.median(encode_ms["torch"])
    print(f"encode n={len(asked)} " + " ".join(f"{b}_p50={statistics.median(encode_ms[b]):.2f}ms" for b in BACKENDS)
          + " " + " ".join(f"speedup_{b}={base / statistics.median(encode_ms[b]):.2f}x" for b in ONNX))
    for backend, times in reply_ms.items():
        print(f"reply in-process {backend:9s} p50={statistics.median(times):.2f}ms p99={percentile(times, 0.99):.2f}ms ratio_to_torch_encode={statistics.median(times) / base:.2f}x")

    for backend in ONNX:
        process, port, _ = serve(backend, env, index)
        try:
            http_ms, bare_ms = [], []
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                for store in STORES:
                    client.post("/v1/chat", json={"store": store, "message": "warm up"})
                for store, question in asked:
                    t0 = time.perf_counter()
                    encoders["torch"].encode([question])
                    t1 = time.perf_counter()
                    client.post("/v1/chat", json={"store": store, "message": question}).raise_for_status()
                    t2 = time.perf_counter()
                    bare_ms.append((t1 - t0) * 1000)
                    http_ms.append((t2 - t1) * 1000)
            bare = statistics.median(bare_ms)
            print(f"reply http {backend:9s} p50={statistics.median(http_ms):.2f}ms p99={percentile(http_ms, 0.99):.2f}ms torch_encode_p50={bare:.2f}ms ratio_p50={statistics.median(http_ms) / bare:.2f}x")
        finally:
            process.terminate()
            process.wait()


def start_and_memory(env: dict[str, str], index: Path) -> None:
    import httpx

    asked = questions()
    for backend in BACKENDS:
        process, port, seconds = serve(backend, env, index)
        try:
            at_start = rss_mb(process.pid)
            torch_loaded = imports_torch(process.pid)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                for store, question in asked:
                    client.post("/v1/chat", json={"store": store, "message": question})
            print(f"serve {backend:9s} cold_start_to_healthy={seconds:.2f}s rss_start={at_start:.0f}MB rss_after_{len(asked)}_questions={rss_mb(process.pid):.0f}MB torch_imported={torch_loaded}")
        finally:
            process.terminate()
            process.wait()
        started = time.perf_counter()
        subprocess.run(
            [str(FAQBOT), "ask", "--store", "dissoo", "--index", str(index / backend), "which cards do you take?"],
            env={**env, "FAQBOT_ENCODER": backend}, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        print(f"ask   {backend:9s} wall={time.perf_counter() - started:.2f}s")


def accuracy() -> None:
    from bot.engine import Engine
    from bot.evaluation import evaluate, read_cases
    from bot.settings import MatchSettings, packaged_model_path

    sets = {
        "own": (ROOT / "knowledge", [c for s in STORES for c in read_cases(ROOT / "tests" / "eval" / f"{s}.jsonl")]),
        "own-dev": (ROOT / "knowledge", [c for s in STORES for c in read_cases(ROOT / "tests" / "eval" / "dev" / f"{s}.jsonl")]),
        "pages": (ROOT / "tests" / "eval" / "pages" / "knowledge", [c for p in sorted((ROOT / "tests" / "eval" / "pages").glob("*.jsonl")) for c in read_cases(p)]),
        "real-dev": (ROOT / "tests" / "eval" / "real" / "dev" / "knowledge", [c for p in sorted((ROOT / "tests" / "eval" / "real" / "dev").glob("*.jsonl")) for c in read_cases(p)]),
    }
    for backend in BACKENDS:
        figures = []
        with tempfile.TemporaryDirectory() as scratch:
            for name, (knowledge, cases) in sets.items():
                engine = Engine(knowledge, Path(scratch) / name, packaged_model_path(), MatchSettings(), encoder=backend)
                results = [r for s in evaluate(engine, cases).values() for r in s.results]
                right = sum(r.right for r in results) / len(results)
                wrong = sum(r.confidently_wrong for r in results)
                figures.append(f"{name}={right:.1%} (cw {wrong})")
        print(f"accuracy {backend:9s} " + " ".join(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accuracy", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index = Path(scratch) / "index"  # one folder per backend: an index is built for one encoder's fingerprint
        env = {**os.environ, "FAQBOT_DATABASE_URL": f"sqlite:///{scratch}/bench.db", "HF_HUB_OFFLINE": "1"}
        subprocess.run([str(FAQBOT), "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        for backend in BACKENDS:  # every backend's index built before anything is timed
            subprocess.run([str(FAQBOT), "build", "--index", str(index / backend)], env={**env, "FAQBOT_ENCODER": backend}, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        speed(env, index)
        start_and_memory(env, index)
    if args.accuracy:
        accuracy()


if __name__ == "__main__":
    main()
