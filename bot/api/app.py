"""FastAPI app factory: routes stay thin; every error leaves as {"error": {"code", "message"}}."""

from __future__ import annotations

import base64
import hashlib
import os
from collections import Counter
from typing import Annotated

from fastapi import Depends, FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.clean import Day, Text
from bot.conversations import chat
from bot.db import InboundMail, session_factory, upgrade_database, utcnow
from bot.email.decide import email_rules
from bot.email.responder import process_mail
from bot.email.store import record_sent
from bot.engine import Engine
from bot.errors import BadOrders, FaqbotError, InvalidRequest
from bot.ingest import StoreConfig
from bot.orders.imports import upsert_orders
from bot.orders.lookup import lookup_limits
from bot.orders.records import OrderRecord, future_date, number_key
from bot.settings import Settings, get_settings, store_api_key
from bot.web.agent import SIGN_INS_PER_ACCOUNT, SIGN_INS_PER_CLIENT, agent_router
from bot.web.contract import STORE_KEY, errors
from bot.web.cors import StoreCors
from bot.web.guards import UNAUTHORIZED, BodyLimit, PushKey, token_matches
from bot.web.pages import pages_router
from bot.web.ratelimit import make_limiter


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"store": "sessori", "message": "can I return a ring I got last week?"}]})

    store: Text = Field(description="store id: sessori, dissoo, stelladot, …")
    message: Text = Field(description="the shopper's message, at most 2,000 characters")
    session_id: Text | None = Field(default=None, description="continue a conversation; omitted -> a new one")
    today: Day | None = Field(default=None, description="YYYY-MM-DD (2000-2099); overrides the clock for replay and tests")


class SourceOut(BaseModel):
    id: str
    title: str
    score: float


class ChatResponse(BaseModel):
    store: str
    session_id: str
    kind: str = Field(description="answer | policy | order | clarify | handoff | smalltalk")
    reply: str
    confidence: float
    sources: list[SourceOut]
    suggestions: list[str]


class StoreOut(BaseModel):
    id: str
    name: str
    support_email: str | None
    website: str | None


class PassageOut(BaseModel):
    id: str
    title: str
    heading: str | None
    text: str
    citation: str


# One order or a list: the body's own shape picks which, so a bad field is reported once, as order.email or
# orders.2.email, not once per reading of the union.
OrderPush = Annotated[
    Annotated[OrderRecord, Tag("order")] | Annotated[list[OrderRecord], Tag("orders")],
    Discriminator(lambda body: "orders" if isinstance(body, list) else "order"),
]


class OrdersPushed(BaseModel):
    created: int
    updated: int
    unchanged: int


class MailProcessed(BaseModel):
    decision: str = Field(description="replied | draft | ignored | duplicate | error")
    reason: str
    record_id: int | None = Field(description="the mail's record (inbound_mails)")
    reply_base64: str | None = Field(
        default=None,
        description="when replied: the reply, an RFC 5322 message, base64. The caller sends it, then POSTs …/mail/{record_id}/sent",
    )
    draft: str | None = Field(default=None, description="when a draft: the text an agent starts from (also in the console)")


class MailSent(BaseModel):
    record_id: int
    decision: str = Field(description="replied")


RecordId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the mail's record_id, from POST /v1/stores/{store}/mail")]


class MailTooBig(FaqbotError):
    code, http_status = "body_too_large", 413

    def __init__(self, limit: int) -> None:
        super().__init__(f"the mail is over {limit} bytes (FAQBOT_EMAIL_MAX_BYTES)")


class NoReplyWaiting(FaqbotError):
    code, http_status = "not_found", 404

    def __init__(self, store: str, record_id: int) -> None:
        super().__init__(f"store {store!r} has no reply of mail {record_id} waiting to be handed on")


class Unauthorized(FaqbotError):
    code, http_status = "unauthorized", 401

    def __init__(self) -> None:
        super().__init__(UNAUTHORIZED)


LOCAL_CLIENTS = {"127.0.0.1", "::1", "localhost"}


