"""visitors, profile fields, unread marks, the mail outbox

Revision ID: 0005_visitors
Revises: 0006_conversations
Create Date: 2026-11-27

Role ``visitor`` (an account without a password: ``hashed_password`` becomes nullable),
``users.email`` (where reply emails go; the display name came with 0006),
``users.live_until`` (presence kept by open live connections, shared by every process),
``sessions.read_message_id`` (what the owner has seen: the unread count), and the
``notifications`` outbox the mail worker sends from. Users are rebuilt in batch mode
for the CHECK constraint and the nullable column; AUTOINCREMENT is kept.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_visitors"
down_revision: str | None = "0006_conversations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}
OLD_ROLES = "role IN ('user', 'operator', 'admin')"
NEW_ROLES = "role IN ('user', 'operator', 'admin', 'visitor')"


def upgrade() -> None:
    with op.batch_alter_table("users", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.alter_column("hashed_password", existing_type=sa.String(255), nullable=True)
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("live_until", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint(op.f("ck_users_role_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role_valid"), NEW_ROLES)
    op.add_column("sessions", sa.Column("read_message_id", sa.Integer(), nullable=True))
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'skipped', 'failed')",
            name=op.f("ck_notifications_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_notifications_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_notifications_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_notifications_status_due_at", "notifications", ["status", "due_at"], unique=False
    )
    op.create_index(
        "ix_notifications_session_id_status",
        "notifications",
        ["session_id", "status"],
        unique=False,
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("notifications")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("read_message_id")
    # Visitors cannot exist under the old rules (no role, no password): they go, with
    # their conversations.
    op.execute("DELETE FROM users WHERE role = 'visitor' OR hashed_password IS NULL")
    with op.batch_alter_table("users", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.drop_constraint(op.f("ck_users_role_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_users_role_valid"), OLD_ROLES)
        batch.drop_column("live_until")
        batch.drop_column("email")
        batch.alter_column("hashed_password", existing_type=sa.String(255), nullable=False)
