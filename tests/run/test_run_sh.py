"""./run.sh as a developer runs it: a part that dies is restarted while the others keep answering, the
kiosk journals while custody is away, and stopping the run leaves no process behind. Slow: each test
starts the whole system (set-up, migrations, six parts), on the suite's database."""
from __future__ import annotations

import os
import re
import signal
import threading
import time
import uuid

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from contracts.cards import card_hash
from contracts.labels import make_payload
from servicekit.db import make_engine
from tests.conftest import PG_ADMIN_URL
from tests.console.stack import token
from tests.kiosk.stack import LAPTOP, answers, wait_until
from tests.run.stack import RunSh

pytestmark = pytest.mark.slow
PARTS = ("mail", "custody", "incident", "notify", "console", "kiosk")
DEMO_CARD_1 = "0102030405060701"  # run.sh's demo card 1, 佐藤 花子 (E001) in the demo ledger


@pytest.fixture(scope="module")
def stack_env(request, tmp_path_factory):
    """Where the runs of one test keep their state: run.sh's own SQLite files in its var dir, or, on
    PostgreSQL, three databases of their own (the configuration a deployment gives)."""
    var = tmp_path_factory.mktemp("run") / "var"
    if request.config.getoption("--db") == "sqlite":
        yield var, {}
        return
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    names = {f"{svc.upper()}_DB_URL": f"{svc}_run_{uuid.uuid4().hex[:8]}" for svc in ("custody", "incident", "notify")}
    with admin.connect() as conn:
        for name in names.values():
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield var, {key: PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}" for key, name in names.items()}
    with admin.connect() as conn:
        for name in names.values():
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def start(stack_env, rabbit_config):
    runs: list[RunSh] = []

    def start_run() -> RunSh:
        var, env = stack_env
        run = RunSh(var, rabbit_config["AMQP_URI"], env)
        runs.append(run)
        return run.wait_ready()
    yield start_run
    for run in runs:
        if run.proc.poll() is None:
            run.proc.send_signal(signal.SIGTERM)
            try:
                run.proc.wait(60)
            except Exception:
                pass
        run.kill_all()


def secrets(run: RunSh) -> dict:
    return dict(line.split("=", 1) for line in (run.var / "secrets.env").read_text().splitlines() if "=" in line)


def ensure_demo_holder(run: RunSh) -> None:
    """On SQLite run.sh loaded the demo ledger; a configured database gets no demo data, so the test adds
    佐藤 with demo card 1 and the laptop itself, and restarts the kiosk so that its offline roster has them."""
    if not run.env.get("CUSTODY_DB_URL"):
        return
    with ClusterRpcProxy({"AMQP_URI": run.amqp_uri}, timeout=10) as cluster:
        cluster.custody.register_employee({"employee_number": "E001", "name": "佐藤 花子", "email": "sato@example.co.jp",
                                           "training_completed_at": "2026-10-01T09:00:00+09:00"})
        cluster.custody.bind_card("E001", card_hash(DEMO_CARD_1, secrets(run)["CUSTODY_CARD_KEY"].encode()))
        cluster.custody.register_asset(LAPTOP)
    run.ctl("restart", "system:kiosk")
    wait_until(lambda: (run.kiosk_status() or {}).get("custody") == "reachable", timeout=60, step=0.5)


def supervisord_lines(run: RunSh) -> list[str]:
    """supervisord's own lines in the terminal output (the parts' lines start with their name and a bar)."""
    return [line for line in run.output().splitlines() if re.match(r"\d{4}-\d\d-\d\d [\d:,]+ [A-Z]+ ", line)]


class Watch(threading.Thread):
    """Asks the kiosk and the console for a page every 0.2 s and keeps every answer that was not a 200."""

    def __init__(self, run: RunSh):
        super().__init__(daemon=True)
        self.urls, self.failures, self.asked, self.done = (run.kiosk + "status", run.console + "login"), [], 0, False

    def run(self):
        while not self.done:
            for url in self.urls:
                if not answers(url):
                    self.failures.append((time.strftime("%X"), url))
                self.asked += 1
            time.sleep(0.2)


