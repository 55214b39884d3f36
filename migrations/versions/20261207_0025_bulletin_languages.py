"""bulletin languages: a version of a bulletin per language, and the language a subscriber reads

Revision ID: 0025_bulletin_languages
Revises: 0024_bulletin_clicks
Create Date: 2026-12-07 05:45:00

Existing subscribers have none chosen (NULL): they get English, as before. English stays the
bulletin's own row; versions exist only for the portal's other languages (issue 22).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025_bulletin_languages"
down_revision = "0024_bulletin_clicks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mailing_subscribers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=10), nullable=True))
    op.create_table(
        "mailing_bulletin_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bulletin_id"],
            ["mailing_bulletins.id"],
            name=op.f("fk_mailing_bulletin_versions_bulletin_id_mailing_bulletins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_bulletin_versions")),
        sa.UniqueConstraint("bulletin_id", "language", name=op.f("uq_mailing_bulletin_versions_bulletin_id_language")),
    )
    op.create_index(
        op.f("ix_mailing_bulletin_versions_bulletin_id"), "mailing_bulletin_versions", ["bulletin_id"], unique=False
    )
    op.create_table(
        "mailing_bulletin_item_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("heading", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["mailing_bulletin_items.id"],
            name=op.f("fk_mailing_bulletin_item_versions_item_id_mailing_bulletin_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_bulletin_item_versions")),
        sa.UniqueConstraint("item_id", "language", name=op.f("uq_mailing_bulletin_item_versions_item_id_language")),
    )
    op.create_index(
        op.f("ix_mailing_bulletin_item_versions_item_id"), "mailing_bulletin_item_versions", ["item_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_mailing_bulletin_item_versions_item_id"), table_name="mailing_bulletin_item_versions")
    op.drop_table("mailing_bulletin_item_versions")
    op.drop_index(op.f("ix_mailing_bulletin_versions_bulletin_id"), table_name="mailing_bulletin_versions")
    op.drop_table("mailing_bulletin_versions")
    with op.batch_alter_table("mailing_subscribers", schema=None) as batch_op:
        batch_op.drop_column("language")
