"""A real faqbot server on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from bot.api.app import create_app
from bot.settings import Settings
from tests.conftest import KNOWLEDGE, free_port

TODAY = date(2026, 11, 25)  # the day these replies are worked out on (the engine never reads the clock)

CHROMIUM = "/usr/bin/chromium"
AGENT_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def live_server(built_index: Path, tmp_path_factory: pytest.TempPathFactory, engine) -> Iterator[str]:
    database = tmp_path_factory.mktemp("web") / "faqbot.db"
    settings = Settings(knowledge_dir=KNOWLEDGE, index_dir=built_index, database_url=f"sqlite:///{database}", agent_password=AGENT_PASSWORD)
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
