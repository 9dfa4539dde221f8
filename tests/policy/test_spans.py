"""A deadline the page states as a span from an event, counted from the shopper's own date."""

from datetime import date

import pytest

from bot.engine import Engine
from bot.policy.calendar import BusinessCalendar
from bot.policy.slots import extract_slots
from bot.policy.spans import count_from_sentence, spans_in
from bot.settings import packaged_model_path

TODAY = date(2026, 6, 10)  # a Wednesday


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Hold Orders may be canceled within 30 days of order date.", [(30, 30, "days")]),
        ("You have thirty (30) days from the purchase date.", [(30, 30, "days")]),
        ("Refunds post 3-5 business days after we receive your return.", [(3, 5, "business_days")]),
        ("Damage must be reported within 48 hours of delivery.", [(48, 48, "hours")]),
        ("If a payment fails we try again five days later.", [(5, 5, "days")]),
        ("Pre-owned watches may be returned within two weeks.", [(2, 2, "weeks")]),
        ("Allow 2 to 4 working days for processing.", [(2, 4, "business_days")]),
        ("Request a return within 15 days, then ship it within 7 days after approval.", [(15, 15, "days"), (7, 7, "days")]),
        ("I ordered it 3 days ago.", []),  # a date, not a span
        ("Our store has been open for 0 days.", []),
        ("Free shipping on orders over $50.", []),
    ],
)
def test_spans_are_read_as_the_page_writes_them(sentence, expected):
    assert [(s.low, s.high, s.unit) for s in spans_in(sentence)] == expected


@pytest.mark.parametrize(
    "question, sentence, earliest, latest",
    [
        ("I placed a hold order on June 1. Until when can I cancel?", "Hold orders may be canceled within 30 days of order date.", date(2026, 7, 1), date(2026, 7, 1)),
        ("The warehouse got my return today, when is my refund?", "Refunds post 3-5 business days after we receive it.", date(2026, 6, 15), date(2026, 6, 17)),
        ("It arrived cracked on June 9, by when do I report it?", "Report damage within 48 hours of delivery.", date(2026, 6, 11), date(2026, 6, 11)),
        ("You approved my return on June 2, when must it be back?", "Request within 15 days; ship it back within 7 days after approval.", date(2026, 6, 9), date(2026, 6, 9)),
    ],
)
def test_the_shoppers_date_is_counted_by_the_sentences_span(question, sentence, earliest, latest):
    found = count_from_sentence([(sentence, 0.6)], question, extract_slots(question, TODAY), BusinessCalendar())
    assert (found.earliest, found.latest) == (earliest, latest)


@pytest.mark.parametrize(
    "question, sentences",
    [
        ("when can I cancel a hold order?", [("Hold orders may be canceled within 30 days.", 0.7)]),  # no date of the shopper's
        ("I ordered on June 1, until when can I cancel?", [("Hold orders may be canceled anytime.", 0.7)]),  # no span stated
    ],
)
def test_nothing_is_counted_without_a_date_and_a_span(question, sentences):
    assert count_from_sentence(sentences, question, extract_slots(question, TODAY), BusinessCalendar()) is None


@pytest.mark.parametrize(
    "question, deadline_on, lead",
    [
        # A deadline still open or already passed is said first, as the calculators' return window says it.
        ("I got it on June 1, can I still send it back?", TODAY, "Yes — until Friday, July 31, 2026: 60 days from June 1 (Monday, June 1, 2026)."),
        ("I got it on March 1, can I still send it back?", TODAY, "Sorry — that ended on Thursday, April 30, 2026: 60 days from March 1 (Sunday, March 1, 2026)."),
        # A date that is no deadline (a refund, a delivery) is only counted.
        ("I got it on June 1, when is that?", None, "Counting 60 days from June 1 (Monday, June 1, 2026): Friday, July 31, 2026."),
    ],
)
def test_a_deadline_says_first_whether_it_is_still_open(question, deadline_on, lead):
    sentences = [("Items may be returned within 60 days of delivery.", 0.6)]
    found = count_from_sentence(sentences, question, extract_slots(question, TODAY), BusinessCalendar(), deadline_on)
    assert found.lead() == lead


def test_the_closest_sentence_stating_a_span_is_the_one_counted():
    question = "my package was delivered May 28 but is missing, by when must I report it?"
    sentences = [("Missing packages must be reported within 7 days of delivery.", 0.62), ("Orders ship within 2 days.", 0.31)]
    found = count_from_sentence(sentences, question, extract_slots(question, TODAY), BusinessCalendar())
    assert found.latest == date(2026, 6, 4) and found.sentence.startswith("Missing packages")


PAGE = """Hold Orders
Hold Orders may be canceled within 30 days of order date for a full refund. After that, a 10% fee applies.

Shipping
Orders ship within 2 business days from our warehouse in Ohio.
"""


def test_a_raw_page_answers_a_deadline_no_calculator_knows(store_folder, tmp_path):
    engine = Engine(store_folder(PAGE, name="Board Games Co"), tmp_path / "index", packaged_model_path())
    reply = engine.answer("acme", "I placed a hold order on March 10. What's the last day I can cancel it for a full refund?", today=date(2026, 3, 20))
    assert reply.kind == "policy", reply.text
    assert "Thursday, April 9, 2026" in reply.text and "within 30 days of order date" in reply.text


DAMAGE_PAGE = """Shipping
Orders leave our workshop within 3 business days. Delivery takes 2-5 business days after that.

Damaged items
If your lamp arrives damaged, email us photos within 5 days of delivery and we will replace it.

Gift wrapping
We can wrap any order in recycled paper for $4.
"""


@pytest.mark.parametrize(
    ("question", "today", "counted"),
    [
        pytest.param("The lamp came on June 2 and the shade is cracked. By when do I have to tell you?", date(2026, 6, 3), "Sunday, June 7, 2026", id="a-deadline-from-the-shoppers-date"),
        pytest.param("I bought a lamp last week as a gift, can you wrap it?", date(2026, 6, 3), None, id="a-date-in-passing-is-no-request-for-one"),
    ],
)
def test_on_a_pasted_page_a_date_asked_for_is_counted_from_the_answering_sentence(store_folder, tmp_path, question, today, counted):
    """Issue 26: a fitted gate reads whether the shopper wants a date worked out; the answering sentence's span counts it."""
    engine = Engine(store_folder(DAMAGE_PAGE, name="Lamp Co"), tmp_path / "index", packaged_model_path())
    reply = engine.answer("acme", question, today=today)
    if counted:
        assert reply.kind == "policy" and counted in reply.text, reply.text
    else:
        assert "Counting" not in reply.text, reply.text


def test_a_span_the_next_sentence_adds_is_quoted_beside_the_count(store_folder, tmp_path):
    """The refund is counted from the sentence that states it; the bank's further days, stated in the
    sentence after, are not dropped from the reply."""
    page = (
        "When will I get my refund?\nOnce your return reaches us we inspect it and issue the refund within 5 business days "
        "to your original payment method. Your bank may take another 3-5 business days to show it. Thank you for shopping with us.\n\n"
        "Shipping\nOrders ship within 2 business days.\n"
    )
    engine = Engine(store_folder(page, name="Spoke Co"), tmp_path / "index", packaged_model_path())
    reply = engine.answer("acme", "my return reached you Dec 1, when do I get my money back?", today=date(2026, 12, 7))
    assert reply.kind == "policy" and "December 8, 2026" in reply.text, reply.text
    assert "Your bank may take another 3-5 business days" in reply.text and "Thank you for shopping" not in reply.text
