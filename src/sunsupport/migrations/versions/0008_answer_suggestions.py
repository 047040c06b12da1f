"""the quick replies offered with a bot answer

Revision ID: 0008_answer_suggestions
Revises: 0004_accounts
Create Date: 2026-11-28

``messages.suggestions`` keeps the quick replies the bot offered with an answer (a
clarification's options, «Позвать оператора» after a non-answer), so a reloaded page and
the operator console show what the customer was offered, not just the text. NULL on
every other message and on answers stored before this revision. Plain ADD COLUMN (no
table rebuild): existing rows and AUTOINCREMENT are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_answer_suggestions"
down_revision: str | None = "0004_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("suggestions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("suggestions")
