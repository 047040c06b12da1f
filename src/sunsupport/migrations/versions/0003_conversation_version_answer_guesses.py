"""conversation version, the bot's guesses on its answers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

``sessions.version`` counts the changes of a conversation: a message's answer is
computed from one version and stored only if the conversation is still at it (an
optimistic check instead of a lock held while the bot thinks). ``messages.guesses``
keeps the bot's top readings on its answers, so a 👎 does not run the bot again.
Plain ADD COLUMN (no table rebuild): existing rows and AUTOINCREMENT are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sessions", sa.Column("version", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("messages", sa.Column("guesses", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("guesses")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("version")
