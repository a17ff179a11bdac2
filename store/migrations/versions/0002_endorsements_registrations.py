"""endorsements, registration requests, error reply limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("actor_text", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", store.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["actors.id"], name=op.f("fk_registration_requests_actor_id_actors")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["people.id"],
            name=op.f("fk_registration_requests_decided_by_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_requests")),
    )
    with op.batch_alter_table("registration_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_requests_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_registration_requests_status"), ["status"], unique=False
        )

    with op.batch_alter_table("outbox_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_key", sa.String(length=200), nullable=True))
        batch_op.create_index(
            "ix_outbox_items_error_key", ["recipient", "error_key", "created_at"], unique=False
        )

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_behalf_of_id", sa.Integer(), nullable=True))
        batch_op.alter_column(
            "status",
            existing_type=sa.VARCHAR(length=12),
            type_=sa.String(length=24),
            existing_nullable=False,
        )
        batch_op.create_index(
            batch_op.f("ix_records_on_behalf_of_id"), ["on_behalf_of_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_records_on_behalf_of_id_actors"), "actors", ["on_behalf_of_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_records_on_behalf_of_id_actors"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_records_on_behalf_of_id"))
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=24),
            type_=sa.VARCHAR(length=12),
            existing_nullable=False,
        )
        batch_op.drop_column("on_behalf_of_id")

    with op.batch_alter_table("outbox_items", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_items_error_key")
        batch_op.drop_column("error_key")

    with op.batch_alter_table("registration_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_requests_status"))
        batch_op.drop_index(batch_op.f("ix_registration_requests_email"))

    op.drop_table("registration_requests")
