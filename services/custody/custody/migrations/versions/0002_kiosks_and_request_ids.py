"""kiosks and request ids

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 13:43:20.376791
"""
from alembic import op
import sqlalchemy as sa
import servicekit.models


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kiosks',
    sa.Column('kiosk_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('registered_at', servicekit.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('kiosk_id')
    )
    with op.batch_alter_table('custody_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkout_request_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('return_request_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_custody_checkout_request', ['checkout_request_id'])
        batch_op.create_unique_constraint('uq_custody_return_request', ['return_request_id'])



def downgrade() -> None:
    with op.batch_alter_table('custody_records', schema=None) as batch_op:
        batch_op.drop_constraint('uq_custody_return_request', type_='unique')
        batch_op.drop_constraint('uq_custody_checkout_request', type_='unique')
        batch_op.drop_column('return_request_id')
        batch_op.drop_column('checkout_request_id')
    op.drop_table('kiosks')
