"""correlation ids on outbox rows and deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 09:00:00

The correlation id in force when a row was written (servicekit.correlation): the outbox relay sends
it on in the event's headers; the sender sends each e-mail under its delivery's id.
"""
from alembic import op

from servicekit.migrate import add_correlation_ids, drop_correlation_ids

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_correlation_ids(op, ('outbox', 'deliveries'))


def downgrade() -> None:
    drop_correlation_ids(op, ('outbox', 'deliveries'))
