"""accounts: token versions, username skeletons, the audit log, task leases

Revision ID: 0004_accounts
Revises: 0007_bot_review
Create Date: 2026-11-27

``users.token_version`` (every token carries it; bumping it revokes them all) and
``users.username_skeleton`` (the TS #39 skeleton, unique: look-alike names cannot both
exist). Existing accounts get their skeletons here; when two existing names already look
alike, both accounts keep working and the later one simply has no skeleton (NULL is not
unique-checked). ``audit_log`` records staff actions; ``task_leases`` lets one process
of many run a periodic task; an index finds a deleted conversation's statistics rows
(re-keyed to random ids). The users table is rebuilt on SQLite (batch mode) to add the
unique constraint, keeping AUTOINCREMENT.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sunsupport.core.usernames import skeleton

revision: str = "0004_accounts"
down_revision: str | None = "0007_bot_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("users", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.add_column(
            sa.Column("token_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("username_skeleton", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(batch.f("uq_users_username_skeleton"), ["username_skeleton"])
    _backfill_skeletons()
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )
    # Deleting conversations re-keys their statistics rows, found by conversation id.
    op.create_index(
        "ix_stats_conversation_days_conversation_id",
        "stats_conversation_days",
        ["conversation_id"],
    )
    op.create_table(
        "task_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_task_leases")),
    )


def _backfill_skeletons() -> None:
    users = sa.table(
        "users",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("username_skeleton", sa.String),
    )
    bind = op.get_bind()
    taken: set[str] = set()
    rows = bind.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all()
    for user_id, username in rows:
        key = skeleton(username)
        if key in taken:
            continue  # an older account looks the same: both keep working, this one unkeyed
        taken.add(key)
        bind.execute(users.update().where(users.c.id == user_id).values(username_skeleton=key))


def downgrade() -> None:
    op.drop_table("task_leases")
    op.drop_index("ix_stats_conversation_days_conversation_id", "stats_conversation_days")
    op.drop_table("audit_log")
    with op.batch_alter_table("users", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.drop_constraint(batch.f("uq_users_username_skeleton"), type_="unique")
        batch.drop_column("username_skeleton")
        batch.drop_column("token_version")
