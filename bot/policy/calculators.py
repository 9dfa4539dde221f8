"""Deterministic answers computed from a store's policy: pure functions of the
policy, the dates and the item, so every reply can be reproduced and tested.

A calculator never guesses a missing input: it says which one it needs
(`missing`), and the conversation asks the shopper for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.policy.calendar import BusinessCalendar, DateRange, add_months_day
from bot.policy.model import (
    EVENTS,
    FinalSale,
    HolidayGifts,
    ProblemWindow,
    ReturnWindow,
    Stage,
    StorePolicy,
)

PROBLEM_KINDS = {"defect": "defect", "wrong_item": "wrong_item", "missing_item": "missing_item"}
CARD_BRANDS = {"Visa", "Mastercard", "American Express", "Discover", "Maestro", "JCB", "Diners Club", "Union Pay"}


@dataclass(frozen=True, slots=True)
class WindowOutcome:
    fact: ReturnWindow
    start: date | None  # the delivery or purchase date the window counts from
    deadline: date | None
    eligible: bool | None  # None: the date it counts from is not known yet


@dataclass(frozen=True, slots=True)
class ProblemOutcome:
    fact: ProblemWindow
    problem: str
    deadline: date | None  # None: "report immediately", or the start date is unknown
    eligible: bool | None


@dataclass(frozen=True, slots=True)
class GiftOutcome:
    fact: HolidayGifts
    deadline: date
    eligible: bool


@dataclass(frozen=True, slots=True)
class ReturnDecision:
    """`rule` names what decided it: final_sale | problem | window | holiday_gift | no_exchanges | no_policy."""

    eligible: bool | None
    rule: str
    windows: tuple[WindowOutcome, ...] = ()
    final_sale: FinalSale | None = None
    blocking_kinds: tuple[str, ...] = ()
    problem: ProblemOutcome | None = None
    gift: GiftOutcome | None = None
    missing: str | None = None  # "delivery" | "purchase": the date to ask for
    refund_unavailable: str | None = None  # the refund type asked for that this item cannot get

    @property
    def deadline(self) -> date | None:
        dates = [w.deadline for w in self.windows if w.deadline] + ([self.gift.deadline] if self.gift else [])
        return max(dates) if dates else None


GENERIC_KINDS = {"custom", "sale"}  # words that also appear inside more specific ones ("custom size", "final sale")


def final_sale_rule(policy: StorePolicy, kinds: frozenset[str]) -> tuple[FinalSale, tuple[str, ...]] | None:
    """The rule that names the item most specifically: "custom-size rings" before "customized items",
    and a sentence about personalized pieces alone before a list of nine final-sale kinds."""
    problems = {PROBLEM_KINDS[k] for k in kinds if k in PROBLEM_KINDS}
    found = []
    for order, rule in enumerate(policy.returns.final_sale):
        matched = tuple(k for k in rule.kinds if k in kinds)
        if matched and not problems & set(rule.exceptions):
            found.append((all(k in GENERIC_KINDS for k in matched), len(rule.kinds), order, rule, matched))
    if not found:
        return None
    *_, rule, matched = min(found, key=lambda f: f[:3])
    return rule, matched


def problem_rule(policy: StorePolicy, kinds: frozenset[str]) -> tuple[ProblemWindow, str] | None:
    """The reporting window for the problem; a rule for the item's own kind (an engraved piece) first."""
    for kind in ("wrong_item", "missing_item", "defect"):
        if kind in kinds:
            rules = [
                rule
                for rule in policy.problems
                if (PROBLEM_KINDS[kind] in rule.problems or (kind == "defect" and "damaged" in rule.problems))
                and (not rule.applies_to or set(rule.applies_to) & kinds)
            ]
            if rules:
                return min(rules, key=lambda rule: not rule.applies_to), kind
    return None


def kinds_with_rules(policy: StorePolicy) -> frozenset[str]:
    """The item kinds some return rule of this policy speaks of. A kind outside them ("it
    arrived broken" where the policy knows no defect rule) is not settled by the general
    window: the page's own words about it are."""
    kinds = {k for rule in policy.returns.final_sale for k in rule.kinds}
    kinds |= {k for window in policy.returns.windows for k in window.applies_to}
    for rule in policy.problems:
        kinds |= {kind for kind, problem in PROBLEM_KINDS.items() if problem in rule.problems}
        if "damaged" in rule.problems:
            kinds.add("defect")
    if policy.returns.holiday_gifts is not None:
        kinds.add("gift")
    return frozenset(kinds)


