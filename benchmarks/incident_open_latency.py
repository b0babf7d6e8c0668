"""possible_loss_detected → incident_opened: how long the incident service takes to open an incident.

Runs the real incident service (`nameko run`) against a fresh SQLite file (or --db URL, emptied) on a
private RabbitMQ vhost, publishes N possible-loss events on custody.events (each one twice, as
at-least-once delivery may), and times each event from publishing to a plain AMQP consumer
receiving its incident_opened on incident.events. The baseline, in the same run, is the broker
alone: the same events received by a consumer bound to custody.events. Also checks that every
event opened exactly one incident.

    .venv/bin/python benchmarks/incident_open_latency.py [--events 100] [--gap 0.1] [--db URL]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import eventlet

eventlet.monkey_patch()

from kombu import Connection, Exchange, Queue, binding  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402
from sqlalchemy import text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.broker import drop_vhost, private_vhost  # noqa: E402
from contracts.events import PossibleLossDetected  # noqa: E402
from contracts.examples import EXAMPLES  # noqa: E402
from incident import migrate  # noqa: E402
from incident.models import Base  # noqa: E402
from servicekit.db import make_engine  # noqa: E402
from tests.custody.processes import IncidentProcess  # noqa: E402

EXAMPLE = next(e for e in EXAMPLES if isinstance(e, PossibleLossDetected))


def fresh_db(url: str | None, work: Path) -> str:
    if not url:
        url = f"sqlite:///{work / 'incident.db'}"
        migrate.upgrade(url)
        return url
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(t.name for t in Base.metadata.sorted_tables)} RESTART IDENTITY"))
    engine.dispose()
    return url


def listen(amqp: str):
    """A consumer on both exchanges; returns (connection, received: list of (routing key, body, time))."""
    received: list[tuple[str, dict, float]] = []
    conn = Connection(amqp)
    queue = Queue(exclusive=True, bindings=[
        binding(Exchange(f"{source}.events", type="topic", durable=True), routing_key=key)
        for source, key in (("custody", "possible_loss_detected"), ("incident", "incident_opened"))])

    def on_message(body, message):
        received.append((message.delivery_info["routing_key"], body, time.monotonic()))
        message.ack()
    conn.Consumer(queue, callbacks=[on_message], accept=["json"]).consume()

    def drain():
        while True:
            try:
                conn.drain_events(timeout=0.2)
            except TimeoutError:
                pass
    return conn, received, eventlet.spawn(drain)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between events (0: all at once)")
    parser.add_argument("--db", help="PostgreSQL URL (emptied); default: a fresh SQLite file")
    args = parser.parse_args()
    vhost = f"incident-bench-{os.getpid()}"
    amqp = private_vhost(vhost)
    with tempfile.TemporaryDirectory(prefix="incident-bench-") as tmp:
        work = Path(tmp)
        proc = IncidentProcess(amqp, fresh_db(args.db, work), work / "incident.log").wait_ready()
        conn, received, drainer = listen(amqp)
        dispatch = event_dispatcher({"AMQP_URI": amqp})
        sent: dict[str, float] = {}
        try:
            started = time.monotonic()
            for _ in range(args.events):
                now = datetime.now(timezone.utc)
                event = EXAMPLE.model_copy(update={"event_id": str(uuid.uuid4()), "occurred_at": now, "detected_at": now})
                sent[event.event_id] = time.monotonic()
                dispatch("custody", "possible_loss_detected", event.to_wire())
                dispatch("custody", "possible_loss_detected", event.to_wire())  # delivered twice
                eventlet.sleep(args.gap)
            deadline = time.monotonic() + 60
            while sum(k == "incident_opened" for k, _, _ in received) < args.events and time.monotonic() < deadline:
                eventlet.sleep(0.1)
            eventlet.sleep(2)  # any second opening would arrive now
            elapsed = time.monotonic() - started
        finally:
            drainer.kill()
            conn.release()
            proc.stop()
            drop_vhost(vhost)
    broker = [t - sent[b["event_id"]] for k, b, t in received if k == "possible_loss_detected"][::2]
    opened = [(b["source_event_id"], t) for k, b, t in received if k == "incident_opened"]
    per_event = Counter(source for source, _ in opened)
    service = [t - sent[source] for source, t in opened]

    def row(name: str, values: list[float]) -> str:
        values = sorted(values) or [float("nan")]
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        return (f"{name:28} {len(values):6d} {statistics.median(values) * 1000:9.1f} {p95 * 1000:9.1f} "
                f"{values[-1] * 1000:9.1f}")

    print(f"database: {'PostgreSQL' if args.db else 'SQLite'}; {args.events} events, each published twice, "
          f"{args.gap * 1000:.0f} ms apart")
    print(f"{'latency from publish to':28} {'count':>6} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    print(row("broker only (baseline)", broker))
    print(row("incident_opened", service))
    duplicates = sum(n - 1 for n in per_event.values())
    missing = args.events - len(per_event)
    print(f"incidents opened: {len(per_event)} for {args.events} events; duplicates {duplicates}, missing {missing}; "
          f"{args.events / elapsed:.1f} events/s over {elapsed:.1f} s (incl. 2 s settle)")
    return 0 if duplicates == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
