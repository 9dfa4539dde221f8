"""Pages as store owners paste them become question/answer passages."""

from __future__ import annotations

import pytest

from bot.ingest.documents import BlockKind, classify_line, html_blocks, is_menu, markdown_blocks, text_blocks
from bot.ingest.passages import group_passages


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        pytest.param("Returns", BlockKind.heading, id="section-heading"),
        pytest.param("Orders / Shipping", BlockKind.heading, id="heading-with-slash"),
        pytest.param("What countries do you ship to?", BlockKind.question, id="question"),
        pytest.param("We ship to US, Canada and UK.", BlockKind.text, id="short-answer-is-text"),
        pytest.param("• Non-functional clasp", BlockKind.item, id="bullet"),
        pytest.param("💎 Free Ring Resizing for Life", BlockKind.item, id="emoji-bullet"),
        pytest.param("3. What payment method you were trying", BlockKind.item, id="numbered"),
        pytest.param("Step 2: Receive return notification email", BlockKind.item, id="step-label"),
        pytest.param("Please Note:", BlockKind.text, id="list-intro"),
        pytest.param("4. Do you ship to the US?", BlockKind.question, id="numbered-question"),
        pytest.param("Q: How much is shipping?", BlockKind.question, id="q-label"),
        pytest.param("A: A flat $5.50", BlockKind.text, id="a-label"),
        pytest.param("Can I change or cancel my order", BlockKind.question, id="accordion-question-without-mark"),
        pytest.param("Expedited - 2 business days", BlockKind.text, id="a-short-line-with-an-amount-is-no-heading"),
        pytest.param("30-Day Returns", BlockKind.heading, id="a-title-with-a-number-is-still-a-heading"),
        pytest.param("Do not put it in the dryer", BlockKind.text, id="an-instruction-is-no-question"),
        pytest.param("If your product is blank, the usual policy applies", BlockKind.text, id="if-opens-a-statement"),
        pytest.param("I wore my running shoes outside and they don't feel right.", BlockKind.question, id="a-shoppers-problem-as-title"),
        pytest.param("My order says delivered but I can't find it.", BlockKind.question, id="my-problem-as-title"),
    ],
)
def test_classify_pasted_line(line, kind):
    assert classify_line(line) == kind


def test_pasted_page_groups_questions_answers_and_orphan_answers():
    page = "Returns\nHow can I return my order?\nYou have 14 days.\nEmail us first.\nCan I exchange?\nNo exchanges.\nDamages\nContact us at once if damaged."
    passages = group_passages(text_blocks(page))
    assert [(p.heading, p.questions, p.text) for p in passages] == [
        ("Returns", ["How can I return my order?"], "You have 14 days.\nEmail us first."),
        ("Returns", ["Can I exchange?"], "No exchanges."),
        ("Damages", [], "Contact us at once if damaged."),
    ]


def test_answers_without_questions_become_separate_passages_and_lists_stay_with_their_intro():
    page = "Payment\nWe accept Visa and PayPal.\nPlease include:\n1. Your browser\n2. Your order number\nBilling address must match."
    passages = group_passages(text_blocks(page))
    assert [p.text.splitlines()[0] for p in passages] == ["We accept Visa and PayPal.", "Please include:", "Billing address must match."]
    assert passages[1].text.count("\n") == 2


@pytest.mark.parametrize(
    ("page", "texts"),
    [
        pytest.param(
            "Returns are free.\n\nTo return your items, simply\n\n1. Pack them in a box.\n\n2. Attach the label.\n\nRefunds take 5 days.\n",
            ["Returns are free.", "To return your items, simply\n1. Pack them in a box.\n2. Attach the label.", "Refunds take 5 days."],
            id="a-sentence-the-list-finishes",
        ),
        pytest.param(
            "3 easy steps to return!\n\nContact us!\n\nPack it in a box!\n\nGet your refund!\n\nRefunds take 5 days.\n",
            ["3 easy steps to return!\nContact us!\nPack it in a box!\nGet your refund!", "Refunds take 5 days."],
            id="the-steps-a-line-announces",
        ),
    ],
)
def test_an_introduction_keeps_what_it_introduces(page, texts):
    assert [p.text for p in group_passages(text_blocks(page))] == texts


def test_a_table_with_row_headers_keeps_its_first_row():
    page = "<h2>How fast do you ship?</h2><table><tr><th>Standard</th><td>5-7 business days</td></tr><tr><th>Express</th><td>2 business days</td></tr></table>"
    passages = group_passages(html_blocks(page))
    assert passages[0].text.splitlines() == ["• Standard: 5-7 business days", "• Express: 2 business days"]


@pytest.mark.parametrize(
    ("read", "page"),
    [
        pytest.param(markdown_blocks, "## How fast do you ship?\n\n| Method | Carrier | Time |\n|---|---|---|\n| Standard | UPS Ground | 4-7 business days |\n| Two-Day | UPS 2nd Day Air | 2 business days |\n", id="markdown"),
        pytest.param(html_blocks, "<h2>How fast do you ship?</h2><table><tr><th>Method</th><th>Carrier</th><th>Time</th></tr><tr><td>Standard</td><td>UPS Ground</td><td>4-7 business days</td></tr><tr><td>Two-Day</td><td>UPS 2nd Day Air</td><td>2 business days</td></tr></table>", id="html"),
    ],
)
def test_a_tables_rows_read_as_lines(read, page):
    """Not "| Method | Carrier |…" pipe text, nor loose cells: each row one line, its time last."""
    passages = group_passages(read(page))
    assert passages[0].text.splitlines() == ["• Standard — UPS Ground: 4-7 business days", "• Two-Day — UPS 2nd Day Air: 2 business days"]


