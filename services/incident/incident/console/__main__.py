"""``python -m incident.console``: run the console with gunicorn (gthread workers)."""
import os
import sys


def main() -> None:
    for var in ("INCIDENT_DB_URL", "INCIDENT_CONSOLE_SECRET_KEY"):
        if not os.environ.get(var):
            sys.exit(f"{var} is not set: the console refuses to start without it")
    if len(os.environ["INCIDENT_CONSOLE_SECRET_KEY"]) < 32:
        sys.exit("INCIDENT_CONSOLE_SECRET_KEY must be at least 32 characters")
    bind = os.environ.get("INCIDENT_CONSOLE_BIND", "127.0.0.1:8090")
    args = ["gunicorn", "--workers", os.environ.get("INCIDENT_CONSOLE_WORKERS", "2"), "--worker-class", "gthread",
            "--threads", "8", "--bind", bind, "--graceful-timeout", "15",
            "--config", "python:incident.console.gunicorn_conf", "incident.console.wsgi:build()"]
    os.execvp(sys.executable, [sys.executable, "-m", *args])


if __name__ == "__main__":
    main()
