"""The server's store: the store with a per-request acting user and idempotent writes
(``ServerStore`` on SQLite, its PostgreSQL twin from ``open_server_store``).

On SQLite one ``ServerStore`` serves every request: its one write connection (WAL) and
the store's lock serialise the writes, which is what SQLite does with writers anyway,
while each request thread reads on a connection of its own (``separate_reads``), so no
read waits behind a write. On PostgreSQL the request threads share a connection pool and
take no lock. Two more things differ from the local store:

- the acting user (recorded in the activity) is per thread, set by the route for the
  authenticated user, never taken from the client;
- a write may run under an idempotency key (``IdempotencyHook``, the store's write hook):
  inside the write's own transaction the (user, key) row is claimed first (a key
  already there raises ``Replay`` with the stored response, nothing is written) and the
  response is stored before ``COMMIT``. So a retry after a lost response is answered
  from the table and never applied twice, and two racing requests with one key cannot
  both write.

Stateless (``serve --workers N``, or several servers on one file): a request needs
nothing one process remembers. Keys, tokens and sessions are rows; an ETag is a hash of
the body; the live-changes token comes from the store's activity; and the server keeps no
vendor or policy cache (another process may change them at any time) and reads the SLA
thresholds from the store when it reports them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dropship_tui.domain.errors import ConflictError, InvalidInputError, NotFoundError, WorkflowError
from dropship_tui.domain.models import Order, SlaThresholds
from dropship_tui.store.base import BatchResult, StoreBusyError
from dropship_tui.store.sqlite import SqliteStore
from dropship_tui.store.transfer import connection_of
from dropship_tui.store.sqlite.connection import read_thresholds

PG_POOL = 16
"""Connections one PostgreSQL server process holds at most (its request threads share them)."""


class Replay(Exception):
    """The write under this key was already done: answer with the stored response."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


@dataclass
class KeyedWrite:
    user: str
    key: str
    status: int = 200
    body: str | None = None
    """The response to store; set before the transaction ends (None: store nothing). A
    workflow action's is its new order unless the route set one."""
    stored: bool = False


IDEMPOTENCY_WAIT_S = 10
"""How long a request waits for another one still running with its Idempotency-Key (on
PostgreSQL, another server process) before it is answered 409: waiters never hold every
pooled connection for as long as a slow write runs."""