@pytest.mark.parametrize(
    ("line", "menu"),
    [
        ("Shop  Rods  Reels  Lures  Line  Waders  Sale", True),
        ("☰ Menu   Search   Account   Cart (0)", True),
        ("Home / Help Center / FAQ", True),
        ("Orders / Shipping", False),  # a section heading
        ("Returns  Exchanges", False),
        ("Visa  Mastercard  PayPal  Klarna", False),  # the page's payment list
        ("US Standard\t5-7 business days\t$4.95\tFree over $50", False),  # a table row pasted flat
        ("We ship to US, Canada and UK.", False),
    ],
)
def test_a_menu_or_breadcrumb_pasted_with_the_page_is_no_content(line, menu):
    assert is_menu(line) is menu


def test_the_sites_links_around_a_pasted_page_are_dropped():
    page = "Skip to content\nCart (0)\nFREE SHIPPING ON ORDERS OVER $60\nReturns\nCan I return paint?\nUnopened tubes within 30 days.\nBack to top\n"
    passages = group_passages(text_blocks(page))
    assert [(p.heading, p.text) for p in passages] == [(None, "FREE SHIPPING ON ORDERS OVER $60"), ("Returns", "Unopened tubes within 30 days.")]


def test_yes_opens_a_new_answer_after_a_question():
    page = "Shipping\nDo you ship abroad?\nWe ship to 30 countries.\n\nYes. We email tracking on the day of shipment.\n"
    passages = group_passages(text_blocks(page))
    assert len(passages) == 2 and passages[1].questions == []


def test_markdown_faq():
    page = "# Shipping\n\n## Do you ship to Canada?\n\nYes, in 5-7 days.\n\n## Returns\n\n- 30 days\n- unworn items only\n"
    passages = group_passages(markdown_blocks(page))
    assert passages[0].questions == ["Do you ship to Canada?"] and passages[0].text == "Yes, in 5-7 days."
    assert passages[1].heading == "Returns" and "unworn items only" in passages[1].text
    assert passages[0].first_line == 5


def test_html_faq_accordion():
    page = """<html><head><style>p{}</style></head><body><h2>Orders</h2>
    <details><summary>Can I cancel my order?</summary><p>Yes, within 2 hours.</p></details>
    <dl><dt>Do you gift wrap?</dt><dd>Every order ships in a gift box.</dd></dl>
    <script>alert(1)</script></body></html>"""
    passages = group_passages(html_blocks(page))
    assert [(p.questions, p.text) for p in passages] == [
        (["Can I cancel my order?"], "Yes, within 2 hours."),
        (["Do you gift wrap?"], "Every order ships in a gift box."),
    ]


def test_an_accordion_button_is_its_question_and_other_buttons_are_not():
    page = """<body><div class="accordion"><h2 class="accordion-section">Orders</h2>
    <div class="accordion-item">
      <button class="accordion-toggle" aria-expanded="false">How long until my order ships? <span class="icon">+</span></button>
      <div class="accordion-panel"><p>Within 1-3 business days.</p></div>
    </div>
    <div class="accordion-item"><button class="faq-q">Store pickup</button><div><p>Free in Madison.</p></div></div>
    <button class="menu-toggle" aria-expanded="false">Menu</button>
    <div class="accordion-item"><button aria-expanded="false">Returns policy</button><div><p>Within 30 days. <button aria-controls="x">Read more</button></p></div></div>
    <form><button>Subscribe</button></form><button class="btn">Add to cart</button></div></body>"""
    passages = group_passages(html_blocks(page))
    assert [(p.questions, p.text) for p in passages] == [
        (["How long until my order ships?"], "Within 1-3 business days."),
        (["Store pickup"], "Free in Madison."),
        (["Returns policy"], "Within 30 days."),
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "Shipping\n1. How long does shipping take?\nThree to five days.\n2. Do you ship abroad?\nOnly to Canada.\n",
            [(["How long does shipping take?"], "Three to five days."), (["Do you ship abroad?"], "Only to Canada.")],
            id="numbered-questions",
        ),
        pytest.param(
            "Q: How much is shipping?\nA: A flat $5.50.\n\nQ: Can I return yarn?\nA: Unwound skeins, within 30 days.\n",
            [(["How much is shipping?"], "A flat $5.50."), (["Can I return yarn?"], "Unwound skeins, within 30 days.")],
            id="q-and-a-labels",
        ),
        pytest.param(
            "Orders\nCan I change or cancel my order\n+\nWithin 12 hours of ordering.\nDo you gift wrap? +\nEvery order ships in a gift box.\n",
            [(["Can I change or cancel my order"], "Within 12 hours of ordering."), (["Do you gift wrap?"], "Every order ships in a gift box.")],
            id="accordion-paste",
        ),
    ],
)
def test_pasted_faq_layouts_pair_each_question_with_its_answer(page, expected):
    """Layouts owners paste from other shop platforms: the labels, numbers and toggles are layout, not words."""
    passages = group_passages(text_blocks(page))
    assert [(p.questions, p.text) for p in passages] == expected
