"""matches, subscriptions, digest ledger, renewal reminders

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digest_runs",
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("started_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_digest_runs")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_subscriptions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subscriptions_address", ["channel", "address", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_subscriptions_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subscriptions_status"), ["status"], unique=False)

    op.create_table(
        "digest_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("outbox_item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_item_id"],
            ["outbox_items.id"],
            name=op.f("fk_digest_ledger_outbox_item_id_outbox_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_ledger")),
        sa.UniqueConstraint(
            "channel", "address", "period", name=op.f("uq_digest_ledger_channel_address_period")
        ),
    )
    with op.batch_alter_table("digest_ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_ledger_period"), ["period"], unique=False)

    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"], ["records.id"], name=op.f("fk_matches_need_id_records"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["records.id"],
            name=op.f("fk_matches_offer_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint("need_id", "offer_id", name=op.f("uq_matches_need_id_offer_id")),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matches_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index("ix_matches_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "record_tags",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_record_tags_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("record_id", "facet", "code", name=op.f("pk_record_tags")),
    )
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.create_index("ix_record_tags_lookup", ["facet", "code", "kind"], unique=False)

    with op.batch_alter_table("outbox_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminded_at", store.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")

    with op.batch_alter_table("outbox_items", schema=None) as batch_op:
        batch_op.drop_column("html")

    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_record_tags_lookup")

    op.drop_table("record_tags")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_status_created")
        batch_op.drop_index(batch_op.f("ix_matches_offer_id"))
        batch_op.drop_index(batch_op.f("ix_matches_need_id"))

    op.drop_table("matches")
    with op.batch_alter_table("digest_ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_ledger_period"))

    op.drop_table("digest_ledger")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscriptions_status"))
        batch_op.drop_index(batch_op.f("ix_subscriptions_person_id"))
        batch_op.drop_index("ix_subscriptions_address")

    op.drop_table("subscriptions")
    op.drop_table("digest_runs")
