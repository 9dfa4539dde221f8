"""A first policy read off a raw FAQ page, for a store that has no policy.toml yet.

Only sentences that state a rule plainly are used ("returns within 30 days of delivery",
"we ship to the US, Canada and the UK", "we accept Visa, PayPal…"), each fact keeping its
sentence as `source`, so a computed reply still quotes the store's own words. Where the
page is ambiguous (two different return windows, no clear start for a timeline) nothing is
inferred and the FAQ text answers. `faqbot policy draft` prints the same facts as a
policy.toml for the owner to check and keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from bot.ingest import Chunk
from bot.policy.calculators import CARD_BRANDS
from bot.policy.lexicon import ITEM_KIND_PATTERNS, PAYMENT_PATTERNS, item_terms
from bot.policy.model import StorePolicy
from bot.policy.page_reading import PROBLEM, REFUND_PAID, REGION, RETURN_WORDS, countries_in
from bot.policy.timeline_reading import timeline

DAYS = re.compile(r"\b(\d{1,3})[\s-]*(?:calendar\s+)?days?\b", re.I)
FROM_DELIVERY = re.compile(r"\b(of|after|from)\s+(the\s+|your\s+)?(delivery|receipt|receiving|arrival|date\s+of\s+delivery|delivery\s+date|you\s+(receive|get))", re.I)
FROM_PURCHASE = re.compile(r"\b(of|after|from)\s+(the\s+|your\s+)?(original\s+)?(purchase|order(\s+date)?|date\s+of\s+(purchase|order)|ordering|buying)\b", re.I)
# "ship it back within 7 days after return approval": a deadline counted from a step of the return itself.
FROM_RETURN_STEP = re.compile(r"\b(of|after|from)\s+(the\s+|your\s+)?(return\s+)?(approval|authori[sz]ation|request|issuing|RA\b|RMA\b)", re.I)
FINAL_SALE = re.compile(r"\b(final\s+sale|non-?returnable|non-?refundable|cannot\s+be\s+returned|can'?t\s+be\s+returned|not\s+(eligible\s+for|accept(ed)?\s+(for\s+)?)\s*(a\s+)?(returns?|refunds?)|do\s+not\s+accept\s+returns\s+on|are\s+not\s+refundable|cannot\s+be\s+refunded)\b", re.I)
DEFECT_EXCEPTION = re.compile(r"\b(unless|except|excluding)\b[^.]{0,60}\b(defect\w*|damaged|faulty|wrong)", re.I)
DAMAGE = re.compile(r"\b(crack\w*|broken|damaged?|defect\w*|faulty|wrong\s+item|missing|chipped|crushed|torn|ripped|dented|leak\w*|dies|died|dead)\b", re.I)
REPORT_DEADLINE = re.compile(r"\bwithin\s+(\d{1,3})\s*(days?|hours?)\s+(of|after|from)\s+(the\s+)?(delivery|arrival|receipt|receiving|it\s+arrives)", re.I)
WE_SHIP = re.compile(r"\bwe\s+(only\s+)?(ship|deliver)\s+(to|within|in)\b", re.I)
WORLDWIDE = re.compile(r"\b(worldwide|internationally|all\s+over\s+the\s+world|to\s+all\s+countries|any\s+country)\b", re.I)
WE_ACCEPT = re.compile(r"\b(we|you\s+can)\s+(accept|take|pay\s+with|support)\b|\bpayment\s+methods?\b", re.I)
PAYING = re.compile(r"\b(pay|paying|payment|accept\w*|checkout|check\s+out|install?ments?|financ\w*|split)\b", re.I)
REFUSED_METHOD = re.compile(r"\b(don'?t|do\s+not|cannot|can'?t|no\s+longer|are\s+unable\s+to)\s+(accept|take|support)\b", re.I)
EXCHANGE_REFUSED = re.compile(r"\b(do\s+not|don'?t|no\s+longer|cannot|can'?t)\s+(accept|offer|do|process)\s+exchanges\b|\bno\s+exchanges\b", re.I)


def sentences_of(chunks: Iterable[Chunk]) -> list[str]:
    seen: dict[str, None] = {}
    for chunk in chunks:
        for sentence in chunk.sentences:
            seen.setdefault(sentence.strip(), None)
    return [s for s in seen if s]


def window_clauses(sentences: list[str]) -> list[tuple[str, str]]:
    """(clause, sentence): "returned within 30 days of delivery for a refund, or exchanged within 45
    days of delivery" states two windows, one per clause; the sentence stays the citation."""
    found = []
    for sentence in sentences:
        clauses = re.split(r",\s*(?:or|and|but|while)\s+|;\s*", sentence)
        several = len({int(m.group(1)) for m in DAYS.finditer(sentence)}) > 1 and not CREDIT_LATER.search(sentence)
        # Each clause must say what its days are for ("or exchanged within 45 days"); "or within 60 days
        # for store credit" leans on the first clause's verb, and the sentence is left to the page's words.
        timed = [clause for clause in clauses if DAYS.search(clause)]
        if several and all(len(DAYS.findall(clause)) <= 1 and RETURN_WORDS.search(clause) for clause in timed):
            found.extend((clause, sentence) for clause in clauses if DAYS.search(clause))
        else:
            found.append((sentence, sentence))
    return found


