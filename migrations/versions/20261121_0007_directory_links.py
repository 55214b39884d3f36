"""directory links: event partners, registrant organisation, group import batches

Events link to the directory (issues 3 and 5): `event_partners` (co-hosting organisations),
`event_registrations.organisation_id` (the group a member registered for) and the staff CSV
import's dry-run batches. On SQLite the registrations table is rebuilt by batch mode (adding a
foreign key needs that); its CHECK, UNIQUE and indexes are carried over.

Revision ID: 0007_directory_links
Revises: 0003_mailing
Create Date: 2026-11-21 09:39:48.172349

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_directory_links'
down_revision = '0003_mailing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('group_import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_group_import_batches_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_import_batches'))
    )
    with op.batch_alter_table('group_import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_import_batches_created_at'), ['created_at'], unique=False)

    op.create_table('event_partners',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_partners_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_event_partners_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'organisation_id', name=op.f('pk_event_partners'))
    )
    with op.batch_alter_table('event_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_partners_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_registrations_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_registrations_organisation_id_organisations'), 'organisations', ['organisation_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_registrations_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_registrations_organisation_id'))
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('event_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_partners_organisation_id'))

    op.drop_table('event_partners')
    with op.batch_alter_table('group_import_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_import_batches_created_at'))

    op.drop_table('group_import_batches')
