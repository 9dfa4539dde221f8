"""Reading a shopper's case from their words: dates against `today`, what happened on them, items, places, methods."""

from __future__ import annotations

from datetime import date

import pytest

from bot.policy.slots import extract_slots, most_recent_day_of_month

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param("can I still return the ring I got on March 3?", [("2026-03-03", "delivered")], id="month-day-is-this-year"),
        pytest.param("it arrived Dec 20", [("2025-12-20", "delivered")], id="month-day-later-in-year-is-last-year"),
        pytest.param("received it 12/20/2025", [("2025-12-20", "delivered")], id="us-numeric"),
        pytest.param("ordered it 2026-02-28", [("2026-02-28", "order_placed")], id="iso"),
        pytest.param("bought it on the 3rd of March", [("2026-03-03", "order_placed")], id="ordinal-of-month"),
        pytest.param("I got it on the 3rd", [("2026-11-03", "delivered")], id="day-only-this-month"),
        pytest.param("I got it on the 30th", [("2026-10-30", "delivered")], id="day-only-not-yet-this-month"),
        pytest.param("it came last Tuesday", [("2026-11-24", "delivered")], id="last-weekday"),
        pytest.param("my return was approved Monday", [("2026-11-23", "return_approved")], id="weekday"),
        pytest.param("I ordered it 3 weeks ago", [("2026-11-04", "order_placed")], id="weeks-ago"),
        pytest.param("I ordered it two weeks ago", [("2026-11-11", "order_placed")], id="number-word-ago"),
        pytest.param("it came a couple of weeks ago", [("2026-11-11", "delivered")], id="a-couple-of-weeks-ago"),
        pytest.param("it arrived this past Monday", [("2026-11-23", "delivered")], id="this-past-weekday"),
        pytest.param("delivered yesterday", [("2026-11-24", "delivered")], id="yesterday"),
        pytest.param("it arrived this afternoon", [("2026-11-25", "delivered")], id="this-afternoon-is-today"),
        pytest.param("can I return it 3 weeks after it was delivered?", [("2026-11-04", "delivered")], id="weeks-after-it-was-delivered"),
        pytest.param("I sent it back 5 days ago", [("2026-11-20", "return_shipped")], id="return-shipped"),
        pytest.param("you received my return on Nov 2", [("2026-11-02", "return_received")], id="return-received-not-delivery"),
        pytest.param("my return reached your roastery on Nov 2", [("2026-11-02", "return_received")], id="return-reached-the-store"),
        pytest.param("you got my returned planter on Nov 2", [("2026-11-02", "return_received")], id="you-got-my-returned-item"),
        pytest.param("I ordered on the 1st and it arrived on the 9th", [("2026-11-01", "order_placed"), ("2026-11-09", "delivered")], id="two-dates-two-roles"),
        pytest.param("the necklace from March 3", [("2026-03-03", "unmarked")], id="no-verb"),
        pytest.param("I received my order on March 3", [("2026-03-03", "delivered")], id="received-my-order-is-delivery"),
        # "my order" names the thing, not its placing: the verb before it is the event.
        pytest.param("they delivered my order on March 3", [("2026-03-03", "delivered")], id="delivered-my-order-is-delivery"),
        pytest.param("you shipped my order by Priority Mail on March 3", [("2026-03-03", "order_shipped")], id="shipped-my-order-is-shipping"),
        pytest.param("I placed my order on March 3", [("2026-03-03", "order_placed")], id="placed-my-order-is-placing"),
        pytest.param("order placed March 3", [("2026-03-03", "order_placed")], id="order-placed"),
        # A weekday with its date is one date, the one written out: not last week's Wednesday beside today.
        pytest.param("I placed my order on Wednesday, November 25, 2026", [("2026-11-25", "order_placed")], id="weekday-and-its-date-today"),
        pytest.param("it arrived Friday Nov 20", [("2026-11-20", "delivered")], id="weekday-and-its-date-no-comma"),
        pytest.param("it shipped on Monday, the 16th of November", [("2026-11-16", "order_shipped")], id="weekday-and-ordinal-of-month"),
        pytest.param("I ordered it this past Tuesday, 11/24", [("2026-11-24", "order_placed")], id="past-weekday-and-numeric-date"),
        pytest.param("it arrived on Friday the 20th", [("2026-11-20", "delivered")], id="weekday-and-day-only-is-one-date"),
        pytest.param("I ordered on Monday 3 days ago", [("2026-11-23", "order_placed"), ("2026-11-22", "unmarked")], id="a-weekday-before-a-count-is-two-dates"),
        pytest.param("May I return it?", [], id="may-is-not-a-month"),
        pytest.param("can I return it, it was a gift", [], id="no-date"),
        pytest.param("my order was delivered on Halloween", [("2026-10-31", "delivered")], id="a-holiday-this-year"),
        pytest.param("my order was delivered on thanksgiving day", [], id="a-holiday-still-ahead-is-not-last-years"),
        pytest.param("I got these earrings for Christmas", [], id="for-christmas-is-no-date"),
        pytest.param("it was a Christmas present", [], id="a-christmas-present-is-no-date"),
    ],
)
def test_dates_and_what_happened_on_them(message, expected):
    slots = extract_slots(message, TODAY)
    assert [(d.day.isoformat(), d.role) for d in slots.dates] == expected


