"""sessions waiting on an order lookup keep the shopper's email as a key, not the address

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import json

import sqlalchemy as sa
from alembic import op

from bot.orders.lookup import email_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sessions = sa.table("chat_sessions", sa.column("id", sa.String), sa.column("pending", sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(sessions.c.id, sessions.c.pending).where(sessions.c.pending.is_not(None))):
        pending = row.pending if isinstance(row.pending, dict) else json.loads(row.pending or "null")
        if isinstance(pending, dict) and isinstance(pending.get("email"), str) and "@" in pending["email"]:
            connection.execute(sa.update(sessions).where(sessions.c.id == row.id).values(pending={**pending, "email": email_key(pending["email"])}))


def downgrade() -> None:
    pass  # a key cannot be turned back into the address; the lookup reads both
