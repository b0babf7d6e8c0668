"""Alembic environment: the URL comes from the caller (notify.migrate), never from a file."""
from alembic import context

from notify.models import Base
from servicekit.migrate import run_env

run_env(context, Base.metadata)
