"""Storage: SQLAlchemy engine, tables and Alembic migrations.

SQLite by default (a file under var/, WAL, busy timeout: several workers can
share it); PostgreSQL when FAQBOT_DATABASE_URL says `postgresql+psycopg://…`.
The schema changes only through migrations in bot/migrations/.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, create_engine, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from bot.errors import FaqbotError

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(FaqbotError):
    code, http_status = "database_error", 503


def utcnow() -> datetime:
    return datetime.now(UTC)


def stored_utc(moment: datetime) -> datetime:
    """A moment read back from the database, aware in UTC: SQLite hands back naive datetimes (they
    were stored in UTC), PostgreSQL aware ones."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ChatSession(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    store: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A policy question waiting for one answer ("When did your order arrive?"): kept here, not in
    # memory, so the next turn may reach another worker or come after a restart.
    pending: Mapped[dict | None] = mapped_column(JSON, nullable=True, default=None)


class Exchange(Base):
    """One shopper message and the bot's reply: what inbox, analytics and slot filling read."""

    __tablename__ = "exchanges"
    __table_args__ = (Index("ix_exchanges_store_created", "store", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="api")
    message: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    sources: Mapped[list] = mapped_column(JSON, default=list)  # [{"id", "title", "score"}]
    reply: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200), default="")
    latency_ms: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Order(Base):
    """A store's order as its system knows it; looked up only with the number *and* the email."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("store", "number_key", name="uq_orders_store_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store: Mapped[str] = mapped_column(String(64))
    order_number: Mapped[str] = mapped_column(String(64))  # as the store writes it: "#1001", "DS-1234"
    number_key: Mapped[str] = mapped_column(String(64))  # what a shopper's "order 1001" is matched on
    email: Mapped[str] = mapped_column(String(320))  # lower-case, trimmed
    status: Mapped[str] = mapped_column(String(16))  # processing | backordered | shipped | delivered | cancelled
    placed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    carrier: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tracking_number: Mapped[str | None] = mapped_column(String(128), nullable=True)
    destination_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    destination_region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    items: Mapped[list[OrderItem]] = relationship(back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id")


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str | None] = mapped_column(String(128), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    final_sale: Mapped[bool] = mapped_column(Boolean, default=False)
    personalized: Mapped[bool] = mapped_column(Boolean, default=False)
    order: Mapped[Order] = relationship(back_populates="items")


class LookupAttempt(Base):
    """Every order lookup, to stop someone guessing numbers: counted per session and per client address."""

    __tablename__ = "lookup_attempts"
    __table_args__ = (
        Index("ix_lookup_attempts_session", "session_id", "created_at"),
        Index("ix_lookup_attempts_client", "store", "client", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(String(64))
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InboundMail(Base):
    """Every mail a store received, with what the bot decided and why: nothing is lost, and
    drafts wait here for an agent. The raw message is kept, written before SMTP says 250."""

    __tablename__ = "inbound_mails"
    __table_args__ = (
        UniqueConstraint("store", "content_hash", name="uq_inbound_store_hash"),
        Index("ix_inbound_sender", "store", "sender", "received_at"),
        Index("ix_inbound_message_id", "store", "message_id"),
        Index("ix_inbound_decision", "store", "decision", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(998), nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the raw bytes: a re-run batch skips it
    sender: Mapped[str] = mapped_column(String(320))  # lower-case From address; masked in logs only
    subject: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    size: Mapped[int] = mapped_column(Integer)  # raw bytes
    decision: Mapped[str] = mapped_column(String(16))  # received | sending | replied | draft | ignored | error | sent | discarded
    reason: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list] = mapped_column(JSON, default=list)  # the questions found, in order
    reply_text: Mapped[str | None] = mapped_column(Text, nullable=True)  # the reply sent, or the draft
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class Feedback(Base):
    """An agent's verdict on a suggested reply: 👍, 👎, or the edited text they sent instead."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_store_created", "store", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    suggested: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(8))  # up | down | edited
    edited: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LearnedPhrasing(Base):
    """A shopper's wording an agent attached to a passage (or marked out of scope).

    Kept in the database, not the index: the bot uses it from the next question on,
    in every worker, and a rebuild of the index does not lose it."""

    __tablename__ = "learned_phrasings"
    __table_args__ = (UniqueConstraint("store", "phrase_key", name="uq_learned_store_phrase"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    store: Mapped[str] = mapped_column(String(64))
    phrase: Mapped[str] = mapped_column(Text)
    phrase_key: Mapped[str] = mapped_column(String(400))
    passage_id: Mapped[str | None] = mapped_column(String(128), nullable=True)  # None: out of scope
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgentSession(Base):
    """An agent's sign-in: the console's cookie names it, and signing out ends it in every worker
    (a signed cookie alone would stay valid for its whole 12 hours after sign-out)."""

    __tablename__ = "agent_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, default=None)


def prepare_url(url: str) -> str:
    """Create the folder of a SQLite file so a newcomer needs nothing set up."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return url


@lru_cache(maxsize=8)
def database_engine(url: str) -> Engine:
    prepare_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        # hide_parameters: an error's text (logged, and kept beside a mail that failed) never carries the
        # values of its statement, which are shoppers' emails and messages.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def sqlite_pragmas(connection, _record) -> None:  # noqa: ANN001 - DB-API connection
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(database_engine(url), expire_on_commit=False)


def alembic_config(url: str):  # -> alembic.config.Config
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> str:
    """Migrate to the newest schema; returns the revision now in place."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    prepare_url(url)
    try:
        command.upgrade(alembic_config(url), "head")
        with database_engine(url).connect() as connection:
            return MigrationContext.configure(connection).get_current_revision() or "base"
    except Exception as exc:  # the driver's own error says what is wrong with the URL/server
        if isinstance(exc, FaqbotError):
            raise
        raise DatabaseError(f"cannot migrate the database at {make_url(url).render_as_string(hide_password=True)}: {exc}") from exc


def last_source_id(db: Session, session_id: str) -> str | None:
    """The passage this session was last answered from (quoted or computed from), or offered first after
    "did you mean": for "tell me more"."""
    row = db.execute(
        select(Exchange.sources).where(Exchange.session_id == session_id, Exchange.kind.in_(("answer", "clarify", "policy"))).order_by(Exchange.id.desc()).limit(1)
    ).scalar_one_or_none()
    return row[0]["id"] if row else None


def learned_for(db: Session, store: str) -> dict[str, str | None]:
    """Phrasings agents taught this store (phrase key -> passage id, None = out of scope): read per
    turn, so a phrasing taught in one worker is used by every worker from the next question on."""
    return {row.phrase_key: row.passage_id for row in db.scalars(select(LearnedPhrasing).where(LearnedPhrasing.store == store))}