class IdempotencyHook:
    """The ``WriteHook`` that makes a write under a key happen once: ``begin`` replays a
    key already stored, ``finish`` stores the response with the write. The key in force
    is per thread (``ServerStore.acting``)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._local = threading.local()

    @property
    def keyed(self) -> KeyedWrite | None:
        return getattr(self._local, "keyed", None)

    @keyed.setter
    def keyed(self, value: KeyedWrite | None) -> None:
        self._local.keyed = value

    def begin(self, conn: sqlite3.Connection) -> None:
        """Claim the key with a row of our own (``INSERT … ON CONFLICT DO NOTHING``): on
        PostgreSQL a second transaction with the key waits here until the first ends,
        then finds its row and replays it; on SQLite the write lock already queues
        them. A claim that comes to nothing rolls back with the write."""
        keyed = self.keyed
        if keyed is None or keyed.stored:
            return
        waits = not isinstance(conn, sqlite3.Connection)  # PostgreSQL: for another process's write
        if waits:
            conn.execute(f"SET LOCAL lock_timeout = '{int(IDEMPOTENCY_WAIT_S * 1000)}ms'")
        try:
            claimed = conn.execute(
                "INSERT INTO idempotency(user, key, status, body, created_at) VALUES (?, ?, 0, '', ?) "
                "ON CONFLICT DO NOTHING",
                (keyed.user, keyed.key, self._now().isoformat()),
            ).rowcount
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlstate", None) == "55P03":  # lock_not_available: still running
                raise ConflictError(
                    "a request with this Idempotency-Key is still being applied: nothing was done; "
                    "send it again in a moment for its answer"
                ) from None
            raise
        if waits:
            conn.execute("SET LOCAL lock_timeout = DEFAULT")
        if claimed == 1:
            return
        row = conn.execute(
            "SELECT status, body FROM idempotency WHERE user = ? AND key = ?",
            (keyed.user, keyed.key),
        ).fetchone()
        raise Replay(row[0], row[1])

    def finish(self, conn: sqlite3.Connection, result: object) -> None:
        keyed = self.keyed
        if keyed is None or keyed.stored:
            return
        if keyed.body is None and isinstance(result, Order):
            keyed.body = result.model_dump_json()
        if keyed.body is None:  # nothing to answer a retry with: give the key back
            conn.execute("DELETE FROM idempotency WHERE user = ? AND key = ?", (keyed.user, keyed.key))
            return
        conn.execute(
            "UPDATE idempotency SET status = ?, body = ? WHERE user = ? AND key = ?",
            (keyed.status, keyed.body, keyed.user, keyed.key),
        )
        keyed.stored = True


class Serving:
    """What the server adds to a store of either engine (``ServerStore`` on SQLite,
    ``PgServerStore`` on PostgreSQL): the per-thread acting user and key, the
    scoping lookups, batch acknowledgement once per PO."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._local = threading.local()
        self._idempotency = IdempotencyHook(lambda: self.clock())
        kwargs.setdefault("separate_reads", True)
        super().__init__(*args, hook=self._idempotency, **kwargs)

    def _caches(self, conn: sqlite3.Connection) -> bool:
        """Never: another server process on the store may change a vendor or a location's
        policy between two of our requests, and a cache here would not hear of it (a
        policy is two primary-key lookups)."""
        return False

    @contextmanager
    def admin_connection(self) -> Iterator[Any]:
        """A connection for the user admin (``dropship-tui users``), in autocommit mode:
        SQLite's one connection under the store's lock, or a pooled PostgreSQL one."""
        with connection_of(self) as conn:
            yield conn

    def current_thresholds(self) -> SlaThresholds:
        """The store's thresholds as stored now (another process may have changed them
        since this one last wrote)."""
        with self.reading() as conn:
            return read_thresholds(conn)

    # --- per-thread acting user and key -----------------------------------------------

    @property  # type: ignore[override]
    def user(self) -> str:
        return getattr(self._local, "user", None) or self._default_user

    @user.setter
    def user(self, value: str) -> None:
        self._default_user = value

    @contextmanager
    def acting(self, user: str, keyed: KeyedWrite | None = None) -> Iterator[None]:
        before_user = getattr(self._local, "user", None)
        before_keyed = self._idempotency.keyed
        self._local.user, self._idempotency.keyed = user, keyed
        try:
            yield
        finally:
            self._local.user, self._idempotency.keyed = before_user, before_keyed

    def prune_idempotency(self, keep: timedelta = timedelta(days=7)) -> int:
        """Forget stored responses older than ``keep`` (a client retries for seconds,
        not days). One statement: its own transaction, under no key."""
        cutoff = (self.clock() - keep).isoformat()
        return self._transaction(
            lambda conn: conn.execute("DELETE FROM idempotency WHERE created_at < ?", (cutoff,)).rowcount
        )

    # --- scoping helpers ----------------------------------------------------------------

    def vendor_of(self, po_number: int) -> str | None:
        """The vendor of a PO, or None when there is no such PO."""
        with self.reading() as conn:
            row = conn.execute(
                "SELECT vendor_code FROM orders WHERE po_number = ?", (po_number,)
            ).fetchone()
        return None if row is None else row[0]

    # --- batch acknowledge, exactly once per PO -----------------------------------------

    def acknowledge_all_keyed(
        self, po_numbers: Sequence[int], user: str, key: str | None,
        allowed: Callable[[int], bool],
    ) -> BatchResult:
        """``acknowledge_all`` where each PO's transaction carries the sub-key
        ``KEY#PO``: a retried batch reports the POs done the first time as succeeded
        without acting again. ``allowed(po)`` is the caller's scope check."""
        result = BatchResult()
        for po in po_numbers:
            keyed = KeyedWrite(user, f"{key}#{po}") if key else None
            try:
                if not allowed(po):
                    raise NotFoundError(f"PO {po} is not in the store")
                with self.acting(user, keyed):
                    self.acknowledge_in_full(po)
            except Replay:
                result.succeeded.append(po)
            except (WorkflowError, NotFoundError, InvalidInputError) as exc:
                result.failed[po] = exc.message
            except (sqlite3.OperationalError, StoreBusyError) as exc:  # as SqliteStore.acknowledge_all
                result.failed[po] = f"PO {po} could not be saved: {exc}"
            else:
                result.succeeded.append(po)
        return result


class ServerStore(Serving, SqliteStore):
    """The server's SQLite store (one file; several server processes may share it)."""


def open_server_store(address: str | os.PathLike[str], **options: Any) -> Any:
    """The server's store at ``address``: ``ServerStore`` on a SQLite file, its
    PostgreSQL twin on a ``postgresql://`` address (imported only then)."""
    from dropship_tui.store.postgres.address import is_postgres

    if not is_postgres(address):
        return ServerStore(address, **options)
    from dropship_tui.store.postgres.store import PostgresStore

    class PgServerStore(Serving, PostgresStore):
        """The server's PostgreSQL store: no lock between requests (``separate_reads``),
        a pool of connections shared by the request threads."""

    options.setdefault("pool_size", PG_POOL)
    return PgServerStore(str(address).strip(), **options)
