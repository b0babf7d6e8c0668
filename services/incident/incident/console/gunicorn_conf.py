"""gunicorn settings for the console (``--config python:incident.console.gunicorn_conf``): JSON log lines."""
from servicekit import logs

LOG_LEVELS = {"incident": "INFO", "servicekit": "INFO", "gunicorn.error": "INFO"}
logconfig_dict = logs.dict_config("console", LOG_LEVELS)
