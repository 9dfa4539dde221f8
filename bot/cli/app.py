"""`faqbot`: build, serve, ask, eval, db. May import anything; nothing imports it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bot.cli.common import IndexOpt, KnowledgeOpt, fail, make_engine, parse_day, settings_with
from bot.cli.email import email_app
from bot.errors import FaqbotError
from bot.settings import get_settings

app = typer.Typer(help="faqbot: a self-hosted support bot that answers each store's shoppers from that store's FAQ.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
orders_app = typer.Typer(help="A store's orders, for order tracking in chat.", no_args_is_help=True)
app.add_typer(orders_app, name="orders")
policy_app = typer.Typer(help="A store's policy.toml.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(email_app, name="email")
model_app = typer.Typer(help="The sentence encoder.", no_args_is_help=True)
app.add_typer(model_app, name="model")

@app.command()
def build(
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
    store: Annotated[Optional[list[str]], typer.Option("--store", help="only these stores")] = None,
    force: Annotated[bool, typer.Option("--force", help="rebuild even if nothing changed")] = False,
) -> None:
    """Embed every store's FAQ into its FAISS index; unchanged stores are skipped."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.index import build_store_index, load_embedder
    from bot.index.embedder import has_export
    from bot.ingest import list_stores, load_store_config
    from bot.ingest.knowledge import store_dir
    from bot.match.exemplars import understanding

    settings = settings_with(knowledge, index)
    console = Console(stderr=True)
    try:
        stores = store or list_stores(settings.knowledge_dir)
        if not stores:
            raise FaqbotError(f"no stores in {settings.knowledge_dir}: add knowledge/<store>/store.toml and a faq.txt")
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, disable=not console.is_terminal) as progress:
            for name in stores:
                config = load_store_config(store_dir(settings.knowledge_dir, name))
                model = config.model_path or settings.resolved_model_path()
                if settings.encoder != "torch" and not has_export(model, settings.encoder_cache, settings.encoder):
                    typer.echo(f"exporting the encoder to ONNX ({settings.encoder}, once per model, under {settings.encoder_cache}) ...", err=True)
                embedder = load_embedder(model, backend=settings.encoder, exports=settings.encoder_cache)
                # The bar counts the texts to encode once they are known (unchanged ones are reused, not counted).
                task = progress.add_task(f"{name}: texts encoded", total=None, visible=False)
                result = build_store_index(
                    settings.knowledge_dir, settings.index_dir, name, embedder, force=force,
                    on_progress=lambda done, total, task=task: progress.update(task, completed=done, total=total, visible=total > 0),
                )
                understanding(embedder, settings.index_dir)  # the exemplars' vectors, kept beside the indexes
                progress.remove_task(task)
                if result.rebuilt:
                    state = f"built {result.chunk_count} chunks in {result.seconds:.2f}s ({result.embedded} texts encoded, {result.reused} unchanged reused)"
                else:
                    state = "up to date"
                print(f"{name}: {state}", flush=True)  # sys.stdout, which the live bar redirects above itself (click's echo bypasses it)
                for warning in result.warnings:
                    typer.echo(f"{name}: warning: {warning}", err=True)
    except FaqbotError as exc:
        fail(exc)


