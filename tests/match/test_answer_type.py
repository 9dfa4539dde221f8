"""A question that asks for an amount or a duration is answered only by a passage that states one."""

from __future__ import annotations

import pytest

from bot.match.answer_type import AnswerType, asked_for, states


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        pytest.param("how much does shipping cost", AnswerType.amount, id="how-much"),
        pytest.param("what's the price of gold today?", AnswerType.amount, id="whats-the-price"),
        pytest.param("how long does shipping take to Canada?", AnswerType.duration, id="how-long"),
        pytest.param("how many days do I have to return", AnswerType.duration, id="how-many-days"),
        pytest.param("do you refund the original shipping cost?", None, id="yes-no-about-a-cost"),
        pytest.param("what countries do you ship to?", None, id="which-not-how-much"),
        pytest.param("what payment methods do you accept", AnswerType.payment_method, id="payment-methods"),
        pytest.param("which forms of payment are ok?", AnswerType.payment_method, id="forms-of-payment"),
        pytest.param("can I pay with PayPal?", None, id="yes-no-about-one-method"),
    ],
)
def test_asked_for(question, kind):
    assert asked_for(question) == kind


@pytest.mark.parametrize(
    ("answer", "kind", "expected"),
    [
        pytest.param("We ship to US, Canada and UK.", AnswerType.duration, False, id="countries-state-no-time"),
        pytest.param("Orders arrive in 7 to 10 working days.", AnswerType.duration, True, id="range-of-days"),
        pytest.param("We have a 14-day return policy.", AnswerType.duration, True, id="n-day"),
        pytest.param("Approval takes within 1-2 business days.", AnswerType.duration, True, id="within"),
        pytest.param("Shipping orders normally arrive in 3 to 5 days.", AnswerType.amount, False, id="times-state-no-price"),
        pytest.param("After you confirm the design, we need 50% deposit.", AnswerType.amount, True, id="percent"),
        pytest.param("We offer free returns for 90 days.", AnswerType.amount, True, id="free"),
        pytest.param("Refunds go back to your original payment method; your credit card company may take a few days.", AnswerType.payment_method, False, id="refund-names-no-method"),
        pytest.param("We take all major credit cards.", AnswerType.payment_method, True, id="credit-cards"),
        pytest.param("We accept Visa, Amex and Apple Pay.", AnswerType.payment_method, True, id="methods-named"),
    ],
)
def test_states(answer, kind, expected):
    assert states(answer, kind) is expected


@pytest.mark.parametrize("question", ["shipping cost", "return fee?", "price of express shipping?"])
def test_terse_cost_questions_ask_for_an_amount(question):
    from bot.match.answer_type import AnswerType, asked_for

    assert asked_for(question) == AnswerType.amount
