"""One FAISS index per store, persisted under index/<store>/, replaced atomically.

Layout: index/<store>/CURRENT names the build folder in use
(index/<store>/<build-id>/ holding manifest.json, chunks.json, keys.faiss,
keys.json, sentences.npy). A build writes a new folder, then swaps CURRENT
with os.replace: a crash mid-build leaves the old index serving, and a reader
never sees half a build.

Each chunk is reached through several *keys*: its question(s), curated
alternates and title (short texts a shopper's question resembles), and its
content. A chunk's dense score is its best key. Sentence vectors are kept too,
so a reply can lead with the sentences that answer.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import faiss
import numpy as np

from bot.errors import IndexNotReady
from bot.index.embedder import Embedder
from bot.ingest import Chunk, load_store_knowledge
from bot.ingest.knowledge import hash_sources

FORMAT_VERSION = 8  # bump when ingest or index layout changes: old builds become stale
CURRENT = "CURRENT"
EDITED = "stale: changed since the last build"  # the sources differ from the build's; the build itself is sound


@dataclass(frozen=True, slots=True)
class Manifest:
    format_version: int
    store: str
    model_path: str
    model_fingerprint: str
    dimension: int
    source_hashes: dict[str, str]
    built_at: str
    chunk_count: int
    key_count: int
    sentence_count: int


@dataclass(frozen=True)
class StoreIndex:
    store: str
    manifest: Manifest
    chunks: tuple[Chunk, ...]
    keys: faiss.Index
    key_chunk: np.ndarray  # key row -> chunk position
    key_is_question: np.ndarray
    sentence_vectors: np.ndarray  # unit rows, one per chunk sentence, chunk by chunk
    sentence_offsets: np.ndarray  # chunk i's sentences are rows offsets[i]:offsets[i+1]

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with this id; None when the store was rebuilt without it."""
        return next((c for c in self.chunks if c.id == chunk_id), None)

    def key_scores(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per chunk, the similarity of its closest question/title key and of its content key
        (-1 where it has none). Kept apart because a close question is stronger evidence
        than a close answer text, and the ranker weighs them differently."""
        count = self.keys.ntotal
        scores, rows = self.keys.search(query.reshape(1, -1), count)
        question = np.full(len(self.chunks), -1.0, np.float32)
        content = np.full(len(self.chunks), -1.0, np.float32)
        valid = rows[0] >= 0
        rows, scores = rows[0][valid], scores[0][valid]
        asks = self.key_is_question[rows]
        np.maximum.at(question, self.key_chunk[rows[asks]], scores[asks])
        np.maximum.at(content, self.key_chunk[rows[~asks]], scores[~asks])
        return question, content

    def best_sentence_scores(self, query: np.ndarray) -> np.ndarray:
        """Per chunk, the similarity of its closest sentence: a question about one
        line of a long answer is closer to that line than to the whole answer."""
        scores = self.sentence_vectors @ query
        starts = self.sentence_offsets[:-1]
        return np.maximum.reduceat(scores, starts) if len(scores) else np.zeros(len(self.chunks), np.float32)

    def sentence_scores(self, chunk: int, query: np.ndarray) -> np.ndarray:
        start, end = self.sentence_offsets[chunk], self.sentence_offsets[chunk + 1]
        return self.sentence_vectors[start:end] @ query


@dataclass(frozen=True, slots=True)
class BuildResult:
    store: str
    rebuilt: bool
    chunk_count: int
    seconds: float
    warnings: tuple[str, ...]
    embedded: int = 0  # texts (questions, passages, sentences) encoded by this build
    reused: int = 0  # ... taken from the last build's vectors (unchanged text, same model)


def chunk_keys(chunk: Chunk) -> list[tuple[str, bool]]:
    """(text, is_question) pairs that lead to this chunk."""
    short = dict.fromkeys([chunk.title, *chunk.questions])
    content = " ".join(part for part in (chunk.heading, chunk.title, chunk.text) if part)
    return [(text, True) for text in short if text] + [(content, False)]


def build_store_index(
    knowledge_dir: Path,
    index_dir: Path,
    store: str,
    embedder: Embedder,
    force: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    started = time.perf_counter()
    status = index_status(knowledge_dir, index_dir, store, embedder)
    if status == "fresh" and not force:
        manifest = read_manifest(current_build(index_dir, store))
        return BuildResult(store, False, manifest.chunk_count, time.perf_counter() - started, ())
    knowledge = load_store_knowledge(knowledge_dir, store)
    keys = [(position, text, is_question) for position, chunk in enumerate(knowledge.chunks) for text, is_question in chunk_keys(chunk)]
    sentences = [sentence for chunk in knowledge.chunks for sentence in chunk.sentences]
    texts = list(dict.fromkeys([text for _, text, _ in keys] + sentences))
    known = reusable_vectors(index_dir, store, embedder)
    vectors = embed_with_reuse(texts, embedder, known, on_progress)
    reused = sum(text in known for text in texts)

    key_vectors = np.stack([vectors[text] for _, text, _ in keys])
    faiss_index = faiss.IndexFlatIP(embedder.dimension)
    faiss_index.add(key_vectors)
    offsets = np.cumsum([0] + [len(chunk.sentences) for chunk in knowledge.chunks]).astype(np.int64)
    sentence_vectors = np.stack([vectors[s] for s in sentences]) if sentences else np.zeros((0, embedder.dimension), np.float32)

    manifest = Manifest(
        format_version=FORMAT_VERSION,
        store=store,
        model_path=str(embedder.path),
        model_fingerprint=embedder.fingerprint,
        dimension=embedder.dimension,
        source_hashes=knowledge.source_hashes,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        chunk_count=len(knowledge.chunks),
        key_count=len(keys),
        sentence_count=len(sentences),
    )
    store_root = index_dir / store
    store_root.mkdir(parents=True, exist_ok=True)
    build = store_root / f"build-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.perf_counter_ns() % 10**6}"
    staging = build.with_name(build.name + ".partial")
    staging.mkdir()
    faiss.write_index(faiss_index, str(staging / "keys.faiss"))
    np.save(staging / "sentences.npy", sentence_vectors)
    write_json(staging / "keys.json", {"chunk": [k[0] for k in keys], "is_question": [k[2] for k in keys], "text": [k[1] for k in keys]})
    write_json(staging / "sentence_offsets.json", offsets.tolist())
    write_json(staging / "chunks.json", [asdict(chunk) for chunk in knowledge.chunks])
    write_json(staging / "manifest.json", asdict(manifest))  # written last: its presence marks a complete build
    staging.rename(build)
    pointer = store_root / f"{CURRENT}.tmp-{os.getpid()}"
    pointer.write_text(build.name + "\n")
    os.replace(pointer, store_root / CURRENT)
    prune_old_builds(store_root, keep=build.name)
    return BuildResult(store, True, len(knowledge.chunks), time.perf_counter() - started, knowledge.warnings, len(texts) - reused, reused)


def embed_with_reuse(
    texts: list[str], embedder: Embedder, known: dict[str, np.ndarray], on_progress: Callable[[int, int], None] | None
) -> dict[str, np.ndarray]:
    """Only texts the last build did not embed with this model cost an encode."""
    vectors = {text: known[text] for text in texts if text in known}
    missing = [text for text in texts if text not in vectors]
    batch = 32
    for start in range(0, len(missing), batch):
        part = missing[start : start + batch]
        vectors.update(zip(part, embedder.encode(part), strict=True))
        if on_progress:
            on_progress(min(start + batch, len(missing)), len(missing))
    if on_progress and not missing:
        on_progress(0, 0)
    return vectors


def reusable_vectors(index_dir: Path, store: str, embedder: Embedder) -> dict[str, np.ndarray]:
    try:
        build = current_build(index_dir, store)
        manifest = read_manifest(build)
        if manifest.model_fingerprint != embedder.fingerprint:
            return {}
        keys = json.loads((build / "keys.json").read_text())
        key_index = faiss.read_index(str(build / "keys.faiss"))
        key_vectors = key_index.reconstruct_n(0, key_index.ntotal)
        sentences = [s for chunk in read_chunks(build) for s in chunk.sentences]
        sentence_vectors = np.load(build / "sentences.npy")
    except (IndexNotReady, OSError, ValueError, KeyError, TypeError, RuntimeError):
        return {}
    known = dict(zip(keys["text"], key_vectors, strict=True))
    known.update(zip(sentences, sentence_vectors, strict=True))
    return known


def prune_old_builds(store_root: Path, keep: str) -> None:
    """Older builds, and what a build killed before publishing left: its staging folder, its
    complete but unpublished folder, its pointer file not yet swapped in."""
    for entry in store_root.iterdir():
        if entry.is_dir() and entry.name != keep and entry.name.startswith("build-"):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file() and entry.name.startswith(f"{CURRENT}.tmp-"):
            entry.unlink(missing_ok=True)


def write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")


def published_build(index_dir: Path, store: str) -> str | None:
    """The build CURRENT names now (one small read): a process serving the store compares it with
    the build it loaded, so a build published by `faqbot build` in another process is picked up."""
    try:
        return (index_dir / store / CURRENT).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None


def current_build(index_dir: Path, store: str) -> Path:
    pointer = index_dir / store / CURRENT
    try:
        build = index_dir / store / pointer.read_text().strip()
    except FileNotFoundError:
        raise IndexNotReady(f"no index for store {store!r} in {index_dir}: run `faqbot build`") from None
    if not (build / "manifest.json").exists():
        raise IndexNotReady(f"the index for store {store!r} in {build} is incomplete: run `faqbot build`")
    return build


def read_chunks(build: Path) -> tuple[Chunk, ...]:
    raw = json.loads((build / "chunks.json").read_text(encoding="utf-8"))
    return tuple(Chunk(**{**c, "questions": tuple(c["questions"]), "sentences": tuple(c["sentences"])}) for c in raw)


def read_manifest(build: Path) -> Manifest:
    return Manifest(**json.loads((build / "manifest.json").read_text()))


def index_status(knowledge_dir: Path, index_dir: Path, store: str, embedder: Embedder) -> str:
    """"fresh", or why the persisted index must not be served."""
    try:
        manifest = read_manifest(current_build(index_dir, store))
    except IndexNotReady:
        return "missing"
    if manifest.format_version != FORMAT_VERSION:
        return "stale: built by another faqbot version"
    if manifest.model_fingerprint != embedder.fingerprint:
        return f"stale: built with another model ({manifest.model_path})"
    current = hash_sources(knowledge_dir, store)
    if manifest.source_hashes != current:
        changed = sorted(set(current.items()) ^ set(manifest.source_hashes.items()))
        return f"{EDITED}: " + ", ".join(sorted({name for name, _ in changed}))
    return "fresh"


def load_store_index(knowledge_dir: Path, index_dir: Path, store: str, embedder: Embedder, edited_ok: bool = False) -> StoreIndex:
    """The published build. `edited_ok`: also when the store's files were edited since it was built
    (a server loading a store again serves what `faqbot build` last published, as it would have
    kept serving it loaded); never one of another model or faqbot version."""
    status = index_status(knowledge_dir, index_dir, store, embedder)
    if status != "fresh" and not (edited_ok and status.startswith(EDITED)):
        detail = "no index has been built" if status == "missing" else status
        raise IndexNotReady(f"index for store {store!r}: {detail}; run `faqbot build`")
    build = current_build(index_dir, store)
    manifest = read_manifest(build)
    chunks = read_chunks(build)
    keys = json.loads((build / "keys.json").read_text(encoding="utf-8"))
    return StoreIndex(
        store=store,
        manifest=manifest,
        chunks=chunks,
        # Mapped, not read: the keys' vectors stay in the page cache, shared by every worker and
        # reclaimable, and leave with the mapping when the store is dropped (no file descriptor is held).
        keys=faiss.read_index(str(build / "keys.faiss"), faiss.IO_FLAG_MMAP_IFC),
        key_chunk=np.asarray(keys["chunk"], dtype=np.int64),
        key_is_question=np.asarray(keys["is_question"], dtype=bool),
        sentence_vectors=np.load(build / "sentences.npy"),  # mapped, it would hold a file descriptor per loaded store
        sentence_offsets=np.asarray(json.loads((build / "sentence_offsets.json").read_text()), dtype=np.int64),
    )
