"""policy.toml: a store's policy as structured facts, each tied to the FAQ words it comes from.

Every fact carries `source`, a phrase copied from the store's FAQ pages. The
phrase is how a reply cites the passage and how `faqbot lint` proves the fact
is supported; a fact whose phrase is not on the page is an error, not a guess.

The vocabulary (events on an order's timeline, item kinds, refund types) is
closed so a typo in the file fails on load instead of silently never matching.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import BadKnowledge
from bot.policy.lexicon import ITEM_KINDS, PAYMENT_METHODS, US_STATES, country_code

POLICY_FILE = "policy.toml"

# Points on an order's life, in the order they happen. Stages of the timeline join two of them.
Event = Literal[
    "order_placed",
    "order_shipped",
    "delivered",
    "return_requested",
    "return_shipped",
    "return_received",
    "return_approved",
    "refund_issued",
    "refund_posted",
]
EVENTS: tuple[str, ...] = Event.__args__  # type: ignore[attr-defined]
Unit = Literal["business_days", "days", "hours"]
CountedFrom = Literal["delivery", "purchase"]
# "cash" is money back to the original payment method, whatever it was.
RefundType = Literal["cash", "store_credit", "exchange"]
Problem = Literal["defect", "damaged", "wrong_item", "missing_item"]
OrderState = Literal["placed", "processing", "backordered", "shipped", "delivered"]
ORDER_STATES: tuple[str, ...] = OrderState.__args__  # type: ignore[attr-defined]


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=12, description="words copied from the FAQ page that state this fact")


def one_of(vocabulary, what: str, show_known: bool = True):
    """A validator: every value must be in `vocabulary`, or the error names the strays (and the choices)."""

    def check(values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in vocabulary]
        if unknown:
            known = f"; known: {', '.join(sorted(vocabulary))}" if show_known else ""
            raise ValueError(f"unknown {what} {', '.join(map(repr, unknown))}{known}")
        return values

    return check


known_kinds = one_of(ITEM_KINDS, "item kind")


class ReturnWindow(Fact):
    """How long a shopper has to return, for one refund type and (optionally) one product line."""

    days: int = Field(gt=0)
    counted_from: CountedFrom
    refunds: list[RefundType] = Field(min_length=1)
    applies_to: list[str] = Field(default_factory=list, description="item kinds with their own window; empty = everything else")
    # A product line's window usually replaces the general one only for its own refund types
    # (skincare: 45 days cash, store credit as for everything). `exclusive` says the kind gets
    # nothing else: a gift recipient is offered credit or an exchange, never the buyer's cash refund.
    exclusive: bool = False

    _kinds = field_validator("applies_to")(known_kinds)


class FinalSale(Fact):
    """Item kinds that cannot be returned, and what still lets them come back (a defect)."""

    kinds: list[str] = Field(min_length=1)
    exceptions: list[Problem] = Field(default_factory=list)
    # The store's own names for items no kind covers ("swimwear", "Last Chance", "mounted tires"):
    # a shopper naming one (every word of a one-word name, two words of a longer one) gets the refusal.
    items: list[str] = Field(default_factory=list)

    _kinds = field_validator("kinds")(known_kinds)


class HolidayGifts(Fact):
    """Gifts bought in the holiday season return until a fixed day after it, whatever the purchase date.

    Some stores key the season on when the gift was *received*, not bought
    (Stella & Dot: "any gift received may be returned until January 31st …
    regardless of original purchase date"); `counted_from = "delivery"` records
    that, so a gift bought in October and unwrapped at Christmas is not refused.
    """

    season_start: str = Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD")
    season_end: str = Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD")
    return_until: str = Field(pattern=r"^\d{2}-\d{2}$", description="MM-DD, in the year after the season starts")
    refunds: list[RefundType] = Field(min_length=1)
    counted_from: CountedFrom = Field(default="purchase", description="the date that must fall in the season: purchase, or delivery (gift received)")

    @field_validator("season_start", "season_end", "return_until")
    @classmethod
    def real_month_day(cls, value: str) -> str:
        month, day = map(int, value.split("-"))
        date(2024, month, day)  # leap year: 02-29 is allowed; raises on 02-30, 13-01
        return value


class Exchanges(Fact):
    allowed: bool


class Returns(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    windows: list[ReturnWindow] = Field(default_factory=list)
    exchanges: Exchanges | None = None
    final_sale: list[FinalSale] = Field(default_factory=list)
    holiday_gifts: HolidayGifts | None = None
    how: Fact | None = Field(default=None, description="how to start a return: the steps or the contact")
    # Refund types the page gives two windows for (tea 30 days, teaware 45): their questions go to the page's words.
    unsettled: list[RefundType] = Field(default_factory=list)


class ProblemWindow(Fact):
    """How soon a defect, damage or wrong/missing item must be reported. No `days` = report immediately."""

    problems: list[Problem] = Field(min_length=1)
    days: int | None = Field(default=None, gt=0)
    counted_from: CountedFrom | None = None
    remedies: list[str] = Field(default_factory=list, description="refund, exchange, replacement, repair")
    # Some items have their own reporting window (Stella & Dot: engraved pieces, 30 days of purchase);
    # a rule naming the item's kind replaces the general one for it.
    applies_to: list[str] = Field(default_factory=list, description="item kinds with their own reporting window; empty = everything else")

    _kinds = field_validator("applies_to")(known_kinds)

    @model_validator(mode="after")
    def days_need_a_start(self) -> ProblemWindow:
        if self.days is not None and self.counted_from is None:
            raise ValueError("a reporting window in days needs counted_from (delivery or purchase)")
        return self


class ReplacementWindow(Fact):
    """Replacement of a defective item: free within `days`, then through `after`."""

    days: int = Field(gt=0)
    counted_from: CountedFrom
    after: str | None = Field(default=None, description="who handles it once the window has passed")


class Stage(Fact):
    """One step of an order's or a return's timeline: from one event to the next, in a range of units."""

    start: Event
    end: Event
    min: float = Field(ge=0)
    max: float = Field(ge=0)
    unit: Unit
    destinations: list[str] = Field(default_factory=list, description="ISO country codes or 'international'; empty = everywhere")
    method: str | None = Field(default=None, description="shipping method this stage is for (standard, express)")
    extra_for: dict[str, float] = Field(default_factory=dict, description="item kind -> extra units (engraved: 1)")

    @model_validator(mode="after")
    def ordered(self) -> Stage:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        if EVENTS.index(self.end) <= EVENTS.index(self.start):
            raise ValueError(f"a stage goes forward in time; {self.end!r} does not come after {self.start!r}")
        known_kinds(list(self.extra_for))
        return self

    @field_validator("destinations")
    @classmethod
    def country_codes(cls, values: list[str]) -> list[str]:
        codes = []
        for value in values:
            code = "international" if value == "international" else country_code(value)
            if code is None:
                raise ValueError(f"{value!r} is not a country this bot knows (use ISO codes such as US, GB)")
            codes.append(code)
        return codes


class Shipping(Fact):
    countries: list[str] = Field(default_factory=list, description="ISO codes shipped to")
    worldwide: bool = False
    duties_collected_for: list[str] = Field(default_factory=list, description="countries whose customs duties and taxes the store collects itself")
    complete: bool = Field(default=True, description="false: the page may ship elsewhere too (read off a page, the home country often goes unsaid)")

    @field_validator("countries", "duties_collected_for")
    @classmethod
    def country_codes(cls, values: list[str]) -> list[str]:
        return Stage.country_codes(values)


class OrderChanges(Fact):
    """In which order states a shopper may still cancel or change the order, and how."""

    cancel_in: list[OrderState] = Field(default_factory=list)
    change_in: list[OrderState] = Field(default_factory=list)
    how: str | None = None
    # Where the page allows it in its own sentence apart from the rule ("once placed we can't cancel" …
    # "If your item is on back order … you can cancel"), a "yes" cites that sentence.
    exception: Fact | None = None


class Payments(Fact):
    methods: list[str] = Field(min_length=1)
    # "We accept Visa, PayPal…" lists every method: anything else is a no. A page that only
    # says "a valid credit card is required" lists some: anything else is unknown, not a no.
    complete: bool = True

    _methods = field_validator("methods")(one_of(PAYMENT_METHODS, "payment method"))


class SalesTax(Fact):
    states: list[str] = Field(description="USPS codes of the states where sales tax is collected")

    _states = field_validator("states")(one_of(US_STATES, "US state code", show_known=False))


class Warranty(Fact):
    name: str
    services: list[str] = Field(default_factory=list)
    exclusions: list[str] = Field(default_factory=list)
    shopper_pays_shipping: bool = False


class Contact(Fact):
    channel: str = Field(description="who to contact, in the store's words: 'email cs@sessori.com', 'your Ambassador'")


class Note(Fact):
    """A stated fact no calculator uses (account approval in 1-2 business days): recorded so lint knows it is covered."""

    topic: str


class Conflict(BaseModel):
    """Where the page states one policy twice with different numbers, and which reading the policy uses."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: str
    readings: list[str] = Field(min_length=2, description="the differing phrases, as on the page")
    chosen: str
    why: str


class StorePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    returns: Returns = Field(default_factory=Returns)
    problems: list[ProblemWindow] = Field(default_factory=list)
    replacements: list[ReplacementWindow] = Field(default_factory=list)
    timeline: list[Stage] = Field(default_factory=list)
    shipping: Shipping | None = None
    orders: OrderChanges | None = None
    payments: Payments | None = None
    sales_tax: SalesTax | None = None
    warranty: Warranty | None = None
    contact: Contact | None = None
    notes: list[Note] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)

    def facts(self) -> list[tuple[str, Fact]]:
        """Every fact with its dotted key in the file: what lint and citation walk."""
        found: list[tuple[str, Fact]] = []

        def walk(value: object, key: str) -> None:
            if isinstance(value, Fact):
                found.append((key, value))
            if isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    walk(getattr(value, name), f"{key}.{name}" if key else name)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    walk(item, f"{key}[{i}]")

        walk(self, "")
        return found


EMPTY_POLICY = StorePolicy()


def describe_errors(exc: ValidationError) -> str:
    def where(loc: tuple) -> str:
        key = ""
        for part in loc:
            key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
        return key or "file"

    return "; ".join(f"{where(err['loc'])}: {err['msg']}" for err in exc.errors())


def load_policy(store_dir: Path) -> StorePolicy:
    """A store without policy.toml has no calculators: its questions go to the FAQ text."""
    path = store_dir / POLICY_FILE
    if not path.exists():
        return EMPTY_POLICY
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BadKnowledge(path, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise BadKnowledge(path, "not UTF-8 text") from None
    try:
        return StorePolicy.model_validate(raw)
    except ValidationError as exc:
        raise BadKnowledge(path, describe_errors(exc)) from None
