"""FAQ documents as store owners have them -> a flat list of typed Blocks.

Three formats reach us: text pasted from a web page (questions sometimes there,
often lost; section headings alone on a line; bullets; emoji), Markdown FAQs
(`## Question` + answer) and saved HTML pages. Each parser only says what each
block *is*; grouping blocks into question/answer passages is one shared step
(`passages.py`), so all formats get the same treatment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt

from bot.errors import BadKnowledge

DOCUMENT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


class BlockKind(str, Enum):
    heading = "heading"  # a section title: "Returns", "Orders / Shipping"
    question = "question"
    text = "text"
    item = "item"  # a list item: "• ...", "1. ...", "Step 2: ..."


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str
    first_line: int  # 1-based, inclusive: where a reply's citation points
    last_line: int
    paragraph_start: bool = True  # False when the block continued its predecessor's paragraph


ITEM_MARKER = re.compile(r"^\s*(?:[•●▪◦·*\-–—✓✔➤►→]|\d{1,2}[.)]|\(?[a-z]\)|step\s*\d+\s*[:.)-]?)\s*", re.I)
# Pictographs used as bullets ("💎 Free Ring Resizing"): any leading symbol that is not a letter or digit.
SYMBOL_BULLET = re.compile(r"^\s*[^\w\s\"'“‘(\[<$£€#@]\s*", re.UNICODE)
QUESTION_START = re.compile(
    r"^(how|what|when|where|why|who|which|can|could|do|does|did|is|are|will|would|should|may|"
    r"have|has|i|my|if)\b",
    re.I,
)
MAX_QUESTION_WORDS = 25
# "Expedited - 2 business days", "Gift wrap $5": a short line with an amount is a fact, not a heading
# ("30-Day Returns", "24 Hour Support" still are: a title-case word follows).
AMOUNT = re.compile(r"\d+(?:\s*(?:-|–|to)\s*\d+)?\s*(?:business\s+|working\s+)?(?:days?|hours?|weeks?|months?)\b(?!\s+[A-Z])|[$€£]\s*\d", re.I)
MAX_HEADING_WORDS = 6
# An accordion's open/close toggle pasted as its own line, or left at the end of a question.
ACCORDION_MARK = re.compile(r"^[+−–\-▾▸▴▲▼›⌄⌃^]$")
TRAILING_ACCORDION_MARK = re.compile(r"(?<=\S)\s+[+−▾▸▴▲▼›⌄⌃]$")
# "Q: How long…" / "A: Usually…": the labels are layout, not words of the question or answer.
QA_LABEL = re.compile(r"^(q|question|a|answer)\s*[:.)]\s+", re.I)
NUMBERED = re.compile(r"^\s*(?:q\s*)?\d{1,2}[.):]\s*", re.I)
# A shopper's problem as an FAQ entry's title: the store's own answers speak as "we", not "I".
SHOPPER_PROBLEM = re.compile(r"^(i|i'?ve|i'?m|my)\s", re.I)
MAX_PROBLEM_WORDS = 14
# Only the words that open a question, not "If your…" or "My…", which open statements just as often.
ASKING_START = re.compile(r"^(how|what|when|where|why|who|which|can|could|do|does|did|is|are|will|would|should|may|have|has)\b", re.I)
NOT_A_QUESTION_START = re.compile(r"^(do not|don'?t|please|if you|i'?m sorry|is not|are not)\b", re.I)


def read_document(path: Path) -> list[Block]:
    kind = DOCUMENT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise BadKnowledge(path, "unsupported document type; use .txt, .md or .html")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadKnowledge(path, f"cannot read: {exc.strerror}") from None
    source = decode_document(raw)
    if kind == "markdown":
        return markdown_blocks(source)
    if kind == "html":
        return html_blocks(source)
    return text_blocks(source)


def decode_document(raw: bytes) -> str:
    """Pasted pages arrive in UTF-8 (often with a BOM) and sometimes cp1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def clean_line(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t]+", " ", line).strip()


# "To return your items, simply": a sentence the next lines finish, not a section's name.
UNFINISHED = re.compile(r",\s*(simply|just)$|\b(as\s+follows|the\s+following|below)$", re.I)


