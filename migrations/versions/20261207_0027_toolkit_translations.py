"""toolkit translations: a toolkit's texts (title, sections, questions, hints, option labels) in
Bengali, Somali and Urdu (issue 22)

Revision ID: 0027_toolkit_translations
Revises: 0026_group_languages
Create Date: 2026-12-07 05:50:00

English stays in the definition's own columns. Answers already store option ids
(toolkit_answers.option_id, never the label), so no answer needs mapping: answers given in any
language count together.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027_toolkit_translations"
down_revision = "0026_group_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "toolkit_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("toolkit_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "object_type IN ('toolkit', 'section', 'question')", name=op.f("ck_toolkit_translations_object_type")
        ),
        sa.CheckConstraint("language IN ('bn', 'so', 'ur')", name=op.f("ck_toolkit_translations_language")),
        sa.ForeignKeyConstraint(
            ["toolkit_id"],
            ["toolkits.id"],
            name=op.f("fk_toolkit_translations_toolkit_id_toolkits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_toolkit_translations_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_translations")),
        sa.UniqueConstraint("object_type", "object_id", "field", "language", name="uq_toolkit_translations_text"),
    )
    with op.batch_alter_table("toolkit_translations", schema=None) as batch_op:
        batch_op.create_index("ix_toolkit_translations_toolkit_language", ["toolkit_id", "language"], unique=False)


def downgrade():
    with op.batch_alter_table("toolkit_translations", schema=None) as batch_op:
        batch_op.drop_index("ix_toolkit_translations_toolkit_language")
    op.drop_table("toolkit_translations")
