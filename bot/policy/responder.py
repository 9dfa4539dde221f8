"""A policy question answered: intent + slots -> calculator -> the result in plain words.

The reply leads with the computed answer and a concrete date, then quotes the
policy it applied (the fact's own FAQ words) so the shopper can check it.
When a needed date is missing the reply says what the policy is and asks for
that date; the question and what is known so far are kept as `pending` and
finished on the next turn of the same session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.policy.answers import (
    EVENT_QUESTIONS,
    EVENT_WORDS,
    KIND_WORDS,
    REFUND_WORDS,
    STAGE_ENDS,
    PolicyAnswer,
    counted_span,
    number_range,
    refund_words,
    unit_words,
)
from bot.policy.calculators import (
    Eta,
    ReturnDecision,
    WindowOutcome,
    eta,
    final_sale_rule,
    kinds_with_rules,
    return_eligibility,
)
from bot.policy.calendar import BusinessCalendar, short, spoken
from bot.policy.intents import RETURN_VERB, Intent, Pending, detect_intent, repair_policy_words
from bot.policy.lexicon import names_item
from bot.policy.model import ProblemWindow, Stage, StorePolicy
from bot.policy.listed import ListedAnswers
from bot.policy.slots import DateMention, Slots, extract_slots
from bot.text import stem, words

# "When will it ship?" (not arrive): the answer is the ship date.
DISPATCH_ONLY = re.compile(r"\b(ship|shipped|dispatch(ed)?|send\s+(it|my\s+order)\s+out|leave\s+the\s+warehouse)\b(?!.*\b(arrive|deliver|get\s+here|receive)\b)", re.I)
COUNTED_ROLES = {"delivery": ("delivered",), "purchase": ("order_placed",)}
# Events a shopper may report for a refund question, latest first: the nearer the event, the tighter the estimate.
REFUND_STARTS = ("refund_issued", "return_approved", "return_received", "return_shipped")
DELIVERY_STARTS = ("order_shipped", "order_placed")
NO_TRANSIT_TIME = "How long delivery takes once it ships isn't stated here."


@dataclass(frozen=True)
class PolicyResponder(ListedAnswers):
    policy: StorePolicy
    calendar: BusinessCalendar
    store_name: str
    contact: str  # how to reach the store, in words: "email cs@sessori.com"

    def answer(
        self, message: str, today: date, pending: Pending | None = None, recognised: Intent | None = None, ship_date: bool | None = None
    ) -> PolicyAnswer | None:
        """`recognised`: the intent the question's meaning was matched to (by exemplars, in the
        engine), taken only where the patterns here found none and the message holds a date to
        count from: a computation needs its date, whoever recognised the question. `ship_date`:
        of the order's dates, whether the meaning asks when it ships (True) or arrives (False);
        None leaves it to the question's verb."""
        message = repair_policy_words(message)
        slots = extract_slots(message, today)
        if pending is not None:
            continued = self.continue_pending(pending, message, slots, today)
            if continued is not None:
                return continued
        intent = detect_intent(message, slots) or (recognised if slots.dates else None)
        if intent is None and RETURN_VERB.search(message):
            # "is stuff from the bargain bin returnable": an item the store lists as final sale, by its own name.
            return self.named_final_sale(message, slots)
        if intent is None:
            return None
        return self.compute(intent, slots, today, message, ship_date)

    def continue_pending(self, pending: Pending, message: str, slots: Slots, today: date) -> PolicyAnswer | None:
        """A follow-up that only supplies what was asked for ("March 3", "it was engraved") finishes the question."""
        own_intent = detect_intent(message, slots)
        is_question = "?" in message or bool(re.match(r"\s*(how|what|when|where|why|who|which|can|could|do|does|is|are|will|would)\b", message, re.I))
        if own_intent is not None and own_intent != pending.intent and (is_question or not slots.dates):
            return None
        if not slots.dates and not slots.future_dates and not slots.kinds and own_intent is None:
            return None
        # A bare date answers the question just asked; a date with its own verb keeps its meaning.
        relabelled = tuple(
            DateMention(d.day, missing_role(pending.missing) if d.role == "unmarked" else d.role, d.text) for d in slots.dates
        )
        follow_up = Slots(
            dates=relabelled, kinds=slots.kinds, refund=slots.refund, country=slots.country, state=slots.state,
            method=slots.method, future_dates=slots.future_dates,
        )
        return self.compute(pending.intent, pending.slots.merged(follow_up), today, message)

    def compute(self, intent: Intent, slots: Slots, today: date, message: str = "", ship_date: bool | None = None) -> PolicyAnswer | None:
        if slots.future_dates and not slots.dates:
            return PolicyAnswer(
                f"“{slots.future_dates[0]}” is after today ({spoken(today)}), so I can't count from it. Which date did you mean?",
                reason="date in the future",
            )
        handler = {
            Intent.return_window: self.return_window,
            Intent.refund_eta: self.refund_eta,
            Intent.delivery_eta: self.delivery_eta,
            Intent.ships_to: self.ships_to,
            Intent.payment: self.payment,
            Intent.sales_tax: self.sales_tax,
            Intent.cancel_order: self.order_change,
            Intent.change_order: self.order_change,
            Intent.contact: self.contact_answer,
        }[intent]
        if intent == Intent.contact:
            return self.contact_answer(intent, slots, today, asks_phone=bool(re.search(r"\b(phone|call|telephone|number)\b", message, re.I)))
        if intent == Intent.return_window and final_sale_rule(self.policy, slots.kinds) is None:
            named = self.named_final_sale(message, slots)  # the kinds decide first: their rule cites its own words
            if named is not None:
                return named
        if intent == Intent.delivery_eta and (bool(DISPATCH_ONLY.search(message)) if ship_date is None else ship_date):
            return self.dispatch_eta(slots, today)
        return handler(intent, slots, today)

    # --- returns -------------------------------------------------------------------------------

    def return_window(self, intent: Intent, slots: Slots, today: date) -> PolicyAnswer | None:
        if not self.policy.returns.windows and not self.policy.returns.final_sale:
            return None
        if (slots.refund or "cash") in self.policy.returns.unsettled and not slots.kinds:
            return None  # the page gives this refund two windows: its own words answer
        delivered = slots.date_for("delivered")
        purchased = slots.date_for("order_placed")
        unmarked = slots.date_for("unmarked", "order_shipped")
        decision = return_eligibility(
            self.policy, today, delivered.day if delivered else None, purchased.day if purchased else None, slots.kinds, slots.refund
        )
        assumed = None
        if decision.missing and unmarked:
            # A date with no verb ("the ring from March 3") is read as the day the window counts from, and said so.
            role = COUNTED_ROLES[decision.missing][0]
            assumed = DateMention(unmarked.day, role, unmarked.text)
            decision = return_eligibility(
                self.policy, today, unmarked.day if role == "delivered" else (delivered.day if delivered else None),
                unmarked.day if role == "order_placed" else (purchased.day if purchased else None), slots.kinds, slots.refund,
            )
        if decision.rule == "window" and decision.eligible is False and slots.refund == "cash":
            # "can I get a refund?" after the refund window: store credit or an exchange may still be open.
            start = (counted_date(assumed, delivered, "delivered"), counted_date(assumed, purchased, "order_placed"))
            wider = return_eligibility(self.policy, today, *(d.day if d else None for d in start), slots.kinds, None)
            still_open = [o for o in wider.windows if o.eligible]
            if still_open:
                closed = max((o for o in decision.windows if o.deadline), key=lambda o: o.deadline, default=None)
                best = max(still_open, key=lambda o: o.deadline)
                ended = f"Sorry — the window for a refund ended on {spoken(closed.deadline)}. " if closed else ""
                refunds = refund_words(r for o in still_open if o.deadline == best.deadline for r in o.fact.refunds)
                return PolicyAnswer(
                    f"{ended}You can still return it for {refunds} until {spoken(best.deadline)}: {counted_span(best)}.",
                    facts=tuple(o.fact for o in (closed, best) if o),
                    reason="return window: refund closed, another open",
                )
        unheard_refund = slots.refund is not None and not any(slots.refund in w.refunds for w in self.policy.returns.windows) and (
            slots.refund != "exchange" or self.policy.returns.exchanges is None
        )
        unruled = slots.kinds - kinds_with_rules(self.policy) - PRODUCT_LINES
        if decision.rule == "no_policy" or (decision.rule == "window" and (unruled or unheard_refund)):
            # No window settles it (a page read without one), the item is a case no rule speaks of
            # (a defect, a gift), or the policy never mentions what is asked for (an exchange where only
            # refunds are written down): the FAQ text, or a person, answers.
            return None
        return self.describe_return(decision, slots, today, assumed)

    def named_final_sale(self, message: str, slots: Slots) -> PolicyAnswer | None:
        """The shopper names an item the store lists as final sale in its own words ("a swimsuit
        from Last Chance"), one no item kind covers: the store's list decides, not the window."""
        asked = {stem(w) for w in words(message)}
        problem = bool(slots.kinds & {"defect", "wrong_item", "missing_item"})
        for rule in self.policy.returns.final_sale:
            if problem and "defect" in rule.exceptions:
                continue
            if any(names_item(name, asked) for name in rule.items):
                unless = " — unless it arrived defective, so tell us if it did" if "defect" in rule.exceptions else ""
                return PolicyAnswer(f"No — that's final sale at {self.store_name}{unless}.", facts=(rule,), reason="final sale: an item the store lists")
        return None

    def describe_return(self, decision: ReturnDecision, slots: Slots, today: date, assumed: DateMention | None) -> PolicyAnswer:
        """`today` matters for the exchange refusal, which still works out the refund deadline."""
        item = "it"
        if decision.rule == "final_sale":
            rule = decision.final_sale
            kinds = " and ".join(KIND_WORDS.get(k, k) for k in decision.blocking_kinds)
            physical = set(decision.blocking_kinds) - {"gift_card"}
            unless = " — unless it arrived defective, so tell us if it did" if "defect" in rule.exceptions and physical else ""
            return PolicyAnswer(
                f"No — {kinds} can't be returned at {self.store_name}{unless}.",
                facts=(rule,),
                reason=f"final sale: {', '.join(decision.blocking_kinds)}",
            )
        if decision.rule == "no_exchanges":
            fact = self.policy.returns.exchanges
            windows = self.policy.returns.windows
            alternative = f" You can return {item} for a refund instead within {windows[0].days} days of {windows[0].counted_from}." if windows else ""
            refund = return_eligibility(self.policy, today, *self.item_dates(slots), slots.kinds, None)
            if refund.deadline and refund.eligible:
                alternative = f" You can return {item} for a refund instead, until {spoken(refund.deadline)}."
            elif refund.deadline:
                alternative = f" The return window for a refund ended on {spoken(refund.deadline)}."
            return PolicyAnswer(f"No — {self.store_name} doesn't accept exchanges.{alternative}", facts=(fact, *windows[:1]), reason="no exchanges")
        if decision.rule == "problem":
            return self.describe_problem(decision, slots, today)
        if decision.eligible is None:
            return self.ask_for_return_date(decision, slots, today)
        details = []
        for outcome in decision.windows:
            if outcome.deadline is None:
                continue  # counted from a date not given; the holiday-gift rule decided
            refunds = refund_words(outcome.fact.refunds)
            status = "open" if outcome.eligible else "closed"
            details.append(
                f"• {refunds}: until {spoken(outcome.deadline)} — {counted_span(outcome)} ({status})"
            )
        if decision.gift:
            refunds = refund_words(decision.gift.fact.refunds)
            details.append(f"• holiday gift, {refunds}: until {spoken(decision.gift.deadline)} ({'open' if decision.gift.eligible else 'closed'})")
        best = max((o for o in decision.windows if o.eligible), key=lambda o: o.deadline, default=None)
        if decision.eligible and len(details) == 1 and best is not None:
            only = "" if "cash" in best.fact.refunds else f" for {refund_words(best.fact.refunds)}"
            lead = (
                f"Yes — you can return {item}{only} until {spoken(best.deadline)}: {counted_span(best)}."
            )
            details = []
        elif decision.eligible and best is None and decision.gift:
            refunds = refund_words(decision.gift.fact.refunds)
            lead = f"Yes — as a holiday gift you can return {item} until {spoken(decision.gift.deadline)} for {refunds}, whatever the purchase date."
            details = []
        elif decision.eligible:
            closed = [o for o in decision.windows if o.deadline and not o.eligible]
            if closed and best is not None:
                # "Yes" alone reads as "yes, a refund": say which option is still open, and which is not.
                still = refund_words(r for o in decision.windows if o.eligible for r in o.fact.refunds)
                gone = refund_words(r for o in closed for r in o.fact.refunds)
                ended = max(o.deadline for o in closed)
                lead = f"Yes, for {still} — until {spoken(best.deadline)}. The window for {gone} ended on {spoken(ended)}:"
            else:
                lead = f"Yes — you can still return {item}, until {spoken(decision.deadline)} at the latest:"
        else:
            dated = [o for o in decision.windows if o.deadline]
            last = max(dated, key=lambda o: o.deadline) if dated else None
            if last is not None:
                lead = (
                    f"Sorry — the return window has closed. It ended on {spoken(last.deadline)}: {counted_span(last)}."
                )
            else:
                lead = f"Sorry — the return window has closed; it ended on {spoken(decision.gift.deadline)}."
            if len(details) == 1:
                details = []
            if self.policy.problems:
                details.append(f"If the item is defective, please {self.contact}: defects are handled separately.")
        if decision.refund_unavailable:
            details.append(f"({REFUND_WORDS[decision.refund_unavailable].capitalize()} isn't offered for this item; the options above are.)")
        if assumed is not None:
            counted = "delivery" if assumed.role == "delivered" else "purchase"
            details.append(f"(I took {short(assumed.day)} as the {counted} date; tell me if it was something else.)")
        facts = tuple(o.fact for o in decision.windows if o.deadline) + ((decision.gift.fact,) if decision.gift else ())
        if decision.rule == "holiday_gift":
            facts = (decision.gift.fact, *facts)
        return PolicyAnswer(lead, tuple(details), facts, reason=f"return window: {'eligible' if decision.eligible else 'expired'}")

    @staticmethod
    def item_dates(slots: Slots) -> tuple[date | None, date | None]:
        delivered = slots.date_for("delivered") or slots.date_for("unmarked")
        purchased = slots.date_for("order_placed")
        return (delivered.day if delivered else None, purchased.day if purchased else None)

    def describe_problem(self, decision: ReturnDecision, slots: Slots, today: date) -> PolicyAnswer:
        outcome = decision.problem
        fact = outcome.fact
        offered = [remedy for remedy in fact.remedies if remedy in ("refund", "exchange", "replacement", "repair")]
        named = " or ".join([", ".join(offered[:-1]), offered[-1]] if len(offered) > 1 else offered)
        remedies = f" They will arrange {'an' if named[:1] in 'aeiou' else 'a'} {named}." if offered else ""
        if outcome.deadline is None and fact.days is None:
            return PolicyAnswer(
                f"I'm sorry it arrived like that. Please {self.contact} right away — {self.store_name} asks to be told immediately so they can make it right.",
                facts=(fact,),
                reason=f"problem: {outcome.problem}, report immediately",
            )
        if outcome.eligible is None:
            counted = fact.counted_from
            replacement = self.replacement_line(fact, slots, today)
            lead = f"{outcome.problem.replace('_', ' ').capitalize()} problems must be reported within {fact.days} days of {'receipt' if counted == 'delivery' else 'your order date'}."
            lead += " " + in_time_since(*earliest_start(counted, fact.days, today))
            if replacement:
                lead += f" Beyond the {fact.days} days, {replacement}"
            return PolicyAnswer(
                lead,
                facts=(fact, *self.policy.replacements[:1]) if replacement else (fact,),
                ask=f"{EVENT_QUESTIONS[counted]} I'll tell you the last day to report it.",
                pending=Pending(Intent.return_window, slots, counted),
                reason="problem: date needed",
            )
        when = "delivery" if fact.counted_from == "delivery" else "your order date"
        replacement = self.replacement_line(fact, slots, today)
        if outcome.eligible is False and replacement:
            return PolicyAnswer(
                f"The {fact.days}-day window to report it for a refund or exchange ended on {spoken(outcome.deadline)}, but {replacement}",
                facts=(fact, *self.policy.replacements[:1]),
                reason=f"problem: {outcome.problem}, replacement",
            )
        if outcome.eligible:
            lead = f"Yes — you can still report it, until {spoken(outcome.deadline)} ({fact.days} days after {when}). Please {self.contact}.{remedies}"
        else:
            lead = f"Sorry — the {fact.days}-day window to report it ended on {spoken(outcome.deadline)}. Please {self.contact} anyway and a person will look at it."
        return PolicyAnswer(lead, facts=(fact,), reason=f"problem: {outcome.problem}")

    def replacement_line(self, fact: ProblemWindow, slots: Slots, today: date) -> str | None:
        """A manufacturer's defect is replaced for longer than it can be refunded (Stella & Dot: 120 days);
        an item with its own reporting window (an engraved piece) has only that one."""
        if "defect" not in slots.kinds or not self.policy.replacements or fact.applies_to:
            return None
        window = self.policy.replacements[0]
        start = slots.date_for("order_placed") if window.counted_from == "purchase" else slots.date_for("delivered")
        after = f" After that, please contact {window.after}." if window.after else ""
        if start is None:
            return f"a defective item is replaced at no cost within {window.days} days of {'purchase' if window.counted_from == 'purchase' else 'delivery'}.{after}"
        deadline = start.day + timedelta(days=window.days)
        if deadline >= today:
            return f"a defective item is replaced at no cost until {spoken(deadline)} ({window.days} days after {short(start.day)})."
        contact = f" Please contact {window.after}." if window.after else f" Please {self.contact}."
        return f"the {window.days}-day free replacement ended on {spoken(deadline)}.{contact}"

    def ask_for_return_date(self, decision: ReturnDecision, slots: Slots, today: date) -> PolicyAnswer:
        windows = decision.windows
        summary = "; ".join(
            f"{refund_words(w.fact.refunds)} within {w.fact.days} days of {'delivery' if w.fact.counted_from == 'delivery' else 'purchase'}"
            for w in windows
        )
        details: tuple[str, ...] = ()
        facts = tuple(w.fact for w in windows)
        gifts = self.policy.returns.holiday_gifts
        if "gift" in slots.kinds and gifts is not None:
            month, day = map(int, gifts.return_until.split("-"))
            refunds = refund_words(gifts.refunds)
            details = (f"A gift received in the holiday season can be returned until {date(2000, month, day):%B} {day} for {refunds}, whatever the purchase date.",)
            facts = (gifts, *facts)
        if decision.refund_unavailable:
            details = (*details, f"({REFUND_WORDS[decision.refund_unavailable].capitalize()} isn't offered for this item.)")
        open_ended = tuple(w for w in windows if w.deadline is None)  # a window whose start the shopper gave is counted, not guessed
        if open_ended:
            details = (still_in_time(open_ended, today), *details)
        return PolicyAnswer(
            f"You can return it for {summary}.",
            details=details,
            facts=facts,
            ask=f"{EVENT_QUESTIONS[decision.missing]} Tell me the date and I'll work out your last day.",
            pending=Pending(Intent.return_window, slots, decision.missing),
            reason=f"return window: {decision.missing} date needed",
        )

    # --- timelines -------------------------------------------------------------------------------

    def refund_eta(self, intent: Intent, slots: Slots, today: date) -> PolicyAnswer | None:
        return self.timeline_answer(slots, today, REFUND_STARTS, "refund_posted", "refund_issued", "your refund")

    def dispatch_eta(self, slots: Slots, today: date) -> PolicyAnswer | None:
        """"When will my order ship?" asks for the ship date, not the arrival."""
        if slots.date_for("unmarked") and not slots.date_for("order_placed"):
            mention = slots.date_for("unmarked")
            slots = Slots(dates=(DateMention(mention.day, "order_placed", mention.text),), kinds=slots.kinds, country=slots.country)
        return self.timeline_answer(slots, today, ("order_placed",), "order_shipped", None, "your order")

    def delivery_eta(self, intent: Intent, slots: Slots, today: date) -> PolicyAnswer | None:
        if slots.date_for("unmarked") and not slots.date_for(*DELIVERY_STARTS):
            mention = slots.date_for("unmarked")
            slots = Slots(dates=(DateMention(mention.day, "order_placed", mention.text),), kinds=slots.kinds, country=slots.country, method=slots.method)
        arrives = self.timeline_answer(slots, today, DELIVERY_STARTS, "delivered", None, "your order")
        if arrives is None and slots.date_for("order_placed"):
            # A page that states how long an order takes to leave and no transit time: the ship date is
            # what it supports, said as such ("should ship between …"), with what it does not say.
            ships = self.timeline_answer(slots, today, ("order_placed",), "order_shipped", None, "your order")
            if ships is not None and ships.pending is None:
                return replace(ships, details=(*ships.details, NO_TRANSIT_TIME))
        return arrives

    def timeline_answer(
        self, slots: Slots, today: date, starts: tuple[str, ...], end: str, fallback_end: str | None, subject: str
    ) -> PolicyAnswer | None:
        ends = [e for e in (end, fallback_end) if e]
        reachable = [(s, e) for e in ends for s in starts if eta(self.policy, self.calendar, s, today, e, slots.country, slots.method, slots.kinds)]
        if not reachable:
            return None
        end = reachable[0][1]
        known = next((slots.date_for(s) for s in starts if slots.date_for(s) and any(s == r[0] for r in reachable)), None)
        if known is None and any(slots.date_for(s) for s in starts):
            return None  # "if I order now…": the page gives no time from that day, so its own words answer
        if known is None:
            ask_event = next(s for s in starts[::-1] if any(s == r[0] for r in reachable)) if end == "delivered" else reachable[0][0]
            ask_event = next((s for s, e in reachable if s in ("return_approved", "return_received", "order_placed")), ask_event)
            stages = eta(self.policy, self.calendar, ask_event, today, end, slots.country, slots.method, slots.kinds)
            pending_intent = Intent.refund_eta if end not in ("delivered", "order_shipped") else Intent.delivery_eta
            if len(stages) == 1:
                lead, details = f"{subject.capitalize()} {timeline_summary(stages[0].stages)}.", ()
            else:  # one line per shipping method, as with a date (describe_eta)
                lead = f"How long {subject} takes, by shipping method:"
                details = tuple(f"• {e.method + ' shipping: ' if e.method else ''}{timeline_summary(e.stages)}" for e in stages)
            return PolicyAnswer(
                lead,
                details=details,
                facts=tuple(s for e in stages for s in e.stages),
                ask=f"{EVENT_QUESTIONS[ask_event]} I'll work out the dates.",
                pending=Pending(pending_intent, slots, ask_event),
                reason=f"{end} estimate: {ask_event} date needed",
            )
        estimates = eta(self.policy, self.calendar, known.role, known.day, end, slots.country, slots.method, slots.kinds)
        return self.describe_eta(estimates, known, subject, today)

    def describe_eta(self, estimates: list[Eta], known: DateMention, subject: str, today: date) -> PolicyAnswer:
        first = estimates[0]
        verb = {"refund_posted": "should reach your original payment", "refund_issued": "should be issued", "delivered": "should arrive", "order_shipped": "should ship"}[first.end_event]
        lines = []
        for estimate in estimates:
            window = estimate.dates
            label = f"{estimate.method} shipping: " if estimate.method and len(estimates) > 1 else ""
            if window.earliest == window.latest:
                when = f"on {spoken(window.earliest)}"
            else:
                when = f"between {spoken(window.earliest)} and {spoken(window.latest)}"
            lines.append(f"{label}{when}")
        counted = " + ".join(f"{number_range(s.min, s.max)} {unit_words(s.unit)}" for s in first.stages)
        extra = f" (+{number_range(first.extra, first.extra)} for engraving)" if first.extra else ""
        if len(estimates) > 1:
            counted, extra = "the days for each shipping method", ""
        basis = f"counting {counted}{extra} from {short(known.day)}, when {EVENT_WORDS[known.role]}"
        if len(lines) == 1:
            lead = f"{subject.capitalize()} {verb} {lines[0]} — {basis}."
            details: list[str] = []
        else:
            lead = f"{subject.capitalize()} {verb}, {basis}:"
            details = [f"• {line}" for line in lines]
        if any(s.unit == "business_days" for s in first.stages):
            holidays = self.calendar.holidays_between(known.day, max(e.dates.latest for e in estimates))
            off = ", ".join(f"{name} ({short(day)})" for day, name in holidays)
            details.append("Business days skip weekends" + (f" and public holidays: {off}." if off else " and public holidays."))
        latest = max(e.dates.latest for e in estimates)
        if latest <= today:
            details.append(f"That is {'today' if latest == today else 'past'} — if it still hasn't arrived, please {self.contact}.")
        return PolicyAnswer(lead, tuple(details), tuple(s for e in estimates for s in e.stages), reason=f"{first.end_event} estimate from {known.role}")