def classify_line(line: str) -> BlockKind:
    """What a single pasted line is, judged from its own shape.

    A heading is short, has no sentence punctuation at its end and is not a list
    item ("Returns", "Orders / Shipping", "LEARN MORE"). A question ends with "?"
    and is short enough to be a question rather than a paragraph that ends in one.
    """
    words = line.split()
    label = QA_LABEL.match(line)
    if label:
        return BlockKind.question if label.group(1).lower().startswith("q") else BlockKind.text
    numbered = NUMBERED.match(line)
    if numbered and line.endswith("?") and len(words) <= MAX_QUESTION_WORDS:
        return BlockKind.question  # "3. Do you ship abroad?": a numbered FAQ, not a list in an answer
    if ITEM_MARKER.match(line) and len(line) > 2:
        return BlockKind.item
    if line.endswith("?") and len(words) <= MAX_QUESTION_WORDS:
        return BlockKind.question
    if SYMBOL_BULLET.match(line) and not line[0].isalnum():
        return BlockKind.item
    unpunctuated = not re.search(r"[.!:;,)\]]$", line)
    if 3 <= len(words) <= MAX_PROBLEM_WORDS and SHOPPER_PROBLEM.match(line) and (line.endswith(".") or unpunctuated):
        return BlockKind.question  # "I wore my running shoes outside…", "My order arrived damaged": a store writes "we"
    if unpunctuated and 3 <= len(words) <= MAX_QUESTION_WORDS and ASKING_START.match(line) and not NOT_A_QUESTION_START.match(line):
        return BlockKind.question  # an accordion's question pasted without its "?": "Can I change my order"
    if len(words) <= MAX_HEADING_WORDS and unpunctuated and len(line) <= 80 and not AMOUNT.search(line) and not UNFINISHED.search(line):
        return BlockKind.heading
    return BlockKind.text


def layout_free(line: str) -> str:
    """The line without a Q:/A: label or a question's number (its toggle is gone already)."""
    label = QA_LABEL.match(line)
    if label:
        return line[label.end() :]
    numbered = NUMBERED.match(line)
    if numbered and line.endswith("?"):
        return line[numbered.end() :]
    return line


# The site around a pasted page: links and buttons, never an answer or a section's name.
SITE_CHROME = re.compile(
    r"^(skip\s+to\s+(main\s+)?content|skip\s+navigation|log\s*in|sign\s*in|my\s+account|account|cart(\s*\(\d+\))?|"
    r"search|menu|home|close|back\s+to\s+top|shop\s+(now|all)|view\s+cart|checkout)$",
    re.I,
)


PAYMENT_NAMES = re.compile(r"\b(visa|mastercard|amex|american\s+express|discover|paypal|klarna|afterpay|affirm|apple\s+pay|google\s+pay|shop\s+pay|venmo)\b", re.I)


def is_menu(raw_line: str) -> bool:
    """A site's menu or breadcrumb pasted as one line: "Shop  Rods  Reels  Lures  Sale" (words kept
    apart by wide gaps), "☰ Menu   Search   Cart (0)", "Home / Help Center / FAQ"."""
    gapped = [piece for piece in re.split(r"\s{2,}|\t|\s\|\s", raw_line.strip()) if piece]
    # A piece with a number ("5-7 business days", "$4.95") is a table row pasted flat; "Cart (0)" is a menu's.
    if len(gapped) >= 4 and all(len(piece.split()) <= 3 and not re.search(r"[.?!:]$|\d", re.sub(r"\(\d+\)", "", piece)) for piece in gapped):
        return not PAYMENT_NAMES.search(raw_line)  # "Visa  Mastercard  PayPal  Klarna" is the page's answer
    crumbs = [piece for piece in re.split(r"\s+[/>›»]\s+", raw_line.strip()) if piece]
    return len(crumbs) >= 3 and bool(re.match(r"(?i)home\b", crumbs[0])) and all(len(piece.split()) <= 4 for piece in crumbs)


def text_blocks(source: str) -> list[Block]:
    blocks: list[Block] = []
    previous_blank = True
    for number, raw_line in enumerate(source.splitlines(), start=1):
        line = clean_line(raw_line)
        if not line or ACCORDION_MARK.match(line) or SITE_CHROME.match(line) or is_menu(raw_line):
            previous_blank = previous_blank or not line
            continue
        line = TRAILING_ACCORDION_MARK.sub("", line)
        blocks.append(Block(classify_line(line), layout_free(line), number, number, paragraph_start=previous_blank))
        previous_blank = False
    return blocks


def markdown_blocks(source: str) -> list[Block]:
    """Markdown FAQ convention: a heading that asks is a question, any other
    heading is a section; paragraphs and list items are its answer."""
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    blocks: list[Block] = []
    in_item = 0
    header: list[str] = []  # a table's column names; each later row becomes one line
    row: list[str] = []
    row_lines = [0, 0]
    for position, token in enumerate(tokens):
        if token.type == "tr_open":
            row, row_lines = [], token.map or [0, 0]
        if token.type == "inline" and tokens[position - 1].type in ("th_open", "td_open"):
            row.append(clean_line(strip_inline_markdown(token.content)))
            continue
        if token.type == "tr_close":
            if not header:
                header = row
            elif any(row):
                blocks.append(Block(BlockKind.item, table_row(header, row), row_lines[0] + 1, row_lines[1]))
            continue
        if token.type == "table_close":
            header = []
            continue
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        if token.type != "inline" or not token.map:
            continue
        opener = tokens[position - 1]
        text = clean_line(re.sub(r"\s*\n\s*", " ", strip_inline_markdown(token.content)))
        if not text:
            continue
        first, last = token.map[0] + 1, token.map[1]
        if opener.type == "heading_open":
            kind = BlockKind.question if looks_like_question(text) else BlockKind.heading
        elif in_item:
            kind = BlockKind.item
        else:
            kind = BlockKind.question if text.endswith("?") and len(text.split()) <= MAX_QUESTION_WORDS else BlockKind.text
        blocks.append(Block(kind, text, first, last))
    return blocks


