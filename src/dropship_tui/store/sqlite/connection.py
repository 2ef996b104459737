"""The SQLite connection and the unit of work every write runs in.

One write connection per store, shared by the UI thread and workers under the store's
one ``lock``. Every write is one ``BEGIN IMMEDIATE`` transaction run by
``SqliteBase._transaction``: any exception rolls everything back. Reads go through
``reading()``: on the local store the same connection under the lock; on a store opened
with ``separate_reads`` (the server) each thread reads on a connection of its own, in one
snapshot, without the lock, so a write waiting for the file's lock (another process
holds it) never holds up a read (WAL lets readers run beside a writer). A ``WriteHook`` (the
server's idempotency keys) runs first inside each write transaction and last before its
``COMMIT``, so what it reads and writes commits or rolls back with the write itself.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Protocol, Self, TypeVar

from dropship_tui.domain.models import SlaPolicy, SlaThresholds, Vendor
from dropship_tui.domain.workflow import Ctx
from dropship_tui.store.base import Clock, StoreBusyError, utc_now
from dropship_tui.store.postgres.address import refuse_url_path
from dropship_tui.store.sqlite import activity_chain, schema

T = TypeVar("T")
STATEMENT_CACHE = 512
"""Prepared statements kept per connection (sqlite3's default is 128)."""


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, foreign keys and
    recursive triggers on."""
    path = Path(path)
    refuse_url_path(path)  # "postgresql://…" as a Path: no folders "postgresql:" made
    path.parent.mkdir(parents=True, exist_ok=True)
    # A write runs the same dozen statements per order; a long session also builds many
    # dashboard queries (one text per filter and sort): room for all of them, so a batch
    # acknowledgement never prepares a statement twice (sqlite3 caches by SQL text).
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=10.0,
        cached_statements=STATEMENT_CACHE,
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # INSERT OR REPLACE deletes the row it replaces; only with this on does that deletion
    # fire DELETE triggers (the activity log's ``activity_no_delete``).
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    # Checkpoint the WAL every ~40 MB instead of every 4 MB: a batch of small commits then
    # copies each hot index page back once per checkpoint, not once per few commits.
    conn.execute("PRAGMA wal_autocheckpoint = 10000")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def connect_reader(path: Path | str) -> sqlite3.Connection:
    """A read-only connection (``query_only``) to a store ``connect`` has opened (so the
    file is already in WAL mode): it never takes the write lock and never waits for it."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10.0)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA cache_size = -16384")  # 16 MiB: one per server thread
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def read_thresholds(conn: sqlite3.Connection) -> SlaThresholds:
    """The store's SLA thresholds (``meta`` 'sla_thresholds', "AT_RISK/OVERDUE"), else the
    default 0.8 / 1.0."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'sla_thresholds'").fetchone()
    return _thresholds(None if row is None else row[0])


@functools.lru_cache(maxsize=16)
def _thresholds(value: str | None) -> SlaThresholds:
    """``meta``'s text as thresholds, parsed once per distinct text: every write
    transaction re-reads it (another process may have changed it), and a batch
    acknowledgement is one transaction per order. The record is frozen, so it is shared."""
    if value is None:
        return SlaThresholds()
    at_risk, _, overdue = value.partition("/")
    try:
        return SlaThresholds(at_risk=Decimal(at_risk), overdue=Decimal(overdue))
    except (ArithmeticError, ValueError):  # pragma: no cover - hand-edited meta
        return SlaThresholds()


class WriteHook(Protocol):
    """Work that belongs inside every write transaction of a store (the server's
    idempotency keys). Raising from either method refuses the write: it rolls back."""

    def begin(self, conn: sqlite3.Connection) -> None:
        """Run first inside the transaction, before the write reads anything."""
        ...

    def finish(self, conn: sqlite3.Connection, result: object) -> None:
        """Run last, before ``COMMIT``; ``result`` is what the write returns (the new
        ``Order`` for a workflow action)."""
        ...


class NoHook:
    """The local store's hook: nothing to add."""

    def begin(self, conn: sqlite3.Connection) -> None:
        pass

    def finish(self, conn: sqlite3.Connection, result: object) -> None:
        pass


