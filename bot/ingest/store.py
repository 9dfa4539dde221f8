"""store.toml: the few facts about a store that are not in its FAQ pages."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import BadKnowledge


class StoreConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="display name shown to shoppers")
    support_email: str | None = None
    website: str | None = None
    tracking_url: str | None = None
    page_urls: dict[str, str] = Field(
        default_factory=dict, description="public address of each knowledge document, by file name: email replies link the page they answer from"
    )
    timezone: str = "UTC"
    country: str = Field(default="US", description="ISO country code for business days")
    allowed_origins: tuple[str, ...] = ()
    api_key: str | None = Field(default=None, description="key the store's systems push orders with (or FAQBOT_API_KEY_<STORE>)")
    model_path: Path | None = Field(
        default=None, description="another sentence-transformers model folder for this store"
    )


def load_store_config(store_dir: Path) -> StoreConfig:
    path = store_dir / "store.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadKnowledge(path, "missing; a store needs at least `name = \"...\"`") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadKnowledge(path, f"not valid TOML: {exc}") from None
    try:
        return StoreConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in exc.errors()
        )
        raise BadKnowledge(path, problems) from None


__all__ = ["StoreConfig", "load_store_config"]
