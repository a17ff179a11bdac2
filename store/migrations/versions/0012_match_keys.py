"""match keys: one row per (area, form of assistance, place) of a published record, in place of
one row per code (record_tags)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# every combination of a record's area, form of assistance and place, with its counts of both
KEYS_FROM_TAGS = """
INSERT INTO match_keys (record_id, area, assistance, place, kind, areas, forms)
SELECT a.record_id, a.code, f.code, p.code, a.kind,
       (SELECT count(*) FROM record_tags n WHERE n.record_id = a.record_id AND n.facet = 'area'),
       (SELECT count(*) FROM record_tags n
        WHERE n.record_id = a.record_id AND n.facet = 'assistance')
FROM record_tags a
JOIN record_tags f ON f.record_id = a.record_id AND f.facet = 'assistance'
JOIN record_tags p ON p.record_id = a.record_id AND p.facet = 'place'
WHERE a.facet = 'area'
"""
TAGS_FROM_KEYS = """
INSERT INTO record_tags (record_id, facet, code, kind)
SELECT DISTINCT record_id, 'area', area, kind FROM match_keys
UNION SELECT DISTINCT record_id, 'assistance', assistance, kind FROM match_keys
UNION SELECT DISTINCT record_id, 'place', place, kind FROM match_keys
"""


def upgrade() -> None:
    op.create_table(
        "match_keys",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("assistance", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("areas", sa.Integer(), nullable=False),
        sa.Column("forms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["records.id"],
            name=op.f("fk_match_keys_record_id_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "record_id", "area", "assistance", "place", name=op.f("pk_match_keys")
        ),
    )
    op.execute(KEYS_FROM_TAGS)
    with op.batch_alter_table("match_keys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_match_keys_search",
            ["kind", "area", "assistance", "place", "record_id", "areas", "forms"],
            unique=False,
        )
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_record_tags_candidates")
    op.drop_table("record_tags")


def downgrade() -> None:
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
    op.execute(TAGS_FROM_KEYS)
    with op.batch_alter_table("record_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_tags_candidates", ["kind", "facet", "code", "record_id"], unique=False
        )
    with op.batch_alter_table("match_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_match_keys_search")
    op.drop_table("match_keys")