DURATION = re.compile(r"\d+\s*(?:-|–|to)?\s*\d*\s*(?:business\s+|working\s+)?(?:days?|weeks?|hours?)\b", re.I)


def table_row(header: list[str], cells: list[str]) -> str:
    """A table row as a line a reader (and the policy reader) understands: "Standard — UPS Ground:
    4-7 business days" when one cell is a time, else "Method: Standard; Carrier: UPS Ground"."""
    timed = [i for i, cell in enumerate(cells) if DURATION.search(cell)]
    if len(timed) == 1 and timed[0] > 0:
        others = [cell for i, cell in enumerate(cells) if i != timed[0] and cell]
        return f"{' — '.join(others)}: {cells[timed[0]]}"
    named = [f"{name}: {cell}" if name else cell for name, cell in zip(header + [""] * len(cells), cells) if cell]
    return "; ".join(named)


def strip_inline_markdown(text: str) -> str:
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    return re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)


def looks_like_question(text: str) -> bool:
    return text.endswith("?") or bool(QUESTION_START.match(text))


HTML_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "summary", "td", "th", "blockquote", "div", "section", "article", "details", "pre", "button")
HTML_DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "nav", "form")
BUTTON_CHROME = re.compile(r"^(read|show|see|view|load)\s+(more|less|all)\b|^(menu|close|open|toggle|expand|collapse|search|cart|subscribe|sign\s+up|add\s+to)", re.I)
TOGGLE_CLASS = re.compile(r"accordion|toggle|collaps|faq|question|trigger|expand", re.I)


def is_accordion_toggle(button: Tag) -> bool:
    """An accordion's question is often a `<button aria-expanded>`; "Add to cart", "Menu" and
    "Read more" are buttons too, so the label must read as a question or a topic of some words."""
    label = TRAILING_ACCORDION_MARK.sub("", clean_line(button.get_text(" ", strip=True)))
    if looks_like_question(label):
        return True
    classes = " ".join(button.get("class") or [])
    toggles = button.has_attr("aria-expanded") or button.has_attr("aria-controls") or bool(TOGGLE_CLASS.search(classes))
    return toggles and len(label.split()) >= 2 and not BUTTON_CHROME.match(label)


def html_blocks(source: str) -> list[Block]:
    """Leaf block elements in document order; FAQ accordions (`<summary>`,
    `<dt>`, question headings) become questions."""
    soup = BeautifulSoup(source, "html.parser")
    for dropped in soup.find_all(HTML_DROPPED_TAGS):
        dropped.decompose()
    for button in soup.find_all("button"):
        if not is_accordion_toggle(button):
            button.decompose()
    root = soup.body or soup
    for table in root.find_all("table"):
        # A table's rows read as lines ("Standard — UPS Ground: 4-7 business days"), not as loose cells.
        rows = [[clean_line(cell.get_text(" ", strip=True)) for cell in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
        first = table.find("tr")
        # Column names only from a row of <th> alone (or <thead>): "<th>Standard</th><td>5-7 days</td>" is a row header.
        header = rows[0] if rows and (first.find_parent("thead") or not first.find("td")) else []
        lines = [table_row(header, cells) for cells in rows[1 if header else 0 :] if any(cells)]
        replacement = soup.new_tag("ul")
        for text in lines:
            item = soup.new_tag("li")
            item.string = text
            item.sourceline = table.sourceline
            replacement.append(item)
        table.replace_with(replacement)
    blocks: list[Block] = []
    for element in root.find_all(HTML_BLOCK_TAGS):
        if not isinstance(element, Tag) or element.find(HTML_BLOCK_TAGS):
            continue  # not a leaf: its children are visited on their own
        text = clean_line(element.get_text(" ", strip=True))
        if not text:
            continue
        line = element.sourceline or 1
        tag = element.name
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "th"):
            kind = BlockKind.question if looks_like_question(text) else BlockKind.heading
        elif tag in ("summary", "dt", "button"):
            kind = BlockKind.question
            text = TRAILING_ACCORDION_MARK.sub("", text)  # the toggle's "+" icon
        elif tag == "li":
            kind = BlockKind.item
        else:
            kind = classify_line(text) if tag in ("div", "section", "article", "td") else (
                BlockKind.question if text.endswith("?") and len(text.split()) <= MAX_QUESTION_WORDS else BlockKind.text
            )
        blocks.append(Block(kind, text, line, line + text.count("\n")))
    return blocks
