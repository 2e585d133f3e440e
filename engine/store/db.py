"""Database access: SQLite (WAL) by default, PostgreSQL by URL. The schema is :mod:`engine.store.schema`'s.

Commands write in transactions of their own. On SQLite a writing transaction
takes the write lock when it begins (``BEGIN IMMEDIATE``), so concurrent
commands queue on the busy timeout instead of failing on a lock upgrade;
readers use plain deferred transactions and never block writers. On
PostgreSQL writers run at READ COMMITTED (commands lock the case row) and
readers at REPEATABLE READ, so a view is one consistent snapshot.
"""

from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_LOCK_TIMEOUT_MS = 30_000
# A pooled PostgreSQL connection idle longer than this is probed (``SELECT 1``) before it is handed out.
PING_AFTER_IDLE_S = 2.0
# Send a transaction's BEGIN with its first statement (``_begin_with_first_statement``); off only for an A/B.
FOLD_BEGIN = True
# A writer's transaction lets PostgreSQL keep a generic plan of its prepared statements (``SET LOCAL
# plan_cache_mode = auto`` in the BEGIN's pipeline, see ``_begin_with_first_statement``); off only for an A/B.
WRITERS_REUSE_PLANS = True
_IDLE_SINCE = "idle_since"


def _sqlite_engine(url: str, immediate: bool | None, lock_timeout_ms: int) -> Engine:
    """``immediate``: writers' BEGIN IMMEDIATE, readers' BEGIN, or None: no BEGIN (each statement its own
    transaction, for reads of one statement)."""
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": lock_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's begin event issues BEGIN
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
        cursor.close()

    if immediate is not None:
        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(url: str, lock_timeout_ms: int) -> Engine:
    """PostgreSQL's engine: a LIFO pool whose connections are probed only after they sat idle.

    SQLAlchemy's ``pool_pre_ping`` probes on every checkout, and a request checks out three times
    (authentication, command, the view after it): three of a completion's round trips. What the
    probe is for is a connection that died while it sat in the pool (a database restart, a server-side
    idle timeout); one checked in a moment ago is as alive as one in the middle of a request, which no
    probe protects either. So a connection idle for ``PING_AFTER_IDLE_S`` or more is probed, a failed
    probe swaps it for a new one (``DisconnectionError`` in ``checkout``: the pool reconnects and
    retries), and a connection that dies between two close uses fails its statement with a disconnect:
    SQLAlchemy then invalidates every older connection of the pool, so the next checkouts reconnect,
    and that one request gets the 503 of engine/store/faults.py as a request in flight during the
    restart does. LIFO keeps the just-used connection hot and lets the spare ones age.
    """
    # plan_cache_mode: psycopg prepares a statement on its fifth execution, and the prepared statements now
    # outlive a request (see _end_read_only_with_commit); after five more, PostgreSQL may switch to one
    # generic plan for every parameter value. For a search with ILIKE '%…%' or a date range that plan was
    # ten times slower (≈ 330 vs 25 ms at 10,000 cases) from the eleventh search on. Planning each time
    # with the actual values keeps what preparing saves (the parse) and every plan fit for its values.
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_use_lifo=True,
                           connect_args={"options": f"-c lock_timeout={int(lock_timeout_ms)}"
                                                    " -c plan_cache_mode=force_custom_plan"})
    dialect = engine.dialect
    _end_read_only_with_commit(dialect)
    if FOLD_BEGIN and psycopg.Pipeline.is_supported():
        _begin_with_first_statement(engine)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)  # absent on a new connection: it was just opened
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection failed its probe: {exc}") from exc

    return engine


def _end_read_only_with_commit(dialect: Any) -> None:
    """End a read-only transaction with COMMIT: psycopg forgets its prepared statements on every ROLLBACK.

    psycopg drops its whole prepared-statement cache after a ROLLBACK (the transaction may have created
    or dropped what a statement refers to) and sends ``DEALLOCATE ALL``: one round trip more, and every
    statement of the next request parsed and planned again. A view's transaction (REPEATABLE READ READ
    ONLY: PostgreSQL refuses any write in it) has nothing to undo, so COMMIT ends it with the same effect
    and keeps the cache. A transaction in error, or one that may have written, is rolled back as before.
    """
    rollback = dialect.do_rollback

    def do_rollback(dbapi_conn: Any) -> None:
        raw = getattr(dbapi_conn, "dbapi_connection", dbapi_conn)  # the pool's proxy shadows ``info``
        if raw.read_only and raw.info.transaction_status == TransactionStatus.INTRANS:
            raw.commit()
        else:
            rollback(dbapi_conn)

    dialect.do_rollback = do_rollback


