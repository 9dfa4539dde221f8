"""Which computable question a message asks, if any.

A message is routed to a calculator only when it asks about the shopper's own
case (a date, an item, "can I still…", "when will I get…") or names what a
yes/no is about (a country, a payment method, a state). General questions
("what is your return policy?") stay with the FAQ text, which answers them
in the store's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.policy.slots import Slots


class Intent(StrEnum):
    return_window = "return_window"
    refund_eta = "refund_eta"
    delivery_eta = "delivery_eta"
    ships_to = "ships_to"
    payment = "payment"
    sales_tax = "sales_tax"
    cancel_order = "cancel_order"
    change_order = "change_order"
    contact = "contact"


@dataclass(frozen=True, slots=True)
class Pending:
    """A policy question waiting for one slot ("When did it arrive?"), kept in the session between turns."""

    intent: Intent
    slots: Slots
    missing: str  # the event whose date is asked for ("delivered", "order_placed"…)
    # How sure the question's reading was when it was asked (Engine.reading_confidence): the answer
    # the shopper's date completes is as sure as that, not surer. 1.0 for the owner's policy.toml.
    confidence: float = 1.0

    def to_json(self) -> dict:
        return {"intent": self.intent.value, "slots": self.slots.to_json(), "missing": self.missing, "confidence": self.confidence}

    @classmethod
    def from_json(cls, data: dict) -> Pending:
        confidence = float(data.get("confidence", 1.0))
        return cls(Intent(data["intent"]), Slots.from_json(data["slots"]), data["missing"], confidence if 0.0 <= confidence <= 1.0 else 1.0)


def pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.I | re.X)


RETURN_VERB = pattern(r"\b(return(ed|ing|s)?|retrun\w*|retun\w*|exchnage\w*|exhange\w*|send\s+(it|them|this|these|the\s+\w+|my\s+\w+)?\s*back|sen[dt]\s+back|refund(ed|able)?|money\s+back|exchang\w*|swap|non-?returnable|returnable)\b")
# Words that ask about the shopper's own deadline, not how returns work in general.
RETURN_ASK = pattern(
    r"""\bam\s+i\s+(still|within|in\s+time|too\s+late|eligible)
    | \b(is|are)\s+(it|this|that|they|these|mine|my\s+\w+)\s+(still\s+)?(returnable|eligible|too\s+late|refundable|non-?returnable)
    | \btoo\s+late\b | \bstill\b | \bdeadline\b | \blast\s+day\b | \b(until|till|by)\s+when\b
    | \bhow\s+(long|many\s+days|much\s+time)\s+do\s+i\s+(still\s+)?have\b | \bin\s+time\b | \bnon-?returnable\b
    | \b(latest|how\s+late)\b"""
)
PROBLEM_VERB = pattern(r"\b(report\w*|claim|replace\w*|tell\s+you|let\s+you\s+know|notify|contact\s+you)\b")
PROBLEM_KINDS = {"defect", "wrong_item", "missing_item"}
# "Do I have to pay to send it back?" asks about money, not a deadline: the FAQ text answers it.
COST_QUESTION = pattern(r"\b(pay\s+(for|to)|cost|costs|fee|fees|charge[sd]?|who\s+pays|pays?\s+(for\s+)?(the\s+)?(return\s+)?(shipping|postage)|free\s+(return|shipping)|postage|shipping\s+label)\b")
# "return window?", "what's the return period for store credit": how long returns are open, in general.
WINDOW_ASK = pattern(r"\b(window|period|time\s*limit|time\s*frame|timeframe|how\s+long\s+(do|have|can)|how\s+many\s+days\s+(do|have|can))\b")
NOT_A_WINDOW = pattern(
    r"\b(take|takes|taking|process\w*|how\s+do\s+i|steps?|last|lasts)\b|\brefund\s+period\b|\b(get|getting|receive|see)\s+(my|the|a)\s+refund"
    r"|\brefund\w*\b.{0,30}\b(once|after)\b"
)  # "how long does the refund period last", "a time limit to get my refund": when the money comes, not a deadline
# "can I return my earrings?", "I want to exchange a bracelet": the shopper's own item, so the
# answer is the window and a question for the date it counts from.
OWN_RETURN = pattern(
    r"""\b(can|could|may|might)\s+(i|we)\b.{0,40}\b(return|retrun|send|exchange|swap)\w*\b.{0,30}\b(my|mine|it|this|these|them|the\s+\w+\s+(i|we)\s+(got|bought|ordered|received))\b
    | \b(i|we)\s*('d|\s+would|\s+want|\s+need|\s+wanna|'m\s+trying)\s*(like\s+)?(to\s+)?(return|send|exchange|swap)\w*\b"""
)
PERSONAL = pattern(r"\b(i|i'?ve|i'?m|my|mine|me|we|our)\b")
REFUND_ETA = pattern(
    r"""\b(when|how\s+long|how\s+soon|how\s+many\s+(business\s+)?days|what\s+date|by\s+when)\s+(will|would|do|does|can|should|is|are|until|till|before|for|to)\b.{0,50}
        \b(refund\w*|money|reimburs\w*|store\s+credit|credited|paid\s+back|get\s+paid)\b
    | \bwhen'?s\s+(my|the)\s+(refund|money)
    | \b(where('?s|\s+is)|haven'?t\s+(got(ten)?|received|seen)|still\s+(no|not|waiting)\w*|no\s+sign\s+of|not\s+(got(ten)?|received|seen)).{0,30}\b(refund|money)\b
    | \brefund\w*\b.{0,40}\b(take|arrive|post|show(\s+up)?|appear|hit|land|come|reach|be\s+(back|issued|processed))\b
    | \b(still|yet)\b.{0,20}\b(no|not|haven'?t|without|nothing)\b.{0,15}\b(refund|money)\b
    | \brefund\w*\b.{0,40}\b(still\s+nothing|nothing\s+yet|not\s+(arrived|received|here|back)|never\s+(came|arrived)
        |(hasn'?t|has\s+not|didn'?t|did\s+not|not|isn'?t)\s+(yet\s+)?(shown|show(ed)?|come|arrived|appeared|posted|hit|landed|gone\s+through|been\s+(credited|issued)))"""
)
RETURN_PROCESSING_ETA = pattern(r"\b(when|how\s+long|how\s+soon)\b.{0,40}\b(process|processed|processing|inspect\w*)\b.{0,20}\breturn")
DELIVERY_ETA = pattern(
    r"""\b(when|how\s+long|how\s+soon|how\s+many\s+(business\s+|working\s+)?days|what\s+day|by\s+when|will)\b.{0,50}
        \b(arrive|arrival|deliver(ed|y)?|get\s+(it|here|there|them|my\s+(order|package|parcel|jewelry|ring|necklace))|receive\s+(it|them|my)|reach\s+me|be\s+here|come|show\s+up|ship(ped)?|dispatch(ed)?|sent\s+out)\b
    | \b(arrival|delivery|ship)\s+date\b | \beta\b"""
)
SHIPS_TO = pattern(
    r"""\b(ship(ping|s)?|deliver(y|ies|s)?|send|mail|post)\b(\s+\w+){0,3}\s+(to|in|into|within|there|here)\b
    | \b(order|buy|purchase|shop)\b(\s+\w+){0,2}\s+from\b | \b(i\s+(live|am|'m)|i'm\s+based|based)\s+in\b | \binternational(ly)?\b | \boverseas\b"""
)
PAYMENT = pattern(r"\b(pay(ing|ment|ments)?|accept(ed|s)?|take|use|checkout|check\s+out|purchase\s+with|buy\s+with|split|have|offer|support|work\s+with)\b")
SALES_TAX = pattern(r"\b(sales\s+tax|tax(es|ed)?|vat|gst|duties|duty|customs)\b")
CANCEL = pattern(r"\bcancel\w*\b")
CHANGE = pattern(r"\b(change|modify|edit|update|amend|add\s+(an?\s+)?(item|something|another)|switch)\w*\b.{0,40}\b(order|address|item|size|colou?r|shipping|payment)\b")
# "Can you ship to my APO address? I'm stationed overseas": a kind of address, which the page's own words answer.
ADDRESS_KIND = pattern(r"\b(apo|fpo|dpo|military|p\.?\s?o\.?\s+box(es)?|post\s+office\s+box|parcel\s+lockers?|freight\s+forwarder|forwarding\s+address|hotel|campus)\b")
ABROAD = pattern(r"\b(internationally|international|worldwide|overseas|abroad|outside\s+(the\s+)?(us|usa|u\.s\.|united\s+states|states|country))\b")
# A ships-to question asks yes or no; "how long does shipping to Canada take" asks something else.
NOT_SHIPS_TO = pattern(r"\b(how\s+(long|fast|quick|much|soon)|time|times|days|cost|costs|price|fee|fees|rates?|charge[sd]?|express|standard)\b")
# "Can I split the payment between two credit cards?": how to pay, not whether a card is taken.
SPLIT_ACROSS = pattern(r"\b(split|divide)\b.{0,40}\b(two|2|multiple|several|different|more\s+than\s+one)\b|\b(two|2|multiple|several)\s+(credit\s+|debit\s+|gift\s+)?(cards|payment\s+methods)\b")
NEGATED_PAYMENT = pattern(r"\b(don'?t|do\s+not|doesn'?t|without|no)\b[^.?!]{0,25}\b(card|cards|paypal|account)\b")
# Dates that place the item in time (an eligibility question) rather than a return already under way.
ITEM_DATE_ROLES = ("delivered", "order_placed", "order_shipped", "unmarked")
CONTACT = pattern(
    r"""\b(how\s+(can|do|could)\s+i\s+(contact|reach|email|call|get\s+(in\s+touch|hold))|contact\s+(you|info|information|details|us|customer\s+service|support)
    | (what('?s|\s+is)|your|ur)\s+((your|ur)\s+)?(email|e-mail|phone|telephone)(\s+(address|number))?|phone\s+number|customer\s+(service|support)\s+(email|number|phone|contact)
    | (can|do)\s+i\s+call\s+you|get\s+in\s+touch)\b"""
)
PERSONAL_REFUND = pattern(r"\b(my|i|i'?ve|me|we|our)\b")
# "It went on sale after I bought it, can you refund the difference?": a price adjustment, not a return.
PRICE_ADJUSTMENT = pattern(r"\b(the\s+difference|price\s+(adjust\w*|match\w*|protection)|(went|gone|goes|is\s+now|now)\s+on\s+sale|dropped\s+in\s+price|price\s+(dropped|went\s+down))\b")
# "How many days do I have to ship my return?": a return already requested, whose sending the page times.
RETURN_UNDER_WAY = pattern(r"\b(ship|mail|post|send|drop)\w*\s+(off\s+)?(my|the|a|your)\s+return\b|\bafter\s+(requesting|i\s+request\w*|submitting)\b")
# "Is there a warranty? the hinge snapped": the page's warranty, which may run longer than a damage report.
WARRANTY = pattern(r"\b(warrant(y|ies)|warrenty|guarantee[ds]?)\b")
# "Is that a defect?", "does a loose stone count as a manufacturer's defect?": what the store calls a
# defect, which its own list answers; no reporting deadline.
WHAT_COUNTS = pattern(
    r"""\b(is|does|would|will)\s+(that|this|it|these|those|a|an|the\s+\w+)\b[^.?!]{0,25}\b(a\s+|an\s+)?(manufactur\w*\s+)?defect\b
    | \b(count|counts|qualif\w+|considered|classed)\s+as\s+(a\s+|an\s+)?(manufactur\w*\s+)?(defect|faulty|defective)\b
    | \bwhat\s+(counts|is\s+considered|qualifies)\b"""
)


def detect_intent(message: str, slots: Slots) -> Intent | None:
    """The first intent whose words and slots are both present; None leaves the message to the FAQ."""
    if CONTACT.search(message) and not slots.dates:
        return Intent.contact
    if CANCEL.search(message) and slots.order_state:
        return Intent.cancel_order
    if CHANGE.search(message) and slots.order_state and not CANCEL.search(message):
        return Intent.change_order
    asks_own_deadline = bool(RETURN_VERB.search(message) and RETURN_ASK.search(message))
    if (
        (REFUND_ETA.search(message) or RETURN_PROCESSING_ETA.search(message))
        and (slots.dates or PERSONAL_REFUND.search(message))
        and not (asks_own_deadline and re.search(r"\bdo\s+i\s+(still\s+)?have\b", message, re.I))
    ):
        return Intent.refund_eta
    if PRICE_ADJUSTMENT.search(message) or RETURN_UNDER_WAY.search(message):
        return None
    problem = slots.kinds & PROBLEM_KINDS
    if problem and (WHAT_COUNTS.search(message) and not slots.dates or WARRANTY.search(message)):
        return None
    # "my clasp broke", "it arrived damaged on the 3rd": the shopper's own problem gets the defect rules.
    own_problem = PERSONAL.search(message) or re.search(r"\b(it|they|the\s+\w+)\s+(arrived|came|broke|is|was|were|are)\b", message, re.I)
    if problem and not (COST_QUESTION.search(message) and not slots.dates) and (PROBLEM_VERB.search(message) or RETURN_VERB.search(message) or slots.dates or own_problem) and (slots.dates or RETURN_ASK.search(message) or own_problem):
        return Intent.return_window
    wants_return = RETURN_VERB.search(message) or (slots.refund and PERSONAL.search(message))
    if wants_return and not (COST_QUESTION.search(message) and not slots.dates) and (
        slots.date_for(*ITEM_DATE_ROLES)
        or (slots.kinds - {"gift"})
        or (RETURN_ASK.search(message) and PERSONAL.search(message))
        or OWN_RETURN.search(message)
        or ("gift" in slots.kinds and PERSONAL.search(message))
    ):
        return Intent.return_window
    if RETURN_VERB.search(message) and WINDOW_ASK.search(message) and not NOT_A_WINDOW.search(message) and not COST_QUESTION.search(message):
        return Intent.return_window
    short_question = len(message.split()) <= 4
    if slots.payments and (PAYMENT.search(message) or short_question) and not NEGATED_PAYMENT.search(message) and not SPLIT_ACROSS.search(message):
        return Intent.payment
    if SALES_TAX.search(message) and (slots.state or slots.country):
        return Intent.sales_tax
    ships_question = SHIPS_TO.search(message) and not DELIVERY_ETA.search(message) and not NOT_SHIPS_TO.search(message) and not ADDRESS_KIND.search(message)
    if ships_question and (slots.country or slots.state or ABROAD.search(message)):
        return Intent.ships_to
    if DELIVERY_ETA.search(message) and (slots.date_for("order_placed", "order_shipped", "unmarked") or (PERSONAL.search(message) and re.search(r"\b(my|our)\s+(order|package|parcel)\b", message, re.I))):
        return Intent.delivery_eta
    return None


# The words intents and date roles hang on: a typo in one of them ("refnd", "recieved") should not
# send the question elsewhere. Only close misspellings with the same first letter are repaired.
POLICY_WORDS = (
    "refund", "refunds", "refunded", "return", "returns", "returned", "exchange", "cancel", "cancelled", "delivered",
    "received", "arrived", "shipped", "approved", "package", "engraved", "personalized", "tracking", "warranty",
)


def repair_policy_words(message: str) -> str:
    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if len(lower) < 5 or lower in POLICY_WORDS:
            return word
        best = process.extractOne(lower, POLICY_WORDS, scorer=fuzz.ratio, score_cutoff=80)
        if not best or best[0][0] != lower[0] or best[0][:5] == lower[:5]:
            return word  # no match, or another form of the same word ("arrive" is not a typo of "arrived")
        if OSA.distance(lower, best[0]) > 1:
            return word  # one slip of the finger, not another word ("chance" is not "cancel")
        return best[0]

    return re.sub(r"[A-Za-z]+", fix, message)
