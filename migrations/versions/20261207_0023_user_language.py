"""languages: the language a person chose with the header's switcher

Revision ID: 0023_user_language
Revises: 0022_actionplan_import
Create Date: 2026-12-07 02:30:00

Existing accounts have none chosen (NULL): their pages follow the cookie or the browser, as before.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023_user_language"
down_revision = "0022_actionplan_import"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
