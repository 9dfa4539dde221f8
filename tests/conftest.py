"""Shared fixtures: the real knowledge, a real FAISS index built once per run, real databases."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.engine import Engine
from bot.settings import MatchSettings, Settings, packaged_model_path

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
STORES = ("sessori", "dissoo", "stelladot")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.index import build_store_index, load_embedder

    index_dir = tmp_path_factory.mktemp("index")
    embedder = load_embedder(packaged_model_path())
    for store in STORES:
        build_store_index(KNOWLEDGE, index_dir, store, embedder)
    return index_dir


@pytest.fixture(scope="session")
def engine(built_index: Path) -> Engine:
    return Engine(KNOWLEDGE, built_index, packaged_model_path(), MatchSettings(), build_stale=False)


@pytest.fixture
def store_folder(tmp_path: Path):
    """Write a one-store knowledge folder: only store.toml and one document."""

    def make(faq: str, name: str = "Acme Rings", filename: str = "faq.txt", store: str = "acme", extra: str = "") -> Path:
        folder = tmp_path / "knowledge" / store
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "store.toml").write_text(f'name = "{name}"\n{extra}', encoding="utf-8")
        (folder / filename).write_text(faq, encoding="utf-8")
        return tmp_path / "knowledge"

    return make


def postgres_url() -> str | None:
    return os.environ.get("FAQBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def reachable(url: str) -> str | None:
    try:
        with create_engine(url, connect_args={"connect_timeout": 3}).connect() as connection:
            connection.execute(text("select 1"))
        return None
    except Exception as exc:  # any driver error means: not reachable here
        return str(exc).splitlines()[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on SQLite and on the PostgreSQL server at 127.0.0.1:5432."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'faqbot.db'}"
    url = postgres_url()
    problem = reachable(url)
    if problem:
        if os.environ.get("FAQBOT_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL required in CI but unreachable at {url}: {problem}")
        pytest.skip(f"no PostgreSQL reachable at {url}: {problem}")
    # A clean schema per test: drop what earlier runs left.
    with create_engine(url).begin() as connection:
        connection.execute(text("drop table if exists agent_sessions, inbound_mails, feedback, learned_phrasings, lookup_attempts, order_items, orders, exchanges, chat_sessions, alembic_version cascade"))
    return url


@pytest.fixture
def settings(built_index: Path, database_url: str) -> Settings:
    return Settings(knowledge_dir=KNOWLEDGE, index_dir=built_index, database_url=database_url)


def copy_knowledge(destination: Path) -> Path:
    shutil.copytree(KNOWLEDGE, destination)
    return destination


def free_port() -> int:
    """A loopback port nothing listens on, for the real servers tests start."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
