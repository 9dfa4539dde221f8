"""One store's whole knowledge, read from knowledge/<store>/ in one call."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import BadKnowledge, UnknownStore
from bot.ingest.chunks import Chunk, chunk_passages
from bot.ingest.curation import CURATION_FILE, curate, load_curation
from bot.ingest.documents import DOCUMENT_SUFFIXES, read_document
from bot.ingest.passages import group_passages
from bot.ingest.store import StoreConfig, load_store_config

STORE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True, slots=True)
class StoreKnowledge:
    store: str
    config: StoreConfig
    chunks: tuple[Chunk, ...]
    source_hashes: dict[str, str]  # file name -> sha256: what a built index must match
    warnings: tuple[str, ...]


def list_stores(knowledge_dir: Path) -> list[str]:
    if not knowledge_dir.is_dir():
        return []
    return sorted(
        entry.name for entry in knowledge_dir.iterdir() if entry.is_dir() and (entry / "store.toml").exists() and STORE_ID.match(entry.name)
    )


def store_dir(knowledge_dir: Path, store: str) -> Path:
    path = knowledge_dir / store
    if not STORE_ID.match(store) or not (path / "store.toml").exists():
        raise UnknownStore(store, list_stores(knowledge_dir))
    return path


def source_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)


def hash_sources(knowledge_dir: Path, store: str) -> dict[str, str]:
    """What the index depends on: the documents, store.toml and curation."""
    directory = store_dir(knowledge_dir, store)
    files = source_files(directory) + [p for p in (directory / "store.toml", directory / CURATION_FILE) if p.exists()]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def load_store_knowledge(knowledge_dir: Path, store: str) -> StoreKnowledge:
    directory = store_dir(knowledge_dir, store)
    config = load_store_config(directory)
    documents = source_files(directory)
    if not documents:
        raise BadKnowledge(directory, "no FAQ document (.txt, .md or .html) next to store.toml")
    entries = load_curation(directory)
    chunks: dict[str, Chunk] = {}
    warnings: list[str] = []
    for document in documents:
        passages = group_passages(read_document(document))
        curations, unmatched = curate(passages, entries)
        for chunk in chunk_passages(store, document.name, passages, curations):
            chunks.setdefault(chunk.id, chunk)  # a passage the page repeats word for word is served once
        warnings += unmatched
    # An entry is stale only if it matched in no document at all.
    stale = [w for w in set(warnings) if warnings.count(w) == len(documents)]
    if not chunks:
        raise BadKnowledge(directory, "the FAQ documents hold no text to answer from")
    return StoreKnowledge(store, config, tuple(chunks.values()), hash_sources(knowledge_dir, store), tuple(sorted(stale)))
