"""bulletin clicks: how many times each link in a bulletin was followed (issue 19)

Revision ID: 0024_bulletin_clicks
Revises: 0023_user_language
Create Date: 2026-12-07 02:50:00

One row per link per bulletin, keyed by the SHA-256 of the URL; no subscriber, address or time.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024_bulletin_clicks"
down_revision = "0023_user_language"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mailing_link_clicks",
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bulletin_id"],
            ["mailing_bulletins.id"],
            name=op.f("fk_mailing_link_clicks_bulletin_id_mailing_bulletins"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bulletin_id", "url_hash", name=op.f("pk_mailing_link_clicks")),
    )


def downgrade():
    op.drop_table("mailing_link_clicks")