@app.command()
def ask(
    message: Annotated[str, typer.Argument(help="the shopper's message")],
    store: Annotated[str, typer.Option("--store", help="store id, e.g. sessori")],
    as_json: Annotated[bool, typer.Option("--json", help="print the /v1/chat JSON response")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="YYYY-MM-DD: answer as if today were this date")] = None,
    session: Annotated[Optional[str], typer.Option("--session", help="continue this session id")] = None,
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
) -> None:
    """Ask one store a question, as a shopper would."""
    from bot.conversations import chat
    from bot.db import session_factory, upgrade_database

    settings = settings_with(knowledge, index)
    day = parse_day(today)
    try:
        engine = make_engine(settings)
        stale = engine.check_fresh(store) if store in engine.stores() else "fresh"
        if stale != "fresh":
            typer.echo(f"note: index for {store} is {stale}; rebuilding it first", err=True)
        upgrade_database(settings.database_url)
        from bot.db import utcnow
        from bot.orders.lookup import lookup_limits

        turn = chat(
            engine, session_factory(settings.database_url), store, message, session, day, settings.max_message_chars,
            channel="cli", limits=lookup_limits(settings.order_lookup_max_failures, settings.order_lookup_window_minutes), now=utcnow(),
        )
    except FaqbotError as exc:
        fail(exc)
    reply = turn.reply
    if as_json:
        body = {
            "store": reply.store, "session_id": turn.session_id, "kind": reply.kind, "reply": reply.text,
            "confidence": reply.confidence, "sources": [{"id": s.id, "title": s.title, "score": s.score} for s in reply.sources],
            "suggestions": list(reply.suggestions),
        }
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    typer.echo(reply.text)
    if reply.suggestions:
        typer.echo("\nSuggestions: " + " | ".join(reply.suggestions))
    typer.echo(f"\n[{reply.kind}, confidence {reply.confidence:.2f}, session {turn.session_id}]", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes sharing the port (use PostgreSQL and Redis beyond one)")] = 1,
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
) -> None:
    """Serve the JSON API (and OpenAPI docs at /docs); migrates the database and
    rebuilds stale indexes first."""
    import os
    import subprocess

    import uvicorn

    from bot.api.app import create_app
    from bot.db import upgrade_database

    settings = settings_with(knowledge, index)
    loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
    network = {"host": host, "port": port, "log_level": settings.log_level, "proxy_headers": True, "forwarded_allow_ips": settings.forwarded_allow_ips}
    if workers > 1:
        # The indexes are built (in a child process, so this one stays small: it only watches the
        # workers) and the database migrated once, here, so workers never race to do either; each
        # worker then builds its own app from the environment (bot.api.app.serving_app).
        folders = ["--knowledge", str(settings.knowledge_dir), "--index", str(settings.index_dir)]
        if subprocess.run([sys.executable, "-m", "bot.cli.app", "build", *folders], check=False).returncode != 0:
            raise typer.Exit(1)
        try:
            upgrade_database(settings.database_url)
        except FaqbotError as exc:
            fail(exc)
        os.environ.update(
            {"FAQBOT_KNOWLEDGE_DIR": str(settings.knowledge_dir), "FAQBOT_INDEX_DIR": str(settings.index_dir), "FAQBOT_SERVE_PUBLIC": "0" if loopback else "1"}
        )
        typer.echo(f"faqbot serving on http://{host}:{port} with {workers} workers (API docs: /docs)", err=True)
        uvicorn.run("bot.api.app:serving_app", factory=True, workers=workers, **network)
        return
    try:
        engine = make_engine(settings, build_stale=False)  # as each worker: serves what is published, builds nothing in a question
        for name in engine.stores():  # each store is loaded at its first question; its index is built now
            state = engine.check_fresh(name)
            if state != "fresh":
                typer.echo(f"{name}: index {state}; rebuilding", err=True)
                engine.build(name)
        engine.warm()
        application = create_app(settings, engine, public=not loopback)
    except FaqbotError as exc:
        fail(exc)
    typer.echo(f"faqbot serving {', '.join(engine.stores())} on http://{host}:{port} (API docs: /docs)", err=True)
    uvicorn.run(application, **network)


@app.command(name="eval")
def run_eval(
    file: Annotated[Path, typer.Argument(help="labelled questions, JSON lines", exists=True, dir_okay=False)],
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
    show_misses: Annotated[bool, typer.Option("--show-misses", help="list every question not answered correctly")] = False,
) -> None:
    """Run a labelled question set; print a table per store."""
    from rich.console import Console
    from rich.table import Table

    from bot.evaluation import evaluate, latency_summary, read_cases

    settings = settings_with(knowledge, index)
    try:
        scores = evaluate(make_engine(settings), read_cases(file))
    except FaqbotError as exc:
        fail(exc)
    table = Table(title=f"faqbot eval: {file}")
    for column in ("store", "n", "correct", "handoff ok", "wrong", "missed", "oos answered", "accuracy", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "store" else "right")
    for store, score in sorted(scores.items()):
        p50, p99 = latency_summary(score.results)
        table.add_row(
            store, str(len(score.results)), str(score.count("correct")), str(score.count("handed_off_correctly")),
            str(score.count("wrong") + score.count("wrong_store")), str(score.count("missed")), str(score.count("answered_out_of_scope")),
            f"{score.accuracy:.1%}", f"{p50:.1f}", f"{p99:.1f}",
        )
    Console().print(table)
    if show_misses:
        for store, score in sorted(scores.items()):
            for result in score.results:
                if result.outcome not in ("correct", "handed_off_correctly"):
                    typer.echo(f"{store}\t{result.outcome}\t{result.kind}\t{result.case.question}\t-> {result.source_title}")


@orders_app.command("import")
def orders_import(
    file: Annotated[Path, typer.Argument(help="CSV: our native format or Shopify's order export")],
    store: Annotated[str, typer.Option("--store", help="store id the orders belong to")],
    knowledge: KnowledgeOpt = None,
) -> None:
    """Upsert orders by (store, order number); bad rows are reported with their line and skipped."""
    from bot.db import session_factory, upgrade_database, utcnow
    from bot.ingest import load_store_config
    from bot.ingest.knowledge import store_dir
    from bot.orders.imports import import_file

    settings = settings_with(knowledge)
    try:
        config = load_store_config(store_dir(settings.knowledge_dir, store))
        upgrade_database(settings.database_url)
        with session_factory(settings.database_url)() as db:
            result = import_file(db, store, file, config.timezone, utcnow().date())
            db.commit()
    except FaqbotError as exc:
        fail(exc)
    for bad in result.bad_rows:
        typer.echo(f"{file}:{bad.line}: skipped: {bad.reason}", err=True)
    typer.echo(f"{store}: {result.summary}")


