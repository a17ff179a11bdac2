"""record_tags: an index that covers the candidate search (kind, facet, code, record_id)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_tags_candidates", ["kind", "facet", "code", "record_id"], unique=False
        )
        batch_op.drop_index("ix_record_tags_lookup")


def downgrade() -> None:
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.create_index("ix_record_tags_lookup", ["facet", "code", "kind"], unique=False)
        batch_op.drop_index("ix_record_tags_candidates")
