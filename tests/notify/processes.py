"""notify as a real `nameko run` process (for the crash test, the console and the benchmark)."""
from __future__ import annotations

from pathlib import Path

from tests.custody.processes import ServiceProcess


class NotifyProcess(ServiceProcess):
    """One notify replica; ``env`` adds NOTIFY_* settings."""
    service, service_class, ready_log = "notify", "NotifyService", "delivery sender"

    def __init__(self, amqp_uri: str, db_url: str, smtp_port: int, log_path: Path, **env):
        super().__init__(amqp_uri, log_path, {"NOTIFY_DB_URL": db_url, "NOTIFY_SMTP_PORT": str(smtp_port),
                                              "NOTIFY_SENDER_POLL_INTERVAL": "0.2",
                                              "NOTIFY_OUTBOX_POLL_INTERVAL": "0.5"} | env)
