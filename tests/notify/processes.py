"""notify as a real `nameko run` process (for the crash test, the console and the benchmark)."""
from __future__ import annotations

from pathlib import Path

from tests.custody.processes import ServiceProcess

# the settings notify refuses to start without: a security desk and the console's address
DESK_ENV = {"SECURITY_DESK_NAME_JA": "情報セキュリティ窓口", "SECURITY_DESK_NAME_EN": "the information security desk",
            "SECURITY_DESK_PHONE": "03-1234-5678", "SECURITY_DESK_EMAIL": "security-desk@example.co.jp",
            "SECURITY_DESK_LOCATION_JA": "本社3階 総務部の隣", "SECURITY_DESK_LOCATION_EN": "head office, 3rd floor"}
CONSOLE_URL = "https://incidents.example.co.jp"
REQUIRED_ENV = DESK_ENV | {"NOTIFY_CONSOLE_BASE_URL": CONSOLE_URL}


class NotifyProcess(ServiceProcess):
    """One notify replica; ``env`` adds NOTIFY_* settings."""
    service, service_class, ready_log = "notify", "NotifyService", "delivery sender"

    def __init__(self, amqp_uri: str, db_url: str, smtp_port: int, log_path: Path, **env):
        super().__init__(amqp_uri, log_path, {"NOTIFY_DB_URL": db_url, "NOTIFY_SMTP_PORT": str(smtp_port),
                                              "NOTIFY_SENDER_POLL_INTERVAL": "0.2",
                                              "NOTIFY_OUTBOX_POLL_INTERVAL": "0.5"} | REQUIRED_ENV | env)
