"""The PostgreSQL connections and the unit of work every write runs in.

``PostgresBase`` replaces ``SqliteBase`` under the shared mixins: the same
``_transaction`` / ``unit_of_work`` / ``reading`` contract, on a ``psycopg_pool``
connection pool instead of one file.

* A write is one ``BEGIN`` … ``COMMIT`` under READ COMMITTED on a pooled connection,
  between the hook's ``begin`` and ``finish`` (the server's idempotency keys). No global
  write lock: concurrent writers meet only on the rows they touch (the order's row lock,
  its vendor's counter rows). A serialization failure or deadlock (SQLSTATE 40001,
  40P01) rolls back and runs the whole write again, at most ``RETRIES`` times; so does
  a whole unit of work given as a callable (``run_unit``: an import, an EDI chunk).
* A read outside a write runs on a pooled connection in one REPEATABLE READ, READ ONLY
  snapshot (the count and the page of one screen agree); inside a write, on the write's
  connection (it reads what it wrote).
* The store's ``lock`` serialises the threads of one local store object (the TUI and
  its workers), as on SQLite; a server store (``separate_reads``) takes no lock, and
  each request thread gets connections of its own.
* Nothing is cached between transactions (vendors, policies): another process may change
  them at any time.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, Self, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from dropship_tui.domain.models import SlaPolicy, SlaThresholds, Vendor
from dropship_tui.store.base import Clock, StoreBusyError, utc_now
from dropship_tui.store.postgres import schema
from dropship_tui.store.postgres.adapter import RETRY_STATES, PgConnection, PgError, configure
from dropship_tui.store.postgres.address import StoreAddressError, describe, scrub
from dropship_tui.store.sqlite.connection import NoHook, SqliteBase, WriteHook, read_thresholds

T = TypeVar("T")

RETRIES = 5
"""How many times a write that lost a serialization race or a deadlock is run again."""

SLA_LOCK = 5_120_012
"""The advisory lock every write holds shared and an SLA admin change (new thresholds,
a location's or group's policy) holds alone: ``_admin_lock``."""


class PostgresBase(SqliteBase):
    """The database, its pool, the transaction runner. ``PostgresStore`` composes the
    shared queries and writes on top."""

    def __init__(
        self,
        address: str,
        *,
        user: str = "local",
        clock: Clock = utc_now,
        hook: WriteHook | None = None,
        separate_reads: bool = False,
        pool_size: int = 4,
        connect_timeout: float = 5.0,
    ) -> None:
        self.address = address
        self.user = user
        self.clock = clock
        self._hook: WriteHook = hook or NoHook()
        self._lock = threading.RLock()
        self._policies: dict[str, SlaPolicy] = {}
        self._vendors: dict[str, Vendor] = {}
        self._separate_reads = separate_reads
        self._thread = threading.local()
        self._own: PgConnection | None = None
        self.thresholds = self._prepare(address, connect_timeout)
        self._pool = ConnectionPool(
            address, min_size=1, max_size=max(1, pool_size), open=False,
            configure=configure, timeout=connect_timeout,
            check=ConnectionPool.check_connection,  # a connection the server dropped (a restart) is replaced
            kwargs={"connect_timeout": max(1, int(connect_timeout))},
        )
        self._pool.open(wait=False)

    @staticmethod
    def _prepare(address: str, timeout: float) -> SlaThresholds:
        """One direct connection first: a server that is not there or refuses the
        credentials is one line at once (a pool would keep retrying until its timeout);
        then the migrations and the store's thresholds."""
        try:
            raw = psycopg.connect(address, connect_timeout=max(1, int(timeout)))
        except psycopg.Error as exc:
            text = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreAddressError(f"cannot open the store {describe(address)}: {scrub(text, address)}") from None
        try:
            configure(raw)
            conn = PgConnection(raw)
            schema.migrate(conn)
            return read_thresholds(conn)
        finally:
            raw.close()

    def close(self) -> None:
        with self._lock:
            if self._own is not None:
                self._own.close()
                self._own = None
        self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> str:  # what messages name the store by (SQLite: its file)
        return describe(self.address)

    @property
    def _conn(self) -> PgConnection:
        """The current write's connection (``edi_store`` joins the unit of work on it)."""
        conn = getattr(self._thread, "conn", None)
        if conn is None:
            raise RuntimeError("no write in progress on this thread")  # pragma: no cover
        return conn

    @contextmanager
    def raw_connection(self) -> Iterator[PgConnection]:
        """A pooled connection of its own, in autocommit mode (tests, bulk loads, the
        server's user admin): the caller runs its own ``BEGIN`` / ``COMMIT``."""
        with self._pool.connection() as raw:
            yield PgConnection(raw)

    @property
    def connection(self) -> PgConnection:
        """A connection of the store's own in autocommit mode, as ``SqliteBase.connection``
        (tests, user admin, bulk loads; hold ``lock``): ``BEGIN IMMEDIATE`` on it is a
        ``BEGIN``. Opened when first asked for, closed with the store."""
        with self._lock:
            if self._own is None or self._own.raw.closed:
                raw = psycopg.connect(self.address)
                configure(raw)
                self._own = PgConnection(raw)
            return self._own

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def thresholds(self) -> SlaThresholds:
        """Inside a write: the thresholds that very write read (under ``SLA_LOCK``), never
        another thread's; else the latest a write of this store read or set."""
        return getattr(self._thread, "thresholds", None) or self._thresholds

    @thresholds.setter
    def thresholds(self, value: SlaThresholds) -> None:
        self._thresholds = value

    def _admin_lock(self, conn: Any) -> None:
        """As ``SlaAdmin._admin_lock``: ``SLA_LOCK`` alone, once every other write in
        progress has ended (each holds it shared); new writes wait until this one
        commits. Two admin changes at once are a deadlock, which one of them loses and
        runs again (``_transaction``)."""
        conn.execute("SELECT pg_advisory_xact_lock(?)", (SLA_LOCK,))

    def _guard(self) -> Any:
        return nullcontext() if self._separate_reads else self._lock

    @property
    def schema_version(self) -> int:
        with self.raw_connection() as conn:
            return schema.schema_version(conn) or 0

    # --- reads --------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[PgConnection]:  # type: ignore[override]
        """The connection a read runs on: this thread's write (or outer read) if there is
        one, else a pooled connection in one read-only snapshot."""
        current = getattr(self._thread, "conn", None) or getattr(self._thread, "reader", None)
        if current is not None:  # inside a write (or a read) of this thread: the same one
            yield current
            return
        with self._guard(), self._pooled() as raw:
            conn = PgConnection(raw)
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self._thread.reader = conn
            try:
                yield conn
            finally:
                self._thread.reader = None
                if conn.in_transaction:
                    conn.execute("ROLLBACK")  # nothing to commit: it ends the snapshot

    def _caches(self, conn: Any) -> bool:
        return False  # another process may change a vendor or a policy at any time

    # --- the unit of work ---------------------------------------------------------------

    def _transaction(self, work: Callable[[PgConnection], T]) -> T:  # type: ignore[override]
        """``work(conn)`` in one transaction between the hook's ``begin`` and ``finish``;
        any exception rolls it all back; a lost serialization race or a deadlock runs it
        again (bounded)."""
        current = getattr(self._thread, "conn", None)
        if current is not None:  # part of a larger unit of work
            return work(current)

        def once() -> T:
            with self._guard(), self._write() as conn:
                self._hook.begin(conn)
                result = work(conn)
                self._hook.finish(conn, result)
                return result

        return self._retried(once)

    def run_unit(self, work: Callable[[], T]) -> T:
        """``work()`` as one unit of work (``unit_of_work``), run again from its start,
        in a new transaction with the hook begun again, after a deadlock or a lost
        serialization race (at most ``RETRIES`` times; then the error reaches the
        caller, nothing stored). ``work`` must keep no state of a rolled-back attempt.
        Inside a unit already: part of it, run once (the outer unit is what retries)."""
        if getattr(self._thread, "conn", None) is not None:
            return work()

        def once() -> T:
            with self.unit_of_work():
                return work()

        return self._retried(once)

    @staticmethod
    def _retried(once: Callable[[], T]) -> T:
        """``once()``, again after a deadlock or serialization failure (its transaction
        rolled back), with a jittered backoff that doubles; the last failure is raised."""
        for attempt in range(RETRIES + 1):
            try:
                return once()
            except PgError as exc:
                if exc.sqlstate not in RETRY_STATES or attempt == RETRIES:
                    raise
                time.sleep(random.uniform(0, 0.01 * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def _pooled(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection of the pool for one read or write; every connection busy past the
        pool's timeout is ``StoreBusyError`` (nothing done, trying again is safe)."""
        try:
            raw = self._pool.getconn()
        except PoolTimeout:
            raise StoreBusyError() from None
        try:
            yield raw
        finally:
            self._pool.putconn(raw)  # rolls back what is left open; replaces a broken one

    @contextmanager
    def _write(self) -> Iterator[PgConnection]:
        with self._pooled() as raw:
            conn = PgConnection(raw)
            try:
                conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                self._thread.conn = conn
                # Shared with every other write: an SLA admin change holds it alone
                # (``_admin_lock``), so no write reads thresholds or a policy being replaced.
                conn.execute("SELECT pg_advisory_xact_lock_shared(?)", (SLA_LOCK,))
                self._thread.thresholds = read_thresholds(conn)  # another process may have changed them
                yield conn
                conn.execute("COMMIT")
                self._thresholds = self._thread.thresholds
            except BaseException:
                if not raw.closed and conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._thread.conn = None
                self._thread.thresholds = None

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Every write inside is one transaction: all of it is stored, or none. Not run
        again after a deadlock or a lost serialization race (the caller's block cannot
        be re-entered from here): the error (``retryable``) reaches the caller, nothing
        stored, and trying again is safe; ``run_unit`` is the unit that runs again."""
        if getattr(self._thread, "conn", None) is not None:
            yield
            return
        with self._guard(), self._write() as conn:
            self._hook.begin(conn)  # once for the whole unit (an idempotency key)
            yield
            self._hook.finish(conn, None)
