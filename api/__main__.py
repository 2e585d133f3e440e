"""``python -m api serve``: serve the API with waitress on 127.0.0.1:$PORT.

``python -m api bootstrap``: create the schema, load roles (and demo data unless
SEED_DEMO=0) and deploy the changed procedures, then exit — run once before
starting several server processes (scripts/serve-production).
"""

from __future__ import annotations

import argparse
import os

from waitress import serve

from . import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m api")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the API")
    run.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    run.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "8")))
    sub.add_parser("bootstrap", help="set up the database once (schema, roles, demo data, procedures)")
    args = parser.parse_args()
    if args.command == "bootstrap":
        from engine.service import WorkflowEngine
        from engine.settings import Settings

        engine = WorkflowEngine(Settings.from_env())
        engine.bootstrap()
        engine.db.dispose()
        return
    if args.command == "serve":
        app = create_app()
        print(f"社区治理审批流程引擎：http://{args.host}:{args.port}/  (API: /api/v1, 演示密码: demo)", flush=True)
        serve(app, host=args.host, port=args.port, threads=args.threads)


if __name__ == "__main__":
    main()
