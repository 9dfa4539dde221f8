"""`faqbot orders import` SIGKILLed halfway through writing: the database holds the orders as
they were before the import (one transaction: no order half-written, none of the file's), it is
sound, and the import run again lands every order exactly once. Killed while it migrates a new
database (its first step, as every command's), it leaves one its rerun migrates and fills."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.db import Order, session_factory, upgrade_database
from tests.crash.conftest import DEADLINE, STORE, Process, faqbot, faqbot_stopped_before, run

HEADER = "order_number,email,status,placed_at,shipped_at,delivered_at,carrier,tracking_number,destination_country,sku,title,quantity,final_sale,personalized"
ORDERS = 2000  # about two and a half seconds of writing on a small machine
UPDATED = 300  # already stored, in an earlier state, before the import
WRITING_CPU_SECONDS = 0.4  # the importer's own CPU time spent writing before it is killed: hundreds of orders in


def orders_csv(path: Path, count: int, status: str, items: int) -> Path:
    rows = [HEADER]
    for n in range(1, count + 1):
        shipped = "2025-03-12" if status == "shipped" else ""
        for i in range(items):
            rows.append(f"AC-{n:05d},buyer{n}@example.com,{status},2025-03-10,{shipped},,UPS,1Z{n:016d},US,SKU-{n}-{i},Ring {n} part {i},{i + 1},false,false")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def stored(url: str) -> dict[str, tuple]:
    """Every order of the store with its line items, by number (a number twice would fail here)."""
    with session_factory(url)() as db:
        orders = db.scalars(select(Order).where(Order.store == STORE).options(selectinload(Order.items))).all()
        found = {o.order_number: (o.email, o.status, o.tracking_number, [(i.sku, i.title, i.quantity) for i in o.items]) for o in orders}
    assert len(found) == len(orders)
    return found


def expected(count: int, status: str, items: int) -> dict[str, tuple]:
    return {
        f"AC-{n:05d}": (f"buyer{n}@example.com", status, f"1Z{n:016d}", [(f"SKU-{n}-{i}", f"Ring {n} part {i}", i + 1) for i in range(items)])
        for n in range(1, count + 1)
    }


def cpu_seconds(pid: int) -> float:
    """The process's own CPU time (user + system): its progress, whatever the machine's load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def halfway_through_writing(database: Path, process: Process) -> None:
    """Until the importer has written for WRITING_CPU_SECONDS: it is seen writing when it holds
    SQLite's write lock (another connection cannot begin a write), then its CPU time counts the
    work done. An import that committed order by order would have committed hundreds by then."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    end, started = time.monotonic() + DEADLINE, None
    try:
        while time.monotonic() < end:
            if process.popen.poll() is not None:
                pytest.fail(f"the import ended before it was killed:\n{process.output()}")
            if started is None:
                try:
                    probe.execute("BEGIN IMMEDIATE")
                    probe.execute("ROLLBACK")
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    started = cpu_seconds(process.popen.pid)
            elif cpu_seconds(process.popen.pid) >= started + WRITING_CPU_SECONDS:
                return
            time.sleep(0.005)
        pytest.fail(f"not halfway within {DEADLINE}s:\n{process.output()}")
    finally:
        probe.close()


def test_an_import_killed_mid_write_leaves_the_orders_as_before_and_its_rerun_lands_each_once(crash_knowledge, tmp_path):
    database = tmp_path / "faqbot.db"
    url = f"sqlite:///{database}"
    upgrade_database(url)
    env = {**os.environ, "FAQBOT_DATABASE_URL": url}
    earlier = orders_csv(tmp_path / "earlier.csv", UPDATED, "processing", 1)
    run(faqbot("orders", "import", "--store", STORE, "--knowledge", str(crash_knowledge), str(earlier)), env, tmp_path / "earlier")
    before = stored(url)
    assert before == expected(UPDATED, "processing", 1)

    command = faqbot("orders", "import", "--store", STORE, "--knowledge", str(crash_knowledge), str(orders_csv(tmp_path / "orders.csv", ORDERS, "shipped", 2)))
    importing = Process(command, env, tmp_path / "killed")
    halfway_through_writing(database, importing)
    importing.kill9()

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert stored(url) == before  # not one order of the file, none half-written, none of the earlier ones touched

    output = run(command, env, tmp_path / "rerun")
    assert f"{STORE}: {ORDERS - UPDATED} new, {UPDATED} updated, 0 unchanged orders ({2 * ORDERS} line items)" in output
    assert stored(url) == expected(ORDERS, "shipped", 2)


def test_an_import_killed_while_it_migrates_a_new_database_leaves_one_its_rerun_migrates(crash_knowledge, tmp_path):
    url = f"sqlite:///{tmp_path / 'faqbot.db'}"
    env = {**os.environ, "FAQBOT_DATABASE_URL": url}
    arguments = ["orders", "import", "--store", STORE, "--knowledge", str(crash_knowledge), str(orders_csv(tmp_path / "orders.csv", 20, "shipped", 2))]
    # Between two statements of one migration: its table created, its index not yet.
    migrating = Process(faqbot_stopped_before("call:create_index", "ix_feedback_store_created", *arguments), env, tmp_path / "killed")
    migrating.wait_stopped()
    migrating.kill9()
    assert "20 new, 0 updated" in run(faqbot(*arguments), env, tmp_path / "rerun")
    assert stored(url) == expected(20, "shipped", 2)
