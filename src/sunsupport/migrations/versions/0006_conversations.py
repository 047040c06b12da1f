"""conversations: system notes, staff display names, daily statistics

Revision ID: 0006_conversations
Revises: 0003
Create Date: 2026-11-27

- ``messages.sender_type`` may be ``system`` (an operator joined, gave the chat back to
  the bot, closed it); ``messages.author_name`` keeps the name the customer saw and
  ``messages.event`` which change a system note records. The CHECK constraint changes,
  so SQLite rebuilds the table in batch mode (keeping AUTOINCREMENT: ids are never
  handed out again).
- ``users.display_name``: the name staff show to customers.
- ``stats_*``: daily aggregates without text, folded when things happen, so clearing or
  deleting a chat never changes the statistics. Existing messages and conversations are
  folded in here once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_conversations"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}
SENDERS_BEFORE = "sender_type IN ('user', 'bot', 'operator')"
SENDERS_AFTER = "sender_type IN ('user', 'bot', 'operator', 'system')"


def upgrade() -> None:
    with op.batch_alter_table("messages", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.add_column(sa.Column("author_name", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("event", sa.String(length=16), nullable=True))
        batch.drop_constraint(op.f("ck_messages_sender_type_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_messages_sender_type_valid"), SENDERS_AFTER)
    with op.batch_alter_table("users", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.add_column(sa.Column("display_name", sa.String(length=64), nullable=True))

    op.create_table(
        "stats_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        *(
            sa.Column(name, sa.Integer(), server_default="0", nullable=False)
            for name in (
                "user_messages",
                "bot_messages",
                "operator_messages",
                "fallbacks",
                "thumbs_up",
                "thumbs_down",
            )
        ),
        sa.PrimaryKeyConstraint("day", "bucket", name=op.f("pk_stats_daily")),
    )
    op.create_table(
        "stats_daily_intents",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("day", "intent", name=op.f("pk_stats_daily_intents")),
    )
    op.create_table(
        "stats_conversation_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("day", "conversation_id", name=op.f("pk_stats_conversation_days")),
    )
    op.create_table(
        "stats_conversations",
        sa.Column("conversation_id", sa.String(length=36), nullable=False),
        sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_stats_conversations")),
    )
    op.create_index(
        op.f("ix_stats_conversations_first_response_at"),
        "stats_conversations",
        ["first_response_at"],
    )
    _fold_existing_history()


def _fold_existing_history() -> None:
    """The aggregates of what happened before this revision (one pass over the tables)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    day = "CAST(sent_at AT TIME ZONE 'UTC' AS DATE)" if postgres else "date(sent_at)"
    seconds = (
        "EXTRACT(EPOCH FROM first_response_at - waiting_since)"
        if postgres
        else "(julianday(first_response_at) - julianday(waiting_since)) * 86400.0"
    )
    op.execute(
        f"""
        INSERT INTO stats_daily (day, bucket, user_messages, bot_messages, operator_messages,
                                 fallbacks, thumbs_up, thumbs_down)
        SELECT {day}, 0,
               SUM(CASE WHEN sender_type = 'user' THEN 1 ELSE 0 END),
               SUM(CASE WHEN sender_type = 'bot' THEN 1 ELSE 0 END),
               SUM(CASE WHEN sender_type = 'operator' THEN 1 ELSE 0 END),
               SUM(CASE WHEN sender_type = 'bot' AND intent = 'fallback' THEN 1 ELSE 0 END),
               SUM(CASE WHEN feedback = 1 THEN 1 ELSE 0 END),
               SUM(CASE WHEN feedback = -1 THEN 1 ELSE 0 END)
        FROM messages GROUP BY {day}
        """  # noqa: S608 (no input: fixed SQL fragments)
    )
    op.execute(
        f"""
        INSERT INTO stats_daily_intents (day, intent, count)
        SELECT {day}, intent, COUNT(*) FROM messages
        WHERE sender_type = 'bot' AND intent IS NOT NULL GROUP BY {day}, intent
        """  # noqa: S608
    )
    op.execute(
        f"""
        INSERT INTO stats_conversation_days (day, conversation_id)
        SELECT DISTINCT {day}, session_id FROM messages WHERE sender_type = 'user'
        """  # noqa: S608
    )
    op.execute(
        f"""
        INSERT INTO stats_conversations (conversation_id, handed_off_at, rating,
                                         first_response_at, first_response_seconds)
        SELECT id, handed_off_at, rating, first_response_at,
               CASE WHEN first_response_at >= waiting_since THEN {seconds} END
        FROM sessions
        WHERE handed_off_at IS NOT NULL OR rating IS NOT NULL OR first_response_at IS NOT NULL
        """  # noqa: S608
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_stats_conversations_first_response_at"), "stats_conversations")
    for table in (
        "stats_conversations",
        "stats_conversation_days",
        "stats_daily_intents",
        "stats_daily",
    ):
        op.drop_table(table)
    with op.batch_alter_table("users", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.drop_column("display_name")
    op.execute("DELETE FROM messages WHERE sender_type = 'system'")
    with op.batch_alter_table("messages", table_kwargs=KEEP_AUTOINCREMENT) as batch:
        batch.drop_constraint(op.f("ck_messages_sender_type_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_messages_sender_type_valid"), SENDERS_BEFORE)
        batch.drop_column("event")
        batch.drop_column("author_name")
