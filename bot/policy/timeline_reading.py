"""An order's timeline read off a raw FAQ page: processing, transit and refund stages, each with its
range of days, where it applies (a country, a region, a shipping method) and the sentence it
came from. Part of the first policy read off a page (bot/policy/infer.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.policy.page_reading import PROBLEM, REFUND_PAID, REGION, RETURN_WORDS, countries_in
from bot.policy.slots import method_named
from bot.policy.spans import NUMBER, number

RANGE = re.compile(  # "2-5 days", "two business days" (spans.NUMBER: a count in digits or spelled out)
    rf"\b({NUMBER})(?:\s*(?:-|–|to)\s*({NUMBER}))?\s*(?:more\s+|additional\s+|extra\s+|further\s+)?(business|working)?\s*(days?|hours?|weeks?)\b", re.I
)
HOURS_A_DAY = 24  # "ships within 24-48 hours" is 1-2 days: hours are counted as the whole days they make
DAYS_A_WEEK = 7  # "within 1-2 weeks" is 7-14 days
PROCESSING = re.compile(r"\b(process(ed|ing)?|pack(ed|ing)?|prepar(e|ed|ing)|dispatch(ed)?|ship(s|ped)?\s+(from\s+[\w\s]{1,40}?\s+)?within|handling|leaves?\s+(our|the)\s+\w+|(are|is)\s+(sent|posted)\s+(out\s+)?within)\b", re.I)
TRANSIT = re.compile(r"\b(arriv\w*|deliver\w*|transit|takes?\s+\d|reach\s+you|mail|post|courier|carrier|usps|ups|fedex|dhl|after\s+(shipping|it\s+ships|dispatch))\b|\btakes?\s*$", re.I)
METHOD = re.compile(r"\b(express|expedited|standard|priority|overnight|next[\s-]day|2[\s-]day|two[\s-]day|ground|economy)\b", re.I)
# A sentence whose subject is a named line of goods ("Custom Cases are printed…"), not orders in general.
ONE_LINE_OF_GOODS = re.compile(r"^\W*(?!(?i:orders?|all|most|every\w*|your|our|we|in-stock|items?|packages?|standard|once|please|it|they)\b)[A-Z][\w'-]*\s+[A-Z][\w'-]*\s+(are|is)\b")
COUNTED_FROM_AN_EVENT = re.compile(r"\s*(of|from|after)\s+(the\s+)?(date\s+of\s+)?(delivery|receipt|receiving|arrival)\b", re.I)
BANK_STEP = re.compile(
    r"\b(bank|card\s+issuer|financial\s+institution|statement)\b.{0,60}\b(post|show|appear|reflect)"
    r"|\b(another|additional|further|extra)\b.{0,30}\bdays?\b.{0,40}\b(bank|card\s+issuer|financial\s+institution)\b"
    r"|\bcard\b.{0,40}\b(more|another|additional|extra)\s+(business\s+|working\s+)?days?\b",  # "Credit card refunds can take 2-5 more business days"
    re.I,
)
INSPECTION = re.compile(r"\b(we|our\s+team)\s+(inspect|check|review)\w*\b.{0,40}\b(receiv\w*|arriv\w*)", re.I)
REFUND_AT_ONCE = re.compile(r"\b(then|and)\s+(we\s+)?(refund|issue\s+(the|your)\s+refund)\b", re.I)  # "… and then refund right away"
WINDOW_WORDING = re.compile(r"\bwithin\s+\d+\s*days?\s+(of|after|from)\b", re.I)


def nearest(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of `pattern` ends in `text`; -1 when none."""
    return max((m.end() for m in pattern.finditer(text)), default=-1)


# "• US Standard: 4–6 business days", "Canada & EU: 7–14 business days": a list of times by method or place.
LABELLED_TIME = re.compile(r"^\W*[\w&/ .()—–-]{2,40}:\s*$")
SAME_DAY = re.compile(r"\b(ship|ships|shipped|dispatch\w*|go\s+out|goes\s+out|leaves?)\s+(out\s+)?(on\s+)?the\s+same\s+(business\s+)?day\b|\bsame[\s-]day\s+(shipping|dispatch)\b", re.I)
NEXT_BUSINESS_DAY = re.compile(r"\b(ship|ships|shipped|dispatch\w*|go\s+out|goes\s+out|leaves?)\s+(out\s+)?(on\s+)?the\s+next\s+business\s+day\b", re.I)
# A time whose subject is every order ("In-stock orders leave…", "We ship…"), not one product line.
EVERY_ORDER = re.compile(r"^\W*((all|most|in[- ]stock|standard|regular|your|our)\s+)?(orders?|items?|packages?|parcels?|everything|shipments?)\b(?!\s+(with|for|containing))|^\W*(we|it|they)\b", re.I)
# "Orders with a custom embroidered patch take 5-7 business days": some orders, not every order.
SOME_ORDERS = re.compile(r"^\W*(orders?|items?|products?)\s+(with|for|containing|that\s+(include|contain|have))\b", re.I)
PROCESS_AFTER = re.compile(r"^\s*(\w+\s+){0,3}(to\s+(process|prepare|make|build|ship)|before\s+(they|it)\s+ships?|before\s+shipping)\b", re.I)
INTERNATIONAL = re.compile(r"\b(international(ly)?|overseas|worldwide|outside\s+(of\s+)?(the\s+)?(us|u\.s\.?|usa|united\s+states))\b", re.I)
DOMESTIC = re.compile(r"\b(domestic|within\s+the\s+(us|u\.s\.?|usa|united\s+states|contiguous|lower\s+48)|(us|u\.s\.|usa)\s+(orders|shipping|standard|express|addresses))\b", re.I)