_BEGIN_WORDS = {psycopg.IsolationLevel.READ_UNCOMMITTED: "READ UNCOMMITTED",
                psycopg.IsolationLevel.READ_COMMITTED: "READ COMMITTED",
                psycopg.IsolationLevel.REPEATABLE_READ: "REPEATABLE READ",
                psycopg.IsolationLevel.SERIALIZABLE: "SERIALIZABLE"}


def _begin_statement(raw: psycopg.Connection[Any]) -> str:
    """The ``BEGIN`` psycopg itself would send for this connection's settings."""
    parts = ["BEGIN"]
    if raw.isolation_level is not None:
        parts.append("ISOLATION LEVEL " + _BEGIN_WORDS[raw.isolation_level])
    if raw.read_only is not None:
        parts.append("READ ONLY" if raw.read_only else "READ WRITE")
    if raw.deferrable is not None:
        parts.append("DEFERRABLE" if raw.deferrable else "NOT DEFERRABLE")
    return " ".join(parts)


# Commands read and write by key (a case's id, its tasks, its time limits, a role's users): one plan fits every
# value, and planning each of a command's ~15 statements again on every run was ≈ a third of PostgreSQL's CPU
# per request. The session's force_custom_plan stays for everything else: the reads, whose searches and date
# ranges fell into the generic-plan trap, the autocommit authentication, migrations.
_WRITERS_PLANS = "SET LOCAL plan_cache_mode = auto"
# The execution option of the readers by key (``Database.key_reader``): their transactions reuse plans too.
REUSE_PLANS = "shequ_reuse_plans"


def _begin_with_first_statement(engine: Engine) -> None:
    """Send a transaction's ``BEGIN`` in one round trip with its first statement.

    psycopg opens a transaction by sending ``BEGIN`` and waiting for its reply before the first statement
    goes out (also in pipeline mode, where it syncs after the ``BEGIN``): one round trip of every
    transaction that carries nothing but the word. Here the first statement of a transaction on a
    connection at IDLE goes out in a pipeline after the same ``BEGIN`` (isolation level, read-only or
    not: what psycopg would have sent), and both replies come back together. For that one statement the
    connection is switched to autocommit, so psycopg sends no ``BEGIN`` of its own; it stays so while the
    transaction is open — the explicit ``BEGIN`` keeps every later statement inside it, as the server
    tracks the block, not the flag — and is switched back when the transaction ends (commit, rollback,
    or found ended at the next statement). ``COMMIT`` and ``ROLLBACK`` are sent as before (psycopg sends
    them whenever the server reports a transaction, whatever the flag), and a statement that fails in
    the pipeline raises as it would alone, leaving the transaction in error for the rollback. A
    connection SQLAlchemy puts at autocommit (``single_read_engine``) is left alone.
    """
    dialect = engine.dialect
    reuse_plans = WRITERS_REUSE_PLANS
    opened: weakref.WeakSet[psycopg.Connection[Any]] = weakref.WeakSet()  # autocommit only for our BEGIN
    idle = TransactionStatus.IDLE

    def ended(raw: psycopg.Connection[Any]) -> None:
        if raw in opened and raw.pgconn.transaction_status == idle:
            opened.discard(raw)
            raw.autocommit = False

    def begin_and_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        raw = cursor.connection
        if raw.pgconn.transaction_status != idle or isinstance(cursor, psycopg.ServerCursor):
            return False  # in a transaction already; a server-side cursor cannot run in a pipeline
        ended(raw)
        if raw.autocommit:
            return False  # SQLAlchemy's autocommit: no transaction wanted
        begin = _begin_statement(raw)
        raw.autocommit = True
        opened.add(raw)
        with raw.pipeline():
            cursor.execute(begin, prepare=False)
            if reuse_plans and (not raw.read_only or (context is not None
                                                      and context.execution_options.get(REUSE_PLANS))):
                cursor.execute(_WRITERS_PLANS, prepare=False)
            if parameters is None:
                cursor.execute(statement)
            else:
                cursor.execute(statement, parameters)
        return True

    execute, execute_no_params = dialect.do_execute, dialect.do_execute_no_params
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        if not begin_and_execute(cursor, statement, parameters, context):
            execute(cursor, statement, parameters, context)

    def do_execute_no_params(cursor: Any, statement: str, context: Any = None) -> None:
        if not begin_and_execute(cursor, statement, None, context):
            execute_no_params(cursor, statement, context)

    def do_commit(dbapi_conn: Any) -> None:
        try:
            commit(dbapi_conn)
        finally:
            ended(getattr(dbapi_conn, "dbapi_connection", dbapi_conn))

    def do_rollback(dbapi_conn: Any) -> None:
        try:
            rollback(dbapi_conn)
        finally:
            ended(getattr(dbapi_conn, "dbapi_connection", dbapi_conn))

    dialect.do_execute, dialect.do_execute_no_params = do_execute, do_execute_no_params
    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn: Any, _record: Any) -> None:
        # After the pool's reset (a rollback): no connection goes back to the pool with our autocommit on,
        # where SQLAlchemy's own setting for the next checkout must hold.
        if dbapi_conn is not None:
            ended(dbapi_conn)


