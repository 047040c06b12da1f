"""bot review: confident answers that went wrong reach the inbox; reviews can confirm

Revision ID: 0007_bot_review
Revises: 0005_visitors
Create Date: 2026-11-27

- ``misunderstood.reason`` gains ``asked_human`` (a confident answer followed by a request
  for a human within two turns), ``rephrased`` (followed by the same question again) and
  ``sampled`` (a random sample of confident answers).
- ``misunderstood.status`` gains ``confirmed``: the admin checked the answer and it was
  right.

The CHECK constraints change, so SQLite rebuilds the table in batch mode (keeping
AUTOINCREMENT). Downgrading deletes the rows the old constraints would refuse.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007_bot_review"
down_revision: str | None = "0005_visitors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}
REASONS_BEFORE = "reason IN ('fallback', 'low_confidence', 'downvote')"
REASONS_AFTER = (
    "reason IN ('fallback', 'low_confidence', 'downvote', 'asked_human', 'rephrased', 'sampled')"
)
STATUSES_BEFORE = "status IN ('new', 'resolved', 'dismissed')"
STATUSES_AFTER = "status IN ('new', 'resolved', 'dismissed', 'confirmed')"


def upgrade() -> None:
    with op.batch_alter_table("misunderstood", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.drop_constraint(op.f("ck_misunderstood_reason_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_misunderstood_reason_valid"), REASONS_AFTER)
        batch.drop_constraint(op.f("ck_misunderstood_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_misunderstood_status_valid"), STATUSES_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM misunderstood WHERE reason IN ('asked_human', 'rephrased', 'sampled')")
    op.execute("UPDATE misunderstood SET status = 'resolved' WHERE status = 'confirmed'")
    with op.batch_alter_table("misunderstood", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.drop_constraint(op.f("ck_misunderstood_reason_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_misunderstood_reason_valid"), REASONS_BEFORE)
        batch.drop_constraint(op.f("ck_misunderstood_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_misunderstood_status_valid"), STATUSES_BEFORE)
