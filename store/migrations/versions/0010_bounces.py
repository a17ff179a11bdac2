"""bounces: email_addresses bounce score and state, bounce_events

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("email_addresses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("bounce_score", sa.Double(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("last_bounce_at", store.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("bounce_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("bouncing_since", store.base.UTCDateTime(timezone=True), nullable=True)
        )

    op.create_table(
        "bounce_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("outbox_item_id", sa.Integer(), nullable=True),
        sa.Column("inbox_item_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["inbox_item_id"], ["inbox_items.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["outbox_item_id"], ["outbox_items.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("bounce_events", schema=None) as batch_op:
        batch_op.create_index("ix_bounce_events_address_at", ["address", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_bounce_events_outbox_item_id"), ["outbox_item_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("bounce_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bounce_events_outbox_item_id"))
        batch_op.drop_index("ix_bounce_events_address_at")
    op.drop_table("bounce_events")

    with op.batch_alter_table("email_addresses", schema=None) as batch_op:
        batch_op.drop_column("bouncing_since")
        batch_op.drop_column("bounce_reason")
        batch_op.drop_column("last_bounce_at")
        batch_op.drop_column("bounce_score")