def window_candidates(sentences: list[str]) -> list[dict]:
    """Every sentence that could state a return window, with its refund type and, when it says so,
    where it counts from; `return_windows` decides which of them settle a type."""
    found = []
    for sentence, source in window_clauses(sentences):
        labelled = RETURN_LABEL.match(sentence)  # "• Store credit: unopened games within 60 days of purchase."
        credit_later = bool(CREDIT_LATER.search(sentence) and re.search(r"(store|merchandise)\s+credit", sentence, re.I))  # "After 30 days and up to 60 …"
        if not (RETURN_WORDS.search(sentence) or labelled or credit_later) or FINAL_SALE.search(sentence) or REFUND_PAID.search(sentence):
            continue
        if PROBLEM.search(sentence):
            continue  # "arrives broken? email a photo within 5 days": a damage report, not the return window
        if FROM_RETURN_STEP.search(sentence) and not (FROM_DELIVERY.search(sentence) or FROM_PURCHASE.search(sentence)):
            continue  # counted from the return's approval or request: how long to send it back, not the window
        if re.search(r"\b(process\w*|business|working)\b|\d+\s*(-|–|to)\s*\d+\s*days", sentence, re.I) and not credit_later:
            continue  # a processing time or a range is not a return window
        days = {int(m.group(1)) for m in DAYS.finditer(sentence)}
        if credit_later and len(days) == 2:
            days = {max(days)}  # "returns after 30 days and up to 60 days receive store credit": credit until 60
        if credit_later and not days:
            days = {int(max(re.findall(r"\d+", CREDIT_LATER.search(sentence).group(0)), key=int))}  # "days 31-60": until 60
        if len(days) != 1 or not (credit_later or re.search(r"\b(within|\d+[\s-]*days?\s+(return|refund|exchange|to\s+return|money)|have\s+\d+|up\s+to|\d+-day|for\s+\d+\s*days?\s+(of|from|after))", sentence, re.I)):
            continue
        anchored = "purchase" if FROM_PURCHASE.search(sentence) and not FROM_DELIVERY.search(sentence) else "delivery" if FROM_DELIVERY.search(sentence) else None
        if labelled:
            label = labelled.group(1).lower()
            refunds = ["store_credit"] if "credit" in label else ["exchange"] if label.startswith("exchange") else ["cash"]
        elif re.search(r"(store|merchandise)\s+credit", sentence, re.I) and not re.search(r"\brefund", sentence, re.I) or credit_later:
            refunds = ["store_credit", "exchange"] if re.search(r"exchang", sentence, re.I) and not credit_later else ["store_credit"]
        elif re.search(r"exchang", sentence, re.I) and not re.search(r"\b(return|refund)", sentence, re.I):
            refunds = ["exchange"]  # "size exchanges are free within 60 days": exchanges only
        elif re.search(r"exchang", sentence, re.I):
            refunds = ["cash", "exchange"]
        else:
            refunds = ["cash"]
        # "we'll refund it if your pet won't eat it" is a promise beside the return window, not the window.
        returned = bool(labelled) or bool(re.search(r"\b(return(s|ed|ing)?|exchang\w*|send\s+(it|items?|them)\s+back|sent\s+back)\b", sentence, re.I))
        found.append({"days": days.pop(), "anchored": anchored, "refunds": refunds, "source": source, "returned": returned})
    return found


