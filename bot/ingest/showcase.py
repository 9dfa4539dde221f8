"""demo.toml: how a store's demo shop (/demo/<store>) looks, in its own trade's style.

Kept apart from store.toml on purpose: store.toml is part of what a built index depends on, and
the bot never reads any of this, so a new tagline must not send a store's pages to be embedded
again. A store without demo.toml gets a plain shop page with its name.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import BadKnowledge

DEMO_FILE = "demo.toml"
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG AA for body text: white text on the accent (header, buttons, badges)


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a "#rrggbb" colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tint(colour: str, share: float) -> str:
    """`colour` mixed with white, `share` of it kept: a pale ground in the store's colour for dark text."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in channels)


class Product(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    picture: Literal["ring", "earrings", "hoops", "necklace", "bracelet", "bottle", "clutch"] = Field(
        description="what the card draws (an inline SVG: no image files, nothing fetched)"
    )
    price: str | None = Field(default=None, description='as shown, "$48"; a catalogue without prices leaves it out')
    sku: str | None = None
    pack: str | None = Field(default=None, description='a wholesale pack, "12 pairs"')
    note: str | None = None


class Showcase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    trade: str = Field(default="Online store", min_length=1, description="what the shop sells, in a few words")
    tagline: str = ""
    look: Literal["atelier", "boutique", "catalogue"] = Field(
        default="boutique",
        description="atelier: fine jewelry, serif and spacious; boutique: fashion, a few pieces with prices; "
        "catalogue: wholesale, dense rows of SKUs and pack sizes, prices behind an account",
    )
    accent: str = Field(default="#1f3a5f", description="header, buttons and badges, with white text on it")
    notice: str | None = Field(default=None, description="a banner across the top of the page")
    perks: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    products: tuple[Product, ...] = ()
    ask: tuple[str, ...] = Field(default=(), description="questions the page suggests asking the chat")

    @field_validator("accent")
    @classmethod
    def readable_accent(cls, accent: str) -> str:
        if not HEX_COLOUR.match(accent):
            raise ValueError(f'{accent!r} is not a colour written "#rrggbb"')
        ratio = contrast_ratio(accent, "#ffffff")
        if ratio < MIN_CONTRAST:
            raise ValueError(f"white text on {accent} has a contrast of {ratio:.2f}:1; choose a darker colour (WCAG AA wants {MIN_CONTRAST}:1)")
        return accent.lower()

    @property
    def accent_soft(self) -> str:
        return tint(self.accent, 0.1)


def load_showcase(store_dir: Path) -> Showcase:
    path = store_dir / DEMO_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Showcase()
    except tomllib.TOMLDecodeError as exc:
        raise BadKnowledge(path, f"not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise BadKnowledge(path, "not UTF-8 text") from None
    except OSError as exc:
        raise BadKnowledge(path, f"cannot be read: {exc.strerror}") from None
    try:
        return Showcase.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in exc.errors())
        raise BadKnowledge(path, problems) from None


__all__ = ["DEMO_FILE", "Product", "Showcase", "contrast_ratio", "load_showcase"]
