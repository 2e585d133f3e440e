"""``python -m bench.server URL``: the real app under waitress on 127.0.0.1, on a free port.

Run as a separate process so the server and the benchmark's clients do not
share one interpreter lock. Prints the port on its first line, then serves
until terminated. The database must have been set up already.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

from waitress import create_server

from api import create_app
from api.heap import freeze_after_start_up
from engine.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.server")
    parser.add_argument("database_url")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rollback-reads", action="store_true",
                        help="A/B only: views end with ROLLBACK as before (psycopg then drops its prepared statements)")
    args = parser.parse_args()
    attachments = Path(tempfile.mkdtemp(prefix="shequ-bench-att-"))
    app = create_app(Settings(database_url=args.database_url, attachments_dir=attachments))
    if args.rollback_reads and not args.database_url.startswith("sqlite"):
        del app.extensions["workflow_engine"].db.write_engine.dialect.do_rollback
    logging.getLogger().setLevel(logging.WARNING)  # no per-request logging in the measurement
    freeze_after_start_up()  # as the production servers do (api/heap.py)
    server = create_server(app, host="127.0.0.1", port=0, threads=args.threads)
    print(server.effective_port, flush=True)  # type: ignore[union-attr]
    server.run()


if __name__ == "__main__":
    main()
