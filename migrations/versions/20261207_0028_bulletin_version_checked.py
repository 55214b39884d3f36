"""bulletin version checked: when the English text changed, and when each version was last saved

Revision ID: 0028_bulletin_version_checked
Revises: 0027_toolkit_translations
Create Date: 2026-12-07 07:00:00

A version saved before the English title, introduction or an item's text changed is out of date;
staff see "English changed since this version was saved". Existing rows get NULL (not known): no
warning until either side changes again.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0028_bulletin_version_checked"
down_revision = "0027_toolkit_translations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mailing_bulletins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("mailing_bulletin_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_changed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("mailing_bulletin_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("mailing_bulletin_versions", schema=None) as batch_op:
        batch_op.drop_column("checked_at")
    with op.batch_alter_table("mailing_bulletin_items", schema=None) as batch_op:
        batch_op.drop_column("text_changed_at")
    with op.batch_alter_table("mailing_bulletins", schema=None) as batch_op:
        batch_op.drop_column("text_changed_at")
