"""action plan import: action labels, lead notes ("N/A", "Various") and the plan's board meeting dates

Revision ID: 0022_actionplan_import
Revises: 0021_mail_bounces
Create Date: 2026-12-06 23:10:00

Existing rows get an empty label and notes and no board dates.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022_actionplan_import"
down_revision = "0021_mail_bounces"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("lead_service_note", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("lead_officer_note", sa.String(length=200), nullable=False, server_default=""))
    with op.batch_alter_table("action_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("board_dates", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table("action_plans", schema=None) as batch_op:
        batch_op.drop_column("board_dates")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("lead_officer_note")
        batch_op.drop_column("lead_service_note")
        batch_op.drop_column("label")
