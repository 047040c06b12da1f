"""handoff: roles, conversation status, feedback, inbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Adds columns with server defaults, so existing rows keep their data: every existing
conversation starts with the bot, every existing account is a plain user.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite batch mode rebuilds a table from reflection, which does not see AUTOINCREMENT:
# without this, ids of deleted users (and messages) could be handed out again.
KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortcut", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
        sa.UniqueConstraint("shortcut", name=op.f("uq_canned_replies_shortcut")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "kb_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_kb_examples_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_examples")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("kb_examples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kb_examples_intent"), ["intent"], unique=False)

    op.create_table(
        "misunderstood",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("guesses", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="new", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "reason IN ('fallback', 'low_confidence', 'downvote')",
            name=op.f("ck_misunderstood_reason_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'resolved', 'dismissed')", name=op.f("ck_misunderstood_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["messages.id"],
            name=op.f("fk_misunderstood_answer_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_misunderstood_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_misunderstood_session_id_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_misunderstood")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("misunderstood", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_misunderstood_answer_id"), ["answer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_misunderstood_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_misunderstood_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index("ix_misunderstood_status_id", ["status", "id"], unique=False)

    with op.batch_alter_table("messages", schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("feedback", sa.SmallInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_messages_author_id_users"),
            "users",
            ["author_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_messages_feedback_valid"), "feedback IS NULL OR feedback IN (-1, 1)"
        )

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="bot", nullable=False)
        )
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rating_comment", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_sessions_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(
            "ix_sessions_status_waiting_since", ["status", "waiting_since"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sessions_assignee_id_users"),
            "users",
            ["assignee_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_sessions_status_valid"),
            "status IN ('bot', 'pending_human', 'open', 'resolved')",
        )
        batch_op.create_check_constraint(
            op.f("ck_sessions_rating_range"), "rating IS NULL OR (rating BETWEEN 1 AND 5)"
        )

    with op.batch_alter_table("users", schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), server_default="user", nullable=False)
        )
        batch_op.add_column(sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_users_role_valid"), "role IN ('user', 'operator', 'admin')"
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role_valid"), type_="check")
        batch_op.drop_column("last_active_at")
        batch_op.drop_column("role")

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_sessions_rating_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_sessions_status_valid"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_sessions_assignee_id_users"), type_="foreignkey")
        batch_op.drop_index("ix_sessions_status_waiting_since")
        batch_op.drop_index(batch_op.f("ix_sessions_assignee_id"))
        batch_op.drop_column("rating_comment")
        batch_op.drop_column("rating")
        batch_op.drop_column("handed_off_at")
        batch_op.drop_column("resolved_at")
        batch_op.drop_column("first_response_at")
        batch_op.drop_column("waiting_since")
        batch_op.drop_column("assignee_id")
        batch_op.drop_column("status")

    with op.batch_alter_table("messages", schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint(op.f("ck_messages_feedback_valid"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_messages_author_id_users"), type_="foreignkey")
        batch_op.drop_column("feedback")
        batch_op.drop_column("author_id")

    with op.batch_alter_table("misunderstood", schema=None) as batch_op:
        batch_op.drop_index("ix_misunderstood_status_id")
        batch_op.drop_index(batch_op.f("ix_misunderstood_session_id"))
        batch_op.drop_index(batch_op.f("ix_misunderstood_message_id"))
        batch_op.drop_index(batch_op.f("ix_misunderstood_answer_id"))

    op.drop_table("misunderstood")
    with op.batch_alter_table("kb_examples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_examples_intent"))

    op.drop_table("kb_examples")
    op.drop_table("canned_replies")
