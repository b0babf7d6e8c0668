"""What every service's command line shares: asking the running service over RabbitMQ."""
from __future__ import annotations

import json
import sys

from servicekit.remote import Unavailable, call


def ask(amqp_uri: str, service: str, method: str, *params, timeout: float = 10) -> int:
    """Call an RPC of the running service and print the answer; exit code 1 if it does not answer
    (the docker health checks rely on this)."""
    try:
        answer = call(amqp_uri, service, method, *params, timeout=timeout)
    except Unavailable as exc:  # any failure means unhealthy; say which
        print(f"{service} not answering / 応答なし: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(answer, ensure_ascii=False, indent=1) if not isinstance(answer, str) else answer)
    return 0