def test_a_killed_part_is_restarted_while_the_others_answer_and_the_kiosk_journals_meanwhile(start):
    run = start()
    # the kiosk comes up before custody answers, in a vhost where no service ever ran: that is only the
    # start of the system, not a warning (amqp's "Received method (60, 80)", "custody unreachable")
    startup = run.output()
    assert not re.search(r"(WARNING|ERROR|CRITICAL|Traceback|WARN |CRIT |ERRO )", startup), startup
    old_pid = run.pid("custody")
    watch = Watch(run)
    watch.start()
    os.kill(old_pid, signal.SIGKILL)
    wait_until(lambda: run.pid("custody") not in (0, old_pid), timeout=30)
    wait_until(lambda: run.custody_health() is not None, timeout=60, step=0.5)  # its health RPC answers again
    watch.done = True
    watch.join()
    assert watch.failures == [] and watch.asked > 10
    lines = supervisord_lines(run)
    died = next(i for i, line in enumerate(lines) if "exited: custody (terminated by SIGKILL; not expected)" in line)
    assert any("spawned: 'custody'" in line for line in lines[died + 1:])
    assert all(run.pid(part) for part in PARTS if part != "custody")  # nothing else was stopped
    assert "custody  | " in run.output() and "kiosk    | " in run.output()  # each line after its part's name
    assert "outbox relay" in (run.var / "log" / "custody.log").read_text()  # and in the part's own log

    # custody away: a checkout at the kiosk is journalled and reaches custody once it is back
    ensure_demo_holder(run)
    run.ctl("stop", "system:custody")
    label = make_payload("LT-0001", secrets(run)["CUSTODY_LABEL_SECRET"].encode())
    assert requests.post(run.kiosk + "demo/tap/1", timeout=10).status_code == 204
    assert requests.post(run.kiosk + "scan", json={"text": label}, timeout=10).status_code == 204
    assert requests.post(run.kiosk + "confirm", json={"action": "checkout"}, timeout=10).status_code == 204
    status = run.kiosk_status()
    assert status["custody"] == "unreachable" and status["journal"]["pending"] == 1
    run.ctl("start", "system:custody")
    wait_until(lambda: run.kiosk_status()["journal"].get("pending", 0) == 0, timeout=60, step=0.5)
    assert run.kiosk_status()["journal"].get("conflict", 0) == 0
    with ClusterRpcProxy({"AMQP_URI": run.amqp_uri}, timeout=10) as cluster:
        asset = cluster.custody.get_asset("LT-0001")
    assert asset["status"] == "checked_out" and asset["history"][0]["holder"]["employee_number"] == "E001"

    open_the_delivery_log(run)
    assert_stops_cleanly(run, signal.SIGTERM)


def test_stopping_after_the_delivery_log_was_opened_leaves_no_process_behind(start):
    for sig in (signal.SIGTERM, signal.SIGINT):  # a service manager's stop, Ctrl-C (and the previous test's)
        run = start()
        open_the_delivery_log(run)
        assert_stops_cleanly(run, sig)


def open_the_delivery_log(run: RunSh) -> None:
    """Signed in as the console's first user, the delivery log, as often as to reach both console workers:
    the worker that served it was the one left behind, ignoring SIGTERM (2 of 4 stops)."""
    for _ in range(3):
        client = requests.Session()
        login = client.get(run.console + "login", timeout=10).text
        answer = client.post(run.console + "login", allow_redirects=False, timeout=10,
                             data={"username": "admin", "password": run.admin_password(), "csrf_token": token(login)})
        assert answer.status_code == 303
        assert client.get(run.console + "deliveries", timeout=30).status_code == 200


def assert_stops_cleanly(run: RunSh, sig: int) -> None:
    """No process of the run is left, and each part ended on its own, none killed."""
    assert run.stop(sig) == {}, run.output()
    lines = supervisord_lines(run)
    stopping = [line for line in lines if "indicating exit request" in line][-1]
    after = lines[lines.index(stopping):]
    stopped = [line for line in after if "stopped: " in line]
    assert not any("SIGKILL" in line for line in after), after
    for part in PARTS:
        assert any(f"stopped: {part} (exit status 0)" in line for line in stopped), stopped
    # no console worker hung at exit until gunicorn killed it after its graceful time-out
    assert "had not stopped within the graceful time-out" not in (run.var / "log" / "console.log").read_text()
