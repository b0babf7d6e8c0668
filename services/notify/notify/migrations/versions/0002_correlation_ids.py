"""correlation ids on outbox rows and deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 09:00:00

The correlation id in force when a row was written (servicekit.correlation): the outbox relay sends
it on in the event's headers; the sender sends each e-mail under its delivery's id.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLES = ('outbox', 'deliveries')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('correlation_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('correlation_id')
