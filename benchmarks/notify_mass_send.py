"""10,000 customer notices through the real notify service and aiosmtpd, with a SIGKILL halfway.

Runs `nameko run` against a fresh database (SQLite file, or --db URL, emptied per run) and RabbitMQ,
asks for one customer notice with N recipients over RPC, and counts what the SMTP sink received
by Message-ID. Three runs in one go:
  baseline   no limit, no kill           (the service's own speed)
  killed     no limit, SIGKILL at N/2, restarted (duplicates and missing must be 0)
  limited    --rate messages/s, no kill  (the limiter holds the configured pace)

    .venv/bin/python benchmarks/notify_mass_send.py [--count 10000] [--rate 100] [--db URL]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import eventlet

eventlet.monkey_patch()

from nameko.standalone.rpc import ServiceRpcProxy  # noqa: E402
from sqlalchemy import text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from notify import migrate  # noqa: E402
from notify.models import Base  # noqa: E402
from servicekit.db import make_engine  # noqa: E402
from tests.notify.conftest import SinkProcess  # noqa: E402
from tests.notify.processes import NotifyProcess  # noqa: E402
from benchmarks.broker import BROKER, drop_vhost, private_vhost  # noqa: E402

AMQP = BROKER  # a private vhost is put here in main(): another notify on "/" must not answer our RPCs


def fresh_db(args, work: Path, name: str) -> str:
    if not args.db:
        url = f"sqlite:///{work / name}.db"
        migrate.upgrade(url)
        return url
    migrate.upgrade(args.db)
    engine = make_engine(args.db)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(t.name for t in Base.metadata.sorted_tables)} RESTART IDENTITY"))
    engine.dispose()
    return args.db


def run(args, work: Path, sink, name: str, rate: float, kill: bool, count: int) -> dict:
    sink.reset()
    db = fresh_db(args, work, name)
    env = {"NOTIFY_RATE_PER_SECOND": str(rate), "NOTIFY_LEASE_SECONDS": "5", "NOTIFY_RETRY_BASE_SECONDS": "0.5"}
    log = work / f"{name}.log"
    proc = NotifyProcess(AMQP, db, sink.port, log, **env).wait_ready()
    people = [{"email": f"customer{n:05d}@example.com", "name": f"顧客 {n}", "language": "en" if n % 3 else "ja",
               "variables": {"customer_id": f"C-{n:05d}"}} for n in range(count)]
    request = {"request_id": f"bench-{name}", "incident_reference": "INC-2026-0007", "template": "apology_notice",
               "variables": {"company": "株式会社サンプル", "contact": "0120-000-000"}, "recipients": people}
    restart = 0.0
    with ServiceRpcProxy("notify", {"AMQP_URI": AMQP}, timeout=600) as rpc:
        started = time.monotonic()
        rpc.request_customer_notice(request)
        accepted = time.monotonic() - started
        if kill:
            while len(list((sink.folder / "mail").glob("*.json"))) < count // 2:
                time.sleep(0.05)
            proc.kill()
            t = time.monotonic()
            proc = NotifyProcess(AMQP, db, sink.port, log, **env).wait_ready()
            restart = time.monotonic() - t
        while (progress := rpc.notice_progress(request["request_id"]))["pending"]:
            time.sleep(0.2)
        total = time.monotonic() - started
    proc.stop()
    in_doubt = count_in_doubt(db, request["request_id"])
    copies = Counter(sink.message_ids())
    return {"run": name, "count": count, "sent": progress["sent"], "failed": progress["failed"],
            "received": sum(copies.values()), "distinct": len(copies),
            "duplicates": sum(n - 1 for n in copies.values()), "missing": count - len(copies),
            "in_doubt": in_doubt, "intake_s": accepted, "restart_s": restart, "total_s": total,
            "per_s": len(copies) / total}


def count_in_doubt(db: str, request_id: str) -> int:
    """Rows resent after a crash, read from the database (the delivery log RPC shows at most 1,000)."""
    engine = make_engine(db)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM deliveries WHERE request_id = :r AND in_doubt"),
                         {"r": request_id}).scalar_one()
    engine.dispose()
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100, help="messages/s for the rate-limited run")
    parser.add_argument("--limited-count", type=int, default=1000)
    parser.add_argument("--db", help="PostgreSQL URL (emptied); default: a fresh SQLite file per run")
    parser.add_argument("--runs", default="baseline,killed,limited", help="which runs, comma-separated")
    args = parser.parse_args()
    plans = {"baseline": (0, False, args.count), "killed": (0, True, args.count),
             "limited": (args.rate, False, args.limited_count)}
    global AMQP
    vhost = f"notify-bench-{os.getpid()}"
    AMQP = private_vhost(vhost)
    with tempfile.TemporaryDirectory(prefix="notify-bench-") as tmp:
        work = Path(tmp)
        sink_process = SinkProcess(work / "smtp")
        try:
            results = [run(args, work, sink_process.sink, name, *plans[name]) for name in args.runs.split(",")]
        finally:
            sink_process.stop()
            drop_vhost(vhost)
    print(f"database: {'PostgreSQL' if args.db else 'SQLite'}; SMTP: aiosmtpd (one connection per message)")
    print(f"{'run':9} {'count':>6} {'sent':>6} {'distinct':>8} {'dupl.':>5} {'missing':>7} {'in doubt':>8} "
          f"{'intake s':>8} {'restart s':>9} {'total s':>8} {'msg/s':>7}")
    for r in results:
        print(f"{r['run']:9} {r['count']:6d} {r['sent']:6d} {r['distinct']:8d} {r['duplicates']:5d} {r['missing']:7d} "
              f"{r['in_doubt']:8d} {r['intake_s']:8.1f} {r['restart_s']:9.1f} {r['total_s']:8.1f} {r['per_s']:7.1f}")
    ok = all(r["missing"] == 0 and r["duplicates"] <= r["in_doubt"] for r in results)
    print("RESULT:", "nothing missing; every duplicate is a row resent after the crash" if ok else
          "FAILED: messages missing, or duplicates not explained by rows in doubt")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
