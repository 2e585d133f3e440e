"""gunicorn settings for scripts/serve-production, from the environment.

WORKERS processes (default 4) of THREADS threads each (default 4) on
HOST:PORT (default 127.0.0.1:8000; put a TLS-terminating proxy in front and
set TRUSTED_PROXIES=1). A worker that dies or is killed is replaced by the
master; its requests in flight are lost to their clients, which retry (with
the same Idempotency-Key for commands). A dead worker's metrics are marked for
prometheus_client's multiprocess collector.
"""

from __future__ import annotations

import os
from typing import Any

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
accesslog = None  # the app writes its own JSON access line per request, with the request id
errorlog = "-"
loglevel = "info"
preload_app = False  # each worker opens its own database connections
proc_name = "shequ-bpm"
control_socket_disable = True  # several instances on one host would share its default path; signals suffice


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
