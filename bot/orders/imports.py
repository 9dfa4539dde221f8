"""Orders in from CSV (our native format or Shopify's order export) and upserted by (store, number).

A bad row is reported with its line number and reason and skipped; the good
rows of the same file still land. Re-importing a file changes nothing: an
order is replaced as a whole (fields and items) by its latest version.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import Order, OrderItem
from bot.errors import FaqbotError
from bot.orders.records import LineItem, OrderRecord, as_moment, future_date, number_key
from bot.policy.lexicon import ITEM_KIND_PATTERNS

NATIVE_HEADER = (
    "order_number,email,status,placed_at,shipped_at,delivered_at,carrier,tracking_number,"
    "destination_country,sku,title,quantity,final_sale,personalized"
).split(",")
SHOPIFY_REQUIRED = ("Name", "Email", "Financial Status", "Fulfillment Status", "Created at", "Lineitem name")
BOOLEAN = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "": False}


class BadImport(FaqbotError):
    code, http_status = "bad_import", 422


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    items: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged orders "
            f"({self.items} line items); {len(self.bad_rows)} bad row(s) skipped"
        )


def describe(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors())


def boolean(value: str, column: str) -> bool:
    try:
        return BOOLEAN[value.strip().lower()]
    except KeyError:
        raise ValueError(f"{column}: {value!r} is not true or false") from None


def native_orders(rows: Iterable[tuple[int, dict[str, str], int]], today: date) -> tuple[list[OrderRecord], list[BadRow]]:
    """One row per line item; rows of one order repeat its order fields. An order is stored whole
    or not at all: a bad row, or rows that disagree on the order's own fields (two customers under
    one number), skip every row of that order, since storing the rest would drop items or mix them."""
    grouped: dict[str, tuple[dict, list[LineItem]]] = {}
    bad: list[BadRow] = []
    first_line: dict[str, int] = {}
    spoilt: dict[str, str] = {}  # order key -> why the whole order is skipped
    for line, row, width in rows:
        key = number_key(row.get("order_number") or "")
        if width != len(NATIVE_HEADER):
            bad.append(BadRow(line, f"the row has {width} of {len(NATIVE_HEADER)} columns"))
            spoilt.setdefault(key, f"line {line} is bad")
            continue
        try:
            item = LineItem(
                sku=row["sku"] or None,
                title=row["title"],
                quantity=int(row["quantity"] or 1),
                final_sale=boolean(row["final_sale"], "final_sale"),
                personalized=boolean(row["personalized"], "personalized"),
            )
            fields = {k: (row[k] or None) for k in NATIVE_HEADER[:9]}
            fields["status"] = (row["status"] or "").strip().lower()
            record = OrderRecord(**fields, items=[item])  # validates this row's order fields
            too_early = future_date(record, today)
            if too_early:
                raise ValueError(too_early)
        except ValidationError as exc:
            bad.append(BadRow(line, describe(exc)))
            spoilt.setdefault(key, f"line {line} is bad")
            continue
        except ValueError as exc:
            bad.append(BadRow(line, f"quantity: {exc}" if "invalid literal" in str(exc) else str(exc)))
            spoilt.setdefault(key, f"line {line} is bad")
            continue
        fields = record.model_dump(exclude={"items"})
        if key in grouped:
            differs = [name for name, value in fields.items() if grouped[key][0][name] != value]
            if differs:
                bad.append(BadRow(line, f"order {record.order_number}: {', '.join(differs)} differ from line {first_line[key]} (rows of one order must agree)"))
                spoilt.setdefault(key, f"its rows disagree (line {first_line[key]} and line {line})")
                continue
            grouped[key][1].append(item)
        else:
            grouped[key] = (fields, [item])
            first_line[key] = line
    for key, why in spoilt.items():
        if key in grouped:
            fields, _ = grouped.pop(key)
            bad.append(BadRow(first_line[key], f"order {fields['order_number']} skipped whole: {why}"))
    bad.sort(key=lambda b: b.line)
    return [OrderRecord(**fields, items=items) for fields, items in grouped.values()], bad


def shopify_status(row: dict[str, str]) -> str:
    if (row.get("Cancelled at") or "").strip():
        return "cancelled"
    fulfillment = (row.get("Fulfillment Status") or "").strip().lower()
    return "shipped" if fulfillment in ("fulfilled", "partial", "shipped") else "processing"


def shopify_time(value: str) -> datetime | None:
    """Shopify writes '2024-01-15 10:30:00 -0500'."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a Shopify date")


def kinds_of(title: str) -> set[str]:
    return {kind for kind, pattern in ITEM_KIND_PATTERNS.items() if pattern.search(title)}


