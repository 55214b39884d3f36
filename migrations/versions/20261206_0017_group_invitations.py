"""group invitations: single-use colleague invitation links that can be withdrawn and die when the member is removed

Revision ID: 0017_group_invitations
Revises: 0016_user_sessions
Create Date: 2026-12-06 20:06:10.256443

Invitations sent before this upgrade were signed links with no row; they stop working and their page
asks for a new invitation.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017_group_invitations"
down_revision = "0016_user_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "group_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "end_reason IN ('withdrawn', 'removed', 'replaced')", name=op.f("ck_group_invitations_end_reason")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_group_invitations_invited_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_group_invitations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["used_by_id"], ["users.id"], name=op.f("fk_group_invitations_used_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_invitations")),
    )
    with op.batch_alter_table("group_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_invitations_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("group_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_invitations_organisation_id"))

    op.drop_table("group_invitations")