def return_windows(sentences: list[str]) -> tuple[list[dict], list[str]]:
    """One window per refund type the page settles. A type given two different windows is
    left to the FAQ text; a sentence naming one type ("size exchanges … within 60 days")
    settles it before a general one ("return or exchange within 30 days")."""
    found = window_candidates(sentences)
    for window in found:
        # "a 30-day guarantee … return it within 30 days of purchase": the start may be in a sibling sentence.
        starts = {w["anchored"] for w in found if w["days"] == window["days"] and w["anchored"]}
        window["counted_from"] = window["anchored"] or (starts.pop() if len(starts) == 1 else "delivery")
    chosen: dict[str, dict] = {}
    unsettled: list[str] = []
    for refund in ("cash", "store_credit", "exchange"):
        offering = [w for w in found if refund in w["refunds"]]
        offering = [w for w in offering if w["returned"]] or offering
        only = [w for w in offering if len(w["refunds"]) == 1] or offering
        if len({w["days"] for w in only}) == 1:
            chosen[refund] = only[0]
        elif only:
            # Two windows for one refund type (tea 30 days, teaware 45): a product line the kinds cannot
            # name. Its questions go to the FAQ text; another type's window must not answer them.
            unsettled.append(refund)
    windows: dict[int, dict] = {}
    for refund, window in chosen.items():
        entry = windows.setdefault(id(window), {"days": window["days"], "counted_from": window["counted_from"], "refunds": [], "source": window["source"]})
        entry["refunds"].append(refund)
    return list(windows.values()), unsettled


def final_sale(chunks: list[Chunk], sentences: list[str]) -> list[dict]:
    rules = []
    for sentence in final_sale_statements(chunks):
        kinds = [k for k, p in ITEM_KIND_PATTERNS.items() if p.search(sentence) and k not in CONDITIONS]
        if OPENED_REFUSED.match(sentence):
            kinds.append("opened")  # "Opened games can't be returned": every opened item, not one kind
        items = item_names(sentence, kinds)
        if items and not kinds:
            kinds = ["final_sale"]
        if kinds:
            rule = {"kinds": kinds, "source": sentence, **({"items": items} if items else {})}
            if DEFECT_EXCEPTION.search(sentence):
                rule["exceptions"] = ["defect"]
            rules.append(rule)
    for sentence in sentences:
        # "Unused, unburned candles can be returned within 30 days": a used one cannot.
        if RETURN_WORDS.search(sentence) and UNUSED_ONLY.search(sentence) and not FINAL_SALE.search(sentence):
            if not re.search(r"\b(return|refund)", sentence, re.I):
                continue  # "unopened products can be exchanged": about exchanges, not what can come back for a refund
            if any(allows_worn(other) for other in sentences):
                break  # "wore them outside? the 30-day comfort trial still takes them back": the page allows some
            kinds = (["opened"] if SEALED_ONLY.search(sentence) else []) + (["worn"] if UNUSED_ONLY.search(SEALED_ONLY.sub("", sentence)) else [])
            rules.append({"kinds": kinds, "exceptions": ["defect"], "source": sentence})
            break
    return rules


def final_sale_statements(chunks: list[Chunk]) -> list[str]:
    """Sentences that make items final sale. "The following are final sale:" takes the list
    under it, one line each, so the kinds it names are read and the quote shows them."""
    found: dict[str, None] = {}
    for chunk in chunks:
        lines = list(chunk.sentences)
        for position, sentence in enumerate(lines):
            if not FINAL_SALE.search(sentence):
                continue
            if sentence.rstrip().endswith(":"):
                listed = []
                for line in lines[position + 1 :]:
                    if not line.lstrip().startswith(("•", "-", "*")):
                        break
                    listed.append(line)
                if listed:
                    sentence = "\n".join((sentence, *listed))
            found.setdefault(sentence.strip(), None)
    return list(found)


CONDITIONS = ("gift", "defect", "wrong_item", "missing_item", "opened")  # what happened to an item, not what it is
REASON_CLAUSE = re.compile(r"^\s*(for|due\s+to|because|as|with|given|owing\s+to)\b", re.I)
FEE = re.compile(r"\b(shipping|postage|delivery|handling|restocking)\s+(rate|fee|cost|charge)s?\b|\b(fee|fees|charges?)\b", re.I)


