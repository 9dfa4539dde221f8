"""Embeds a store's chunks into its own FAISS index under index/<store>/.

The only package that touches FAISS or the embedding model.
"""

from bot.index.embedder import Embedder, load_embedder
from bot.index.store_index import BuildResult, StoreIndex, build_store_index, index_status, load_store_index, published_build

__all__ = ["BuildResult", "Embedder", "StoreIndex", "build_store_index", "index_status", "load_embedder", "load_store_index", "published_build"]
