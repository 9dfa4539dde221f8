"""What every `faqbot` command shares: the settings with a command's folders, the engine, dates and errors."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError

from bot.errors import FaqbotError
from bot.settings import MatchSettings, Settings, get_settings

KnowledgeOpt = Annotated[Optional[Path], typer.Option("--knowledge", help="knowledge folder (default: setting FAQBOT_KNOWLEDGE_DIR or ./knowledge)")]
IndexOpt = Annotated[Optional[Path], typer.Option("--index", help="index folder (default: setting FAQBOT_INDEX_DIR or ./index)")]


def settings_with(knowledge: Path | None = None, index: Path | None = None) -> Settings:
    try:
        settings = get_settings()
    except ValidationError as exc:  # a FAQBOT_* value out of range: say which, not a traceback
        prefix = (MatchSettings if exc.title == MatchSettings.__name__ else Settings).model_config["env_prefix"]
        for error in exc.errors():
            name = prefix + "_".join(str(part) for part in error["loc"]).upper()
            typer.echo(f"error: {name}={error.get('input')!r}: {error['msg']}", err=True)
        raise typer.Exit(1) from None
    updates = {k: v for k, v in (("knowledge_dir", knowledge), ("index_dir", index)) if v is not None}
    return settings.model_copy(update=updates) if updates else settings


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def fail(exc: FaqbotError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


def make_engine(settings: Settings, build_stale: bool = True):
    from bot.engine import Engine

    return Engine.from_settings(settings, build_stale)
