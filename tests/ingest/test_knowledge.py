"""A store folder becomes chunks with stable ids, spans and curation."""

from __future__ import annotations

import pytest

from bot.errors import BadKnowledge, UnknownStore
from bot.ingest import load_store_knowledge
from bot.ingest.chunks import split_sentences
from tests.conftest import KNOWLEDGE, STORES

RAW_PAGE = "Returns\nHow do I return an item?\nEmail us within 30 days of delivery.\nShipping\nWe ship to the US and Canada.\n"


def test_store_with_only_a_name_and_a_raw_page_works(store_folder):
    knowledge = load_store_knowledge(store_folder(RAW_PAGE), "acme")
    assert knowledge.config.name == "Acme Rings"
    assert [c.title for c in knowledge.chunks] == ["How do I return an item?", "Shipping"]
    assert knowledge.chunks[0].citation == "faq.txt, line 3"


@pytest.mark.parametrize("store", STORES)
def test_every_chunk_of_the_real_stores_has_text_a_title_and_a_span(store):
    knowledge = load_store_knowledge(KNOWLEDGE, store)
    assert knowledge.warnings == ()
    assert len({c.id for c in knowledge.chunks}) == len(knowledge.chunks)
    for chunk in knowledge.chunks:
        assert chunk.text and chunk.title and chunk.sentences
        assert 1 <= chunk.first_line <= chunk.last_line


def test_ids_survive_edits_to_other_passages(store_folder):
    before = load_store_knowledge(store_folder(RAW_PAGE), "acme").chunks
    edited = RAW_PAGE.replace("US and Canada", "US, Canada and Mexico")
    after = load_store_knowledge(store_folder("Intro line that is new here.\n" + edited), "acme").chunks
    assert before[0].id in {c.id for c in after}
    assert before[1].id not in {c.id for c in after}


def test_curation_is_keyed_by_a_phrase_and_survives_other_edits(store_folder):
    knowledge_dir = store_folder(RAW_PAGE)
    (knowledge_dir / "acme" / "curated.toml").write_text(
        '[[passage]]\nmatch = "US and Canada"\ntitle = "Which countries do you ship to?"\nalternates = ["do you deliver abroad"]\n'
    )
    chunk = load_store_knowledge(knowledge_dir, "acme").chunks[1]
    assert chunk.title == "Which countries do you ship to?" and "do you deliver abroad" in chunk.questions


def test_curation_that_matches_nothing_is_reported(store_folder):
    knowledge_dir = store_folder(RAW_PAGE)
    (knowledge_dir / "acme" / "curated.toml").write_text('[[passage]]\nmatch = "gift wrapping"\ntitle = "Gift wrap?"\n')
    assert load_store_knowledge(knowledge_dir, "acme").warnings == ("curated.toml: no passage contains 'gift wrapping'; entry ignored",)


@pytest.mark.parametrize(
    ("store_toml", "message"),
    [
        pytest.param("", "name: Field required", id="missing-name"),
        pytest.param('name = "x"\ncolour = "red"\n', "colour: Extra inputs are not permitted", id="unknown-key"),
        pytest.param('name = "x\n', "not valid TOML", id="broken-toml"),
    ],
)
def test_bad_store_toml_names_file_and_key(store_folder, store_toml, message):
    knowledge_dir = store_folder(RAW_PAGE)
    (knowledge_dir / "acme" / "store.toml").write_text(store_toml)
    with pytest.raises(BadKnowledge, match="store.toml") as error:
        load_store_knowledge(knowledge_dir, "acme")
    assert message in str(error.value)


def test_unknown_store_lists_the_known_ones():
    with pytest.raises(UnknownStore, match="known stores: dissoo, sessori, stelladot"):
        load_store_knowledge(KNOWLEDGE, "amazon")


def test_alternates_keyed_by_a_bullet_go_to_the_piece_holding_it(store_folder):
    bullets = "\n".join(f"• Rule {n}: " + " ".join(["word"] * 30) + f" marker{n}." for n in range(1, 6))
    knowledge_dir = store_folder("Returns\nPlease keep in mind:\n" + bullets + "\n")
    (knowledge_dir / "acme" / "curated.toml").write_text('[[passage]]\nmatch = "marker5"\nalternates = ["fifth rule please"]\n')
    chunks = load_store_knowledge(knowledge_dir, "acme").chunks
    assert len(chunks) > 1
    assert [("fifth rule please" in c.questions) for c in chunks] == [False] * (len(chunks) - 1) + [True]


LABELLED_LIST = (
    "Please keep in mind when returning:\n"
    + "• Refunds: " + "We refund to the original payment method once the item is back. " * 5 + "\n"
    + "• Timing of Refunds: " + "Refunds reach your bank within ten business days of processing. " * 5 + "\n"
    + "• Reminder for Final Sale Items: Engraved pieces and markdowns are final sale.\n"
)


@pytest.mark.parametrize(
    ("page", "titles"),
    [
        pytest.param(
            LABELLED_LIST,
            ["Refunds", "Timing of Refunds", "Reminder for Final Sale Items"],
            id="a-split-list-titles-each-piece-by-its-own-label",
        ),
        pytest.param(
            "Delivery\nOrders ship within two days.\n\nTracking arrives by email once the parcel leaves.\n",
            ["Orders ship within two days", "Tracking arrives by email once the parcel leaves"],
            id="a-heading-over-several-answers-titles-none-of-them",
        ),
        pytest.param(
            "Delivery\nOrders ship within two days and arrive in a week.\n",
            ["Delivery"],
            id="a-heading-over-one-answer-titles-it",
        ),
    ],
)
def test_chunk_titles_name_their_own_answer(store_folder, page, titles):
    knowledge = load_store_knowledge(store_folder(page), "acme")
    assert [c.title for c in knowledge.chunks] == titles


def test_a_lists_introduction_stays_with_its_list_when_a_long_answer_is_cut(store_folder):
    """Cut before "These items are final sale:", the list piece would say "• Gift cards" and never "final sale"."""
    long_answer = " ".join(["You can return unused gear in its original packaging within 30 days of delivery for a refund."] * 6)
    page = f"Returns\nWhat's your return policy?\n{long_answer}\nThese items are final sale and can't be returned:\n• Line cut to length\n• Gift cards\n"
    chunks = load_store_knowledge(store_folder(page), "acme").chunks
    listed = next(c for c in chunks if "Gift cards" in c.text)
    assert listed.text.startswith("These items are final sale and can't be returned:")
    assert not any(c.text.endswith(":") for c in chunks)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        pytest.param(
            "USPS Priority Mail (Expedited Shipping):\nDelivery time is 1-3 business days\nTracking number is included",
            ["USPS Priority Mail (Expedited Shipping): Delivery time is 1-3 business days", "Tracking number is included"],
            id="a-label-leads-the-line-below",
        ),
        pytest.param(
            "The following are final sale:\n- Mounted tires\n- Custom wheels",
            ["The following are final sale:", "- Mounted tires", "- Custom wheels"],
            id="over-a-list-it-heads-every-item",
        ),
        pytest.param(
            "U.S. Postal Service is our preferred carrier - the following shipping methods are available:\nDomestic",
            ["U.S. Postal Service is our preferred carrier - the following shipping methods are available:", "Domestic"],
            id="a-long-sentence-with-a-colon-is-no-label",
        ),
        pytest.param("Questions? Write to us:", ["Questions?", "Write to us:"], id="a-label-the-text-ends-on-is-kept"),
    ],
)
def test_sentences_of_a_pasted_page(text, sentences):
    """What extractive answers and the page reader take as one sentence."""
    assert split_sentences(text) == sentences