def same_or_next_day(sentence: str) -> dict | None:
    """"Orders placed before 2pm ship the same day; everything else ships the next business day":
    dispatch in 0-1 business days, said without a number."""
    same, following = SAME_DAY.search(sentence), NEXT_BUSINESS_DAY.search(sentence)
    if not (same or following) or ONE_LINE_OF_GOODS.match(sentence) or SOME_ORDERS.match(sentence) or RETURN_WORDS.search(sentence):
        return None
    # "Before 2pm … the same day": after the cut-off it is the next business day, said or not.
    return {"start": "order_placed", "end": "order_shipped", "min": 0 if same else 1, "max": 1, "unit": "business_days", "source": sentence}


TIMED_TOPICS = ("processing_time", "delivery_time")  # topics (bot/match/topics.toml) whose time is a stage of an order
REFUND_TOPIC = "refund_timing"  # the topic whose time runs from the return to the refund


def timeline(sentences: list[str], topics: Mapping[str, str] | None = None) -> list[dict]:
    topics = topics or {}
    stages = []
    for sentence in sentences:
        dispatch = same_or_next_day(sentence)
        if dispatch and not RANGE.search(sentence.split(";")[0]):
            stages.append(dispatch)
        stated = topics.get(sentence)
        refund_sentence = bool(REFUND_PAID.search(sentence) or stated == REFUND_TOPIC) and not WINDOW_WORDING.search(sentence)
        for match in RANGE.finditer(sentence):
            low, high = number(match.group(1)), number(match.group(2) or match.group(1))
            if match.group(4).lower().startswith("week"):
                if match.group(3):
                    continue  # "business weeks": no count of days to trust
                low, high = low * DAYS_A_WEEK, high * DAYS_A_WEEK
            elif match.group(4).lower().startswith("hour"):
                if low < HOURS_A_DAY or low % HOURS_A_DAY or high % HOURS_A_DAY:
                    continue  # "within 2 hours", "36 hours": not a count of days
                low, high = low // HOURS_A_DAY, high // HOURS_A_DAY
            if high < low or high > 60:
                continue
            unit = "business_days" if match.group(3) else "days"
            before = sentence[max(0, match.start() - 90) : match.start()]
            if BANK_STEP.search(sentence) and not refund_sentence and not re.search(r"\bbank\s+transfer|\bpaid\s+by\b", sentence, re.I):
                # "It may take another 3-5 business days for your bank to post it": after the store issues it.
                stages.append({"start": "refund_issued", "end": "refund_posted", "min": low, "max": high, "unit": unit, "source": sentence})
                break
            if INSPECTION.search(sentence) and RETURN_WORDS.search(sentence) and not refund_sentence:
                # "We inspect returns within 3 business days … and then refund right away": the refund is issued then.
                end = "refund_issued" if REFUND_AT_ONCE.search(sentence) else "return_approved"
                stages.append({"start": "return_received", "end": end, "min": low, "max": high, "unit": unit, "source": sentence})
                break
            if refund_sentence:
                # "Once we receive (and inspect) your return…" counts from receipt; "if approved…" from approval.
                receipt = re.search(r"\b(receiv\w*|arriv\w*|reach\w*|get\s+your\s+return|upon\s+receipt)\b", sentence, re.I)
                start = "return_received" if receipt else "return_approved" if re.search(r"approv|inspect|process", sentence, re.I) else "return_received"
                stages.append({"start": start, "end": "refund_posted", "min": low, "max": high, "unit": unit, "source": sentence})
                break
            if COUNTED_FROM_AN_EVENT.match(sentence[match.end() :]):
                continue  # "let us know within 21 days of delivery": a deadline, not how long delivery takes
            # "• Canada & EU: 7–14 business days" under "How long does shipping take?": a time labelled by its place.
            labelled = bool(LABELLED_TIME.search(before)) and bool(destinations_of(before, "") or METHOD.search(before))
            if re.match(r"\s*(ahead|in\s+advance|beforehand|before\s+(delivery|arrival|it\s+arrives))\b", sentence[match.end() :], re.I):
                continue  # "the carrier calls 1–2 days ahead": notice before delivery, not how long it takes
            if RETURN_WORDS.search(sentence) or PROBLEM.search(sentence) or not (labelled or re.search(r"\b(order|ship|deliver|arriv|dispatch|process|post|mail|courier|carrier|warehouse|leaves?)", sentence, re.I)):
                # a return, or a damaged item to report "within 7 days of arrival", is no delivery time
                continue
            processing, transit = nearest(PROCESSING, before), nearest(TRANSIT, before)
            if processing < 0 and transit < 0 and stated in TIMED_TOPICS:
                processing, transit = (0, -1) if stated == "processing_time" else (-1, 0)
            if PROCESS_AFTER.match(sentence[match.end() :]):
                processing = len(before) + 1  # "take 5-7 business days to process before they ship"
            if processing > transit and (ONE_LINE_OF_GOODS.match(sentence) or SOME_ORDERS.match(sentence)):
                continue  # "Custom Cases are printed to order and ship within 3-5 days": not every order
            if processing > transit:
                stages.append({"start": "order_placed", "end": "order_shipped", "min": low, "max": high, "unit": unit, "source": sentence})
            elif transit >= 0 or TRANSIT.search(sentence[match.end() : match.end() + 40]) or LABELLED_TIME.search(before) or METHOD.search(before):
                stage = {"start": "order_shipped", "end": "delivered", "min": low, "max": high, "unit": unit, "source": sentence}
                methods = list(METHOD.finditer(re.split(r"[.;!?]\s", before)[-1]))
                if methods:  # the name nearest before the range in its sentence: "Ground … 3-5 days, and Priority Mail takes 1-3 days"
                    stage["method"] = method_named(methods[-1].group(1))
                destinations = destinations_of(before, sentence[match.end() : match.end() + 40])
                if destinations:
                    stage["destinations"] = destinations
                stages.append(stage)
    if any(s["start"] == "refund_issued" for s in stages):
        # The bank's days are their own stage: the store's refund sentence ends when it issues the refund.
        stages = [{**s, "end": "refund_issued"} if s["end"] == "refund_posted" and s["start"] != "refund_issued" else s for s in stages]
    # One stage per (start, end, method, destinations): a second with other numbers is a contradiction to leave alone.
    unique: dict[tuple, dict] = {}
    clashes = set()
    every: dict[tuple, list[dict]] = {}
    for stage in stages:
        key = (stage["start"], stage["end"], stage.get("method"), tuple(stage.get("destinations", ())))
        # Two fast methods by name ("Expedited 2-3 days", "Overnight 1 day") both count as "express": which
        # one a shopper means is not known, so neither is computed (the page's words answer).
        if key in unique and (unique[key]["min"], unique[key]["max"]) != (stage["min"], stage["max"]):
            clashes.add(key)
        unique.setdefault(key, stage)
        every.setdefault(key, []).append(stage)
    for key in list(clashes):
        # "Placed before 12:30 pm … ship the same day" beside "placed after the cut-off … ship the next
        # business day": one rule, dispatch in 0-1 business days, not two that contradict each other.
        if all(s["unit"] == "business_days" and (s["min"], s["max"]) in ((0, 1), (1, 1)) for s in every[key]):
            unique[key] = next(s for s in every[key] if s["min"] == 0)
            clashes.discard(key)
            continue
        # "In-stock orders leave within 1-2 days" beside "Engraved boards need 4-6 days": the one about orders in general.
        general = [s for s in every[key] if EVERY_ORDER.match(s["source"])]
        if len({(s["min"], s["max"]) for s in general}) == 1:
            unique[key] = general[0]
            clashes.discard(key)
    return [s for key, s in unique.items() if key not in clashes]


def destinations_of(before: str, after: str) -> list[str]:
    """Where a transit time applies, from the words nearest the range: "International orders arrive
    in 7-14 days", "3-5 days within the US", "Canada & EU: 7–14 days". [] = everywhere."""
    clause = re.split(r"[.;!?]|\bwhile\b|\bwhereas\b|,\s+(?:and|but)\b", before)[-1]
    after = re.split(r"[.;!?(]|,", after)[0]
    for text in (clause, after):
        if INTERNATIONAL.search(text) or REGION.search(text):
            return ["international"]
        if DOMESTIC.search(text):
            return ["US"]
        codes = countries_in(re.sub(r"[^\w\s&,/.'-]", " ", text))  # "• Canada:", "Ground (US):"
        if codes:
            return codes
    return []
