"""Kiosk settings from the environment (see deploy/pi/kiosk.env.example)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class KioskSettings:
    kiosk_id: str
    kiosk_secret: str = field(repr=False)
    card_key: bytes = field(repr=False)
    amqp_uri: str = field(repr=False, default="amqp://guest:guest@127.0.0.1:5672/")
    journal_path: str = "var/kiosk-journal.db"
    reader_filter: str = ""
    language: str = "ja"
    timezone: str = "Asia/Tokyo"
    idle_seconds: float = 30.0
    result_seconds: float = 6.0
    rpc_timeout: float = 3.0
    sync_interval: float = 5.0
    demo: bool = False
    demo_cards: tuple[str, ...] = ()
    use_reader: bool = True
    metrics_address: str = ""  # host:port for Prometheus besides the app's own /metrics (a Pi serves 127.0.0.1 only)

    @classmethod
    def from_env(cls, env=os.environ) -> "KioskSettings":
        """Read KIOSK_* variables; a missing identity or key stops start-up with its name."""
        missing = [name for name in ("KIOSK_ID", "KIOSK_SECRET", "KIOSK_CARD_KEY") if not env.get(name)]
        if missing:
            raise RuntimeError(f"kiosk configuration missing: {', '.join(missing)} / 設定がありません")
        if len(env["KIOSK_CARD_KEY"]) < 16:
            raise RuntimeError("KIOSK_CARD_KEY must be 16+ characters / 16文字以上にしてください")
        return cls(
            kiosk_id=env["KIOSK_ID"], kiosk_secret=env["KIOSK_SECRET"], card_key=env["KIOSK_CARD_KEY"].encode(),
            amqp_uri=env.get("AMQP_URI", cls.amqp_uri),
            journal_path=env.get("KIOSK_JOURNAL_PATH", cls.journal_path),
            reader_filter=env.get("KIOSK_READER_FILTER", ""),
            language=env.get("KIOSK_LANGUAGE", "ja") if env.get("KIOSK_LANGUAGE", "ja") in ("ja", "en") else "ja",
            timezone=env.get("KIOSK_TIMEZONE", "Asia/Tokyo"),
            idle_seconds=float(env.get("KIOSK_IDLE_SECONDS", 30)),
            result_seconds=float(env.get("KIOSK_RESULT_SECONDS", 6)),
            rpc_timeout=float(env.get("KIOSK_RPC_TIMEOUT", 3)),
            sync_interval=float(env.get("KIOSK_SYNC_INTERVAL", 5)),
            demo=_flag(env.get("KIOSK_DEMO", "0")),
            demo_cards=tuple(c for c in env.get("KIOSK_DEMO_CARDS", "").split(",") if c),
            use_reader=_flag(env.get("KIOSK_USE_READER", "1")),
            metrics_address=env.get("KIOSK_METRICS_ADDRESS", ""),
        )
