""""Where is my order?" as a conversation: ask for the number and the email, remember
what was given across turns, look the order up, and say where it is in plain words
with the dates worked out from the store's policy.

Only the person with the order's number *and* its email hears anything about it;
every mismatch gets the same reply, and too many mismatches end the lookups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy.orm import Session

from bot.db import Order, stored_utc
from bot.ingest import StoreConfig
from bot.orders.lookup import EMAIL_IN_TEXT, LookupLimits, email_key, failures, find_email, find_order_number, lookup_order, order_with
from bot.policy.calculators import ReturnDecision, eta, order_change_allowed, return_eligibility
from bot.policy.calendar import BusinessCalendar, spoken
from bot.policy.intents import CANCEL
from bot.policy.lexicon import ITEM_KIND_PATTERNS
from bot.policy.model import StorePolicy
from bot.policy.answers import refund_words
from bot.reply import MAIL_CONTACT, Flag, Kind, Reply, render_reply
from bot.state import OrderLookup, OrderShown, Waiting

ORDER_INTENT = re.compile(
    r"""\b(where('?s|\s+is)\s+(my|our|the)\s+(order|package|parcel|stuff|jewelry|delivery|shipment)
    | waiting\s+(on|for)\s+(my|an?|the|our)\s+(order|package|parcel|shipment|delivery)
    | track(ing)?\s+(my\s+|an?\s+|the\s+)?(order|package|parcel|shipment)|tracking\s+(number|info|link)
    | (order|shipping|delivery)\s+status|status\s+of\s+(my|the)\s+order
    | (has|did|have)\s+(my|the)\s+(order|package)\s+(ship|shipped|been\s+shipped|arrive|left)
    | when\s+(will|does|is)\s+my\s+(order|package|parcel)\s+(arrive|ship|come|be\s+(here|delivered|shipped))
    | (haven'?t|not|never)\s+(received|got(ten)?|seen)\s+my\s+(order|package|parcel)(?!\s+(confirmation|receipt|invoice|email))
    | my\s+\w+\s+(still\s+)?(hasn'?t|haven'?t|has\s+not|have\s+not|didn'?t|never|not)\s+(yet\s+)?(arrived|come|shown\s+up|been\s+delivered)
    | my\s+(order|package|parcel)\s+(hasn'?t|has\s+not|didn'?t|did\s+not|never|still\s+hasn'?t)\s+(arrive|come|ship|show)\w*
    | look\s+up\s+(my|an|the)\s+order | check\s+(on\s+)?(my|an|the)\s+order)\b""",
    re.I | re.X,
)
# "wher is my ordr": the words an order question hangs on, typed in a hurry (one slip each),
# and the real words one slip away from them that must stay as they are.
ORDER_WORDS = ("order", "where", "wheres", "package", "parcel", "shipment", "tracking")
NOT_SLIPS = frozenset("were here there heres theres whereas whee border older odder orders cracking racking trucking tracing parcels packages shipments".split())
# "When will I get my money back?" after a cancelled order was shown: about that order's refund.
MONEY_BACK = re.compile(r"\b(money\s+back|my\s+refund|refund\s+for\s+(it|this|that))\b", re.I)
ABOUT_THE_ORDER = re.compile(
    r"""\b(return|send\s+\w*\s*back|refund|exchange|cancel|change)\w*\b.{0,30}\b(it|them|this|that|these|those|the\s+\w+|my\s+\w+)\b
    | \b(until\s+when|how\s+long\s+do\s+i\s+(still\s+)?have|last\s+day|store\s+credit\s+instead)\b
    | \b(taking\s+so\s+long|so\s+slow|late|delay\w*|still\s+(not|hasn'?t|waiting)|where\s+is\s+it|when\s+will\s+it|has\s+it|is\s+it\s+(here|coming|shipped|delivered)|track\w*)\b""",
    re.I | re.X,
)
# "When will my refund for DS-2002 arrive?" asks about money, not where the parcel is: the order's status does not answer it.
MONEY_NOT_PARCEL = re.compile(r"\b(refund\w*|money|replac\w*|exchang\w*|sent\s+(it\s+|them\s+)?back|send\s+(it\s+|them\s+)?back|returned)\b", re.I)
# "The tracking hasn't updated in 4 days": the customer has the status already; a person asks the carrier.
STALLED = re.compile(
    r"\b(tracking|it|package|parcel|order)(\s+\S+){0,3}?\s+(still\s+)?(hasn'?t|has\s+not|didn'?t|did\s+not|isn'?t|is\s+not)\s+(been\s+)?(updated|update|moved|move|moving|changed|scanned)\b|\b(tracking|package|parcel|order|shipment)\b.{0,30}\bstuck\b|\bstuck\s+(in|at)\s+(transit|customs|the\s+(depot|warehouse|post\s+office))\b|\bno\s+(tracking\s+)?(updates?|movement)\b",
    re.I,
)
HOW_TO = re.compile(r"\s*(how\s+(do|can|should|would)\s+i|what\s+(are\s+the\s+steps|do\s+i\s+do))\b", re.I)
GENERAL_QUESTION = re.compile(r"^\s*(do|does|can|could)\s+(you|your|u)\b|^\s*(what|how)\s+(is|are|do)\s+(your|you)\b", re.I)
CARRIER_LINKS = {
    "ups": "https://www.ups.com/track?tracknum={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "canada post": "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
}
CHANGE_REQUEST = re.compile(r"\b(change|modify|edit|amend|switch)\w*\s+(the\s+|my\s+)?(shipping\s+|delivery\s+)?(address|item|size|colou?r|order)\b", re.I)
NOT_CANCELLING = re.compile(r"\b(don'?t|do\s+not|not|never|no\s+need\s+to)\b(\s+\w+){0,3}\s+cancel", re.I)  # "I don't want to cancel"
# An address typed wrong ("bea at example dot com", "bea@example"), not "I'm at work".
ATTEMPTED_EMAIL = re.compile(r"\S@|@\S|\b\w+\s+at\s+\w+\s+dot\s+\w+\b|\b(gmail|yahoo|hotmail|outlook|icloud|aol|proton)\b", re.I)
NOT_FOUND = "I couldn't find an order with that number and email."
# What may stand beside an order number and an email in a message that gives only those.
FILLER_WORDS = frozenset("my order number no is it its the and thanks thank you thx ty please pls here email".split())
LATE = "running late"


def only_details(message: str) -> bool:
    """"5502", "DS-4102, kevin@…": a message that holds nothing but an order number and an email."""
    rest = EMAIL_IN_TEXT.sub(" ", message)
    bare = re.fullmatch(r"[\s#]*(\d{3,12})[\s.!,]*", rest)  # "5502" alone; find_order_number still refuses a year
    number = find_order_number(rest) or (find_order_number(bare.group(1), expecting=True) if bare else None)
    if number:
        rest = rest.replace(number, " ")
    left = [word for word in re.findall(r"[a-z0-9']+", rest.lower()) if word not in FILLER_WORDS]
    return not left and (number is not None or EMAIL_IN_TEXT.search(message) is not None)


@lru_cache(maxsize=256)  # the desk reads a message twice (wants, then handle)
def mended(message: str) -> str:
    """The message with one-slip typos of the order words mended ("wher is my ordr" -> "where is my order")."""

    def mend(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if len(lower) < 4 or lower in ORDER_WORDS or lower in NOT_SLIPS:
            return word
        best = process.extractOne(lower, ORDER_WORDS, scorer=OSA.distance, score_cutoff=1)
        return best[0] if best else word

    # Words only, never inside an email address ("wher@example.com" is someone's address).
    pieces = re.split(f"({EMAIL_IN_TEXT.pattern})", message)
    return "".join(piece if EMAIL_IN_TEXT.fullmatch(piece) else re.sub(r"(?<![@.\w])[A-Za-z]+(?![@\w])", mend, piece) for piece in pieces)


@dataclass(frozen=True, slots=True)
class OrderDesk:
    store: str
    config: StoreConfig
    policy: StorePolicy
    calendar: BusinessCalendar
    limits: LookupLimits

    def wants(self, message: str, waiting: Waiting | None) -> bool:
        """Whether a message is about the shopper's own order: the one routing rule the chat and the
        mail share (bot/turn.py). `waiting` is what the conversation waits for; a mail passes the
        order of the sender's that it names as OrderShown, as the chat does after showing one."""
        message = mended(message)
        number = find_order_number(message)
        if isinstance(waiting, OrderLookup):
            return True
        if isinstance(waiting, OrderShown) and (
            (number and not MONEY_NOT_PARCEL.search(message))
            or ((ABOUT_THE_ORDER.search(message) or MONEY_BACK.search(message)) and not GENERAL_QUESTION.search(message))
        ):
            return True
        if ORDER_INTENT.search(message) or (find_email(message) is not None and number is not None):
            return True
        # "I need help with order DS2003", "I want to return my order SS-1003": a named order is about that order;
        # a message that is only an order number or only an email address is the start of a lookup.
        # A code alone is not enough ("does it fit my 2014 F-150?"): "Has DS-2002 shipped?" is the
        # desk's when that order is in view (just shown in a chat; the sender's, named in a mail).
        if only_details(message):
            return True
        return number is not None and bool(re.search(r"\border\b", message, re.I))

    def handle(self, db: Session, session_id: str, message: str, today: date, waiting: Waiting | None, client: str | None, now: datetime) -> Reply | None:
        """`waiting`: what the session waits for (None, or anything but an order: a new lookup may start);
        `now`: the turn's moment, passed in (the window failed lookups are counted in)."""
        message = mended(message)
        if isinstance(waiting, OrderShown):
            same_order = not find_order_number(message) and not find_email(message)
            if same_order and HOW_TO.match(message):
                return None  # "how do I return the ring?": the store's steps, from its FAQ
            if same_order:
                # A follow-up about the order just looked up ("can I return it?", "why is it taking so long?").
                order = order_with(db, self.store, waiting.number, waiting.email)
                if order is None or not self.record_answers(order, message):
                    return None
                return self.describe(order, today, message)
            waiting = OrderLookup(waiting.number, waiting.email)
        known = waiting if isinstance(waiting, OrderLookup) else OrderLookup()
        was_waiting = waiting is not None  # for anything, a policy question's date too: a bare reply may not be for the desk
        expecting_number = (was_waiting and not known.number) or bool(re.search(r"\border\b", message, re.I)) or only_details(message)
        number = find_order_number(message, expecting=expecting_number) or known.number
        given = find_email(message, self.own_addresses())
        email = email_key(given) if given else known.email  # kept between turns as a key, never the address
        gave_something = number != known.number or email != known.email
        # "Please cancel DS-3103" … "priya@…": the request is answered once the order is found.
        request = known.request or (message if CANCEL.search(message) or CHANGE_REQUEST.search(message) else None)
        state = OrderLookup(number, email, request)
        if was_waiting and not gave_something and number and not email and ATTEMPTED_EMAIL.search(message):
            # "bea at example" while the email was asked for: ask again, keep the number.
            text = render_reply("order", lines=["That doesn't look like a complete email address. Could you send it again, like name@example.com?"], ask=None, contact=None)
            return Reply(self.store, Kind.order, text, 1.0, (), (), "order lookup: details needed", state)
        if was_waiting and not gave_something and not ORDER_INTENT.search(message):
            return None  # the shopper moved on to another question
        if not number or not email:
            return self.ask(state, number, email)
        if failures(db, self.store, session_id, client, self.limits, now) >= self.limits.max_failures:
            return self.blocked()
        order = lookup_order(db, self.store, number, given or email, session_id, client, now)
        if order is None:
            left = self.limits.max_failures - failures(db, self.store, session_id, client, self.limits, now)
            if left <= 0:
                return self.blocked()
            # Both are kept, so correcting either one retries; the reply never says which one was wrong.
            text = render_reply("order", lines=[f"{NOT_FOUND} Please check the order number and the email you placed the order with, and send the right one."], ask=None, contact=self.contact())
            return Reply(self.store, Kind.order, text, 0.0, (), (), "order lookup: no match", state)
        return self.describe(order, today, f"{request} {message}" if request and request != message else message)

    @staticmethod
    def record_answers(order: Order, message: str) -> bool:
        """Whether the order's own record answers a question about it: "when do I get my money
        back?" about a return is the store's refund timing, not this order's status (unless the
        order was cancelled, whose refund is the order's own)."""
        return not (MONEY_BACK.search(message) and not ABOUT_THE_ORDER.search(message) and order.status != "cancelled")

    def own_addresses(self) -> frozenset[str]:
        """The store's addresses: a shopper quoting one ("I emailed support@…") is not giving theirs."""
        found = {self.config.support_email or ""}
        if self.policy.contact:
            found.update(EMAIL_IN_TEXT.findall(self.policy.contact.channel))
        return frozenset(a.strip().lower() for a in found if a)

    def contact(self) -> str:
        return self.config.support_email or self.config.website or f"the {self.config.name} team"

    def reach(self, mail: bool) -> str:
        """How the shopper reaches a person: a mail came to the store's address, so it says to reply."""
        return MAIL_CONTACT if mail else f"contact {self.contact()}"

    def ask(self, state: OrderLookup, number: str | None, email: str | None) -> Reply:
        if not number and not email:
            question = "I can look that up. What's your order number, and the email address you used for the order?"
        elif not number:
            question = "Thanks. What's the order number? It's in your order confirmation email."
        else:
            question = "Thanks. What's the email address you used for the order?"
        text = render_reply("order", lines=[question], ask=None, contact=None)
        return Reply(self.store, Kind.order, text, 1.0, (), (), "order lookup: details needed", state)

    def blocked(self) -> Reply:
        text = render_reply(
            "order",
            lines=["I can't look up any more orders for now: there were too many attempts that didn't match.", f"Please contact {self.contact()} and a person will help you find your order."],
            ask=None,
            contact=None,
        )
        return Reply(self.store, Kind.handoff, text, 0.0, (), (), "order lookup: too many failed attempts")

    def local_date(self, moment: datetime | None) -> date | None:
        if moment is None:
            return None
        return stored_utc(moment).astimezone(ZoneInfo(self.config.timezone)).date()

    def tracking_line(self, order: Order) -> str | None:
        if not order.tracking_number:
            return None
        carrier = (order.carrier or "").strip()
        template = CARRIER_LINKS.get(carrier.lower())
        link = template.format(number=order.tracking_number) if template else self.config.tracking_url
        via = f" ({carrier})" if carrier else ""
        return f"Tracking number{via}: {order.tracking_number}" + (f" — {link}" if link else "")

    def window(self, start_event: str, start: date | None, end_event: str, order: Order, kinds: frozenset[str]) -> tuple[date, date] | None:
        if start is None:
            return None
        estimates = eta(self.policy, self.calendar, start_event, start, end_event, order.destination_country, None, kinds)
        if not estimates:
            return None
        return min(e.dates.earliest for e in estimates), max(e.dates.latest for e in estimates)

    def expected(self, verb: str, window: tuple[date, date] | None, today: date, mail: bool = False) -> list[str]:
        """The estimate, or — once its last day has passed — that the order is late and who looks into it:
        a window in the past is no expectation. By mail a late order goes to a person (the draft's
        agent is the one who looks into it), so the mail's text does not send the customer on."""
        if window is None:
            return []
        earliest, latest = window
        if latest < today:
            late = f"It was due to {verb} by {spoken(latest)}, so it's {LATE} — I'm sorry."
            return [late] if mail else [late, f"Please contact {self.contact()} and a person will look into it."]
        when = f"on {spoken(earliest)}" if earliest == latest else f"between {spoken(earliest)} and {spoken(latest)}"
        return [f"It should {verb} {when}."]

    def change_request(self, order: Order, message: str, mail: bool = False) -> list[str]:
        """"Please cancel my order": say whether this order still can be, and how — the bot itself
        cancels nothing, so the shopper must not leave thinking it did."""
        cancelling = CANCEL.search(message) and not NOT_CANCELLING.search(message)
        action = "cancel" if cancelling else "change" if CHANGE_REQUEST.search(message) else None
        if action is None or order.status == "cancelled":
            return []
        state = {"processing": "processing", "backordered": "backordered", "shipped": "shipped", "delivered": "delivered"}.get(order.status, "placed")
        verdict = order_change_allowed(self.policy, state, action)
        done = "cancelled" if action == "cancel" else "changed"
        if verdict.allowed:
            how = self.policy.orders.how if self.policy.orders and self.policy.orders.how else self.reach(mail)
            if mail and self.config.support_email and self.config.support_email in how:
                how = MAIL_CONTACT  # "email cs@…", to a mail that came to cs@…
            return [f"It hasn't shipped, so it can still be {done} — I can't do that myself: please {how} as soon as possible."]
        if verdict.allowed is False:
            after = {"shipped": " Once it arrives you can return it instead.", "delivered": " You can return it instead."}.get(state, "") if self.policy.returns.windows else ""
            return [f"It can't be {done} any more at this stage.{after} If you have questions about it, please {self.reach(mail)}."]
        return [f"I can't {action} orders myself: please {self.reach(mail)} as soon as possible."]

    def describe(self, order: Order, today: date, message: str = "", mail: bool = False) -> Reply:
        """The order's status for the shopper; `mail`: written for a mail to the store's address
        (how to reach a person is "reply to this email")."""
        number = order.order_number if order.order_number.startswith("#") else f"#{order.order_number}"
        kinds = frozenset({"engraved"} if any(i.personalized for i in order.items) else set())
        placed, shipped, delivered = (self.local_date(order.placed_at), self.local_date(order.shipped_at), self.local_date(order.delivered_at))
        lines: list[str] = []
        estimates: list[tuple[date, date] | None] = []  # the windows told: one past its last day makes the order late
        if order.status == "cancelled":
            lines.append(f"Order {number} was cancelled.")
            lines.append(f"If you have questions about a refund for it, please {self.reach(mail)}.")
        elif order.status in ("processing", "backordered"):
            being = "is on back order" if order.status == "backordered" else "is being prepared"
            lines.append(f"Order {number} {being} and hasn't shipped yet" + (f" (placed {spoken(placed)})." if placed else "."))
            # A back order waits for stock: the store's usual times say nothing about when it ships.
            backordered = order.status == "backordered"
            ships = None if backordered else self.window("order_placed", placed, "order_shipped", order, kinds)
            arrives = None if backordered else self.window("order_placed", placed, "delivered", order, kinds)
            estimates += [ships, arrives]
            lines.extend(self.expected("ship", ships, today, mail))
            if arrives and not (ships and ships[1] < today):
                lines.extend(self.expected("arrive", arrives, today, mail))
            if not ships and not arrives:
                lines.append("You'll get an email with tracking as soon as it ships.")
        elif order.status == "shipped":
            lines.append(f"Order {number} " + (f"shipped on {spoken(shipped)}" if shipped else "has shipped") + (f" with {order.carrier}." if order.carrier else "."))
            tracking = self.tracking_line(order)
            if tracking:
                lines.append(tracking)
            arrives = self.window("order_shipped", shipped, "delivered", order, kinds)
            estimates.append(arrives)
            lines.extend(self.expected("arrive", arrives, today, mail))
        else:
            lines.append(f"Order {number} was delivered" + (f" on {spoken(delivered)}." if delivered else "."))
            lines.extend(self.returnable(order, today, placed, delivered))
        lines.extend(self.change_request(order, message, mail))
        text = render_reply("order", lines=lines, ask=None, contact=None)
        private = tuple(v for v in (order.tracking_number,) if v)
        context = OrderShown(order.order_number, email_key(order.email))
        late = any(window is not None and window[1] < today for window in estimates)
        flags = frozenset({Flag.late}) if late else frozenset()
        return Reply(self.store, Kind.order, text, 1.0, (), (), f"order lookup: {order.status}{', late' if late else ''}", context, private, flags)

    def returnable(self, order: Order, today: date, placed: date | None, delivered: date | None) -> list[str]:
        if not self.policy.returns.windows:
            return []
        lines = []
        flagged = [i for i in order.items if i.final_sale or i.personalized]
        for item in flagged:
            why = "final sale" if item.final_sale else "personalized"
            kinds = frozenset({"final_sale"} if item.final_sale else {"personalized", "engraved"})
            decision = return_eligibility(self.policy, today, delivered, placed, kinds)
            if decision.eligible is False and decision.rule == "final_sale":
                lines.append(f"“{item.title}” is {why} and can't be returned.")
        regular = [i for i in order.items if not (i.final_sale or i.personalized)]
        # A product line with its own window (Stella & Dot's Ever Skincare: 45 days cash) is told apart.
        lines_with_windows = {k for w in self.policy.returns.windows for k in w.applies_to if k in ITEM_KIND_PATTERNS}
        own_line = {i.title: frozenset(k for k in lines_with_windows if ITEM_KIND_PATTERNS[k].search(i.title)) for i in regular}
        special = [i for i in regular if own_line[i.title]]
        plain = [i for i in regular if not own_line[i.title]]
        for item in special:
            lines.extend(self.window_lines(f"“{item.title}”", return_eligibility(self.policy, today, delivered, placed, own_line[item.title])))
        if plain or not order.items:
            what = "The other items" if flagged or special else "It"
            lines.extend(self.window_lines(what, return_eligibility(self.policy, today, delivered, placed)))
        return lines

    @staticmethod
    def window_lines(what: str, decision: ReturnDecision) -> list[str]:
        dated = [w for w in decision.windows if w.deadline]
        if len({w.deadline for w in dated}) > 1:
            lines = [f"{what} can be returned:"]
            for window in dated:
                refunds = refund_words(window.fact.refunds)
                state = "open" if window.eligible else "closed"
                lines.append(f"• for {refunds}: until {spoken(window.deadline)} ({state})")
            return lines
        if decision.eligible and decision.deadline:
            return [f"{what} can be returned until {spoken(decision.deadline)}."]
        if decision.eligible is False and decision.deadline:
            return [f"The return window {'for ' + what + ' ' if what.startswith('“') else ''}ended on {spoken(decision.deadline)}."]
        return []
