"""Audit from the command line, for auditors who work offline. Honours ``DATABASE_URL``.

    python -m engine.cli verify-all                 # every case: ok, or the first bad entry; exit 1 if any bad
    python -m engine.cli verify ID                  # one case, as JSON
    python -m engine.cli export-history ID [-o F]   # the case and its journal as JSON lines
    python -m engine.cli verify-export F            # re-check an export without any database
    python -m engine.cli worker                     # fire due timers until SIGTERM (see api/worker_cli.py)

Nothing here writes to the database, except the worker (each timer through its journalled command).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from engine.audit.export import history_jsonl, verify_export
from engine.audit.seals import SealKeyError, Seals, seals_from
from engine.audit.verify import keep_seal, verify_all, verify_one
from engine.clock import SystemClock
from engine.definitions.registry import DefinitionRegistry
from engine.errors import NotFound
from engine.grid import chain as grid_chain
from engine.settings import Settings
from engine.store.db import Database
from engine.store.unit_of_work import UnitOfWork


def _database() -> Database:
    url = Settings.from_env().database_url
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not Path(path).exists():
            raise SystemExit(f"no database at {path} (set DATABASE_URL)")
    return Database(url)


def _seals() -> Seals | None:
    try:
        return seals_from(Settings.from_env())
    except SealKeyError as exc:
        raise SystemExit(str(exc)) from exc


def _verify_all(out: TextIO, full: bool) -> int:
    db = _database()
    registry = DefinitionRegistry(SystemClock())
    total = bad = 0
    for instance_id, business_key, verdict in verify_all(UnitOfWork(db), registry, _seals(), full):
        total += 1
        if verdict.ok:
            out.write(f"ok\t{instance_id}\t{business_key or ''}\t{verdict.entries} entries\n")
        else:
            bad += 1
            out.write(f"BAD\t{instance_id}\t{business_key or ''}\tentry {verdict.first_bad_seq}: {verdict.reason}\n")
    out.write(f"{total} cases verified, {bad} bad\n")
    # the grids' 民情日志 are chains of their own, outside any case
    broken = UnitOfWork(db).read(grid_chain.check_all)
    for community, problem in broken:
        out.write(f"BAD\tgrid-log\t{community}\t{problem}\n")
    bad += len(broken)
    db.dispose()
    return 1 if bad else 0


def _verify_one(instance_id: int, out: TextIO, full: bool) -> int:
    db = _database()
    registry = DefinitionRegistry(SystemClock())
    seals = _seals()
    uow = UnitOfWork(db)
    verdict = uow.read(lambda session: verify_one(session, registry, instance_id, seals, full))
    if verdict is not None:
        keep_seal(uow, seals, verdict)
    db.dispose()
    if verdict is None:
        raise SystemExit(f"no case {instance_id}")
    out.write(json.dumps(verdict.as_dict(), ensure_ascii=False) + "\n")
    return 0 if verdict.ok else 1


def _export(instance_id: int, target: str | None, out: TextIO) -> int:
    db = _database()
    stream = open(target, "w", encoding="utf-8") if target else out  # noqa: SIM115
    try:
        def write(session: Session) -> None:
            for line in history_jsonl(session, instance_id):
                stream.write(line + "\n")

        UnitOfWork(db).read(write)
    except NotFound as exc:
        raise SystemExit(exc.message) from exc
    finally:
        if target:
            stream.close()
        db.dispose()
    return 0


def _verify_export(path: str, out: TextIO) -> int:
    with open(path, encoding="utf-8") as handle:
        verdict = verify_export(handle)
    out.write(json.dumps(verdict.as_dict(), ensure_ascii=False) + "\n")
    return 0 if verdict.ok else 1


def _worker(poll: float) -> int:
    from engine.service import WorkflowEngine
    from engine.timers.worker import run_until_signalled

    _database().dispose()  # refuses a missing SQLite file, as the audit commands do
    engine = WorkflowEngine(Settings.from_env())
    run_until_signalled(engine.worker(), poll)
    engine.db.dispose()
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m engine.cli", description="Audit: verify and export case histories")
    commands = parser.add_subparsers(dest="command", required=True)
    every = commands.add_parser("verify-all", help="verify every case in the database")
    one = commands.add_parser("verify", help="verify one case")
    one.add_argument("instance_id", type=int)
    for command in (every, one):
        command.add_argument("--full", action="store_true",
                             help="replay every history from its start, ignoring verification seals")
    export = commands.add_parser("export-history", help="a case's full history as JSON lines")
    export.add_argument("instance_id", type=int)
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    offline = commands.add_parser("verify-export", help="verify an exported history without a database")
    offline.add_argument("file")
    work = commands.add_parser("worker", help="fire due timers until SIGTERM (writes: the one command that does)")
    work.add_argument("--poll", type=float, default=1.0, help="seconds between passes when nothing is due")
    args = parser.parse_args(argv)
    if args.command == "worker":
        return _worker(args.poll)
    if args.command == "verify-all":
        return _verify_all(out, args.full)
    if args.command == "verify":
        return _verify_one(args.instance_id, out, args.full)
    if args.command == "export-history":
        return _export(args.instance_id, args.output, out)
    return _verify_export(args.file, out)


if __name__ == "__main__":
    sys.exit(main())