class Database:
    """The engines and session factories of one database.

    ``lock_timeout_ms``: how long a statement waits for a lock another transaction holds (SQLite's busy
    timeout, PostgreSQL's ``lock_timeout``) before it fails — and the request gets a 503
    (engine/store/faults.py) instead of hanging.
    """

    def __init__(self, url: str, lock_timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.write_engine = _sqlite_engine(url, immediate=True, lock_timeout_ms=lock_timeout_ms)
            self.read_engine = _sqlite_engine(url, immediate=False, lock_timeout_ms=lock_timeout_ms)
        else:
            self.write_engine = _postgres_engine(url, lock_timeout_ms)
            # A view reads several statements (case row, then its task rows): under READ COMMITTED a
            # command committing in between shows a running case without tasks. Readers get one
            # snapshot (REPEATABLE READ; read-only transactions there never fail to serialise).
            # Writers stay READ COMMITTED: they lock the case row and check its version.
            # READ ONLY as well: PostgreSQL refuses a write in them, so ending one with COMMIT instead of
            # ROLLBACK changes nothing (see ``_end_read_only_with_commit``).
            self.read_engine = self.write_engine.execution_options(isolation_level="REPEATABLE READ",
                                                                   postgresql_readonly=True)
        # Readers of one case or task by its id (the case view, a task's page) reuse plans as commands do
        # (see _WRITERS_PLANS); lists and searches stay on ``read_engine``, planned for their values.
        self.key_read_engine = (self.read_engine if self.is_sqlite
                                else self.read_engine.execution_options(**{REUSE_PLANS: True}))
        # A read of exactly one statement is its own snapshot and needs no transaction: on PostgreSQL it
        # runs at autocommit, without the BEGIN and ROLLBACK round trips (every request's authentication);
        # on SQLite on connections of its own that send no BEGIN (nor the end of one).
        self.single_read_engine = (_sqlite_engine(url, immediate=None, lock_timeout_ms=lock_timeout_ms)
                                   if self.is_sqlite
                                   else self.write_engine.execution_options(isolation_level="AUTOCOMMIT"))
        self._writer = sessionmaker(bind=self.write_engine, expire_on_commit=False, autoflush=False)
        self._reader = sessionmaker(bind=self.read_engine, expire_on_commit=False, autoflush=False)
        self._key_reader = sessionmaker(bind=self.key_read_engine, expire_on_commit=False, autoflush=False)
        self._single_reader = sessionmaker(bind=self.single_read_engine, expire_on_commit=False, autoflush=False)

    def writer(self) -> Session:
        return self._writer()

    def reader(self) -> Session:
        return self._reader()

    def key_reader(self) -> Session:
        """A reader whose statements look rows up by key: PostgreSQL may keep one plan for them (a case's view)."""
        return self._key_reader()

    def single_reader(self) -> Session:
        """A session for a read of one statement (see ``single_read_engine``)."""
        return self._single_reader()

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
        if self.is_sqlite:
            self.single_read_engine.dispose()
