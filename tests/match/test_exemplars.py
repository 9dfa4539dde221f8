"""Understanding by labelled exemplars of many trades (bot/match/exemplars.py, topics.toml, computed.toml)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from bot.engine import DATE_INTENTS, Engine
from bot.index import load_embedder
from bot.match.exemplars import COMPUTED_FILE, LOOKUP_FILE, TOPICS_FILE, BadExemplars, read_entries, understanding
from bot.policy.timeline_reading import REFUND_TOPIC, TIMED_TOPICS
from bot.settings import packaged_model_path

TODAY = date(2026, 11, 25)  # the day these replies are worked out on (the engine never reads the clock)

REAL = Path(__file__).parents[1] / "eval" / "real"

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
    reply = engine.answer("acme", "which carriers do u use", today=TODAY)
    assert reply.kind == "answer" and "FedEx" in reply.text


def test_a_time_no_pattern_names_is_read_by_its_topic_and_computed(store_folder, tmp_path):
    """"We ship orders within 1-3 business days" names no step a pattern knows; its topic says it is dispatch."""
    engine = Engine(store_folder(BIKE_SHOP), tmp_path / "index", packaged_model_path())
    reply = engine.answer("acme", "I'm placing an order today. Between which dates should it ship?", today=date(2026, 3, 2))
    assert reply.kind == "policy" and "March 3, 2026" in reply.text and "March 5, 2026" in reply.text


# A page that states how long an order takes to leave and nothing of its transit.
TEA_SHOP = (
    "Shipping\n\n"
    "Orders will be processed and fulfilled within 3-4 business days, starting from the first business day after the order was placed.\n\n"
    "We charge a flat rate of $8 on every order.\n"
)


@pytest.mark.parametrize(
    ("question", "arrival"),
    [
        pytest.param("If I place an order today, between which dates should it be processed and sent out?", False, id="processed-and-sent-out"),
        pytest.param("If I order today, between which dates should it arrive?", True, id="arrive"),
        pytest.param("ordering today, when will it be at my door?", True, id="at-my-door"),
    ],
)
def test_the_orders_dates_a_page_supports_are_counted_and_said_as_such(store_folder, tmp_path, question, arrival):
    """A page that states how long an order takes to leave and no transit time: the ship date is
    counted whichever of the order's dates is asked ("processed and sent out" names no ship verb a
    pattern knows; its meaning does), said as the ship date; asked for the arrival, the missing
    delivery time is said, never guessed."""
    engine = Engine(store_folder(TEA_SHOP), tmp_path / "index", packaged_model_path())
    reply = engine.answer("acme", question, today=date(2026, 12, 23))
    assert reply.kind == "policy", reply.text
    assert "should ship between Tuesday, December 29, 2026 and Wednesday, December 30, 2026" in reply.text
    assert ("delivery takes once it ships isn't stated" in reply.text) is arrival


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        pytest.param("I'm ordering now, what day will you have it processed and out the door?", {True}, id="out-the-door"),
        pytest.param("it was sent out on the 3rd, what day will it arrive at my house?", {False, None}, id="arrive-after-sent-out"),
        pytest.param("ordered a thing, when?", {None}, id="neither"),
    ],
)
def test_which_of_the_orders_dates_is_asked_by_meaning(exemplars, question, read_as):
    """Told apart by the exemplars only when one side is clearly closer (None otherwise: the
    question's verb decides); an arrival is never read as a ship date."""
    vector = load_embedder(packaged_model_path()).encode([question])[0]
    assert exemplars.asks_ship_date(vector) in read_as


def test_a_curated_store_ranks_by_its_own_phrasings_alone(engine):
    """Sessori's passages carry the owner's phrasings (curated.toml): exemplars of other shops would blur them."""
    assert engine.runtime("sessori").retriever.sentence_topics is None


def test_every_name_the_code_reads_is_in_the_files():
    """Code names topics and labels that live in the data files: a rename there must fail here, not
    silently turn a reading off."""
    topics = {entry["name"] for entry in read_entries(TOPICS_FILE, "topic", "asks", "says")}
    assert {*TIMED_TOPICS, REFUND_TOPIC} <= topics
    computed = {entry.get("computes", entry["name"]) for entry in read_entries(COMPUTED_FILE, "label", "asks")}
    assert {*DATE_INTENTS, "general"} <= computed
    assert {entry["name"] for entry in read_entries(LOOKUP_FILE, "label", "asks")} == {"own_order", "general"}


def test_a_topic_missing_its_shop_sentences_is_refused(tmp_path):
    path = tmp_path / "topics.toml"
    path.write_text('[[topic]]\nname = "carriers"\nasks = ["who do you ship with"]\n', encoding="utf-8")
    with pytest.raises(BadExemplars, match=r"topic\[0\] has no says"):
        read_entries(path, "topic", "asks", "says")


def test_no_exemplar_is_a_benchmark_question():
    """The real-shop benchmark measures what exemplars teach; none of them may be one of its questions
    (written apart, some terse ones came out the same: those were dropped from the exemplars)."""
    questions = [json.loads(line)["question"].lower() for path in REAL.glob("*/*.jsonl") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    exemplars = [
        text
        for path, table, keys in ((TOPICS_FILE, "topic", ("asks", "says")), (COMPUTED_FILE, "label", ("asks",)), (LOOKUP_FILE, "label", ("asks",)))
        for entry in read_entries(path, table, *keys)
        for key in keys
        for text in entry[key]
    ]
    assert len(questions) >= 500
    near = [text for text in exemplars if process.extractOne(text.lower(), questions, scorer=fuzz.ratio, score_cutoff=95)]
    assert not near


def test_the_exemplars_vectors_are_kept_beside_the_indexes(tmp_path):
    """Encoding 1,400 exemplars takes seconds: a second start reads them from the index folder."""
    from bot.match import exemplars as module

    embedder = load_embedder(packaged_model_path())
    first = module.read_or_encode(embedder, tmp_path / "cached.npz")
    assert (tmp_path / "cached.npz").exists()

    class EncodesNothing:
        def encode(self, texts):
            raise AssertionError("the cached vectors were not read")

    second = module.read_or_encode(EncodesNothing(), tmp_path / "cached.npz")
    assert second.says.names == first.says.names and (second.says.vectors == first.says.vectors).all()
