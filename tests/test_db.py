"""Migrations on SQLite and PostgreSQL: idempotent, and the tables they make are the models'."""

from __future__ import annotations

from sqlalchemy import inspect

from bot.db import database_engine, upgrade_database


def test_upgrade_creates_the_schema_and_is_idempotent(database_url):
    assert upgrade_database(database_url) == "0007"
    assert upgrade_database(database_url) == "0007"
    tables = set(inspect(database_engine(database_url)).get_table_names())
    assert {"chat_sessions", "exchanges", "alembic_version"} <= tables


def test_sqlite_runs_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'nested' / 'faqbot.db'}"
    upgrade_database(url)
    with database_engine(url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_sessions_waiting_with_an_address_keep_a_key_after_the_upgrade(database_url):
    """Migration 0006: a session stored by an earlier version, waiting on an order lookup with the
    shopper's address, keeps only its key, and the lookup still matches it."""
    from alembic import command
    from sqlalchemy import text

    from bot.db import ChatSession, alembic_config, session_factory
    from bot.orders.lookup import email_key

    command.upgrade(alembic_config(database_url), "0005")
    pending = '{"intent": "order_lookup", "number": null, "email": "bea@example.com"}'
    with database_engine(database_url).begin() as connection:
        connection.execute(text("INSERT INTO chat_sessions (id, store, created_at, last_seen_at, pending) VALUES ('s1', 'dissoo', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, :p)"), {"p": pending})
    assert upgrade_database(database_url) == "0007"
    with session_factory(database_url)() as db:
        kept = db.get(ChatSession, "s1").pending
    assert kept == {"intent": "order_lookup", "number": None, "email": email_key("bea@example.com")}
