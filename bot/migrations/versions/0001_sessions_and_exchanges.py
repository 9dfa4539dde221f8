"""chat sessions and the record of every exchange

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_sessions_store", "chat_sessions", ["store"])
    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(64), sa.ForeignKey("chat_sessions.id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_exchanges_session_id", "exchanges", ["session_id"])
    op.create_index("ix_exchanges_store_created", "exchanges", ["store", "created_at"])


def downgrade() -> None:
    op.drop_table("exchanges")
    op.drop_table("chat_sessions")