def is_local(client: str | None) -> bool:
    """A caller on this machine itself (local tools, health checks, replay scripts) is not rate-limited.
    Behind a reverse proxy uvicorn takes the shopper's address from X-Forwarded-For, so shoppers are."""
    return client in LOCAL_CLIENTS


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def describe_validation(exc: RequestValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"] if p != "body") or "body"
        if error["type"] == "json_invalid":
            return "the request body is not valid JSON"
        problems.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(problems)


def create_app(settings: Settings, engine: Engine | None = None, migrate: bool = True, public: bool = False) -> FastAPI:
    """`public`: the server listens beyond loopback, so the agents' console needs a password."""
    if migrate:
        upgrade_database(settings.database_url)
    engine = engine or Engine.from_settings(settings)
    sessions = session_factory(settings.database_url)
    # FastAPIOffline: the docs pages load Swagger UI and ReDoc from files the package ships, so /docs works with no network.
    app = FastAPIOffline(title="faqbot", version="0.1.0", description="Answers each store's shoppers from that store's own FAQ.")
    app.state.engine = engine
    limiter = make_limiter(settings.chat_rate_limit_per_minute, settings.redis_url)
    secret = settings.secret_key or hashlib.sha256(f"faqbot-agent:{settings.agent_password or 'open'}".encode()).hexdigest()

    def origins_of(store: str) -> tuple[str, ...]:
        try:
            return engine.store_config(store).allowed_origins
        except FaqbotError:
            return ()

    def push_key_of(store: str) -> str | None | bool:
        try:
            return store_api_key(store, engine.store_config(store).api_key)
        except FaqbotError:
            return False  # no such store: the endpoint's 404

    app.add_middleware(StoreCors, origins_of=origins_of, all_origins=lambda: {o for s in engine.stores() for o in origins_of(s)})
    app.add_middleware(PushKey, key_of=push_key_of)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)  # added last: runs first
    app.include_router(pages_router(engine, settings.widget_dir))
    sign_ins = (make_limiter(SIGN_INS_PER_CLIENT, settings.redis_url), make_limiter(SIGN_INS_PER_ACCOUNT, settings.redis_url))
    app.include_router(agent_router(engine, sessions, settings.agent_password, secret, console_open=not public, limiters=sign_ins, relay=settings.email_relay))

    @app.exception_handler(FaqbotError)
    async def on_faqbot_error(_: Request, exc: FaqbotError) -> JSONResponse:
        headers = {}
        if retry := getattr(exc, "retry_after", None):  # a 429 says when to come back
            headers["Retry-After"] = str(retry)
        if exc.http_status == 500:  # ours (a model or exemplars that cannot load): closed as any 500 is
            headers["Connection"] = "close"
        return JSONResponse(error_body(exc.code, str(exc)), status_code=exc.http_status, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body("invalid_request", describe_validation(exc)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's own answer to a body it cannot read (not UTF-8, nested past the JSON parser's
            # depth): nothing here raises 400, and malformed JSON is a 422 like any other bad body.
            return JSONResponse(error_body("invalid_request", "body: not JSON this server can read (UTF-8, nested at most a few hundred deep)"), status_code=422)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)  # a 405's Allow

    @app.exception_handler(Exception)
    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The connection is closed after a 500: whatever failed may have left the request half read.
        return JSONResponse(
            error_body("internal_error", "something went wrong on our side; please try again"), status_code=500, headers={"Connection": "close"}
        )

    @app.post("/v1/chat", response_model=ChatResponse, responses=errors(404, 413, 422, 429))
    def post_chat(body: ChatRequest, request: Request, engine: EngineDep) -> ChatResponse | JSONResponse:
        """Answer one shopper message for one store."""
        request.state.store = body.store  # for the store's CORS origins
        client = request.client.host if request.client else None
        verdict = limiter.hit(f"chat:{client}") if not is_local(client) else None
        if verdict is not None and not verdict.allowed:
            return JSONResponse(
                error_body("rate_limited", f"too many messages; please wait {verdict.retry_after} seconds"),
                status_code=429,
                headers={"Retry-After": str(verdict.retry_after)},
            )
        turn = chat(
            engine, sessions, body.store, body.message, body.session_id, body.today, settings.max_message_chars, client=client,
            limits=lookup_limits(settings.order_lookup_max_failures, settings.order_lookup_window_minutes), now=utcnow(),
        )
        reply = turn.reply
        return ChatResponse(
            store=reply.store,
            session_id=turn.session_id,
            kind=reply.kind,
            reply=reply.text,
            confidence=reply.confidence,
            sources=[SourceOut(id=s.id, title=s.title, score=s.score) for s in reply.sources],
            suggestions=list(reply.suggestions),
        )

    def store_key_required(store: str, key: HTTPAuthorizationCredentials | None) -> StoreConfig:
        """The store's own API key, for what its systems send (orders, mail); the store's config, once it is checked."""
        config = engine.store_config(store)  # unknown store -> 404
        if not token_matches(store_api_key(store, config.api_key), key.credentials if key else None):  # PushKey checked it before the body; the endpoint stands alone too
            raise Unauthorized()
        return config

    @app.post("/v1/stores/{store}/orders", response_model=OrdersPushed, responses=errors(401, 404, 413, 422))
    def push_orders(
        store: str, body: OrderPush, engine: EngineDep, key: Annotated[HTTPAuthorizationCredentials | None, Security(STORE_KEY)] = None
    ) -> OrdersPushed:
        """A store's own system pushes new or updated orders (same fields as the native CSV, items nested).
        Send `Authorization: Bearer <the store's API key>`."""
        config = store_key_required(store, key)
        records = body if isinstance(body, list) else [body]
        counts = Counter(number_key(r.order_number) for r in records)
        repeated = sorted({r.order_number for r in records if counts[number_key(r.order_number)] > 1})
        if repeated:
            raise InvalidRequest("order_number", f"order {', '.join(repeated)} is sent more than once in this request: send each order once, with all its items")
        today = utcnow().date()
        too_early = [f"order {r.order_number}: {problem}" for r in records if (problem := future_date(r, today))]
        if too_early:
            raise BadOrders("; ".join(too_early))
        with sessions() as db:
            result = upsert_orders(db, store, records, config.timezone)
            db.commit()
        return OrdersPushed(created=result.created, updated=result.updated, unchanged=result.unchanged)

    rules = email_rules(settings)

    @app.post(
        "/v1/stores/{store}/mail",
        response_model=MailProcessed,
        responses=errors(401, 404, 413, 422),
        openapi_extra={"requestBody": {"required": True, "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}}}},
    )
    async def post_mail(
        store: str,
        request: Request,
        today: Annotated[Day | None, Query(description="YYYY-MM-DD: the day policy answers count from (default: the store's today)")] = None,
        key: Annotated[HTTPAuthorizationCredentials | None, Security(STORE_KEY)] = None,
    ) -> MailProcessed:
        """One inbound mail, raw (`Content-Type: message/rfc822`), answered as `faqbot email reply`
        answers it: recorded, decided, and the reply written or a draft left. A reply is recorded
        `sending` until the caller reports it handed on (`…/mail/{record_id}/sent`). Send
        `Authorization: Bearer <the store's API key>`; the server's FAQBOT_EMAIL_* settings decide."""
        store_key_required(store, key)
        raw = await request.body()
        if not raw.strip():
            raise InvalidRequest("body", "the raw mail (message/rfc822) is empty")
        if len(raw) > settings.email_max_bytes:
            raise MailTooBig(settings.email_max_bytes)

        def answer() -> MailProcessed:
            with sessions() as db:
                outcome = process_mail(engine, db, store, raw, rules, today)
            reply = base64.b64encode(outcome.reply.as_bytes()).decode() if outcome.reply is not None else None
            return MailProcessed(decision=outcome.decision, reason=outcome.reason, record_id=outcome.record_id, reply_base64=reply, draft=outcome.draft)

        return await run_in_threadpool(answer)

    @app.post("/v1/stores/{store}/mail/{record_id}/sent", response_model=MailSent, responses=errors(401, 404, 422))
    def mail_sent(store: str, record_id: RecordId, key: Annotated[HTTPAuthorizationCredentials | None, Security(STORE_KEY)] = None) -> MailSent:
        """The reply the server wrote for this mail was handed on: its record becomes `replied`."""
        store_key_required(store, key)
        with sessions() as db:
            record = db.get(InboundMail, record_id)
            if record is None or record.store != store or record.decision not in ("sending", "replied"):
                raise NoReplyWaiting(store, record_id)
            record_sent(db, record_id)
        return MailSent(record_id=record_id, decision="replied")

    @app.get("/v1/stores", response_model=list[StoreOut], responses=errors())
    def get_stores(engine: EngineDep) -> list[StoreOut]:
        return [
            StoreOut(id=store, name=config.name, support_email=config.support_email, website=config.website)
            for store in engine.stores()
            for config in [engine.store_config(store)]
        ]

    @app.get("/v1/stores/{store}", response_model=StoreOut, responses=errors(404, 422))
    def get_store(store: str, engine: EngineDep) -> StoreOut:
        """One store's public face: what the widget greets with."""
        config = engine.store_config(store)
        return StoreOut(id=store, name=config.name, support_email=config.support_email, website=config.website)

    @app.get("/v1/stores/{store}/passages/{passage_id}", response_model=PassageOut, responses=errors(404, 422))
    def get_passage(store: str, passage_id: str, engine: EngineDep) -> JSONResponse | PassageOut:
        """The whole passage a reply cited: the rest of a precise answer, one step away."""
        chunk = engine.passage(store, passage_id)
        if chunk is None:
            return JSONResponse(error_body("unknown_passage", f"store {store!r} has no passage {passage_id!r}"), status_code=404)
        return PassageOut(id=chunk.id, title=chunk.title, heading=chunk.heading, text=chunk.text, citation=chunk.citation)

    @app.get("/healthz", responses=errors())
    def healthz(engine: EngineDep) -> dict:
        """Index freshness per store, which worker process answered (`faqbot serve --workers N`) and
        which stores it holds in memory now (`loaded`, least recently asked first: a store is loaded
        at its first question and dropped when idle; asking here loads none)."""
        stores = {store: engine.check_fresh(store) for store in engine.stores()}
        status = "ok" if all(s == "fresh" for s in stores.values()) else "degraded"
        return {"status": status, "stores": stores, "worker": os.getpid(), "loaded": engine.loaded_stores()}

    return app


def serving_app() -> FastAPI:
    """What each worker of `faqbot serve --workers N` builds for itself, from the settings the command
    left in its environment: the encoder and exemplars loaded before the worker takes a request, each
    store at its first question. The indexes were built and the database migrated once, by the
    command, before the workers started."""
    settings = get_settings()
    engine = Engine.from_settings(settings, build_stale=False)
    engine.warm()
    return create_app(settings, engine, migrate=False, public=settings.serve_public)
