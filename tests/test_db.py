"""Migrations on SQLite and PostgreSQL: idempotent, and the tables they make are the models'."""

from __future__ import annotations

from sqlalchemy import inspect

from bot.db import database_engine, upgrade_database


def test_upgrade_creates_the_schema_and_is_idempotent(database_url):
    assert upgrade_database(database_url) == "0005"
    assert upgrade_database(database_url) == "0005"
    tables = set(inspect(database_engine(database_url)).get_table_names())
    assert {"chat_sessions", "exchanges", "alembic_version"} <= tables


def test_sqlite_runs_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'faqbot.db'}"
    upgrade_database(url)
    with database_engine(url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
