"""Reads knowledge/<store>/: store.toml -> StoreConfig, FAQ documents -> Chunks.

The only package that reads the knowledge folder.
"""

from bot.ingest.chunks import Chunk, chunk_passages
from bot.ingest.knowledge import StoreKnowledge, list_stores, load_store_knowledge
from bot.ingest.store import StoreConfig, load_store_config

__all__ = [
    "Chunk",
    "StoreConfig",
    "StoreKnowledge",
    "chunk_passages",
    "list_stores",
    "load_store_config",
    "load_store_knowledge",
]
