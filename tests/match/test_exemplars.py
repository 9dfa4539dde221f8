"""Understanding by labelled exemplars of many trades (bot/match/exemplars.py, topics.toml, computed.toml)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine import Engine
from bot.index import load_embedder
from bot.match.exemplars import understanding
from bot.settings import packaged_model_path

# A pasted page that lost its questions: no sentence shares a word with the shoppers' questions below.
BIKE_SHOP = (
    "Shipping & Returns\n\n"
    "Typically, orders are packed and leave our workshop in Portland. Orders are shipped using USPS, UPS, or FedEx.\n\n"
    "We ship orders within 1-3 business days.\n\n"
    "Gift cards never expire and can be used on any bike or part.\n\n"
    "Wheels built to order are final sale. Complete bikes can be sent back unridden within 30 days of delivery.\n"
)


@pytest.fixture(scope="module")
def exemplars():
    return understanding(load_embedder(packaged_model_path()))


@pytest.mark.parametrize(
    ("question", "label"),
    [
        pytest.param("I'm placing an order today. Between which dates should it ship?", "order_dates", id="ship-date-without-when"),
        pytest.param("if i order rn when does it go out", "order_dates", id="ship-date-texting"),
        pytest.param("you got my return on monday, when will the money be back on my card?", "refund_date", id="refund-date"),
        pytest.param("how long does shipping take?", None, id="general-shipping-time"),
        pytest.param("what is your return policy?", None, id="general-returns"),
    ],
)
def test_which_computed_date_a_question_asks_for(exemplars, question, label):
    vector = load_embedder(packaged_model_path()).encode([question])[0]
    assert exemplars.date_asked(vector) == label


@pytest.mark.parametrize(
    ("sentence", "topic"),
    [
        pytest.param("We ship orders within 1-3 business days.", "processing_time", id="dispatch"),
        pytest.param("Orders are shipped using USPS, UPS, or FedEx.", "carriers", id="carriers"),
        pytest.param("Refunds reach your card 5-7 business days after we receive the return.", "refund_timing", id="refund"),
    ],
)
def test_what_a_sentence_of_a_page_states(exemplars, sentence, topic):
    vectors = load_embedder(packaged_model_path()).encode([sentence])
    assert exemplars.stated(vectors) == [topic]


def test_a_question_finds_the_sentence_about_its_topic_with_no_word_in_common(store_folder, tmp_path):
    """MiniLM alone puts "which carriers do u use" far from "USPS, UPS, or FedEx"; exemplars bridge it."""
    engine = Engine(store_folder(BIKE_SHOP), tmp_path / "index", packaged_model_path())
    reply = engine.answer("acme", "which carriers do u use")
    assert reply.kind == "answer" and "FedEx" in reply.text


def test_a_time_no_pattern_names_is_read_by_its_topic_and_computed(store_folder, tmp_path):
    """"We ship orders within 1-3 business days" names no step a pattern knows; its topic says it is dispatch."""
    engine = Engine(store_folder(BIKE_SHOP), tmp_path / "index", packaged_model_path())
    reply = engine.answer("acme", "I'm placing an order today. Between which dates should it ship?", today=date(2026, 3, 2))
    assert reply.kind == "policy" and "March 3, 2026" in reply.text and "March 5, 2026" in reply.text


def test_a_curated_store_ranks_by_its_own_phrasings_alone(engine):
    """Sessori's passages carry the owner's phrasings (curated.toml): exemplars of other shops would blur them."""
    assert engine.runtime("sessori").retriever.sentence_topics is None
