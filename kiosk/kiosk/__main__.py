"""``python -m kiosk``: run the kiosk with gunicorn (one worker: the reader and screen live in it)."""
import os
import sys


def main() -> None:
    bind = os.environ.get("KIOSK_BIND", "127.0.0.1:8080")
    args = ["gunicorn", "--workers", "1", "--worker-class", "gthread", "--threads", "16",
            "--bind", bind, "--graceful-timeout", "15", "--config", "python:kiosk.gunicorn_conf",
            "kiosk.app:create_app()"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


if __name__ == "__main__":
    main()
