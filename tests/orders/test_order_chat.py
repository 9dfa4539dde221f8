""""Where is my order?" through POST /v1/chat: details asked and kept across turns, status in plain
words with dates from the policy, the same reply for every mismatch, lookups stopped after too many
failures, and the push API's key — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.api.app import create_app
from bot.db import Exchange, session_factory
from bot.orders.conversation import mended, only_details

TODAY = "2026-11-25"
KEY = "test-key-dissoo"
ORDERS = {
    "sessori": [
        {"order_number": "SS-1001", "email": "ann@example.com", "status": "processing", "placed_at": "2026-11-24", "destination_country": "US", "items": [{"title": "Pearl earrings"}]},
        {"order_number": "SS-1002", "email": "ann@example.com", "status": "delivered", "placed_at": "2026-11-02", "shipped_at": "2026-11-03", "delivered_at": "2026-11-16", "carrier": "USPS", "tracking_number": "9400111899223344556677", "destination_country": "US", "items": [{"title": "Charm bracelet"}, {"title": "Clearance rings", "final_sale": True}]},
        {"order_number": "SS-1003", "email": "ann@example.com", "status": "delivered", "placed_at": "2026-10-01", "delivered_at": "2026-10-10", "destination_country": "US", "items": [{"title": "Hoops"}]},
    ],
    "dissoo": [
        {"order_number": "DS-2002", "email": "bea@example.com", "status": "shipped", "placed_at": "2026-11-20", "shipped_at": "2026-11-21", "carrier": "FedEx", "tracking_number": "771234567890", "destination_country": "US", "items": [{"title": "Sapphire pendant"}]},
        {"order_number": "DS-2005", "email": "bea@example.com", "status": "shipped", "placed_at": "2026-10-01", "shipped_at": "2026-10-02", "carrier": "USPS", "destination_country": "US", "items": [{"title": "Late ring"}]},
        {"order_number": "DS-2004", "email": "bea@example.com", "status": "cancelled", "placed_at": "2026-11-15", "destination_country": "US", "items": [{"title": "Opal studs"}]},
    ],
    "stelladot": [
        {"order_number": "1001", "email": "cy@example.com", "status": "processing", "placed_at": "2026-11-24", "destination_country": "US", "items": [{"title": "Engraved bar necklace", "personalized": True}]},
        {"order_number": "1002", "email": "cy@example.com", "status": "backordered", "placed_at": "2026-11-10", "destination_country": "US", "items": [{"title": "Pavé hoops"}]},
        {"order_number": "1003", "email": "cy@example.com", "status": "delivered", "placed_at": "2026-11-15", "delivered_at": "2026-11-20", "destination_country": "US", "items": [{"title": "Pavé hoops"}, {"title": "Ever Skincare night cream"}]},
    ],
}


@pytest.fixture
def client(settings, engine, monkeypatch) -> TestClient:
    for store in ORDERS:
        monkeypatch.setenv(f"FAQBOT_API_KEY_{store.upper()}", KEY)
    client = TestClient(create_app(settings, engine), raise_server_exceptions=False)
    for store, orders in ORDERS.items():
        response = client.post(f"/v1/stores/{store}/orders", json=orders, headers={"Authorization": f"Bearer {KEY}"})
        assert response.status_code == 200, response.text
    return client


def say(client: TestClient, store: str, message: str, session_id: str | None = None) -> dict:
    body = {"store": store, "message": message, "today": TODAY} | ({"session_id": session_id} if session_id else {})
    response = client.post("/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_missing_details_are_asked_for_one_at_a_time_and_kept(client):
    first = say(client, "dissoo", "Where is my order?")
    assert first["kind"] == "order" and "order number" in first["reply"] and "email" in first["reply"]
    second = say(client, "dissoo", "it's DS-2002", first["session_id"])
    assert "email" in second["reply"] and "order number" not in second["reply"]
    third = say(client, "dissoo", "  BEA@example.com ", first["session_id"])
    assert third["kind"] == "order"
    assert "shipped on Saturday, November 21, 2026 with FedEx" in third["reply"]
    assert "771234567890" in third["reply"] and "https://www.fedex.com/fedextrack/?trknbr=771234567890" in third["reply"]
    assert "between Wednesday, November 25, 2026 and Monday, December 7, 2026" in third["reply"]


@pytest.mark.parametrize(
    ("store", "message", "expected"),
    [
        pytest.param("sessori", "where is order #SS-1001? ann@example.com", ["hasn't shipped yet"], id="processing"),
        pytest.param("stelladot", "status of order 1001, email cy@example.com", ["hasn't shipped", "Monday, November 30, 2026"], id="processing-engraved-ships-later"),
        pytest.param("dissoo", "track order DS-2004 bea@example.com", ["was cancelled"], id="cancelled"),
        pytest.param("sessori", "where is my order SS-1002? ann@example.com", ["delivered on Monday, November 16, 2026", "“Clearance rings” is final sale", "Monday, November 30, 2026"], id="delivered-returnable-with-final-sale-item"),
        pytest.param("sessori", "where is my order SS-1003? ann@example.com", ["delivered on Saturday, October 10, 2026", "ended on Saturday, October 24, 2026"], id="delivered-too-late-to-return"),
        pytest.param("dissoo", "where's my order 2002? bea@example.com", ["FedEx"], id="number-without-its-prefix"),
    ],
)
def test_order_status_in_plain_words(client, store, message, expected):
    body = say(client, store, message)
    assert body["kind"] == "order"
    for phrase in expected:
        assert phrase in body["reply"]


@pytest.mark.parametrize(
    ("store", "message"),
    [
        pytest.param("dissoo", "where is order DS-2002? wrong@example.com", id="wrong-email"),
        pytest.param("dissoo", "where is order DS-9999? bea@example.com", id="unknown-number"),
        pytest.param("sessori", "where is order DS-2002? bea@example.com", id="another-stores-order"),
    ],
)
def test_every_mismatch_gets_the_same_reply_and_no_detail(client, store, message):
    body = say(client, store, message)
    assert body["reply"].startswith("I couldn't find an order with that number and email.")
    for secret in ("FedEx", "771234567890", "shipped", "cancelled", "delivered"):
        assert secret not in body["reply"]


def test_five_failures_in_a_session_stop_lookups_even_for_a_right_pair(client):
    session = None
    for n in range(5):
        body = say(client, "dissoo", f"where is order DS-90{n}0? bea@example.com", session)
        session = body["session_id"]
    blocked = say(client, "dissoo", "where is order DS-2002? bea@example.com", session)
    assert blocked["kind"] == "handoff" and "support@dissoojewelry.com" in blocked["reply"] and "FedEx" not in blocked["reply"]


def test_failures_from_one_client_address_count_across_sessions(client):
    for n in range(5):
        say(client, "dissoo", f"where is order DS-80{n}0? bea@example.com")  # a new session each time, one client address
    blocked = say(client, "dissoo", "where is order DS-2002? bea@example.com")
    assert blocked["kind"] == "handoff"


def test_an_operator_lifts_a_lockout_with_faqbot_orders_unlock(client, settings, monkeypatch):
    """A demo on loopback is one client address: its own wrong tries lock every shopper out for the
    window. `faqbot orders unlock` clears the failed lookups; the right pair then finds the order."""
    from typer.testing import CliRunner

    from bot.cli.app import app
    from bot.settings import get_settings

    for n in range(5):
        say(client, "dissoo", f"where is order DS-70{n}0? bea@example.com")
    assert say(client, "dissoo", "where is order DS-2002? bea@example.com")["kind"] == "handoff"
    monkeypatch.setenv("FAQBOT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        unlocked = CliRunner().invoke(app, ["orders", "unlock", "--store", "dissoo", "--knowledge", str(settings.knowledge_dir)])
    finally:
        get_settings.cache_clear()
    assert unlocked.exit_code == 0 and "dissoo: 5 failed lookup(s) cleared" in unlocked.output, unlocked.output
    assert "FedEx" in say(client, "dissoo", "where is order DS-2002? bea@example.com")["reply"]


def test_records_keep_no_full_email_or_tracking_number(client, settings):
    body = say(client, "dissoo", "where is order DS-2002? bea@example.com")
    with session_factory(settings.database_url)() as db:
        row = db.scalars(select(Exchange).where(Exchange.session_id == body["session_id"])).one()
    assert "bea@example.com" not in row.message and "b***@example.com" in row.message
    assert "771234567890" not in row.reply and "***7890" in row.reply


def test_an_unrelated_question_leaves_the_order_conversation(client):
    first = say(client, "dissoo", "where is my order?")
    second = say(client, "dissoo", "do you ship to Canada?", first["session_id"])
    assert second["kind"] != "order"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="no-key"),
        pytest.param({"Authorization": "Bearer wrong"}, 401, id="wrong-key"),
        pytest.param({"Authorization": f"Bearer {KEY}"}, 200, id="right-key"),
    ],
)
def test_push_api_needs_the_stores_key(client, headers, status):
    order = {"order_number": "DS-3000", "email": "x@example.com", "status": "processing", "items": [{"title": "Ring"}]}
    response = client.post("/v1/stores/dissoo/orders", json=order, headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.json()["error"]["code"] == "unauthorized"


def test_push_api_rejects_a_bad_order_with_a_clear_message(client):
    response = client.post("/v1/stores/dissoo/orders", json={"order_number": "DS-1", "email": "nope", "status": "lost"}, headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 422 and "email" in response.json()["error"]["message"]


def test_a_follow_up_is_about_the_order_just_shown(client):
    first = say(client, "sessori", "track order ss1002 ann@example.com")
    assert "delivered on Monday, November 16, 2026" in first["reply"]
    follow_up = say(client, "sessori", "can I return the bracelet?", first["session_id"])
    assert follow_up["kind"] == "order" and "Monday, November 30, 2026" in follow_up["reply"]
    steps = say(client, "sessori", "how do I return the bracelet?", first["session_id"])
    assert steps["kind"] != "order"  # the store's steps, not the status again
    general = say(client, "sessori", "do you ship to Canada?", first["session_id"])
    assert general["kind"] != "order" and "Canada" in general["reply"]


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        pytest.param(["hi where's my order, number is SS-1001", "ann@example.com"], "hasn't shipped yet", id="number-is"),
        pytest.param(["I need help with order DS2002", "bea@example.com"], "FedEx", id="no-hyphen-and-no-where-is"),
        pytest.param(["where is my order?", "ds 2002", "bea@example.com"], "FedEx", id="spaced-prefix-when-asked"),
        pytest.param(["where is order DS-2002? wrong@example.com", "sorry, bea@example.com"], "FedEx", id="correcting-the-email-retries"),
        pytest.param(["where is order DS-2002", "bea @ example.com"], "FedEx", id="spaces-around-the-at-sign"),
        pytest.param(["where is order DS-2002", "bea at example dot com", "bea@example.com"], "FedEx", id="a-broken-email-is-asked-again-and-the-number-kept"),
        pytest.param(["where is my order from 2026-11-21? bea@example.com", "DS-2002"], "FedEx", id="a-date-is-no-order-number"),
        pytest.param(["where is my order? I paid 250 for it", "DS-2002", "bea@example.com"], "FedEx", id="a-price-is-no-order-number"),
        pytest.param(["I emailed support@dissoojewelry.com about my order DS-2002", "bea@example.com"], "FedEx", id="the-stores-own-address-is-not-the-shoppers"),
        pytest.param(["where is my order DS-7? bea@example.com"], "couldn't find", id="a-short-number-after-order-is-read"),
    ],
)
def test_order_numbers_as_shoppers_write_them(client, turns, expected):
    session = None
    for message in turns:
        body = say(client, "dissoo" if "DS" in " ".join(turns).upper() else "sessori", message, session)
        session = body["session_id"]
    assert body["kind"] == "order" and expected in body["reply"]


def test_order_confirmation_is_not_an_order_lookup(client):
    body = say(client, "sessori", "I never got my order confirmation email, it's been a day")
    assert body["kind"] == "answer" and "spam" in body["reply"]


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        pytest.param("will I get a tracking number?", "answer", id="how-tracking-works-is-the-page"),
        pytest.param("can you give me the tracking number for my order?", "order", id="my-own-tracking-number-is-a-lookup"),
        pytest.param("where's my package? it hasn't arrived", "order", id="my-own-parcel-is-a-lookup"),
    ],
)
def test_tracking_words_start_a_lookup_only_about_the_shoppers_own_order(client, message, kind):
    """The desk's patterns fire on "tracking number" either way; the message's meaning decides (lookup.toml)."""
    assert say(client, "dissoo", message)["kind"] == kind


@pytest.mark.parametrize(
    ("store", "message", "expected"),
    [
        pytest.param("sessori", "please cancel my order SS-1001, ann@example.com", "can still be cancelled — I can't do that myself: please email cs@sessori.com", id="not-shipped-can-be-cancelled"),
        pytest.param("dissoo", "cancel order DS-2002 bea@example.com", "can't be cancelled any more at this stage. Once it arrives you can return it instead.", id="shipped-too-late"),
        pytest.param("stelladot", "can I cancel order 1001? cy@example.com", "can't be cancelled any more", id="a-store-that-cancels-nothing-in-processing"),
        pytest.param("sessori", "can I change the address on order SS-1001? ann@example.com", "can still be changed", id="change-before-shipping"),
    ],
)
def test_a_request_to_cancel_or_change_an_order_gets_its_answer_not_only_the_status(client, store, message, expected):
    """The bot cancels nothing itself: the shopper hears whether this order still can be, and how."""
    assert expected in say(client, store, message)["reply"]


def test_an_order_past_its_estimate_is_called_late_not_given_a_past_window(client):
    reply = say(client, "dissoo", "where is my order DS-2005? bea@example.com")["reply"]
    assert "It was due to arrive by" in reply and "running late" in reply and "should arrive" not in reply


def test_push_api_refuses_one_order_sent_twice_in_a_request(client):
    order = ORDERS["dissoo"][0]
    response = client.post("/v1/stores/dissoo/orders", json=[order, {**order, "status": "delivered", "delivered_at": "2026-11-24"}], headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 422 and "DS-2002" in response.json()["error"]["message"]


def test_push_api_refuses_an_order_delivered_after_today_and_stores_none_of_the_request(client):
    good = {"order_number": "DS-3001", "email": "kim@example.com", "status": "processing", "placed_at": "2026-11-20"}
    future = {"order_number": "DS-3002", "email": "kim@example.com", "status": "delivered", "placed_at": "2026-11-20", "delivered_at": "2099-01-05"}
    response = client.post("/v1/stores/dissoo/orders", json=[good, future], headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"] == "order DS-3002: delivered_at (2099-01-05) is in the future"
    looked_up = say(client, "dissoo", "where is my order DS-3001? kim@example.com")
    assert looked_up["kind"] == "order" and "couldn't find" in looked_up["reply"]  # the good order was not stored either



@pytest.mark.parametrize(
    "message",
    ["any update on my order SS-1001? ann@example.com", "I don't want to cancel order SS-1001, just where is it? ann@example.com"],
)
def test_a_status_question_gets_no_cancel_or_change_answer(client, message):
    reply = say(client, "sessori", message)["reply"]
    assert "hasn't shipped yet" in reply and "cancelled" not in reply and "changed" not in reply


@pytest.mark.parametrize(
    ("message", "number", "email"),
    [
        ("change my order size-6 ring", None, None),
        ("where is my order MY-7? bea@example.com", "MY-7", "bea@example.com"),
        ("where is my order from 2026-11-20?", None, None),
        ("I messaged you on insta @sessori.jewelry about order DS-2002", "DS-2002", None),
        ("it's bea @ example.com", None, "bea@example.com"),
    ],
)
def test_what_is_read_as_an_order_number_and_an_email(message, number, email):
    from bot.orders.lookup import find_email, find_order_number

    assert (find_order_number(message), find_email(message)) == (number, email)


@pytest.mark.parametrize(
    ("store", "turns", "expected"),
    [
        pytest.param("sessori", ["Please cancel my order SS-1001", "ann@example.com"], "can still be cancelled", id="a-cancel-request-kept-while-the-email-is-asked-for"),
        pytest.param("stelladot", ["wher is my ordr #1001", "cy@example.com"], "hasn't shipped yet", id="typos-in-the-order-words"),
        pytest.param("dissoo", ["wheres my oder DS-2002", "bea@example.com"], "FedEx", id="another-slip"),
        pytest.param("dissoo", ["Hi! I'm waiting on a shipment, where is it?", "DS-2002 bea@example.com"], "FedEx", id="waiting-on-a-shipment"),
        pytest.param("dissoo", ["where is my order DS-2002", "how long does a refund take once you get a return back?", "bea@example.com"], "FedEx", id="a-question-in-the-middle-keeps-the-lookup"),
        pytest.param("dissoo", ["order DS-2004, bea@example.com", "when will I get my money back?"], "refund for it, please contact", id="money-back-for-a-cancelled-order-is-about-that-order"),
        pytest.param("dissoo", ["cancel order DS-2002 bea@example.com"], "If you have questions about it, please contact support@dissoojewelry.com", id="a-refused-cancel-says-whom-to-ask"),
        pytest.param("stelladot", ["can I cancel order 1002? cy@example.com"], "on back order and hasn't shipped yet", id="a-back-order-is-said-so"),
        pytest.param("stelladot", ["please cancel order 1002, cy@example.com"], "can still be cancelled", id="stella-cancels-only-a-back-order"),
        pytest.param("dissoo", ["DS-2002", "bea@example.com"], "FedEx", id="a-bare-order-number-starts-a-lookup"),
        pytest.param("stelladot", ["1002", "cy@example.com"], "on back order", id="a-bare-number-of-digits-too"),
        pytest.param("dissoo", ["bea@example.com", "DS-2002"], "FedEx", id="a-bare-email-starts-a-lookup"),
        pytest.param("dissoo", ["Hi, my earrings still havent arrived", "DS-2002 bea@example.com"], "FedEx", id="an-item-that-has-not-arrived"),
        pytest.param("stelladot", ["order 1003, cy@example.com"], "“Ever Skincare night cream” can be returned:", id="a-product-line-with-its-own-window"),
    ],
)
def test_order_conversations_as_customers_hold_them(client, store, turns, expected):
    session = None
    for message in turns:
        body = say(client, store, message, session)
        session = body["session_id"]
    assert body["kind"] == "order" and expected in body["reply"], body["reply"]


@pytest.mark.parametrize("message", ["the border is here, where is the shop?", "were you open on sunday?"])
def test_real_words_near_the_order_words_are_left_alone(message):
    assert mended(message) == message


def test_an_order_shown_is_not_kept_past_another_question(client):
    """Its details stay with that turn: a later, unrelated question never brings the order (and its tracking) back."""
    first = say(client, "dissoo", "where is order DS-2002? bea@example.com")
    assert "771234567890" in first["reply"]
    say(client, "dissoo", "do you ship to Canada?", first["session_id"])
    later = say(client, "dissoo", "Is shipping late during the holidays?", first["session_id"])
    assert later["kind"] != "order" and "771234567890" not in later["reply"]


@pytest.mark.parametrize(
    ("message", "only"),
    [("DS-4102", True), ("5502", True), ("#5501, ann@example.com", True), ("order number is SS-1001 thanks", True),
     ("May 2024", False), ("2026", False), ("", False), ("!!!", False), ("is " * 40 + "x", False)],
)
def test_a_message_of_only_an_order_number_or_email(message, only):
    assert only_details(message) is only


def test_the_waiting_lookup_keeps_no_email_address_in_the_session(client, settings):
    """The email a shopper gives waits for the order number in the session's stored state: as a key
    the lookup compares, never the address (issue 16 found 311 sessions holding addresses)."""
    from bot.db import ChatSession

    first = say(client, "dissoo", "where is my order? my email is Bea@Example.com")
    assert first["kind"] == "order" and "order number" in first["reply"]
    found = say(client, "dissoo", "DS-2002", first["session_id"])
    assert "FedEx" in found["reply"]  # the key matched the order's address
    follow_up = say(client, "dissoo", "when will it arrive?", found["session_id"])
    assert follow_up["kind"] == "order"
    with session_factory(settings.database_url)() as db:
        pending = db.get(ChatSession, first["session_id"]).pending
    assert pending and "@" not in str(pending) and "bea" not in str(pending).lower()


def test_the_lookup_lockout_counts_in_the_turns_own_time(client, settings, engine):
    """The moment of a turn comes from the channel (`now`), never the clock inside: failures from one
    address lock lookups for the window after them, and the window is counted from that moment."""
    from datetime import UTC, datetime, timedelta

    from bot.conversations import chat

    sessions = session_factory(settings.database_url)
    start = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    for attempt in range(5):
        chat(engine, sessions, "dissoo", f"where is order DS-20{attempt:02d}? wrong{attempt}@example.com", client="198.51.100.7", now=start)

    def look(minutes: int) -> str:
        return chat(engine, sessions, "dissoo", "where is order DS-2002? bea@example.com", client="198.51.100.7", now=start + timedelta(minutes=minutes)).reply.text

    assert "too many attempts" in look(1)
    assert "FedEx" in look(20)  # the 15-minute window has passed, by the turns' own time
