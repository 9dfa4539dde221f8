"""A real faqbot server on a free loopback port (its database, and a loopback SMTP relay for the
drafts agents send), and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from datetime import date
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from aiosmtpd.controller import Controller

from bot.api.app import create_app
from bot.settings import Settings
from tests.conftest import KNOWLEDGE, free_port

TODAY = date(2026, 11, 25)  # the day these replies are worked out on (the engine never reads the clock)

CHROMIUM = "/usr/bin/chromium"
AGENT_PASSWORD = "correct horse battery staple"
# `FAQBOT_SCREENSHOTS=1` refreshes the README's screenshots in docs/; otherwise they go to a temp folder.
DOCS = Path(__file__).resolve().parents[2] / "docs" if os.environ.get("FAQBOT_SCREENSHOTS") else Path(tempfile.gettempdir()) / "faqbot-screenshots"


def screenshot(page, name: str, full_page: bool = True) -> None:
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / name), full_page=full_page)


class Relay:
    """The store's outgoing SMTP relay, on loopback: what the console sends lands in `received`."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[str, list[str], bytes]] = queue.Queue()
        self.address = ""

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.put((envelope.mail_from, envelope.rcpt_tos, envelope.original_content or envelope.content))
        return "250 OK"


@pytest.fixture(scope="module")
def mail_relay() -> Iterator[Relay]:
    relay = Relay()
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    relay.address = f"127.0.0.1:{port}"
    yield relay
    controller.stop()


@pytest.fixture(scope="module")
def web_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's database: a test records mail in it, as `faqbot email serve` would."""
    return f"sqlite:///{tmp_path_factory.mktemp('web') / 'faqbot.db'}"


@pytest.fixture(scope="module")
def live_server(built_index: Path, web_database: str, mail_relay: Relay, engine) -> Iterator[str]:
    settings = Settings(
        knowledge_dir=KNOWLEDGE, index_dir=built_index, database_url=web_database, agent_password=AGENT_PASSWORD, email_relay=mail_relay.address
    )
    app = create_app(settings, engine)
    for store in engine.stores():
        engine.answer(store, "hello", today=TODAY)  # each store loaded before the browser waits on it (under a second alone; more on a busy CI machine)
    started = threading.Event()

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            started.set()  # listening from here on

    port = free_port()
    server = Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert started.wait(30), "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("FAQBOT_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium required in CI but missing at {CHROMIUM}")
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, live_server: str) -> None:
    """The agents' console, signed in with the right password."""
    page.goto(f"{live_server}/agent")
    page.get_by_label("Agent password").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("tab", name="Suggest").wait_for()


@pytest.fixture(scope="module")
def email_drafts(live_server: str, web_database: str, engine) -> dict[str, int]:
    """Two mails the auto-responder left for a person (a complaint, a damaged ring), recorded in the
    live server's database as `faqbot email serve` records them: the draft id of each, by sender."""
    from bot.cli.email import email_rules
    from bot.db import session_factory
    from bot.email.responder import process_mail

    corpus = Path(__file__).resolve().parents[1] / "email" / "corpus"
    drafts = {}
    with session_factory(web_database)() as db:
        for name in ("complaint.eml", "damaged_item.eml"):
            outcome = process_mail(engine, db, "dissoo", (corpus / name).read_bytes(), email_rules(Settings()), TODAY)
            assert outcome.decision == "draft", outcome.reason
            drafts[name.removesuffix(".eml")] = outcome.record_id
    return drafts
