"""The agents' console and its API: suggested replies, feedback, the inbox of what the bot
could not answer, teaching it a phrasing, and a small analytics view.

Sign-in is a password from settings (FAQBOT_AGENT_PASSWORD), kept as a signed cookie so
any worker accepts it. Without a password the console is open only on a loopback address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import smtplib
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, Security
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.clean import Day, Text
from bot.db import AgentSession, Exchange, Feedback, InboundMail, LearnedPhrasing, learned_for, stored_utc, utcnow
from bot.email.compose import person_reply
from bot.email.parse import read_message
from bot.email.smtp import send_via_relay
from bot.email.store import record_agent_decision
from bot.engine import Engine
from bot.policy.calendar import store_today
from bot.taught import phrase_key
from bot.turn import suggestions
from bot.errors import FaqbotError, InvalidRequest
from bot.web.contract import AGENT_COOKIE_NAME, AGENT_PASSWORD, AGENT_SESSION, errors
from bot.web.guards import bearer_token
from bot.web.pages import page
from bot.web.ratelimit import RateLimiter

COOKIE = AGENT_COOKIE_NAME
# A draft's id is an Integer column: PostgreSQL's is 32-bit, and past SQLite's 64 bits the driver raised (500).
DraftId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the draft's id, from GET /v1/agent/drafts")]
SESSION_SECONDS = 12 * 3600


class AgentAuthRequired(FaqbotError):
    code, http_status = "agent_auth_required", 401

    def __init__(self) -> None:
        super().__init__("sign in to the agents' console first (POST /v1/agent/login with the agent password)")


class WrongPassword(FaqbotError):
    code, http_status = "wrong_password", 401

    def __init__(self) -> None:
        super().__init__("that is not the agent password")


class ConsoleClosed(FaqbotError):
    code, http_status = "console_closed", 403

    def __init__(self, why: str = "the agents' console needs FAQBOT_AGENT_PASSWORD when the server listens beyond loopback") -> None:
        super().__init__(why)


class TooManySignIns(FaqbotError):
    code, http_status = "too_many_sign_ins", 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many wrong passwords: try again in {retry_after} s")
        self.retry_after = retry_after


PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")  # a request that came through a proxy, not from this machine
SIGN_INS_PER_CLIENT = 5  # wrong passwords per client address per minute, then 429 until the minute ends
SIGN_INS_PER_ACCOUNT = 30  # ... and from all addresses together: the one agents' account


def password_mark(password: str | None) -> str:
    """What a session cookie carries: a digest of the password it was signed in with, so changing
    the password ends every session, whatever FAQBOT_SECRET_KEY is."""
    return hashlib.sha256(f"faqbot-agent-session:{password or ''}".encode()).hexdigest()[:32]


class Login(BaseModel):
    password: Text


class SuggestRequest(BaseModel):
    store: Text
    message: Text = Field(min_length=1, max_length=2000)
    today: Day | None = None


class SourceText(BaseModel):
    id: str
    title: str
    score: float
    citation: str
    text: str


def range_days(since: datetime, days: int) -> list[str]:
    """The UTC dates from `since` to today, as ISO strings (the last `days` days and today)."""
    first = since.astimezone(UTC).date()
    return [(first + timedelta(days=n)).isoformat() for n in range(days + 1)]


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC to the second ("2026-11-25T14:34:52Z"): the console shows it in the agent's own time."""
    return stored_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


class DraftIn(BaseModel):
    store: Text
    text: Text = Field(default="", max_length=20000)  # the reply as the agent edited it (send); unused by discard


class DraftNotFound(FaqbotError):
    code, http_status = "draft_not_found", 404

    def __init__(self, draft_id: int) -> None:
        super().__init__(f"no draft {draft_id} waiting for this store (sent, discarded, or another store's)")


class CannotSend(FaqbotError):
    code, http_status = "cannot_send", 409


