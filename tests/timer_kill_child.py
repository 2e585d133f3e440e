"""A worker process for the SIGKILL test: fires one timer and stops inside the transaction, before COMMIT.

    python -m tests.timer_kill_child DATABASE_URL TIMER_ID ISO_TIME

It prints ``in-transaction`` once the fire command has written everything it writes
and waits there (on stdin) until the parent kills it with SIGKILL.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from engine.clock import FixedClock
from engine.service import WorkflowEngine
from engine.settings import Settings


def main() -> None:
    url, timer_id, at = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    engine = WorkflowEngine(Settings(database_url=url), FixedClock(at))

    def _stop_here(session: Any) -> None:
        session.flush()
        print("in-transaction", flush=True)
        sys.stdin.readline()  # the parent never answers: it kills us

    worker = engine.worker("doomed")
    worker.claim(at)  # the claim commits too: listen only after it
    event.listen(Session, "before_commit", _stop_here)
    print(engine.timers.fire(timer_id, at, "doomed"), flush=True)


if __name__ == "__main__":
    main()
