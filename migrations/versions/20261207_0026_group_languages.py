"""group languages: a group's description in the portal's other languages (issue 22)

Revision ID: 0026_group_languages
Revises: 0025_bulletin_languages
Create Date: 2026-12-07 06:00:00

One row per group per language (bn, so, ur). The languages a group works in are not a new column:
they are the directory's existing "language" tags (app/groups/languages.py maps them to ISO 639).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_group_languages"
down_revision = "0025_bulletin_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_descriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["organisations.id"],
            name=op.f("fk_group_descriptions_group_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_group_descriptions_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_descriptions")),
        sa.UniqueConstraint("group_id", "language", name=op.f("uq_group_descriptions_group_id_language")),
    )
    op.create_index(op.f("ix_group_descriptions_group_id"), "group_descriptions", ["group_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_group_descriptions_group_id"), table_name="group_descriptions")
    op.drop_table("group_descriptions")