def windows_for(policy: StorePolicy, kinds: frozenset[str]) -> list[ReturnWindow]:
    """A product line's own window replaces the general one for the same refund type."""
    specific = [w for w in policy.returns.windows if set(w.applies_to) & kinds]
    if any(w.exclusive for w in specific):
        return [w for w in specific if w.exclusive]
    covered = {r for w in specific for r in w.refunds}
    general = [w for w in policy.returns.windows if not w.applies_to and not set(w.refunds) <= covered]
    return specific + general


def start_of(counted_from: str, delivered_on: date | None, purchased_on: date | None) -> date | None:
    return delivered_on if counted_from == "delivery" else purchased_on


def holiday_gift_deadline(rule: HolidayGifts, day: date) -> date | None:
    """The fixed return day for a gift bought (or received) in the season, or None outside it."""
    for season_year in (day.year, day.year - 1):
        start = add_months_day(season_year, rule.season_start)
        end = add_months_day(season_year if rule.season_end >= rule.season_start else season_year + 1, rule.season_end)
        if start <= day <= end:
            until = add_months_day(start.year, rule.return_until)
            return until if until > end else add_months_day(start.year + 1, rule.return_until)
    return None


def return_eligibility(
    policy: StorePolicy,
    today: date,
    delivered_on: date | None = None,
    purchased_on: date | None = None,
    kinds: frozenset[str] = frozenset(),
    refund: str | None = None,
) -> ReturnDecision:
    blocked = final_sale_rule(policy, kinds)
    if blocked:
        return ReturnDecision(False, "final_sale", final_sale=blocked[0], blocking_kinds=blocked[1])
    problem = problem_rule(policy, kinds)
    if problem:
        rule, kind = problem
        start = start_of(rule.counted_from, delivered_on, purchased_on) if rule.counted_from else None
        if rule.days is None:
            return ReturnDecision(True, "problem", problem=ProblemOutcome(rule, kind, None, True))
        if start is None:
            outcome = ProblemOutcome(rule, kind, None, None)
            return ReturnDecision(None, "problem", problem=outcome, missing=rule.counted_from)
        deadline = start + timedelta(days=rule.days)
        return ReturnDecision(today <= deadline, "problem", problem=ProblemOutcome(rule, kind, deadline, today <= deadline))
    if refund == "exchange" and policy.returns.exchanges is not None and not policy.returns.exchanges.allowed:
        return ReturnDecision(False, "no_exchanges")
    offered = windows_for(policy, kinds)
    windows = [w for w in offered if refund is None or refund in w.refunds]
    refund_unavailable = None
    if not windows and offered:
        # Asked for a refund type this item cannot get (cash for a gift): answer with what it can get.
        windows, refund_unavailable = offered, refund
    gift = None
    gifts = policy.returns.holiday_gifts
    gift_date = (delivered_on if gifts.counted_from == "delivery" else purchased_on) if gifts else None
    if "gift" in kinds and gifts and gift_date:
        deadline = holiday_gift_deadline(gifts, gift_date)
        if deadline:
            gift = GiftOutcome(policy.returns.holiday_gifts, deadline, today <= deadline)
    if not windows and gift is None:
        return ReturnDecision(None, "no_policy")
    outcomes = []
    for window in windows:
        start = start_of(window.counted_from, delivered_on, purchased_on)
        deadline = start + timedelta(days=window.days) if start else None
        outcomes.append(WindowOutcome(window, start, deadline, None if deadline is None else today <= deadline))
    unknown = [o for o in outcomes if o.eligible is None]
    if unknown and gift is None:
        return ReturnDecision(None, "window", tuple(outcomes), missing=unknown[0].fact.counted_from, refund_unavailable=refund_unavailable)
    eligible = any(o.eligible for o in outcomes) or bool(gift and gift.eligible)
    rule = "holiday_gift" if gift and gift.eligible and not any(o.eligible for o in outcomes) else "window"
    return ReturnDecision(eligible, rule, tuple(outcomes), gift=gift, refund_unavailable=refund_unavailable)


@dataclass(frozen=True, slots=True)
class Eta:
    """When an event is expected, walking the store's timeline from a known one."""

    start_event: str
    start: date
    end_event: str
    dates: DateRange
    stages: tuple[Stage, ...]
    method: str | None = None
    extra: float = 0  # units added for an item kind (engraving)


@dataclass(frozen=True, slots=True)
class TimelinePath:
    stages: tuple[Stage, ...]
    method: str | None = None


def stage_applies(stage: Stage, destination: str | None, home_country: str) -> bool:
    if not stage.destinations or destination is None:
        return True
    if destination in stage.destinations:
        return True
    return "international" in stage.destinations and destination != home_country


