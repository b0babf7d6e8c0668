"""What every service's command line shares: asking the running service over RabbitMQ."""
from __future__ import annotations

import json
import sys


def ask(amqp_uri: str, service: str, method: str, *params, timeout: float = 10) -> int:
    """Call an RPC of the running service and print the answer; exit code 1 if it does not answer
    (the docker health checks rely on this)."""
    from nameko.standalone.rpc import ClusterRpcProxy
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=timeout) as cluster:
            answer = getattr(getattr(cluster, service), method)(*params)
    except Exception as exc:  # any failure means unhealthy; say which
        print(f"{service} not answering / 応答なし: {type(exc).__name__}", file=sys.stderr)
        return 1
    print(json.dumps(answer, ensure_ascii=False, indent=1) if not isinstance(answer, str) else answer)
    return 0
