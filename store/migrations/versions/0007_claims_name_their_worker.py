"""claims name their worker: inbox and outbox claimed_by, outbox claimed_at and handed_off_at

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch_op.create_index(
            "ix_inbox_items_status_claimed_by", ["status", "claimed_by"], unique=False
        )

    with op.batch_alter_table("outbox_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("claimed_at", store.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("handed_off_at", store.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_outbox_items_status_claimed_by", ["status", "claimed_by"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_items", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_items_status_claimed_by")
        batch_op.drop_column("handed_off_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")

    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_items_status_claimed_by")
        batch_op.drop_column("claimed_by")