def test_a_date_after_today_is_set_aside_not_used():
    slots = extract_slots("it arrived on 2027-01-05", TODAY)
    assert slots.dates == () and slots.future_dates == ("2027-01-05",)


@pytest.mark.parametrize(
    ("message", "today", "dates", "future"),
    [
        # May 31 is a Sunday in 2026, not in 2025: said on May 29, 2026 it is two days ahead, not last year's.
        pytest.param("my pickup is on Sunday, May 31", date(2026, 5, 29), [], ["on Sunday, May 31"], id="the-weekday-names-this-year"),
        # Dec 20 is a Saturday in 2025: said in November 2026, "Saturday, Dec 20" is last year's, as a bare "Dec 20" is.
        pytest.param("it arrived Saturday, Dec 20", TODAY, ["2025-12-20"], [], id="the-weekday-agrees-with-last-year"),
        # A weekday a day off is a slip: the date stands, never a year away; so does a written year.
        pytest.param("it arrived Monday, Nov 24", TODAY, ["2026-11-24"], [], id="a-weekday-slip-keeps-the-date"),
        pytest.param("it arrived on Thursday, Nov 20", TODAY, ["2026-11-20"], [], id="another-weekday-slip"),
        pytest.param("Received on Monday 11/24/26", TODAY, ["2026-11-24"], [], id="a-written-two-digit-year-stands"),
        pytest.param("I ordered Friday, 11/20/25", TODAY, ["2025-11-20"], [], id="last-years-written-year-stands"),
    ],
)
def test_a_weekday_beside_a_date_tells_its_year(message, today, dates, future):
    slots = extract_slots(message, today)
    assert [d.day.isoformat() for d in slots.dates] == dates and list(slots.future_dates) == future


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        (3, date(2026, 11, 25), date(2026, 11, 3)),
        (31, date(2026, 11, 25), date(2026, 10, 31)),  # November has no 31st
        (30, date(2026, 3, 10), date(2026, 1, 30)),  # February has no 30th
        (29, date(2028, 3, 1), date(2028, 2, 29)),  # leap day
        (25, date(2026, 11, 25), date(2026, 11, 25)),  # today itself
    ],
)
def test_on_the_nth_is_the_latest_such_day(day, today, expected):
    assert most_recent_day_of_month(day, today) == expected


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        ("can I return an engraved bracelet?", {"engraved"}),
        ("it's a personalized necklace with her initials", {"personalized"}),
        ("I bought it on sale", {"sale"}),
        ("is a final sale item returnable", {"final_sale"}),
        ("can I return a gift card", {"gift_card"}),
        ("my Ever skincare serum", {"skincare"}),
        ("the clasp is broken", {"defect"}),
        ("the clasp on my necklace doesn't work", {"defect"}),
        ("the stone changed colour", {"defect"}),
        ("the shirt came with a hole in it", {"defect"}),
        ("the package arrived soaking wet", {"defect"}),
        ("you sent the wrong size", {"wrong_item"}),
        ("it was a gift from my sister", {"gift"}),
        ("a custom ring", {"custom"}),
        ("a plain silver ring", set()),
        ("a plain locket with no engraving", set()),
        ("it is not personalized", set()),
        ("a non-sale item", set()),
        ("I lit it once and don't like the smell", {"worn"}),
        ("I've used it twice", {"worn"}),
        ("I used PayPal, can I return it?", set()),  # paying with something is not using the item
        ("I got it on Nov 3 and haven't opened it", set()),
        ("I opened Wingspan and don't like it", {"opened"}),
        ("I opened the box and tried it on", {"opened"}),
        ("my son never wore them", set()),
        ("I didn't wear it even once", set()),
        ("we haven't even used them", set()),
    ],
)
def test_item_kinds(message, kinds):
    assert extract_slots(message, TODAY).kinds == kinds


