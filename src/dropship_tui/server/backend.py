"""The server's store: ``SqliteStore`` with a per-request acting user and idempotent writes.

One ``ServerStore`` (one SQLite connection, WAL) serves every request; the store's own
lock serialises them, which is what SQLite does with writers anyway. Two things differ
from the local store:

- the acting user (recorded in the activity) is per thread, set by the route for the
  authenticated user, never taken from the client;
- a write may run under an idempotency key: inside the write's own ``BEGIN IMMEDIATE``
  transaction the (user, key) row is checked first (a hit raises ``Replay`` with the
  stored response, nothing is written) and the response is stored before ``COMMIT``. So
  a retry after a lost response is answered from the table and never applied twice, and
  two racing requests with one key cannot both write.

This relies on two internals of ``SqliteStore``: every write goes through ``_write()``,
and order actions through ``_act()`` (see ``store/sqlite.py``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import InvalidInputError, NotFoundError, WorkflowError
from dropship_tui.domain.models import Order
from dropship_tui.domain.workflow import Change, Ctx
from dropship_tui.store.base import BatchResult
from dropship_tui.store.sqlite.store import SqliteStore


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
    """The response to store; set before the transaction ends (None: store nothing)."""
    stored: bool = False


class ServerStore(SqliteStore):
    _local = threading.local()

    # --- per-thread acting user -------------------------------------------------------

    @property  # type: ignore[override]
    def user(self) -> str:
        return getattr(self._local, "user", None) or self._default_user

    @user.setter
    def user(self, value: str) -> None:
        self._default_user = value

    @contextmanager
    def acting(self, user: str, keyed: KeyedWrite | None = None) -> Iterator[None]:
        before_user = getattr(self._local, "user", None)
        before_keyed = getattr(self._local, "keyed", None)
        self._local.user, self._local.keyed = user, keyed
        try:
            yield
        finally:
            self._local.user, self._local.keyed = before_user, before_keyed

    # --- idempotent transactions --------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        keyed: KeyedWrite | None = getattr(self._local, "keyed", None)
        with super()._write() as conn:
            if keyed is not None and not keyed.stored:
                row = conn.execute(
                    "SELECT status, body FROM idempotency WHERE user = ? AND key = ?",
                    (keyed.user, keyed.key),
                ).fetchone()
                if row is not None:
                    raise Replay(row[0], row[1])
            yield conn
            if keyed is not None and not keyed.stored and keyed.body is not None:
                conn.execute(
                    "INSERT INTO idempotency(user, key, status, body, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (keyed.user, keyed.key, keyed.status, keyed.body, self._now().isoformat()),
                )
                keyed.stored = True

    def _act(
        self,
        po_number: int,
        version: int | None,
        rule: Callable[[sqlite3.Connection, Order, Ctx], Change],
    ) -> Order:
        keyed: KeyedWrite | None = getattr(self._local, "keyed", None)
        with self._write() as conn:
            order = self._act_in(conn, po_number, version, rule)
            if keyed is not None and keyed.body is None:
                keyed.body = order.model_dump_json()
            return order

    def prune_idempotency(self, keep: timedelta = timedelta(days=7)) -> int:
        """Forget stored responses older than ``keep`` (a client retries for seconds,
        not days)."""
        cutoff = (self._now() - keep).isoformat()
        with super()._write() as conn:
            return conn.execute("DELETE FROM idempotency WHERE created_at < ?", (cutoff,)).rowcount

    def replayed(self, user: str, key: str) -> Replay | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT status, body FROM idempotency WHERE user = ? AND key = ?", (user, key)
            ).fetchone()
        return None if row is None else Replay(row[0], row[1])

    # --- scoping helpers ----------------------------------------------------------------

    def vendor_of(self, po_number: int) -> str | None:
        """The vendor of a PO, or None when there is no such PO."""
        with self._lock:
            row = self._conn.execute(
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

        def in_full(conn: sqlite3.Connection, order: Order, ctx: Ctx) -> Change:
            return workflow.acknowledge(order, workflow.prefill_quantities(order), {}, ctx)

        for po in po_numbers:
            keyed = KeyedWrite(user, f"{key}#{po}") if key else None
            try:
                if not allowed(po):
                    raise NotFoundError(f"PO {po} is not in the store")
                with self.acting(user, keyed):
                    self._act(po, None, in_full)
            except Replay:
                result.succeeded.append(po)
            except (WorkflowError, NotFoundError, InvalidInputError) as exc:
                result.failed[po] = exc.message
            except sqlite3.OperationalError as exc:  # as SqliteStore.acknowledge_all
                result.failed[po] = f"PO {po} could not be saved: {exc}"
            else:
                result.succeeded.append(po)
        return result


def dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
