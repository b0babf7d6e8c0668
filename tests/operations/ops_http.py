"""Reading a running part's /health, /ready and /metrics as Prometheus and docker would."""
from __future__ import annotations

import time

import requests
from prometheus_client.parser import text_string_to_metric_families


def get(url: str, path: str) -> tuple[int, dict]:
    answer = requests.get(url + path, timeout=10)
    return answer.status_code, answer.json()


def wait_ops(process, timeout: float = 40) -> str:
    """The ops address once the process logged it and /health answers (its loops need not work)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            raise RuntimeError(f"{process.service} exited:\n{process.log_text()}")
        try:
            url = process.ops_url
            if get(url, "/health")[0] == 200:
                return url
        except (RuntimeError, requests.RequestException):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{process.service}: no ops server in {timeout}s:\n{process.log_text()}")


def wait_ready(url: str, ready: bool, timeout: float = 30) -> dict:
    """Poll /ready until it says ``ready`` (200) or not (503); the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = get(url, "/ready")
        if (status == 200) == ready or time.monotonic() > deadline:
            assert (status == 200) == ready, f"/ready stayed {status}: {body}"
            return body
        time.sleep(0.2)


def wait_failing(url: str, names: set[str], timeout: float = 15) -> dict:
    """Poll /ready until at least these checks fail; the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        body = get(url, "/ready")[1]
        if names <= failing(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def metrics(url: str) -> dict[str, list]:
    """Every sample on /metrics, by metric family name: [(labels, value), ...]."""
    text = requests.get(url + "/metrics", timeout=10).text
    return {family.name: [(s.labels, s.value) for s in family.samples]
            for family in text_string_to_metric_families(text)}


def failing(body: dict) -> set[str]:
    return {name for name, check in body["checks"].items() if not check["ok"]}