class Suggestion(BaseModel):
    kind: str
    reply: str
    confidence: float
    sources: list[SourceText]
    sure: bool  # the bot would send it itself (a computed or order reply, or an answer at the answer threshold); else check it first


class FeedbackIn(BaseModel):
    store: Text
    message: Text = Field(min_length=1, max_length=2000)
    suggested: Text = Field(max_length=10000)
    verdict: Literal["up", "down", "edited"]
    edited: Text | None = Field(default=None, max_length=10000)
    source_ids: list[Text] = Field(default_factory=list)


class PhrasingIn(BaseModel):
    store: Text
    phrase: Text = Field(min_length=1, max_length=400)
    passage_id: Text | None = Field(default=None, description="the passage it means; null marks the question out of scope")


def agent_router(
    engine: Engine,
    sessions: sessionmaker[Session],
    password: str | None,
    secret: str,
    console_open: bool,
    limiters: tuple[RateLimiter, RateLimiter],
    relay: str | None = None,
) -> APIRouter:
    """`limiters`: wrong passwords per client address and for the account (shared by workers through Redis);
    `relay`: "HOST:PORT" a draft an agent approves is sent through (settings.email_relay; None: not sent from here)."""
    router = APIRouter()
    signer = URLSafeTimedSerializer(secret, salt="faqbot-agent")
    per_client, per_account = limiters
    mark = password_mark(password)

    def open_here(request: Request) -> bool:
        """No password: open to a caller on this machine itself, never to one a proxy forwarded."""
        return console_open and not any(name in request.headers for name in PROXY_HEADERS)

    def check_password(request: Request, given: str) -> bool:
        client = f"agent-auth:{request.client.host if request.client else '?'}"
        for limiter, key in ((per_client, client), (per_account, "agent-auth:account")):
            verdict = limiter.peek(key)
            if not verdict.allowed:
                raise TooManySignIns(verdict.retry_after)
        if hmac.compare_digest(given.encode(), (password or "").encode()):
            return True
        per_client.hit(client)
        per_account.hit("agent-auth:account")
        return False

    def signed_in(request: Request, token: str | None) -> bool:
        """`token`: the password an API caller sent as `Authorization: Bearer`; else the console's cookie counts."""
        if password is None:
            return open_here(request)
        if token and check_password(request, token):
            return True
        return cookie_session(request) is not None

    def cookie_session(request: Request) -> str | None:
        """The sign-in the console's cookie names, while it is signed with this password and not ended."""
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return None
        try:
            signed_mark, session_id = signer.loads(cookie, max_age=SESSION_SECONDS)
        except (BadSignature, TypeError, ValueError):
            return None
        if not hmac.compare_digest(str(signed_mark), mark):
            return None
        with sessions() as db:
            row = db.get(AgentSession, str(session_id))
            return row.id if row is not None and row.ended_at is None else None

    def require_agent(request: Request) -> None:
        """The caller may use the console's API: from the headers alone (the password as a bearer token, or the cookie)."""
        if password is None and not open_here(request):
            raise ConsoleClosed() if not console_open else ConsoleClosed("without FAQBOT_AGENT_PASSWORD the console answers only callers on this machine, not through a proxy")
        if not signed_in(request, bearer_token(request.headers.get("authorization"))):
            raise AgentAuthRequired()

    class AgentRoute(APIRoute):
        """A console API route: its caller is checked before FastAPI reads the body. FastAPI reads and parses a
        declared body before any dependency runs, so as a dependency the check came after up to
        FAQBOT_MAX_BODY_BYTES of anyone's JSON (and a malformed body got 422, not 401)."""

        def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
            handle = super().get_route_handler()

            async def checked(request: Request) -> Response:
                await run_in_threadpool(require_agent, request)  # a cookie's session is looked up in the database
                return await handle(request)

            return checked

    def credentials(
        _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(AGENT_PASSWORD)] = None,
        _cookie: Annotated[str | None, Security(AGENT_SESSION)] = None,
    ) -> None:
        """States the two ways in, for OpenAPI; AgentRoute has checked them before this runs."""

    agent_api = APIRouter(route_class=AgentRoute, dependencies=[Depends(credentials)])

    @router.get("/agent", response_class=HTMLResponse, include_in_schema=False)
    def console(request: Request) -> HTMLResponse:
        if password is None and not open_here(request):
            raise ConsoleClosed()
        stores = [(store, engine.store_config(store).name) for store in engine.stores()]
        inside = signed_in(request, None)
        # "Sign out" only where there is a sign-in: a console open without a password has none.
        return page("agent.html", stores=stores, signed_in=inside, sign_out=inside and password is not None)

    @router.post("/v1/agent/login", responses=errors(401, 403, 413, 422, 429))
    def login(body: Login, request: Request, response: Response) -> dict:
        if password is None:
            if not open_here(request):
                raise ConsoleClosed()
            return {"signed_in": True}
        if not check_password(request, body.password):
            raise WrongPassword()
        session_id = secrets.token_urlsafe(24)
        with sessions() as db:
            db.add(AgentSession(id=session_id))
            db.commit()
        response.set_cookie(COOKIE, signer.dumps([mark, session_id]), max_age=SESSION_SECONDS, httponly=True, samesite="strict")
        return {"signed_in": True}

    @router.post("/v1/agent/logout", responses=errors())
    def logout(request: Request, response: Response) -> dict:
        session_id = cookie_session(request)
        if session_id is not None:  # ended for every worker, not only dropped from this browser
            with sessions() as db:
                db.get(AgentSession, session_id).ended_at = utcnow()
                db.commit()
        response.delete_cookie(COOKIE)
        return {"signed_in": False}

    @agent_api.post("/v1/suggest", response_model=list[Suggestion], responses=errors(401, 403, 404, 413, 422, 429))
    def suggest(body: SuggestRequest) -> list[Suggestion]:
        """Up to three replies for a customer's message, each with its sources' text."""
        today = body.today or store_today(engine.store_config(body.store).timezone)
        with sessions() as db:
            replies = suggestions(engine, db, body.store, body.message, today, utcnow())
            db.commit()  # an order looked up is recorded, as every lookup is
        out = []
        for reply in replies:
            sources = []
            for source in reply.sources:
                chunk = engine.passage(body.store, source.id)
                sources.append(SourceText(id=source.id, title=source.title, score=source.score, citation=source.citation, text=chunk.text if chunk else ""))
            # A computed answer on facts read off a pasted page carries the reading's confidence (Engine.reading_confidence).
            sure = reply.kind == "order" or (reply.kind in ("answer", "policy") and reply.confidence >= engine.match_settings.answer_min_confidence)
            # The words an agent copies into a reply: the mail's (no chat-only "tell me more" or source line;
            # the sources are listed beside it).
            out.append(Suggestion(kind=reply.kind, reply=reply.mail_text or reply.text, confidence=reply.confidence, sources=sources, sure=sure))
        return out

    @agent_api.post("/v1/feedback", responses=errors(401, 403, 404, 413, 422, 429))
    def feedback(body: FeedbackIn) -> dict:
        engine.store_config(body.store)  # unknown store -> 404
        if body.verdict == "edited" and not (body.edited or "").strip():
            raise InvalidRequest("edited", "an edited reply needs its text here")
        with sessions() as db:
            row = Feedback(store=body.store, message=body.message, suggested=body.suggested, verdict=body.verdict, edited=body.edited, source_ids=body.source_ids)
            db.add(row)
            db.commit()
            return {"id": row.id}

    @agent_api.get("/v1/agent/inbox", responses=errors(401, 403, 404, 422, 429))
    def inbox(store: str, days: int = Query(30, ge=1, le=3650), limit: int = Query(50, ge=1, le=1000)) -> list[dict]:
        """What the bot could not answer (handoffs, "did you mean", low confidence) and answers agents
        marked 👎 or rewrote, most frequent first."""
        engine.store_config(store)
        since = utcnow() - timedelta(days=days)
        with sessions() as db:
            rows = db.execute(
                select(Exchange.message, Exchange.kind, Exchange.confidence, Exchange.created_at).where(
                    Exchange.store == store, Exchange.created_at >= since, Exchange.kind.in_(("handoff", "clarify", "answer"))
                )
            ).all()
            # An answer an agent marked 👎 or rewrote was wrong however sure the bot was: it belongs here too.
            disowned = db.execute(
                select(Feedback.message, Feedback.verdict, Feedback.created_at).where(
                    Feedback.store == store, Feedback.created_at >= since, Feedback.verdict.in_(("down", "edited"))
                )
            ).all()
            taught = set(learned_for(db, store))
        threshold = engine.match_settings.answer_min_confidence
        groups: dict[str, dict] = {}
        flagged = [(message, "thumbs_down" if verdict == "down" else "edited", 0.0, created) for message, verdict, created in disowned]
        for message, kind, confidence, created in [*rows, *flagged]:
            if kind == "answer" and confidence >= threshold:
                continue
            key = phrase_key(message)
            if not key or key in taught:
                continue
            group = groups.setdefault(key, {"message": message, "count": 0, "kinds": Counter(), "last_seen": created})
            group["count"] += 1
            group["kinds"][kind] += 1
            group["last_seen"] = max(group["last_seen"], created)
        ranked = sorted(groups.values(), key=lambda g: (-g["count"], str(g["last_seen"])), reverse=False)[:limit]
        proposed = likely_entries(store, [g["message"] for g in ranked])
        return [
            {"message": g["message"], "count": g["count"], "kind": g["kinds"].most_common(1)[0][0], "last_seen": str(g["last_seen"]), "proposed": likely}
            for g, likely in zip(ranked, proposed, strict=True)
        ]

    def likely_entries(store: str, messages: list[str], per_message: int = 3) -> list[list[dict]]:
        """For each message, the passages retrieval ranks first (distinct passages, best first): what an
        agent most likely attaches it to, proposed instead of a default that attaches blindly."""
        if not messages:
            return []
        runtime = engine.runtime(store)
        found = []
        for message, vector in zip(messages, engine.encode_asked(runtime, messages), strict=True):
            seen: dict[str, dict] = {}
            for candidate in runtime.retriever.retrieve(message, vector).candidates:
                if candidate.chunk.passage_id not in seen:
                    seen[candidate.chunk.passage_id] = {"id": candidate.chunk.id, "title": candidate.chunk.title}
                if len(seen) == per_message:
                    break
            found.append(list(seen.values()))
        return found

    @agent_api.get("/v1/agent/drafts", responses=errors(401, 403, 404, 422, 429))
    def drafts(store: str, limit: int = Query(50, ge=1, le=1000)) -> list[dict]:
        """Mail the auto-responder left for a person: who wrote, why it did not answer, its draft."""
        engine.store_config(store)
        with sessions() as db:
            rows = db.scalars(
                select(InboundMail).where(InboundMail.store == store, InboundMail.decision.in_(("draft", "error"))).order_by(InboundMail.id.desc()).limit(limit)
            ).all()
            return [
                {"id": r.id, "sender": r.sender, "subject": r.subject, "received_at": iso_utc(r.received_at), "reason": r.reason, "questions": r.questions, "draft": r.reply_text or ""}
                for r in rows
            ]

    def waiting_draft(db: Session, store: str, draft_id: int) -> InboundMail:
        record = db.get(InboundMail, draft_id)
        if record is None or record.store != store or record.decision not in ("draft", "error"):
            raise DraftNotFound(draft_id)
        return record

    @agent_api.post("/v1/agent/drafts/{draft_id}/send", responses=errors(401, 403, 404, 409, 413, 422, 429))
    def send_draft(draft_id: DraftId, body: DraftIn) -> dict:
        """Send a draft as the agent edited it, threaded under the customer's mail, through the relay."""
        config = engine.store_config(body.store)
        reply_from = engine.runtime(body.store).reply_from
        if relay is None or reply_from is None:
            raise CannotSend("set FAQBOT_EMAIL_RELAY (HOST:PORT)" if relay is None else "the store has no support_email in store.toml to send from")
        with sessions() as db:
            record = waiting_draft(db, body.store, draft_id)
            message = person_reply(read_message(record.raw), body.text, config, reply_from)
            host, _, port = relay.rpartition(":")
            try:
                send_via_relay(message, (host, int(port)))
            except (OSError, smtplib.SMTPException) as exc:
                raise CannotSend(f"the relay {relay} refused it: {exc}") from None
            record_agent_decision(db, record.id, "sent", body.text)
            db.commit()
        return {"sent": True, "to": message["To"]}

    @agent_api.post("/v1/agent/drafts/{draft_id}/discard", responses=errors(401, 403, 404, 413, 422, 429))
    def discard_draft(draft_id: DraftId, body: DraftIn) -> dict:
        """Nothing to send (answered another way, or spam a person recognised): the draft leaves the list, the mail stays recorded."""
        engine.store_config(body.store)
        with sessions() as db:
            record_agent_decision(db, waiting_draft(db, body.store, draft_id).id, "discarded", None)
            db.commit()
        return {"discarded": True}

    @agent_api.get("/v1/agent/passages", responses=errors(401, 403, 404, 422, 429))
    def passages(store: str) -> list[dict]:
        chunks = engine.runtime(store).retriever.index.chunks
        return [{"id": c.id, "title": c.title, "citation": c.citation} for c in chunks]

    @agent_api.post("/v1/agent/phrasings", responses=errors(401, 403, 404, 413, 422, 429))
    def teach(body: PhrasingIn) -> dict:
        """Attach a shopper's wording to a passage (or mark it out of scope): used from the next question on."""
        engine.store_config(body.store)  # unknown store -> 404
        if body.passage_id is not None and engine.passage(body.store, body.passage_id) is None:
            raise InvalidRequest("passage_id", f"store {body.store!r} has no passage {body.passage_id!r}")
        key = phrase_key(body.phrase)
        if not key:
            raise InvalidRequest("phrase", "the phrasing has no words")
        with sessions() as db:
            row = db.scalar(select(LearnedPhrasing).where(LearnedPhrasing.store == body.store, LearnedPhrasing.phrase_key == key))
            if row is None:
                db.add(LearnedPhrasing(store=body.store, phrase=body.phrase, phrase_key=key, passage_id=body.passage_id))
            else:
                row.passage_id = body.passage_id
            db.commit()
        return {"phrase": body.phrase, "passage_id": body.passage_id}

    @agent_api.get("/v1/agent/analytics", responses=errors(401, 403, 404, 422, 429))
    def analytics(store: str, days: int = Query(14, ge=1, le=3650)) -> dict:
        """Questions per day by outcome, the share of each outcome, and the passages asked about most."""
        engine.store_config(store)
        since = utcnow() - timedelta(days=days)
        with sessions() as db:
            rows = db.execute(select(Exchange.kind, Exchange.sources, Exchange.created_at).where(Exchange.store == store, Exchange.created_at >= since)).all()
        per_day: dict[str, Counter] = defaultdict(Counter)
        shares: Counter = Counter()
        topics: Counter = Counter()
        for kind, sources, created in rows:
            per_day[stored_utc(created).date().isoformat()][kind] += 1
            shares[kind] += 1
            if sources:
                topics[sources[0]["title"]] += 1
        total = sum(shares.values())
        return {
            # Every day of the range, quiet ones too: a chart's days are its axis.
            "days": [{"date": day, **per_day.get(day, {}), "total": sum(per_day.get(day, {}).values())} for day in range_days(since, days)],
            "shares": {kind: round(count / total, 4) for kind, count in shares.items()} if total else {},
            "total": total,
            "top_topics": [{"title": title, "count": count} for title, count in topics.most_common(8)],
        }

    router.include_router(agent_api)
    return router
