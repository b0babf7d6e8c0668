"""deploy/docker/postgres-init.sql on a throw-away PostgreSQL cluster, run as the postgres image runs it
(psql -v ON_ERROR_STOP=1 as the superuser, the passwords in its environment): each service's login owns
its database, migrates it, and cannot open another service's database."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import OperationalError

from servicekit.db import make_engine
from tests.operations.tools import ROOT

pytestmark = pytest.mark.db_independent

PASSWORDS = {"custody": "custody-pw-0123456789", "incident": "incident-pw-0123456789", "notify": "notify-pw-0123456789"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster():
    """An empty cluster of this machine's PostgreSQL (as the image's empty volume), on a free port."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found or os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL's initdb (and root, to run it as postgres) are needed")
        pytest.skip("needs PostgreSQL's initdb and root")
    bin_dir, port = os.path.dirname(found[-1]), free_port()
    folder = tempfile.mkdtemp(prefix="pg-init-test-")
    shutil.chown(folder, "postgres", "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, f"{bin_dir}/initdb", "-D", f"{folder}/data", "-U", "postgres", "--auth-local=trust",
                    "--auth-host=scram-sha-256"], check=True, capture_output=True)
    subprocess.run([*as_postgres, f"{bin_dir}/pg_ctl", "-D", f"{folder}/data", "-w", "-l", f"{folder}/log", "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        yield {"socket": folder, "port": port, "psql": f"{bin_dir}/psql"}
    finally:
        subprocess.run([*as_postgres, f"{bin_dir}/pg_ctl", "-D", f"{folder}/data", "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def url(cluster, user: str, database: str, password: str | None = None) -> str:
    return f"postgresql://{user}:{password or PASSWORDS[user]}@127.0.0.1:{cluster['port']}/{database}"


def test_each_service_gets_its_own_login_and_database_and_no_other(cluster):
    env = os.environ | {f"{name.upper()}_DB_PASSWORD": pw for name, pw in PASSWORDS.items()}
    # as the image does: psql -v ON_ERROR_STOP=1 as the superuser, the passwords in the environment (-p keeps it)
    answer = subprocess.run(["runuser", "-p", "-u", "postgres", "--", cluster["psql"], "-v", "ON_ERROR_STOP=1",
                             "-h", cluster["socket"], "-p", str(cluster["port"]), "-U", "postgres", "-d", "postgres",
                             "-f", str(ROOT / "deploy/docker/postgres-init.sql")], env=env, capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    for service in PASSWORDS:
        upgrade = __import__(f"{service}.migrate").migrate.upgrade
        upgrade(url(cluster, service, service))  # the owner can create its schema
        engine = make_engine(url(cluster, service, service))
        assert "outbox" in inspect(engine).get_table_names()
        engine.dispose()
        for other in set(PASSWORDS) - {service}:
            engine = make_engine(url(cluster, service, other))
            with pytest.raises(OperationalError, match="permission denied for database"):
                engine.connect()
            engine.dispose()
    engine = make_engine(url(cluster, "custody", "custody", password="not-the-password"))
    with pytest.raises(OperationalError, match="password authentication failed"):
        engine.connect()
    engine.dispose()