def item_names(statement: str, kinds: list[str]) -> list[str]:
    """What a final-sale statement lists that no item kind names: each line of a list under it,
    or the phrases before "are final sale" ("Travel minis, discovery sets …"). Examples after
    "such as" are left out, and so is a fee ("the shipping rate … is non-refundable")."""
    head, *listed = statement.split("\n")
    if listed:
        phrases = [line.lstrip("•-* ").strip() for line in listed]
    elif not re.search(r"final\s+sale", head, re.I) or FEE.search(head):
        return []  # "… are non-refundable" beside a kind describes the kind ("the stone color, metal")
    else:
        # The subject ends where the last refusal starts: "X are final sale and cannot be returned".
        end = max((m.start() for m in FINAL_SALE.finditer(head)), default=0)
        before = re.split(r"\b(such\s+as|like|including|e\.g\.)\b", head[:end], flags=re.I)[0]
        before = re.sub(r"\b(are|is|will\s+be|remain|become)\b(\s+final\s+sale)?(\s+and)?\s*$", "", before.strip(), flags=re.I)
        phrases = [p.strip(" ()[]:;") for p in re.split(r",|\(|\)|;|\band\b|\bor\b", before)]
    # A capitalised name inside a phrase ("anything from our Final Cut clearance collection") is an item of its
    # own, unless a kind's words run through it ("monthly Style For a Steal items").
    phrases += [
        m.group(0)
        for p in phrases
        for m in re.finditer(r"(?<!^)\b[A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*)+", p)
        if len(item_terms(m.group(0))) >= 2
        and not any(k.start() < m.end() and m.start() < k.end() for pattern in ITEM_KIND_PATTERNS.values() for k in pattern.finditer(p))
    ]
    phrases = [p for p in phrases if not REASON_CLAUSE.match(p)]  # "For hygiene reasons, earrings … are final sale"
    names = []
    for phrase in phrases:
        named_by_a_kind = any(p.search(phrase) for kind, p in ITEM_KIND_PATTERNS.items() if kind not in CONDITIONS)
        if named_by_a_kind or not item_terms(phrase):
            continue  # "Dented Box Deals" is the store's name for a line, not the shopper's "dented" box
        names.append(phrase)
    return names


def allows_worn(sentence: str) -> bool:
    """'even if it's opened', 'worn items can be returned': the page takes some used items back."""
    if not RETURN_WORDS.search(sentence) or FINAL_SALE.search(sentence):
        return False
    for match in WORN_RETURNABLE.finditer(sentence):
        if match.group(0).lower().startswith("even"):
            return True
        around = sentence[max(0, match.start() - 25) : match.end() + 40]
        if not NEGATED.search(around):
            return True
    return False


WORN_RETURNABLE = re.compile(r"\b(worn|wore|wear\w*|used|tried\s+(them|it)\s+outside|even\s+(if|after|when|though)\s+(you'?ve|you\s+have|they'?ve|they\s+have|it'?s|it\s+has))\b", re.I)
NEGATED = re.compile(r"\b(not|cannot|can'?t|won'?t|no|only|unworn|unused)\b|n't\b", re.I)  # near a worn word, it refuses
SEALED_ONLY = re.compile(r"\b(unopened|sealed|in\s+(its|their)\s+(original\s+)?shrink[\s-]?wrap)\b", re.I)
OPENED_REFUSED = re.compile(r"^\W*(opened|unsealed)\s+(\w+\s+)?(items?|products?|goods|merchandise|games?|bags?|boxes|packages?|bottles?|jars?)\b", re.I)
UNUSED_ONLY = re.compile(r"\b(unused|unworn|unwashed|unburn(ed|t)|unopened|never\s+been\s+(used|worn)|in\s+(its|their)\s+original,?\s+unused\s+condition)\b", re.I)
CREDIT_LATER = re.compile(
    r"\bafter\s+(\d+\s*days?|that|this)\b.{0,40}\b(up\s+to|within|until)\b"  # "after 30 days and up to 60", "after that, and up to 90 days"
    r"|\bbetween\s+(days?\s+)?\d+\s*(days?\s+)?(and|-|–|to)\s*\d+\s*days?\b"  # "between 31 and 60 days of delivery"
    r"|\bdays?\s+\d+\s*(-|–|to|through)\s*\d+\b",  # "days 31-60"
    re.I,
)
RETURN_LABEL = re.compile(r"^\W*(refunds?|exchanges?|store\s+credit|returns?)\s*:", re.I)