@pytest.mark.parametrize(
    ("message", "country"),
    [
        ("do you ship to the UK?", "GB"),
        ("shipping to Britain", "GB"),
        ("can you deliver to England", "GB"),
        ("do you ship to Australia", "AU"),
        ("ship to AU?", "AU"),
        ("I live in the Netherlands", "NL"),
        ("do you ship to the USA", "US"),
        ("is it in stock", None),  # "in" and "it" are words, not India and Italy
        ("can I pay by card", None),
        ("is VAT included in the price?", None),  # three capitals are an acronym, not Vatican City's code
        ("do you ship with DHL or UPS", None),
        ("shipping to the UAE", "AE"),
    ],
)
def test_countries_by_name_code_and_everyday_alias(message, country):
    assert extract_slots(message, TODAY).country == country


@pytest.mark.parametrize(
    ("message", "state"),
    [
        ("do you charge sales tax in Texas", "TX"),
        ("tax for Washington State", "WA"),
        ("I'm in Washington DC", "DC"),
        ("shipping to NY, any tax?", "NY"),
        ("is it OK to order", None),  # OK is a word here, not Oklahoma
    ],
)
def test_us_states(message, state):
    assert extract_slots(message, TODAY).state == state


@pytest.mark.parametrize(
    ("message", "methods"),
    [
        ("can I pay with amex", ("American Express",)),
        ("Do you take Master card or apple pay?", ("Mastercard", "Apple Pay")),
        ("klarna accepted?", ("Klarna",)),
        ("can I use my Visa credit card", ("Visa",)),
        ("do you take credit cards", ("Credit card",)),
        ("can I check my order", ()),
    ],
)
def test_payment_methods_matched_loosely(message, methods):
    assert extract_slots(message, TODAY).payments == methods


@pytest.mark.parametrize(
    ("message", "state"),
    [
        ("my order hasn't shipped yet", "processing"),
        ("I just placed it", "processing"),
        ("it already shipped", "shipped"),
        ("the item is on back order", "backordered"),
        ("it was delivered", "delivered"),
        ("can I cancel my order", None),
    ],
)
def test_order_state(message, state):
    assert extract_slots(message, TODAY).order_state == state


@pytest.mark.parametrize(
    ("message", "repaired"),
    [
        ("my refnd still hasn't shown up", "my refund still hasn't shown up"),
        ("I recieved it, can I retrun it?", "I received it, can I return it?"),
        ("when will it arrive?", "when will it arrive?"),  # another form of a word, not a typo
        ("Delivered yesterday", "Delivered yesterday"),
        ("a swimsuit from last chance", "a swimsuit from last chance"),  # a real word two edits away is no typo
        ("can I exhange it", "can I exchange it"),
    ],
)
def test_typos_in_policy_words_are_repaired(message, repaired):
    from bot.policy.intents import repair_policy_words

    assert repair_policy_words(message) == repaired


@pytest.mark.parametrize(
    ("message", "placed", "method"),
    [
        ("if i pick express shipping when would my order arrive", TODAY, "express"),  # an order not placed yet: today
        ("if i order today with ground shipping when will it get here", TODAY, "standard"),
        ("if I order a guitar today with two-day shipping when will it arrive", TODAY, "express"),
        ("when will my order arrive?", None, None),
        ("If I ordered the wrong size, can I exchange it?", None, None),  # past: the order date is not today
        ("If I get a damaged item what do I do?", None, None),
        ("it broke on the second day", None, None),
    ],
)
def test_an_order_not_placed_yet_counts_from_today(message, placed, method):
    slots = extract_slots(message, TODAY)
    mention = slots.date_for("order_placed")
    assert (mention.day if mention else None, slots.method) == (placed, method)
