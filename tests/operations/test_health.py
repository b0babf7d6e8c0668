"""Health that tells the truth, through real `nameko run` processes: /health (alive), /ready and the
health RPC (database, broker, each loop's last run) fail when the database is unreachable, when the
broker link is cut, and when a loop's round is stuck; they recover by themselves."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from sqlalchemy import text

from servicekit.db import make_engine
from tests.custody.processes import ROOT, CustodyProcess
from tests.notify.processes import NotifyProcess
from tests.operations.link import BrokerLink
from tests.operations.ops_http import failing, get, metrics, wait_failing, wait_ops, wait_ready

# a loop 2 s late is stuck (the defaults are 5 intervals and at least 30 s)
QUICK = {"HEALTH_MISSED_INTERVALS": "2", "HEALTH_MIN_STALE_SECONDS": "2"}
DEAD_DB = "postgresql://custody@127.0.0.1:1/custody"  # nothing listens on port 1


def env(service: str, **extra) -> dict:
    return {f"{service.upper()}_{key}": value for key, value in QUICK.items()} | extra


def health_cli(service: str, amqp_uri: str, **environ) -> subprocess.CompletedProcess:
    """`<service> health` as the docker health check runs it."""
    import os
    return subprocess.run([sys.executable, "-m", f"{service}.cli", "health"], cwd=ROOT, capture_output=True, text=True,
                          env=os.environ | {"AMQP_URI": amqp_uri, "PYTHONWARNINGS": "ignore"} | environ, timeout=60)


@pytest.fixture
def started():
    """The processes a test started, killed at its end (how they stop is not what these tests are about)."""
    processes = []
    yield processes
    for process in processes:
        process.kill()
        process.log.close()


def test_a_running_service_is_alive_ready_and_names_every_check(rabbit_config, db_url, tmp_path, started):
    amqp = rabbit_config["AMQP_URI"]
    custody = CustodyProcess(amqp, db_url, tmp_path / "custody.log", **env("custody")).wait_ready()
    started.append(custody)
    url = wait_ops(custody)
    assert get(url, "/health") == (200, {"status": "alive", "service": "custody"})
    body = wait_ready(url, ready=True)
    assert set(body["checks"]) == {"database", "broker", "relay", "sweeper"} and body["ok"] is True
    assert body["checks"]["sweeper"]["last_run_seconds_ago"] < 5
    answer = health_cli("custody", amqp, CUSTODY_DB_URL=db_url)
    assert answer.returncode == 0, answer.stderr
    figures = metrics(url)
    assert figures["service_ready"] == [({}, 1.0)]
    assert ({"check": "sweeper"}, 1.0) in figures["service_check_ok"]
    assert figures["custody_checked_out"] == [({}, 0.0)]
    assert figures["service_outbox_pending_events"] == [({}, 0.0)]


@pytest.mark.db_independent  # its database is a dead port in both passes
def test_a_service_whose_database_is_unreachable_is_alive_but_not_ready(rabbit_config, tmp_path, started):
    amqp = rabbit_config["AMQP_URI"]
    custody = CustodyProcess(amqp, DEAD_DB, tmp_path / "custody.log", **env("custody"))
    started.append(custody)
    url = wait_ops(custody)
    assert get(url, "/health")[0] == 200  # the process runs: restarting it would not bring the database back
    body = wait_ready(url, ready=False)
    assert "database" in failing(body) and body["checks"]["database"]["detail"] == "OperationalError"
    # and its loops, which cannot work either, become stuck
    assert {"database", "sweeper", "relay"} <= failing(wait_failing(url, {"sweeper", "relay"}))
    answer = health_cli("custody", amqp, CUSTODY_DB_URL=DEAD_DB)
    assert answer.returncode == 1 and "not ready" in answer.stderr and "database" in answer.stderr
    assert '"ok": false' in answer.stdout and '"checked_out": null' in answer.stdout
    assert "127.0.0.1:1" not in custody.log_text()  # the URL (it may hold a password) is never logged


def test_a_cut_broker_link_makes_the_service_not_ready_until_it_is_back(rabbit_config, db_url, tmp_path, started):
    link = BrokerLink()
    amqp = link.uri(rabbit_config["AMQP_URI"])
    try:
        custody = CustodyProcess(amqp, db_url, tmp_path / "custody.log", **env("custody")).wait_ready()
        started.append(custody)
        url = wait_ops(custody)
        wait_ready(url, ready=True)
        link.cut()
        body = wait_ready(url, ready=False)
        assert "broker" in failing(body)
        link.restore()
        wait_ready(url, ready=True)
    finally:
        link.close()


def test_a_sender_stuck_on_a_hung_smtp_relay_is_reported_and_recovers(rabbit_config, notify_db_url, tmp_path, started):
    # a relay that accepts the connection and never greets: the SMTP transaction hangs
    tarpit = socket.create_server(("127.0.0.1", 0), backlog=16)
    amqp = rabbit_config["AMQP_URI"]
    notify = NotifyProcess(amqp, notify_db_url, tarpit.getsockname()[1], tmp_path / "notify.log",
                           **env("notify", NOTIFY_SMTP_TIMEOUT="120", NOTIFY_RETRY_MAX_SECONDS="1",
                                 NOTIFY_RATE_PER_SECOND="0")).wait_ready()
    started.append(notify)
    url = wait_ops(notify)
    wait_ready(url, ready=True)
    from nameko.standalone.rpc import ServiceRpcProxy
    with ServiceRpcProxy("notify", {"AMQP_URI": amqp}, timeout=15) as rpc:
        rpc.request_customer_notice({"request_id": "r-1", "incident_reference": "INC-2026-0001",
                                     "template": "apology_notice", "variables": {"company": "株式会社サンプル"},
                                     "recipients": [{"name": "Customer", "email": "c1@example.com", "language": "en"}]})
    body = wait_ready(url, ready=False)
    assert failing(body) == {"sender"} and body["checks"]["sender"]["detail"].startswith("stuck")
    answer = health_cli("notify", amqp, NOTIFY_DB_URL=notify_db_url)
    assert answer.returncode == 1 and "sender" in answer.stderr
    tarpit.close()  # the relay goes away: the transaction fails, the round ends, the loop runs again
    wait_ready(url, ready=True)


@pytest.mark.postgresql_only  # on SQLite a lock wait stops the whole process (eventlet's hub), not one loop
def test_a_sweeper_blocked_by_a_table_lock_is_reported_until_the_lock_goes(rabbit_config, db_url, tmp_path, started):
    custody = CustodyProcess(rabbit_config["AMQP_URI"], db_url, tmp_path / "custody.log", **env("custody")).wait_ready()
    started.append(custody)
    url = wait_ops(custody)
    wait_ready(url, ready=True)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        conn.execute(text("LOCK TABLE custody_records IN ACCESS EXCLUSIVE MODE"))  # held until the block ends
        body = wait_ready(url, ready=False)
        assert failing(body) == {"sweeper"}
        conn.rollback()
    engine.dispose()
    wait_ready(url, ready=True)
