"""Orders in: native CSV and Shopify's export, bad rows reported by line, re-imports idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli.app import app
from bot.db import Order, session_factory, upgrade_database
from bot.orders.imports import BadImport, import_file, read_orders
from bot.settings import get_settings

TODAY = date(2026, 11, 25)  # the day the import runs: no order's date may be after it

HEADER = "order_number,email,status,placed_at,shipped_at,delivered_at,carrier,tracking_number,destination_country,sku,title,quantity,final_sale,personalized"
NATIVE = f"""{HEADER}
1001,Jane@Example.com ,shipped,2026-11-16,2026-11-18,,UPS,1Z999AA10123456784,US,R-1,Gold ring,1,false,false
1001,Jane@Example.com ,shipped,2026-11-16,2026-11-18,,UPS,1Z999AA10123456784,US,N-2,Engraved necklace,1,false,true
1002,bob@example.com,delivered,2026-11-01,2026-11-03,2026-11-10,USPS,9400111899223344556677,GB,E-1,Earrings,2,true,false
1003,not-an-email,processing,2026-11-20,,,,,US,X,Thing,1,false,false
1004,amy@example.com,teleported,2026-11-20,,,,,US,X,Thing,1,false,false
1005,amy@example.com,processing,2026-11-24,,,,,US,X,Bracelet,1,maybe,false
1006,amy@example.com,processing,2026-11-24,,,,,Narnia,X,Bracelet,1,false,false
1007,amy@example.com,processing,2026-13-45,,,,,US,X,Bracelet,1,false,false
"""
SHOPIFY = """Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Shipping Province,Shipping Country,Cancelled at
#1101,ann@example.com,paid,2026-11-20 10:30:00 -0500,fulfilled,2026-11-21 09:00:00 -0500,no,USD,80.00,2026-11-20 10:30:00 -0500,1,Engraved locket,50.00,,LK-1,NY,US,
#1101,,,,,,,,,,1,Silver studs - Sale,30.00,45.00,ST-2,,,
#1102,ben@example.com,refunded,2026-11-19 08:00:00 -0500,unfulfilled,,no,USD,20.00,2026-11-19 08:00:00 -0500,1,Chain,20.00,,CH-1,ON,CA,2026-11-19 12:00:00 -0500
#1103,,paid,2026-11-19 08:00:00 -0500,unfulfilled,,no,USD,20.00,2026-11-19 08:00:00 -0500,1,Chain,20.00,,CH-1,ON,CA,
"""


@pytest.fixture
def db(database_url):
    upgrade_database(database_url)
    with session_factory(database_url)() as session:
        yield session


def test_native_rows_group_into_orders_and_bad_rows_name_their_line_and_reason():
    records, bad = read_orders(NATIVE, TODAY)
    assert [(r.order_number, r.email, len(r.items)) for r in records] == [("1001", "jane@example.com", 2), ("1002", "bob@example.com", 1)]
    assert records[0].items[1].personalized and records[1].items[0].final_sale and records[1].destination_country == "GB"
    reasons = {b.line: b.reason for b in bad}
    assert sorted(reasons) == [5, 6, 7, 8, 9]
    assert "not an email" in reasons[5] and "status" in reasons[6] and "'maybe' is not true or false" in reasons[7]
    assert "Narnia" in reasons[8] and "placed_at" in reasons[9]


def test_shopify_export_is_read_by_its_own_columns():
    records, bad = read_orders(SHOPIFY, TODAY)
    by_number = {r.order_number: r for r in records}
    first = by_number["#1101"]
    assert first.status == "shipped" and first.email == "ann@example.com" and first.destination_country == "US"
    assert [(i.title, i.final_sale, i.personalized) for i in first.items] == [("Engraved locket", False, True), ("Silver studs - Sale", True, False)]
    assert by_number["#1102"].status == "cancelled" and by_number["#1102"].destination_country == "CA"
    assert [b.line for b in bad] == [5] and "email" in bad[0].reason


def test_unknown_header_is_refused_with_what_is_expected():
    with pytest.raises(BadImport, match="unknown CSV header"):
        read_orders("id,name\n1,x\n", TODAY)


def test_reimport_is_idempotent_and_an_update_replaces_the_order(db, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(NATIVE, encoding="utf-8")
    first = import_file(db, "sessori", path, "America/Los_Angeles", TODAY)
    second = import_file(db, "sessori", path, "America/Los_Angeles", TODAY)
    assert (first.created, first.updated, len(first.bad_rows)) == (2, 0, 5)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    path.write_text(NATIVE.replace("1002,bob@example.com,delivered", "1002,bob@example.com,cancelled"), encoding="utf-8")
    third = import_file(db, "sessori", path, "America/Los_Angeles", TODAY)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    db.commit()
    order = db.scalar(select(Order).where(Order.store == "sessori", Order.number_key == "1002"))
    assert order.status == "cancelled" and len(order.items) == 1


def test_a_bare_date_is_noon_in_the_stores_timezone(db, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(NATIVE, encoding="utf-8")
    import_file(db, "sessori", path, "America/Los_Angeles", TODAY)
    db.commit()
    order = db.scalar(select(Order).where(Order.number_key == "1002"))
    delivered = order.delivered_at if order.delivered_at.tzinfo else order.delivered_at.replace(tzinfo=UTC)
    assert delivered == datetime(2026, 11, 10, 20, 0, tzinfo=UTC)  # 12:00 in Los Angeles


def test_cli_import_prints_a_summary_and_the_bad_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("FAQBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'faqbot.db'}")
    get_settings.cache_clear()
    path = tmp_path / "orders.csv"
    path.write_text(NATIVE, encoding="utf-8")
    try:
        result = CliRunner().invoke(app, ["orders", "import", "--store", "sessori", str(path)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert "sessori: 2 new, 0 updated, 0 unchanged orders (3 line items); 5 bad row(s) skipped" in result.output
    assert f"{path}:6: skipped: status" in result.output


@pytest.mark.parametrize(
    ("rows", "reasons"),
    [
        pytest.param(
            "MY-108,hank@example.com,delivered,2026-11-01,2026-11-02,2026-11-05,,,US,R,Ring,1,false,false\n"
            "MY-108,ivy@example.com,processing,2026-11-20,,,,,US,R2,Other ring,1,true,false\n",
            {3: "email, status, placed_at, shipped_at, delivered_at differ from line 2", 2: "order MY-108 skipped whole"},
            id="two-customers-under-one-number",
        ),
        pytest.param(
            "MY-107,gina@example.com,delivered,2026-11-01,2026-11-02,2026-11-05,,,US,E,Earrings,two,false,false\n"
            "MY-107,gina@example.com,delivered,2026-11-01,2026-11-02,2026-11-05,,,US,B,Sale bangle,1,true,false\n",
            {2: "quantity", 3: "order MY-107 skipped whole: line 2 is bad"},
            id="one-bad-line-item-keeps-the-whole-order-out",
        ),
        pytest.param("MY-6,amy@example.com,processing,2026-11-20\n", {2: "the row has 4 of 14 columns"}, id="a-short-row"),
        pytest.param(
            "MY-9,amy@example.com,shipped,2026-11-20,2026-11-10,,,,US,X,Ring,1,false,false\n", {2: "shipped_at (2026-11-10) is before placed_at (2026-11-20)"}, id="shipped-before-placed",
        ),
        pytest.param(
            "MY-11,lee@example.com,delivered,2026-11-01,2026-11-02,2099-03-01,,,US,X,Ring,1,false,false\n", {2: "delivered_at (2099-03-01) is in the future"}, id="delivered-in-the-future",
        ),
        pytest.param(  # counted from the day the import runs (TODAY), with a day's grace for time zones
            "MY-12,lee@example.com,delivered,2026-11-01,2026-11-02,2026-11-27,,,US,X,Ring,1,false,false\n", {2: "delivered_at (2026-11-27) is in the future"}, id="two-days-after-the-import",
        ),
    ],
)
def test_an_order_is_imported_whole_or_not_at_all(rows, reasons):
    """Storing part of an order, or one customer's item under another's number, would give a shopper
    wrong return advice; the file's other orders still land."""
    records, bad = read_orders(f"{HEADER}\n{rows}GOOD-1,ok@example.com,processing,2026-11-20,,,,,US,X,Ring,1,false,false\n", TODAY)
    assert [r.order_number for r in records] == ["GOOD-1"]
    found = {b.line: b.reason for b in bad}
    assert sorted(found) == sorted(reasons) and all(reasons[line] in found[line] for line in reasons), found


def test_a_near_miss_header_names_the_columns_that_are_off():
    with pytest.raises(BadImport, match="missing personalized"):
        read_orders(HEADER.removesuffix(",personalized") + "\n", TODAY)
    with pytest.raises(BadImport, match="another order"):
        read_orders(",".join(reversed(HEADER.split(","))) + "\n", TODAY)


def test_a_folder_is_no_csv(db, tmp_path):
    with pytest.raises(BadImport, match="is a folder"):
        import_file(db, "dissoo", tmp_path, "America/New_York", TODAY)
