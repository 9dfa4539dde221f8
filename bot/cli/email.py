"""`faqbot email reply | serve | batch`."""

from __future__ import annotations

import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from bot.cli.common import IndexOpt, KnowledgeOpt, fail, make_engine, parse_day, settings_with
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.email.decide import EmailRules

email_app = typer.Typer(help="Email auto-responder: answer customer mail when sure, draft for a person when not.", no_args_is_help=True)


def host_port(value: str, what: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise typer.BadParameter(f"{what} must be HOST:PORT, e.g. 127.0.0.1:2525")
    return host, int(port)


def email_rules(settings: Settings) -> EmailRules:
    from bot.email.decide import email_rules as rules  # the answering code is imported only where a mail is answered here

    return rules(settings)


def setup(knowledge: Path | None, index: Path | None):
    from bot.db import session_factory, upgrade_database

    settings = settings_with(knowledge, index)
    upgrade_database(settings.database_url)
    return settings, make_engine(settings), session_factory(settings.database_url), email_rules(settings)


@email_app.command("reply")
def reply(
    store: Annotated[str, typer.Option("--store")],
    today: Annotated[Optional[str], typer.Option("--today", help="YYYY-MM-DD")] = None,
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
    server: Annotated[
        Optional[str],
        typer.Option("--server", help="URL of a running `faqbot serve` to answer there (warm: no model loaded here); default FAQBOT_SERVER_URL"),
    ] = None,
) -> None:
    """Read one message on stdin; print the reply (exit 0) or say why not (exit 3; a draft is recorded).

    With --server (or FAQBOT_SERVER_URL) the running server answers it, with the store's API key
    (FAQBOT_API_KEY_<STORE> or store.toml's api_key); when no server answers there, it is answered here."""
    raw = sys.stdin.buffer.read()
    if not raw.strip():
        typer.echo("error: no message on stdin", err=True)
        raise typer.Exit(2)
    day = parse_day(today)
    settings = settings_with(knowledge)
    url = server or settings.server_url
    if url:
        reply_remotely(url, store, raw, day, settings.knowledge_dir)  # returns only when no server is there
    reply_here(store, raw, day, knowledge, index)


def reply_remotely(url: str, store: str, raw: bytes, today: date | None, knowledge_dir: Path) -> None:
    """Exits with the server's answer; returns when no server is there to answer (nothing was stored)."""
    from bot.cli.remote import NoServer, ServerRefused, answer_remotely, report_sent, store_key

    key = store_key(knowledge_dir, store)
    try:
        outcome = answer_remotely(url, store, raw, today, key)
    except NoServer as exc:
        typer.echo(f"note: no faqbot server answers at {url} ({exc}); answering here", err=True)
        return
    except ServerRefused as exc:
        if exc.status == 413:  # over the server's request size (FAQBOT_MAX_BODY_BYTES): nothing was stored there
            typer.echo(f"note: {url} takes no mail this big ({exc}); answering here", err=True)
            return
        typer.echo(f"error: {url} refused the mail ({exc})", err=True)
        raise typer.Exit(1) from None
    except OSError as exc:  # sent, but no answer came back: the server may be answering it still
        typer.echo(f"error: no answer from {url} ({exc}); the server may have recorded the mail, so it is not answered here", err=True)
        raise typer.Exit(1) from None
    exit_unless_replied(outcome.decision, outcome.reason, outcome.reply is not None)
    sys.stdout.buffer.write(outcome.reply)
    sys.stdout.buffer.flush()
    try:
        report_sent(url, store, outcome.record_id, key)  # handed on: whoever reads stdout sends it
    except (OSError, ServerRefused) as exc:
        typer.echo(f"warning: the reply is printed, but {url} could not record it as handed on ({exc}): it stays 'sending'", err=True)
    raise typer.Exit(0)


def exit_unless_replied(decision: str, reason: str, replied: bool) -> None:
    """The exit codes `email reply` promises, answered here or by a server: 1 for an error (the mail
    is recorded), 3 for no reply (a draft, a duplicate, an ignored mail), with the reason on stderr."""
    if decision == "error":
        typer.echo(f"error: {reason} (the mail is recorded)", err=True)
        raise typer.Exit(1)
    if not replied:
        typer.echo(f"{decision}: {reason}", err=True)
        raise typer.Exit(3)


def reply_here(store: str, raw: bytes, today: date | None, knowledge: Path | None, index: Path | None) -> None:
    """In this process: the model and the store's index are loaded first (seconds)."""
    from bot.email.responder import process_mail
    from bot.email.store import record_sent
    from bot.errors import FaqbotError

    try:
        settings, engine, sessions, rules = setup(knowledge, index)
        with sessions() as db:
            outcome = process_mail(engine, db, store, raw, rules, today)
    except FaqbotError as exc:
        fail(exc)
    exit_unless_replied(outcome.decision, outcome.reason, outcome.reply is not None)
    sys.stdout.buffer.write(outcome.reply.as_bytes())
    sys.stdout.buffer.flush()
    with sessions() as db:
        record_sent(db, outcome.record_id)  # handed on: whoever reads stdout sends it


@email_app.command("serve")
def serve(
    store: Annotated[str, typer.Option("--store")],
    listen: Annotated[str, typer.Option("--listen", help="HOST:PORT to accept mail on")] = "127.0.0.1:2525",
    relay: Annotated[str, typer.Option("--relay", help="HOST:PORT of the SMTP relay replies go out through")] = "127.0.0.1:25",
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
) -> None:
    """Accept the store's inbound mail over SMTP and answer through the relay."""
    from bot.email.smtp import start_server
    from bot.errors import FaqbotError

    listen_at, relay_at = host_port(listen, "--listen"), host_port(relay, "--relay")
    try:
        settings, engine, sessions, rules = setup(knowledge, index)
        engine.runtime(store)  # an unknown store fails here, and the index is loaded before the first mail
    except FaqbotError as exc:
        fail(exc)
    controller = start_server(engine, sessions, store, listen_at, relay_at, rules, settings.email_max_bytes)
    typer.echo(f"faqbot email for {store}: SMTP on {listen}, replies via {relay}", err=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@email_app.command("batch")
def batch(
    folder: Annotated[Path, typer.Argument(help="a maildir (cur/ and new/) or a folder of .eml files")],
    store: Annotated[str, typer.Option("--store")],
    today: Annotated[Optional[str], typer.Option("--today", help="YYYY-MM-DD")] = None,
    relay: Annotated[Optional[str], typer.Option("--relay", help="HOST:PORT: send the replies; without it they are only recorded")] = None,
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
) -> None:
    """Process every message in the folder once (a second run skips what was done).

    Without --relay nothing is sent: a reply the bot would send is kept as a draft, so no
    customer is left unanswered by a record that says "replied"."""
    import smtplib
    from collections import Counter

    from bot.email.responder import MailOutcome, process_mail
    from bot.email.smtp import send_via_relay
    from bot.email.store import draft_interrupted_replies, record_sent, record_unsent
    from bot.errors import FaqbotError

    if not folder.is_dir():
        raise typer.BadParameter(f"{folder} is not a folder")
    # A maildir's tmp/ holds mail still being written: left alone.
    files = sorted(p for sub in ("new", "cur", ".") for p in (folder / sub).glob("*") if p.is_file() and not p.name.startswith("."))
    relay_at = host_port(relay, "--relay") if relay else None
    day = parse_day(today)
    try:
        settings, engine, sessions, rules = setup(knowledge, index)
        engine.store_config(store)
    except FaqbotError as exc:
        fail(exc)
    with sessions() as db:
        draft_interrupted_replies(db, store)  # a run killed while sending left them: the relay may have them
    counts: Counter = Counter()
    for path in dict.fromkeys(files):
        with sessions() as db:
            outcome = process_mail(engine, db, store, path.read_bytes(), rules, day)
            if outcome.reply is not None:
                try:
                    if relay_at is None:
                        raise OSError("no --relay given")
                    send_via_relay(outcome.reply, relay_at)
                except (OSError, smtplib.SMTPException) as exc:
                    record_unsent(db, outcome.record_id, f"{relay or 'batch'}: {exc}")
                    outcome = MailOutcome("draft", f"reply not sent: {exc}")
                else:
                    record_sent(db, outcome.record_id)
        counts[outcome.decision] += 1
        typer.echo(f"{path.name}: {outcome.decision} — {outcome.reason}")
    typer.echo(", ".join(f"{n} {d}" for d, n in sorted(counts.items())) or "no messages")
