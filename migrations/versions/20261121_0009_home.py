"""site content: staff-edited text blocks (the home page's welcome text, issue 9)

Revision ID: 0009_home
Revises: 0008_directory_search_vector
Create Date: 2026-11-21 11:44:41.807253

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_home'
down_revision = '0008_directory_search_vector'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_content',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_site_content_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_content'))
    )


def downgrade():
    op.drop_table('site_content')