def shopify_orders(rows: Iterable[tuple[int, dict[str, str]]], today: date) -> tuple[list[OrderRecord], list[BadRow]]:
    """Shopify's export repeats `Name` on every line item but fills the order's own columns only on its first row."""
    grouped: dict[str, tuple[dict, list[LineItem]]] = {}
    bad: list[BadRow] = []
    for line, row in rows:
        name = (row.get("Name") or "").strip()
        try:
            if not name:
                raise ValueError("Name: the order number is empty")
            price, compare_at = row.get("Lineitem price") or "", row.get("Lineitem compare at price") or ""
            on_sale = bool(compare_at.strip() and price.strip() and float(compare_at) > float(price))
            title = row.get("Lineitem name") or ""
            kinds = kinds_of(title)
            item = LineItem(
                sku=(row.get("Lineitem sku") or None),
                title=title,
                quantity=int(row.get("Lineitem quantity") or 1),
                final_sale=on_sale or bool(kinds & {"final_sale", "sale", "markdown", "gift_card"}),
                personalized=bool(kinds & {"personalized", "engraved", "custom", "photo"}),
            )
            key = number_key(name)
            if key in grouped:
                grouped[key][1].append(item)
                continue
            fields = {
                "order_number": name,
                "email": row.get("Email") or "",
                "status": shopify_status(row),
                "placed_at": shopify_time(row.get("Created at", "")),
                "shipped_at": shopify_time(row.get("Fulfilled at", "")),
                "destination_country": (row.get("Shipping Country") or None),
                "destination_region": (row.get("Shipping Province") or None),
            }
            record = OrderRecord(**fields, items=[item])
            too_early = future_date(record, today)
            if too_early:
                raise ValueError(too_early)
            grouped[key] = (record.model_dump(exclude={"items"}), [item])
        except ValidationError as exc:
            bad.append(BadRow(line, describe(exc)))
        except ValueError as exc:
            bad.append(BadRow(line, str(exc)))
    return [OrderRecord(**fields, items=items) for fields, items in grouped.values()], bad


def read_orders(text: str, today: date) -> tuple[list[OrderRecord], list[BadRow]]:
    """Tell the format by its header; line numbers are the file's own (header = line 1). `today`:
    the day the import runs, which no order's date may be after."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = ((reader.line_num, {k: (v or "") for k, v in row.items() if k is not None}, sum(v is not None for v in row.values())) for row in reader)
    if header == NATIVE_HEADER:
        return native_orders(rows, today)
    if all(column in header for column in SHOPIFY_REQUIRED):
        return shopify_orders(((line, row) for line, row, _ in rows), today)
    missing = [c for c in NATIVE_HEADER if c not in header]
    unknown = [c for c in header if c not in NATIVE_HEADER]
    if len(missing) + len(unknown) < len(NATIVE_HEADER) // 2:
        # Close to the native header: say exactly what is off.
        problems = [f"missing {', '.join(missing)}" if missing else "", f"unknown {', '.join(unknown)}" if unknown else ""]
        raise BadImport(f"CSV header: {'; '.join(p for p in problems if p) or 'the columns are in another order'}; expected {','.join(NATIVE_HEADER)}")
    raise BadImport(
        "unknown CSV header: expected our native header "
        f"({','.join(NATIVE_HEADER)}) or Shopify's order export (with {', '.join(SHOPIFY_REQUIRED)})"
    )


def upsert_orders(db: Session, store: str, records: list[OrderRecord], timezone: str) -> ImportResult:
    result = ImportResult()
    for record in records:
        key = number_key(record.order_number)
        order = db.scalar(select(Order).where(Order.store == store, Order.number_key == key))
        values = {
            "order_number": record.order_number,
            "email": record.email,
            "status": record.status,
            "placed_at": as_moment(record.placed_at, timezone),
            "shipped_at": as_moment(record.shipped_at, timezone),
            "delivered_at": as_moment(record.delivered_at, timezone),
            "carrier": record.carrier,
            "tracking_number": record.tracking_number,
            "destination_country": record.destination_country,
            "destination_region": record.destination_region,
        }
        items = [item.model_dump() for item in record.items]
        if order is None:
            db.add(Order(store=store, number_key=key, **values, items=[OrderItem(**i) for i in items]))
            result.created += 1
        elif same_order(order, values, items):
            result.unchanged += 1
        else:
            for name, value in values.items():
                setattr(order, name, value)
            order.items = [OrderItem(**i) for i in items]
            result.updated += 1
        result.items += len(items)
    db.flush()
    return result


def same_order(order: Order, values: dict, items: list[dict]) -> bool:
    def moment(value):
        return value.timestamp() if isinstance(value, datetime) else value

    stored = {name: moment(getattr(order, name)) for name in values}
    wanted = {name: moment(value) for name, value in values.items()}
    stored_items = [{k: getattr(i, k) for k in ("sku", "title", "quantity", "final_sale", "personalized")} for i in order.items]
    return stored == wanted and stored_items == items


def import_file(db: Session, store: str, path: Path, timezone: str, today: date) -> ImportResult:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadImport(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise BadImport(f"{path}: not UTF-8 text (save the CSV as UTF-8)") from None
    except IsADirectoryError:
        raise BadImport(f"{path}: is a folder, not a CSV file") from None
    except PermissionError:
        raise BadImport(f"{path}: not allowed to read it") from None
    records, bad = read_orders(text, today)
    result = upsert_orders(db, store, records, timezone)
    result.bad_rows = bad
    return result
