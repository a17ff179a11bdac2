"""calls for information

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("actor_types", sa.JSON(), nullable=False),
        sa.Column("actor_codes", sa.JSON(), nullable=False),
        sa.Column("created_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("sent_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    op.create_table(
        "call_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("sent_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outbox_item_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_call_recipients_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_call_recipients_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_item_id"],
            ["outbox_items.id"],
            name=op.f("fk_call_recipients_outbox_item_id_outbox_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_call_recipients_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_recipients")),
        sa.UniqueConstraint(
            "call_id",
            "person_id",
            "actor_id",
            name=op.f("uq_call_recipients_call_id_person_id_actor_id"),
        ),
    )
    with op.batch_alter_table("call_recipients", schema=None) as batch_op:
        batch_op.create_index("ix_call_recipients_call", ["call_id", "actor_id"], unique=False)

    op.create_table(
        "forwarded_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_recipient_id", sa.Integer(), nullable=False),
        sa.Column("inbox_item_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_recipient_id"],
            ["call_recipients.id"],
            name=op.f("fk_forwarded_answers_call_recipient_id_call_recipients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inbox_item_id"],
            ["inbox_items.id"],
            name=op.f("fk_forwarded_answers_inbox_item_id_inbox_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forwarded_answers")),
    )


def downgrade() -> None:
    op.drop_table("forwarded_answers")
    with op.batch_alter_table("call_recipients", schema=None) as batch_op:
        batch_op.drop_index("ix_call_recipients_call")

    op.drop_table("call_recipients")
    op.drop_table("calls")
