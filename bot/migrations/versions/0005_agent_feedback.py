"""agents' feedback on suggested replies, and phrasings they taught the bot

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("suggested", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("edited", sa.Text, nullable=True),
        sa.Column("source_ids", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feedback_store_created", "feedback", ["store", "created_at"])
    op.create_table(
        "learned_phrasings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store", sa.String(64), nullable=False),
        sa.Column("phrase", sa.Text, nullable=False),
        sa.Column("phrase_key", sa.String(400), nullable=False),
        sa.Column("passage_id", sa.String(128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("store", "phrase_key", name="uq_learned_store_phrase"),
    )


def downgrade() -> None:
    op.drop_table("learned_phrasings")
    op.drop_index("ix_feedback_store_created", "feedback")
    op.drop_table("feedback")
