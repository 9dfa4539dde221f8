"""Computed answers that are a yes or a no against a list the page gives: where the store ships,
how to reach it, what it accepts, where it collects tax, and whether an order can still change."""

from __future__ import annotations

import re
from datetime import date

from bot.policy.answers import STATE_WORDS, PolicyAnswer, join_words, method_words
from bot.policy.calculators import CARD_BRANDS, order_change_allowed, payment_accepted, sales_tax_collected, ships_to
from bot.policy.calendar import BusinessCalendar
from bot.policy.intents import Intent
from bot.policy.lexicon import US_STATES, country_name
from bot.policy.model import StorePolicy
from bot.policy.slots import Slots

OUTSIDE_THE_LOWER_48 = frozenset({"AK", "HI"})
# Only when the "we ship" clause itself is limited: "free shipping applies to the contiguous US" is about the fee.
CONTIGUOUS_ONLY = re.compile(r"\b(ship|deliver)\w*\s+(only\s+)?(to|within)\s+(the\s+)?(contiguous|continental|lower\s*48|mainland)\b", re.I)



class ListedAnswers:
    """Part of PolicyResponder (bot/policy/responder.py), which holds these fields."""

    policy: StorePolicy
    calendar: BusinessCalendar
    store_name: str
    contact: str

    def ships_to(self, intent: Intent, slots: Slots, today: date) -> PolicyAnswer | None:
        if slots.country is None and slots.state:
            slots = Slots(country="US", state=slots.state)  # "I'm in Texas, do you ship there?"
        if slots.country is None:
            return self.shipping_destinations()
        verdict = ships_to(self.policy, slots.country)
        if verdict.allowed is None:
            return None
        name = country_name(slots.country)
        fact = self.policy.shipping
        if verdict.allowed and slots.state in OUTSIDE_THE_LOWER_48:
            state = US_STATES[slots.state]
            refused = re.search(rf"\b(do\s+not|don'?t|cannot|can'?t|no\s+longer)\s+(ship|deliver)\w*\s+to\b[^.]{{0,40}}\b{state}\b", fact.source, re.I)
            if CONTIGUOUS_ONLY.search(fact.source) or refused:
                return PolicyAnswer(f"Sorry — {self.store_name} doesn't ship to {state}: it ships within the contiguous United States.", facts=(fact,), reason=f"does not ship to {slots.state}")
            if re.search(r"\b(alaska|hawaii|contiguous|continental|lower\s*48|mainland)\b", fact.source, re.I):
                return None  # the page speaks of these states in words the list does not settle
        if verdict.allowed:
            duties = f" {self.store_name} collects the customs duties and taxes for {name} itself." if slots.country in fact.duties_collected_for else ""
            return PolicyAnswer(f"Yes — {self.store_name} ships to {name}.{duties}", facts=(fact,), reason=f"ships to {slots.country}")
        listed = join_words([country_name(c) for c in verdict.listed])
        return PolicyAnswer(f"Sorry — {self.store_name} doesn't ship to {name}. It ships to {listed}.", facts=(fact,), reason=f"does not ship to {slots.country}")

    def contact_answer(self, intent: Intent, slots: Slots, today: date, asks_phone: bool = False) -> PolicyAnswer | None:
        """"How can I contact you?": the store's own contact channel, from the policy or store.toml."""
        fact = self.policy.contact
        channel = fact.channel if fact else self.contact
        if not channel or channel.startswith("contact the ") and fact is None:
            return None  # nothing better than the FAQ text (or a handoff, which names the team)
        lead = f"You can reach {self.store_name} through {channel.removeprefix('email ').strip()}" if not channel.startswith("email ") else f"You can reach {self.store_name} by email at {channel.removeprefix('email ')}"
        if asks_phone and not re.search(r"\b(phone|call)\b", channel, re.I):
            return None  # the page lists no number: the hand-off says so and names the address
        return PolicyAnswer(lead + " — a person from the team will help you.", facts=(fact,) if fact else (), reason="contact")

    def shipping_destinations(self) -> PolicyAnswer | None:
        """"Do you ship internationally?": where the store ships, from the policy."""
        fact = self.policy.shipping
        if fact is None:
            return None
        if fact.worldwide:
            duties = ""
            if fact.duties_collected_for:
                duties = f" {self.store_name} collects the customs duties and taxes itself for {join_words([country_name(c) for c in fact.duties_collected_for])}."
            return PolicyAnswer(f"Yes — {self.store_name} ships worldwide.{duties}", facts=(fact,), reason="ships worldwide")
        abroad = [c for c in fact.countries if c != self.calendar.country]
        listed = join_words([country_name(c) for c in fact.countries])
        lead = f"{self.store_name} ships to {listed}." if abroad else f"{self.store_name} ships only to {listed}."
        return PolicyAnswer(lead, facts=(fact,), reason="shipping destinations")

    def payment(self, intent: Intent, slots: Slots, today: date) -> PolicyAnswer | None:
        verdicts = [payment_accepted(self.policy, method) for method in slots.payments]
        if not verdicts or any(v.allowed is None for v in verdicts):
            return None  # the page does not settle it: the FAQ text (or a person) answers
        yes = [v.subject for v in verdicts if v.allowed]
        no = [v.subject for v in verdicts if not v.allowed]
        accepted = join_words(list(verdicts[0].listed))
        brands = [m for m in verdicts[0].listed if m in CARD_BRANDS]
        yes = [method_words(m, brands) for m in yes]
        no = [method_words(m, []) for m in no]
        if yes and not no:
            lead = f"Yes — {self.store_name} accepts {join_words(yes)}."
        elif no and not yes:
            lead = f"Sorry — {self.store_name} doesn't accept {join_words(no)}. You can pay with {accepted}."
        else:
            lead = f"{self.store_name} accepts {join_words(yes)}, but not {join_words(no)}."
        return PolicyAnswer(lead, facts=(self.policy.payments,), reason=f"payment: {', '.join(slots.payments)}")

    def sales_tax(self, intent: Intent, slots: Slots, today: date) -> PolicyAnswer | None:
        if slots.state and self.policy.sales_tax:
            verdict = sales_tax_collected(self.policy, slots.state)
            name = US_STATES[slots.state]
            if verdict.allowed:
                lead = f"Yes — {self.store_name} collects sales tax on orders shipped to {name}."
            else:
                lead = f"No — {self.store_name} doesn't collect sales tax on orders shipped to {name}."
            return PolicyAnswer(lead, facts=(self.policy.sales_tax,), reason=f"sales tax: {slots.state}")
        if slots.country and self.policy.shipping and self.policy.shipping.duties_collected_for and slots.country != self.calendar.country:
            # Only a policy that says where duties are collected says where they are not; a page
            # that says nothing of it (or says it in words no list holds) is left to its own words.
            fact = self.policy.shipping
            name = country_name(slots.country)
            if slots.country in fact.duties_collected_for:
                lead = f"For {name}, {self.store_name} collects customs duties and taxes at checkout, so there is nothing more to pay on delivery."
            else:
                lead = f"{self.store_name} doesn't prepay customs for {name}: the customs office may contact you if extra taxes or charges are owed."
            return PolicyAnswer(lead, facts=(fact,), reason=f"duties: {slots.country}")
        return None

    def order_change(self, intent: Intent, slots: Slots, today: date) -> PolicyAnswer | None:
        action = "cancel" if intent == Intent.cancel_order else "change"
        verdict = order_change_allowed(self.policy, slots.order_state, action)
        if verdict.allowed is None:
            return None
        fact = self.policy.orders
        state_words = STATE_WORDS[slots.order_state]
        how = f" To do it, {fact.how}." if fact.how else ""
        done = "cancelled" if action == "cancel" else "changed"
        early = {"placed", "processing"} & set(verdict.listed)
        if verdict.allowed:
            lead = f"Yes — an order that is {state_words} can still be {done}.{how}"
        elif not early:
            lead = f"Sorry — {self.store_name} can't {action} an order once it's placed."
            if verdict.listed:
                lead += f" Only an order that is {' or '.join(STATE_WORDS[s] for s in verdict.listed)} can be {done}.{how}"
        else:
            lead = f"Sorry — an order that is {state_words} can't be {done} any more."
            if self.policy.returns.windows and slots.order_state in ("shipped", "delivered"):
                window = self.policy.returns.windows[0]
                lead += f" Once it arrives you can return it within {window.days} days of {window.counted_from}."
        cited = fact.exception if verdict.allowed and fact.exception else fact
        return PolicyAnswer(lead, facts=(cited,), reason=f"{action} when {slots.order_state}: {'allowed' if verdict.allowed else 'not allowed'}")