@orders_app.command("unlock")
def orders_unlock(
    store: Annotated[str, typer.Option("--store", help="store id")],
    client: Annotated[Optional[str], typer.Option("--client", help="only this client address's failed lookups (default: all of the store's)")] = None,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Lift an order-lookup lockout: failed lookups stop counting (a demo locked out by its own tries)."""
    from bot.db import session_factory, upgrade_database
    from bot.ingest import load_store_config
    from bot.ingest.knowledge import store_dir
    from bot.orders.lookup import forgive_failures

    settings = settings_with(knowledge)
    try:
        load_store_config(store_dir(settings.knowledge_dir, store))  # unknown store -> a clear error
        upgrade_database(settings.database_url)
        with session_factory(settings.database_url)() as db:
            cleared = forgive_failures(db, store, client)
            db.commit()
    except FaqbotError as exc:
        fail(exc)
    typer.echo(f"{store}: {cleared} failed lookup(s) cleared; order lookups are open again")


@policy_app.command("draft")
def policy_draft(
    store: Annotated[str, typer.Option("--store", help="store id")],
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
) -> None:
    """Print the policy facts read off the store's FAQ page, as a policy.toml to check and keep."""
    import tomli_w

    from bot.ingest.knowledge import store_dir
    from bot.policy.model import POLICY_FILE

    settings = settings_with(knowledge, index)
    try:
        # The facts the bot serves without a policy.toml: read off the page with each sentence's topic.
        policy = make_engine(settings).page_policy(store)
    except FaqbotError as exc:
        fail(exc)
    typer.echo(f"# Drafted from {store}'s FAQ page by `faqbot policy draft`: check every fact, then save as")
    typer.echo(f"# {store_dir(settings.knowledge_dir, store) / POLICY_FILE} (the bot uses these facts until a policy.toml exists).")
    typer.echo(tomli_w.dumps(policy.model_dump(exclude_defaults=True, exclude_none=True)))


@app.command()
def lint(
    knowledge: KnowledgeOpt = None,
    store: Annotated[Optional[list[str]], typer.Option("--store", help="only these stores")] = None,
    show_info: Annotated[bool, typer.Option("--info", help="also list contradictions already recorded")] = False,
) -> None:
    """Check each store's knowledge: contradictions, unsupported policy facts, uncovered numbers of days."""
    from rich.console import Console
    from rich.markup import escape

    from bot.ingest import list_stores
    from bot.policy.lint import lint_store

    settings = settings_with(knowledge)
    console = Console(highlight=False, soft_wrap=True)
    errors = warnings = 0
    for name in store or list_stores(settings.knowledge_dir):
        findings = lint_store(settings.knowledge_dir, name)
        errors += sum(f.severity == "error" for f in findings)
        warnings += sum(f.severity == "warning" for f in findings)
        shown = [f for f in findings if show_info or f.severity != "info"]
        recorded = sum(f.severity == "info" for f in findings)
        console.print(f"[bold]{name}[/bold]: {len(shown)} finding(s){f', {recorded} recorded conflict(s)' if recorded else ''}")
        for finding in shown:
            colour = {"error": "red", "warning": "yellow", "info": "cyan"}[finding.severity]
            console.print(f"  [{colour}]{finding.severity}[/{colour}] {finding.check} — {escape(finding.where)}\n    {escape(finding.message)}")
    console.print(f"{errors} error(s), {warnings} warning(s)")
    if errors:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database named by FAQBOT_DATABASE_URL to the newest schema."""
    from bot.db import upgrade_database

    settings = get_settings()
    try:
        revision = upgrade_database(settings.database_url)
    except FaqbotError as exc:
        fail(exc)
    typer.echo(f"database at revision {revision}")


@model_app.command("export")
def model_export(
    model: Annotated[Optional[Path], typer.Option("--model", help="sentence-transformers model folder (default: setting FAQBOT_MODEL_PATH or the packaged MiniLM)")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="folder for exports (default: setting FAQBOT_ENCODER_CACHE)")] = None,
    force: Annotated[bool, typer.Option("--force", help="export again even if an export exists")] = False,
    int8: Annotated[bool, typer.Option("--int8", help="the int8 export (FAQBOT_ENCODER=onnx-int8); default: the one FAQBOT_ENCODER names, else float32")] = False,
) -> None:
    """Export the encoder (its tuning applied) to ONNX, which serving runs without torch.
    Needs torch (installed with faqbot); copy the folder to a server that has none."""
    import shutil

    from bot.index.embedder import TUNING_FILE, check_model_folder, ensure_export, export_folder, onnx_fingerprint

    settings = get_settings()
    path = (model or settings.resolved_model_path()).resolve()
    exports = out or settings.encoder_cache
    try:
        check_model_folder(path)
        backend = "onnx-int8" if int8 or settings.encoder == "onnx-int8" else "onnx"
        fingerprint = onnx_fingerprint(path, TUNING_FILE, backend)
        if force and export_folder(exports, fingerprint).exists():
            shutil.rmtree(export_folder(exports, fingerprint))
        export = ensure_export(path, TUNING_FILE, exports, fingerprint)
    except FaqbotError as exc:
        fail(exc)
    typer.echo(f"{export.folder}  ({export.fingerprint}, {(export.folder / 'model.onnx').stat().st_size / 1e6:.1f} MB)")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
