"""gunicorn settings for the console (``--config python:incident.console.gunicorn_conf``): JSON log lines, and an
error naming any worker that had to be killed at exit."""
from servicekit import logs

LOG_LEVELS = {"incident": "INFO", "servicekit": "INFO", "gunicorn.error": "INFO"}
logconfig_dict = logs.dict_config("console", LOG_LEVELS)


def on_exit(server):
    """The master's last act: a worker it still lists did not stop within the graceful time-out and was
    just killed. Said as an error, since a worker hanging at exit was once left behind as an orphan
    (eventlet first imported in a request thread, see servicekit.remote.load_client)."""
    if server.WORKERS:
        server.log.error("killed %d worker(s) that had not stopped within the graceful time-out: pid %s",
                         len(server.WORKERS), ", ".join(str(pid) for pid in sorted(server.WORKERS)))
