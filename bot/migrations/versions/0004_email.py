"""inbound mail with the bot's decision, reason and reply or draft

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_mails",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(998), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("questions", sa.JSON, nullable=False),
        sa.Column("reply_text", sa.Text, nullable=True),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("store", "content_hash", name="uq_inbound_store_hash"),
    )
    op.create_index("ix_inbound_sender", "inbound_mails", ["store", "sender", "received_at"])
    op.create_index("ix_inbound_message_id", "inbound_mails", ["store", "message_id"])
    op.create_index("ix_inbound_decision", "inbound_mails", ["store", "decision", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbound_decision", "inbound_mails")
    op.drop_index("ix_inbound_message_id", "inbound_mails")
    op.drop_index("ix_inbound_sender", "inbound_mails")
    op.drop_table("inbound_mails")