def problem_windows(chunks: list[Chunk]) -> list[dict]:
    """"Email a photo within 7 days of delivery" under "My order arrived damaged": how long a
    damaged or wrong item may be reported. The problem may be named by the sentence or its question."""
    found = []
    for chunk in chunks:
        asked = " ".join((chunk.title, *chunk.questions))  # not the section heading: "Returns & Damaged Items" covers both
        for position, sentence in enumerate(chunk.sentences):
            deadline = REPORT_DEADLINE.search(sentence)
            # "Did your order arrive damaged? Email us photos within 5 days…": the question may be the sentence before.
            before = chunk.sentences[position - 1] if position and chunk.sentences[position - 1].rstrip().endswith("?") else ""
            if not deadline or not (DAMAGE.search(sentence) or DAMAGE.search(asked) or DAMAGE.search(before)):
                continue
            if FINAL_SALE.search(sentence) or re.search(r"\b(returned|returns?\s+(are|is)|return\s+(it|them|items?|your|unworn|unused))\b", sentence, re.I):
                continue  # "unworn items can be returned within 30 days" is the return window ("… or refund you" is a remedy)
            amount, unit = int(deadline.group(1)), deadline.group(2).lower()
            days = max(1, -(-amount // 24)) if unit.startswith("hour") else amount
            context = f"{asked} {before} {sentence}"
            problems = ["damaged", "defect"]
            if re.search(r"\bwrong\b", context, re.I):
                problems.append("wrong_item")
            if re.search(r"\bmissing\b", context, re.I):
                problems.append("missing_item")
            found.append({"problems": problems, "days": days, "counted_from": "delivery", "source": sentence})
    return found[:1] if len({w["days"] for w in found}) == 1 else []


def shipping(chunks: list[Chunk]) -> dict | None:
    for chunk in chunks:
        asked = " ".join((chunk.heading or "", chunk.title, *chunk.questions))
        for sentence in chunk.sentences:
            if not (WE_SHIP.search(sentence) or re.search(r"\b(countries|destinations)\s+(we\s+)?(ship|deliver)", sentence, re.I)):
                continue
            if WORLDWIDE.search(sentence):
                return {"worldwide": True, "source": sentence}
            if REGION.search(sentence):
                continue  # "the US, Canada and the EU": a region the country list cannot spell out
            codes = countries_in(sentence)
            beyond_home = re.search(r"\b(only|outside|also|international\w*|abroad|overseas|other\s+countries)\b", f"{asked} {sentence}", re.I)
            if len(codes) == 1 and beyond_home:
                continue  # "We ship to Canada only" answers "outside the US?": the home country goes unsaid
            if codes:
                # "Yes — we ship to Canada and Mexico" under "Do you ship internationally?" leaves the store's own
                # country unsaid: a country off such a list is left to the page's words, never a computed "no".
                complete = not beyond_home and not re.match(r"\W*yes\b", sentence, re.I)
                return {"countries": codes, "complete": complete, "source": sentence}
    return None


def payments(chunks: list[Chunk], sentences: list[str]) -> dict | None:
    return payment_sentence(sentences) or payment_list(chunks, sentences)


def methods_named_in(sentences: list[str]) -> set[str]:
    """Payment methods other sentences offer: "We don't accept American Express" is a no, and "gift
    cards never expire" is no payment talk, so neither leaves the list incomplete."""
    return {
        name
        for sentence in sentences
        if not REFUSED_METHOD.search(sentence) and PAYING.search(sentence)
        for name, pattern in PAYMENT_PATTERNS.items()
        if pattern.search(sentence)
    }


def payment_list(chunks: list[Chunk], sentences: list[str]) -> dict | None:
    """Methods listed one per line under "Which payment methods do you accept?"."""
    for chunk in chunks:
        asked = " ".join((chunk.title, *chunk.questions))
        if not re.search(r"\b(payment|pay|accept)", asked, re.I):
            continue
        listed = [line for line in chunk.sentences if line.lstrip().startswith(("•", "-", "*"))]
        methods = list(dict.fromkeys(name for line in listed for name, pattern in PAYMENT_PATTERNS.items() if pattern.search(line)))
        if len(methods) >= 2:
            named_elsewhere = methods_named_in([other for other in sentences if other not in listed])
            return {"methods": specific_methods(methods), "complete": named_elsewhere <= set(methods), "source": "\n".join(listed)}
    return None


def specific_methods(methods: list[str]) -> list[str]:
    """"Visa, Mastercard and other credit cards" names its cards: the brands are the list. "Credit
    and debit cards" names none, and admits every brand, so it stays in the list."""
    if CARD_BRANDS & set(methods):
        return [m for m in methods if m not in ("Credit card", "Debit card")]
    return methods


def payment_sentence(sentences: list[str]) -> dict | None:
    for sentence in sentences:
        if not WE_ACCEPT.search(sentence):
            continue
        methods = [name for name, pattern in PAYMENT_PATTERNS.items() if pattern.search(sentence)]
        if len(methods) >= 2:
            # The list is the whole story only if it says so and the page names no other method elsewhere
            # ("You can also pay in 4 with Afterpay" two lines down).
            named_elsewhere = methods_named_in([other for other in sentences if other != sentence])
            complete = not re.search(r"\b(such\s+as|including|e\.g\.|like)\b", sentence, re.I) and named_elsewhere <= set(methods)
            return {"methods": specific_methods(methods), "complete": complete, "source": sentence}
    return None


def exchanges(sentences: list[str]) -> dict | None:
    for sentence in sentences:
        if EXCHANGE_REFUSED.search(sentence):
            return {"allowed": False, "source": sentence}
    return None


PHONE = re.compile(r"\+?\(?\d{1,4}\)?[\s.-]?\(?\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{3,4}\b")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
CONTACT_LINE = re.compile(r"\b(contact|reach|questions?|stuck|get\s+in\s+touch|help\s+desk|customer\s+(service|care|support)|call\s+us)\b", re.I)


def contact(sentences: list[str]) -> dict | None:
    """The address the page tells shoppers to write to: the one it names most often."""
    found = [(m.group(0).rstrip("."), sentence) for sentence in sentences for m in EMAIL.finditer(sentence)]
    if not found:
        return None
    # Among addresses named as often, one on the page's contact line ("Contact: hello@…"), then the
    # first named (not a set's order, which changes with each process's string hashing).
    address = max(
        dict.fromkeys(a for a, _ in found),
        key=lambda a: (sum(x == a for x, _ in found), any(x == a and CONTACT_LINE.search(s) for x, s in found)),
    )
    naming = [s for a, s in found if a == address]
    # The page's own contact line ("Still stuck? Email … or call …") before a damage step that names the address.
    sentence = max(naming, key=lambda s: (bool(PHONE.search(s)), bool(CONTACT_LINE.search(s)), -naming.index(s)))
    phone = PHONE.search(sentence)
    verb = "text" if phone and re.search(r"\b(text|sms|whatsapp)\b", sentence[: phone.start()], re.I) else "call"
    return {"channel": f"email {address}" + (f" or {verb} {phone.group(0).strip()}" if phone else ""), "source": sentence}


def infer_policy(chunks: Iterable[Chunk], topics: Mapping[str, str] | None = None) -> StorePolicy:
    """`topics`: sentence -> the topic it states (`processing_time`, `delivery_time`, `refund_timing`…),
    as labelled exemplars of many shops read it (bot/match/exemplars.py). The patterns here read the
    wordings they know; where none of them names the event a time is for ("We ship orders within
    1-3 business days"), the sentence's topic does."""
    chunks = list(chunks)
    topics = topics or {}
    sentences = sentences_of(chunks)
    returns: dict = {}
    windows, unsettled = return_windows(sentences)
    if windows:
        returns["windows"] = windows
    if unsettled:
        returns["unsettled"] = unsettled
    rules = final_sale(chunks, sentences)
    if rules:
        returns["final_sale"] = rules
    refused = exchanges(sentences)
    if refused:
        returns["exchanges"] = refused
    raw: dict = {"returns": returns, "timeline": timeline(sentences, topics), "problems": problem_windows(chunks)}
    for name, value in (("shipping", shipping(chunks)), ("payments", payments(chunks, sentences)), ("contact", contact(sentences))):
        if value:
            raw[name] = value
    return StorePolicy.model_validate(raw)