def timeline_paths(
    policy: StorePolicy, start_event: str, end_event: str, destination: str | None = None, method: str | None = None, home_country: str = "US"
) -> list[TimelinePath]:
    """Every way through the timeline from one event to another (one per shipping method)."""
    stages = [
        s
        for s in policy.timeline
        if stage_applies(s, destination, home_country) and (method is None or s.method in (None, method))
    ]
    if destination is None:
        # Without a destination, prefer the stages meant for everywhere or the home country.
        homely = [s for s in stages if not s.destinations or home_country in s.destinations]
        if any(s.end == end_event or EVENTS.index(s.end) >= EVENTS.index(end_event) for s in homely):
            stages = homely
    paths: list[TimelinePath] = []

    def walk(event: str, taken: tuple[Stage, ...], chosen_method: str | None) -> None:
        if event == end_event:
            if taken:  # from an event to itself is no estimate
                paths.append(TimelinePath(taken, chosen_method))
            return
        for stage in stages:
            if stage.start != event or EVENTS.index(stage.end) > EVENTS.index(end_event):
                continue
            if stage.method and chosen_method and stage.method != chosen_method:
                continue
            walk(stage.end, taken + (stage,), chosen_method or stage.method)

    walk(start_event, (), method)
    return paths


def eta(
    policy: StorePolicy,
    calendar: BusinessCalendar,
    start_event: str,
    start: date,
    end_event: str,
    destination: str | None = None,
    method: str | None = None,
    kinds: frozenset[str] = frozenset(),
) -> list[Eta]:
    """Earliest and latest date of `end_event`, one Eta per way there; [] when the timeline has no path."""
    results = []
    for path in timeline_paths(policy, start_event, end_event, destination, method, calendar.country):
        earliest = latest = start
        extra_total = 0.0
        for stage in path.stages:
            extra = max((v for k, v in stage.extra_for.items() if k in kinds), default=0.0)
            extra_total += extra
            # "may take an additional business day": it moves the latest date, not the earliest.
            earliest = calendar.add(earliest, stage.min, stage.unit)
            latest = calendar.add(latest, stage.max + extra, stage.unit)
        results.append(Eta(start_event, start, end_event, DateRange(earliest, latest), path.stages, path.method, extra_total))
    return results


@dataclass(frozen=True, slots=True)
class Verdict:
    """A yes/no from a list in the policy, with what it was matched as."""

    allowed: bool | None  # None: the policy says nothing about it
    subject: str
    listed: tuple[str, ...] = field(default=())


def order_change_allowed(policy: StorePolicy, state: str, action: str) -> Verdict:
    if policy.orders is None:
        return Verdict(None, state)
    allowed_in = policy.orders.cancel_in if action == "cancel" else policy.orders.change_in
    return Verdict(state in allowed_in, state, tuple(allowed_in))


def payment_accepted(policy: StorePolicy, method: str) -> Verdict:
    if policy.payments is None:
        return Verdict(None, method)
    accepted = tuple(policy.payments.methods)
    if method in accepted:
        return Verdict(True, method, accepted)
    if method in ("Credit card", "Debit card"):
        return Verdict(bool(CARD_BRANDS & set(accepted)), method, accepted)
    if method in CARD_BRANDS and "Credit card" in accepted:
        return Verdict(True, method, accepted)  # "a valid credit card" admits every card brand
    if method in CARD_BRANDS and "Debit card" in accepted and not CARD_BRANDS & set(accepted):
        return Verdict(None, method, accepted)  # "debit cards" names no brand: a Visa debit card is one
    if method in ("Gift card", "Store credit"):
        return Verdict(None, method, accepted)  # the store's own credit is no card scheme a list leaves out on purpose
    return Verdict(False if policy.payments.complete else None, method, accepted)


def ships_to(policy: StorePolicy, country: str) -> Verdict:
    if policy.shipping is None:
        return Verdict(None, country)
    if policy.shipping.worldwide:
        return Verdict(True, country, ("worldwide",))
    listed = country in policy.shipping.countries
    if not listed and not policy.shipping.complete:
        return Verdict(None, country)  # not listed is not a "no" when the list may be partial
    return Verdict(listed, country, tuple(policy.shipping.countries))


def sales_tax_collected(policy: StorePolicy, state: str) -> Verdict:
    if policy.sales_tax is None:
        return Verdict(None, state)
    return Verdict(state in policy.sales_tax.states, state, tuple(policy.sales_tax.states))
