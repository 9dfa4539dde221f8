"""Pages and files a browser loads: the widget, a store picker, a demo shop per store in its
trade's look (knowledge/<store>/demo.toml).

Rendered with jinja2; every page carries a Content-Security-Policy that allows only
this server's own scripts and styles (nothing from a third-party CDN, no inline style): a store's
colours come as a stylesheet of their own, /demo/looks.css.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from bot.engine import Engine
from bot.ingest.knowledge import store_dir
from bot.ingest.showcase import load_showcase

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
STATIC_FILES = {
    "widget.js": "application/javascript",
    "widget.css": "text/css",
    "demo.css": "text/css",
    "agent.js": "application/javascript",
    "agent.css": "text/css",
}


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(loader=PackageLoader("bot.web", "templates"), autoescape=select_autoescape(["html"]))


def page(name: str, **values: object) -> HTMLResponse:
    return HTMLResponse(templates().get_template(name).render(**values), headers=SECURITY_HEADERS)


def pages_router(engine: Engine, widget_dir: Path) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def static(name: str) -> Response:
        # Cross-origin shops load these: no CSP needed on a script, but never sniffed as something else.
        return FileResponse(widget_dir / name, media_type=STATIC_FILES[name], headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300"})

    for name in STATIC_FILES:
        router.add_api_route(f"/{name}", lambda name=name: static(name), methods=["GET"])

    def showcase(store: str):
        return load_showcase(store_dir(engine.knowledge_dir, store))  # unknown store -> 404

    @router.get("/", response_class=HTMLResponse)
    def store_picker() -> HTMLResponse:
        stores = [(store, engine.store_config(store), showcase(store)) for store in engine.stores()]
        return page("index.html", stores=stores)

    @router.get("/demo/looks.css")
    def store_looks() -> Response:
        """Each store's accent as custom properties on `.store-<id>` (ids are [a-z0-9_-], safe as class names;
        colours are validated "#rrggbb")."""
        rules = [f".store-{store} {{ --accent: {look.accent}; --accent-soft: {look.accent_soft}; }}" for store, look in ((s, showcase(s)) for s in engine.stores())]
        return Response("\n".join(rules) + "\n", media_type="text/css", headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})

    @router.get("/demo/{store}", response_class=HTMLResponse)
    def demo_shop(store: str) -> HTMLResponse:
        config = engine.store_config(store)  # unknown store -> 404
        return page("demo.html", store=store, config=config, look=showcase(store))

    return router
