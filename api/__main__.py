"""``python -m api serve``: serve the API with waitress on 127.0.0.1:$PORT."""

from __future__ import annotations

import argparse
import os

from waitress import serve

from . import create_app
from .worker_cli import start_embedded_worker


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m api")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the API")
    run.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    run.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "8")))
    args = parser.parse_args()
    if args.command == "serve":
        app = create_app()
        start_embedded_worker(app)  # timers fire with nothing else started (EMBEDDED_WORKER=0: off)
        print(f"社区治理审批流程引擎：http://{args.host}:{args.port}/  (API: /api/v1, 演示密码: demo)", flush=True)
        serve(app, host=args.host, port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