# Kinds that name what an item is, not a condition it is in: where no rule names the line (a skincare
# shop's serum), the item takes the store's general window like anything else.
PRODUCT_LINES = frozenset({"skincare"})

STARTED = {"delivery": "arrived", "purchase": "was ordered"}  # a window's start event, as the shopper did it


def earliest_start(counted_from: str, days: int, today: date) -> tuple[str, date]:
    """The window's start event and the earliest day of it still in time: `today` less the window, in
    calendar days, as return_eligibility counts every window (deadline = start + days, today included)."""
    return STARTED[counted_from], today - timedelta(days=days)


def in_time_since(started: str, day: date) -> str:
    return f"Counting back from today, that is still in time if it {started} on or after {spoken(day)}."


def still_in_time(windows: tuple[WindowOutcome, ...], today: date) -> str:
    """Without the shopper's date the last day is unknown, but the earliest start that is still in time
    is not: `today` less each window (calendar days, as return_eligibility counts them). A customer who
    asked "can I still return it?" by mail is answered by it without another round trip."""
    earliest: dict[tuple[str, date], list[str]] = {}
    for w in windows:
        earliest.setdefault(earliest_start(w.fact.counted_from, w.fact.days, today), []).extend(w.fact.refunds)
    if len(earliest) == 1:
        return in_time_since(*next(iter(earliest)))
    parts = [f"for {refund_words(refunds)} if it {started} on or after {spoken(day)}" for (started, day), refunds in sorted(earliest.items(), key=lambda e: e[0][1], reverse=True)]
    return "Counting back from today, it is still in time " + "; ".join(parts) + "."


def counted_date(assumed: DateMention | None, given: DateMention | None, role: str) -> DateMention | None:
    """The date a window counts from: the one the shopper gave, or the unmarked one read as it."""
    return assumed if assumed is not None and assumed.role == role else given


def missing_role(missing: str) -> str:
    return COUNTED_ROLES.get(missing, (missing,))[0]


def timeline_summary(stages: tuple[Stage, ...]) -> str:
    """A chain of stages said as what happens when: each stage's end, counted from the one before
    ("ships 1-2 business days after you placed the order, then arrives 3-5 business days after that")."""
    parts = [
        f"{STAGE_ENDS.get(s.end, 'comes')} {number_range(s.min, s.max)} {unit_words(s.unit)} after "
        + (EVENT_WORDS[s.start].replace("your", "the") if i == 0 else "that")
        for i, s in enumerate(stages)
    ]
    return ", then ".join(parts)
