"""a person's language may be unknown: people.language and registration_requests.language nullable

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

A person registered without a language has none until what they write tells it; people
registered before keep theirs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("people", "registration_requests")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "language", existing_type=sa.String(length=5), nullable=True, server_default=None
            )


def downgrade() -> None:
    for table in TABLES:
        rows = sa.table(table, sa.column("language", sa.String(length=5)))
        op.execute(sa.update(rows).where(rows.c.language.is_(None)).values(language="en"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("language", existing_type=sa.String(length=5), nullable=False)