class SqliteBase:
    """The file, its connection and lock, the transaction runner and the caches a write
    rollback must forget. ``SqliteStore`` adds the queries and writes on top."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        user: str = "local",
        clock: Clock = utc_now,
        hook: WriteHook | None = None,
        separate_reads: bool = False,
    ) -> None:
        self.path = Path(path)
        self.user = user
        self.clock = clock
        self._hook: WriteHook = hook or NoHook()
        self._lock = threading.RLock()
        self._in_unit = False
        """Inside ``unit_of_work``: every write joins its one transaction."""
        self._policies: dict[str, SlaPolicy] = {}
        self._vendors: dict[str, Vendor] = {}
        self._separate_reads = separate_reads
        self._thread = threading.local()
        """Per thread: ``writing`` (inside a write transaction) and ``reader`` (its
        read connection when reads are separate)."""
        self._readers: list[sqlite3.Connection] = []
        self._readers_guard = threading.Lock()
        self._conn = connect(self.path)
        try:
            schema.migrate(self._conn)
            self._restore_triggers()
            self.thresholds = read_thresholds(self._conn)
        except BaseException:
            self._conn.close()
            raise

    def _restore_triggers(self) -> None:
        """Re-create the activity log's append-only triggers if someone dropped them."""
        if not activity_chain.missing_activity_triggers(self._conn):
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            activity_chain.restore_activity_triggers(self._conn)  # re-read inside the write lock
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        with self._readers_guard:
            for reader in self._readers:
                reader.close()
            self._readers.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection (for tests, migrations, users and bulk loads; hold ``lock``)."""
        return self._conn

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema.user_version(self._conn)

    # --- reads --------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection a read runs on. Inside a write transaction of this thread it is
        the write connection (the write reads what it has written so far); otherwise, with
        ``separate_reads``, the thread's own read connection in one snapshot (several
        statements agree with each other), without the store's lock; else the write
        connection under the lock."""
        if not self._separate_reads or getattr(self._thread, "writing", False):
            with self._lock:
                yield self._conn
            return
        conn: sqlite3.Connection | None = getattr(self._thread, "reader", None)
        if conn is None:
            conn = connect_reader(self.path)
            self._thread.reader = conn
            with self._readers_guard:
                self._readers.append(conn)
        if conn.in_transaction:  # a read inside a read: the same snapshot
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")  # nothing to commit: it ends the snapshot

    def _caches(self, conn: sqlite3.Connection) -> bool:
        """Whether a read on ``conn`` may fill the vendor and policy caches: only one on
        the write connection (under the lock), which no commit can overtake; a separate
        reader's snapshot may be older than a write that has just cleared them."""
        return conn is self._conn

    # --- the unit of work -------------------------------------------------------------

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work(conn)`` in one ``BEGIN IMMEDIATE`` transaction, between the hook's
        ``begin`` and ``finish``; any exception rolls it all back (and forgets the
        cached vendors and policies, which the rolled-back writes may have changed)."""
        with self._lock:
            conn = self._conn
            if self._in_unit:  # part of a larger unit of work: it commits or rolls back
                return work(conn)
            self._begin(conn)
            self._thread.writing = True
            try:
                # Another process may have changed the thresholds since: write marks with
                # the store's current ones (one tiny lookup, inside the write lock).
                self.thresholds = read_thresholds(conn)
                self._hook.begin(conn)
                result = work(conn)
                self._hook.finish(conn, result)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full...)
                    conn.execute("ROLLBACK")
                self._forget_cached()
                raise
            finally:
                self._thread.writing = False
            return result

    @staticmethod
    def _begin(conn: sqlite3.Connection) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusyError() from None  # the lock waited the whole busy timeout
            raise

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Every write inside is one transaction: all of it is stored, or none (an import
        with its new vendors, locations and mappings). Holds the store's lock throughout."""
        with self._lock:
            if self._in_unit:
                yield
                return
            conn = self._conn
            self._begin(conn)
            self._in_unit = True
            self._thread.writing = True
            try:
                self.thresholds = read_thresholds(conn)
                self._hook.begin(conn)  # once for the whole unit (an idempotency key)
                yield
                self._hook.finish(conn, None)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self._forget_cached()
                raise
            finally:
                self._in_unit = False
                self._thread.writing = False

    def run_unit(self, work: Callable[[], T]) -> T:
        """``work()`` in one ``unit_of_work``, once: SQLite's one writer never deadlocks
        (``PostgresBase.run_unit`` runs it again after a deadlock)."""
        with self.unit_of_work():
            return work()

    def _forget_cached(self) -> None:
        self._policies.clear()
        self._vendors.clear()

    def _now(self) -> datetime:
        return self.clock()

    def _ctx(self, policy: SlaPolicy) -> Ctx:
        return Ctx(user=self.user, now=self._now(), sla_policy=policy, thresholds=self.thresholds)
