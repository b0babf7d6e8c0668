"""Monitoring: promtool accepts the Prometheus config and the alert rules, the alerts fire (and stay
quiet) as alerts.test.yml says, and every metric the alerts and the Grafana dashboard use is one the
running services and the kiosk really export."""
from __future__ import annotations

import json
import re
import sys

import pytest
import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.custody.processes import CustodyProcess, IncidentProcess
from tests.notify.processes import NotifyProcess
from tests.operations.ops_http import wait_ops
from tests.operations.stack import Part, free_port
from tests.operations.tools import ROOT, run, tool

pytestmark = pytest.mark.db_independent  # its services run on SQLite files of their own
PROMETHEUS = ROOT / "deploy" / "prometheus"
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")
# what ops asked to see (issue 16), by the family that shows it
WANTED = {"checkouts": "custody_checkouts", "returns": "custody_returns", "refusals by reason": "service_refusals",
          "overdue detections": "custody_overdue_detected", "sweep duration": "service_loop_tick_duration_seconds",
          "outbox depth": "service_outbox_pending_events", "outbox age": "service_outbox_oldest_pending_age_seconds",
          "incidents by status": "incident_incidents", "duties by state": "incident_duties",
          "e-mails sent and failed": "notify_emails", "e-mails in doubt": "notify_deliveries_in_doubt",
          "kiosk reader state": "kiosk_reader_state", "offline journal depth": "kiosk_journal_entries"}


def test_promtool_accepts_the_scrape_config_and_the_alert_rules():
    promtool = tool("promtool")
    for args in (("check", "config", PROMETHEUS / "prometheus.yml"), ("check", "rules", PROMETHEUS / "alerts.yml")):
        answer = run(promtool, *args)
        assert answer.returncode == 0 and "SUCCESS" in answer.stdout, answer.stdout + answer.stderr


def test_the_alerts_fire_and_clear_as_their_unit_tests_say():
    answer = run(tool("promtool"), "test", "rules", "alerts.test.yml", cwd=PROMETHEUS)
    assert answer.returncode == 0 and "SUCCESS" in answer.stdout, answer.stdout + answer.stderr
    tested = set(re.findall(r"alertname: (\w+)", (PROMETHEUS / "alerts.test.yml").read_text()))
    assert {"OutboxEventsWaiting", "KioskJournalNotDraining", "DeadlineApproachingNoReport", "EmailFailures"} <= tested


@pytest.fixture(scope="module")
def exported(module_vhost, tmp_path_factory) -> set[str]:
    """The metric families custody, incident, notify and a kiosk serve on /metrics, scraped as Prometheus would."""
    folder = tmp_path_factory.mktemp("exporters")
    amqp = module_vhost
    parts = [CustodyProcess(amqp, f"sqlite:///{folder}/custody.db", folder / "custody.log"),
             IncidentProcess(amqp, f"sqlite:///{folder}/incident.db", folder / "incident.log"),
             NotifyProcess(amqp, f"sqlite:///{folder}/notify.db", 1, folder / "notify.log")]
    port = free_port()
    kiosk = Part("kiosk", [sys.executable, "-m", "kiosk"], {  # custody unreachable: the kiosk runs offline
        "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "KIOSK_ID": "kiosk-m", "KIOSK_SECRET": "s" * 20,
        "KIOSK_CARD_KEY": "k" * 20, "KIOSK_DEMO": "1", "KIOSK_USE_READER": "0", "KIOSK_BIND": f"127.0.0.1:{port}",
        "KIOSK_JOURNAL_PATH": str(folder / "journal.db")}, folder / "kiosk.log")
    try:
        for migrate, url in (("custody", "custody"), ("incident", "incident"), ("notify", "notify")):
            __import__(f"{migrate}.migrate").migrate.upgrade(f"sqlite:///{folder}/{url}.db")
        urls = [wait_ops(p) for p in parts] + [f"http://127.0.0.1:{port}"]
        kiosk.wait_http(urls[-1] + "/ready")
        return {family.name for url in urls
                for family in text_string_to_metric_families(requests.get(url + "/metrics", timeout=10).text)}
    finally:
        for part in parts:
            part.stop()
        kiosk.stop()


def used_metrics() -> set[str]:
    """Metric names in every alert rule and dashboard panel expression."""
    exprs = [r["expr"] for g in yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"] for r in g["rules"]]
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/custody-response.json").read_text())
    exprs += [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    names = set()
    for expr in exprs:
        unquoted = re.sub(r'"[^"]*"', "", expr)  # label values (state="service_down") are not metrics
        names |= set(re.findall(r"\b((?:service|custody|incident|notify|kiosk)_[a-z_]+)\b", unquoted))
    return {_family(n) for n in names}


def _family(name: str) -> str:
    """A sample's family: custody_checkouts_total and service_rpc_duration_seconds_bucket are samples."""
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def test_every_metric_the_alerts_and_the_dashboard_use_is_exported(exported):
    assert used_metrics() and used_metrics() <= exported, sorted(used_metrics() - exported)


def test_every_figure_ops_asked_for_is_exported(exported):
    missing = {what: family for what, family in WANTED.items() if family not in exported}
    assert not missing, missing
