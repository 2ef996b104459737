"""``SqliteStore``: the ``Store`` protocol on one local SQLite file, and its workflow writes.

Every workflow action is one transaction (``connection.SqliteBase._transaction``): load
the order, check the version the caller read, call the rule in ``domain.workflow`` (the
store never decides anything a rule decides), write the new order guarded by
``WHERE version = ?``, keep the tracking numbers, stock reservations, invoice numbers and
scorecard facts (``facts_upkeep``) in step, append the activity entries, commit. Any
exception rolls everything back.

The rest of the protocol lives in one module per job: ``queries`` (the dashboard),
``stock``, ``setup``, ``imports`` (order import), ``sla_admin`` (policies, thresholds and
SLA marks); ``schema`` holds the tables and migrations, ``rows`` how an order maps onto
the indexed columns.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence

from dropship_tui.domain.actions import AcknowledgeInFull, Action
from dropship_tui.domain.errors import ConflictError, InvalidInputError, NotFoundError, WorkflowError
from dropship_tui.domain.models import Order, SlaPolicy, SlaThresholds, Stage, Vendor
from dropship_tui.domain.workflow import Change, Ctx
from dropship_tui.store.actions import NamedActions
from dropship_tui.store.base import BatchResult, Clock, StoreBusyError, utc_now
from dropship_tui.store.paths import resolve_db_path
from dropship_tui.store.sqlite import facts_upkeep
from dropship_tui.store.sqlite.connection import WriteHook
from dropship_tui.store.sqlite.edi_store import EdiRecords, record_due
from dropship_tui.store.sqlite.imports import OrderImport, append_activity, insert_tracking
from dropship_tui.store.sqlite.live import LiveQueries
from dropship_tui.store.sqlite.queries import DashboardQueries
from dropship_tui.store.sqlite.reports import ScorecardQueries
from dropship_tui.store.sqlite.exports import OrderExports
from dropship_tui.store.sqlite.retailer import RetailerSetting
from dropship_tui.store.sqlite.rows import ORDER_COLUMNS, order_row, tracking_rows
from dropship_tui.store.sqlite.stock import StockRecords

INVOICE_PREFIX = "INV-"

Rule = Callable[[sqlite3.Connection, Order, Ctx], Change]


def invoice_number(n: int) -> str:
    return f"{INVOICE_PREFIX}{n:06d}"


class SqliteStore(NamedActions, DashboardQueries, StockRecords, OrderImport, EdiRecords, LiveQueries, ScorecardQueries,
                  RetailerSetting, OrderExports):
    """The local store. ``SqliteStore.open()`` finds the file via ``resolve_db_path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        user: str = "local",
        clock: Clock = utc_now,
        thresholds: SlaThresholds | None = None,
        hook: WriteHook | None = None,
        separate_reads: bool = False,
    ) -> None:
        """``thresholds`` None (the usual case) uses the store's own (``meta``, default
        0.8 / 1.0); given, they are set as by ``set_sla_thresholds``. ``hook`` runs
        inside every write transaction (``connection.WriteHook``); ``separate_reads``
        gives each thread a read connection of its own (``SqliteBase.reading``)."""
        super().__init__(path, user=user, clock=clock, hook=hook, separate_reads=separate_reads)
        if thresholds is not None and thresholds != self.thresholds:
            try:
                self.set_sla_thresholds(thresholds)
            except BaseException:
                self._conn.close()
                raise

    @classmethod
    def open(
        cls,
        explicit: str | os.PathLike[str] | None = None,
        *,
        user: str = "local",
        clock: Clock = utc_now,
        thresholds: SlaThresholds | None = None,
    ) -> SqliteStore:
        """Open the store at ``explicit``, else ``$DROPSHIP_TUI_DB``, else the default."""
        return cls(resolve_db_path(explicit), user=user, clock=clock, thresholds=thresholds)

    # --- one action, one transaction ------------------------------------------------------

    def _act(self, po_number: int, version: int | None, rule: Rule) -> Order:
        try:
            return self._transaction(lambda conn: self._act_in(conn, po_number, version, rule))
        except sqlite3.IntegrityError as exc:  # a constraint the rules did not foresee
            raise WorkflowError(
                f"PO {po_number} could not be saved: it conflicts with data already in the "
                f"store ({exc}); nothing was changed"
            ) from exc

    def _act_in(
        self, conn: sqlite3.Connection, po_number: int, version: int | None, rule: Rule
    ) -> Order:
        order = self._load(conn, po_number)
        if version is not None and version != order.version:
            raise ConflictError.stale(po_number)
        policy = self.policy_for_location(order.location_code)
        change = rule(conn, order, self._ctx(policy))
        self._write_change(conn, order, change, policy)
        return change.order

    def _write_change(
        self, conn: sqlite3.Connection, old: Order, change: Change, policy: SlaPolicy
    ) -> None:
        new = change.order
        if new.po_number != old.po_number:  # pragma: no cover - a rule never does this
            raise WorkflowError("A rule changed the PO number")
        old_row = order_row(old, policy, self.thresholds, body=False)
        new_row = order_row(new, policy, self.thresholds)
        changed = [
            (col, value)
            for col, before, value in zip(ORDER_COLUMNS, old_row, new_row)
            if before != value and col not in ("po_number", "version")
        ]
        sets = ", ".join(f"{col} = ?" for col, _ in changed)
        sets = (sets + ", " if sets else "") + "version = ?"
        cursor = conn.execute(
            f"UPDATE orders SET {sets} WHERE po_number = ? AND version = ?",
            (*(v for _, v in changed), new.version, old.po_number, old.version),
        )
        if cursor.rowcount != 1:
            raise ConflictError.stale(old.po_number)
        conn.execute(
            "UPDATE order_bodies SET body = ? WHERE po_number = ?", (new_row[-1], new.po_number)
        )
        if isinstance(conn, sqlite3.Connection):  # PostgreSQL's body triggers keep its facts
            facts_upkeep.sync(conn, old, new)
        self._sync_tracking(conn, old, new)
        _sync_reservations(conn, old, new)
        if new.invoice is not None and old.invoice is None:
            conn.execute(
                "INSERT INTO invoices(number, po_number) VALUES (?, ?)",
                (new.invoice.invoice_number, new.po_number),
            )
        append_activity(conn, new.po_number, change.activity)
        record_due(conn, old, new, self._now())  # the EDI outbox, in the same transaction

    def _sync_tracking(self, conn: sqlite3.Connection, old: Order, new: Order) -> None:
        before, after = tracking_rows(old), tracking_rows(new)
        if before == after:
            return
        conn.execute("DELETE FROM tracking WHERE po_number = ?", (new.po_number,))
        insert_tracking(conn, after)

    # --- the actions ----------------------------------------------------------------------

    def act(self, po_number: int, version: int | None, action: Action) -> Order:
        """Run one workflow action (``domain.actions``) in its own transaction."""
        return self._act(po_number, version, self._rule(action))

    def _rule(self, action: Action) -> Rule:
        return lambda conn, order, ctx: action.apply(order, ctx, _Env(self, conn))

    ACK_GROUP = 1
    """acknowledge_all commits after at most this many orders (each its own savepoint).
    1 keeps the promise that each order is its own transaction, so an acknowledgement
    reported done is on disk even if the batch dies later; benchmarks/store.py measures
    the rate at 1 (larger groups are faster but not what the issue asks)."""

    def acknowledge_all(self, po_numbers: Sequence[int]) -> BatchResult:
        """Each order acknowledged in full (validated = ordered, stock ignored).

        Each order is its own atomic unit: a SAVEPOINT (a nested transaction) that is
        rolled back alone when the rules refuse it (not New, missing), so a refusal is
        reported, not raised, and never touches the others. The savepoints are committed
        in groups of ``ACK_GROUP`` (1: each order is its own transaction); the write lock
        is released between groups so other writers interleave. A database error fails
        the group's orders not yet refused, with the reason."""
        result = BatchResult()
        pos = list(po_numbers)
        rule = self._rule(AcknowledgeInFull())
        for start in range(0, len(pos), self.ACK_GROUP):
            group = pos[start:start + self.ACK_GROUP]
            done: list[int] = []

            def work(conn: sqlite3.Connection) -> None:
                done.clear()  # run again after a deadlock: this attempt's outcomes only
                for po in group:
                    result.failed.pop(po, None)
                for po in group:
                    conn.execute("SAVEPOINT ack_one")
                    try:
                        self._act_in(conn, po, None, rule)
                    except (WorkflowError, NotFoundError, InvalidInputError) as exc:
                        conn.execute("ROLLBACK TO ack_one")
                        result.failed[po] = exc.message
                    except sqlite3.OperationalError as exc:
                        if getattr(exc, "retryable", False):
                            raise  # a PostgreSQL deadlock: the whole group is run again
                        conn.execute("ROLLBACK TO ack_one")
                        result.failed[po] = f"PO {po} could not be saved: {exc}"
                    else:
                        done.append(po)
                    conn.execute("RELEASE ack_one")

            try:
                self._transaction(work)
            except (sqlite3.Error, StoreBusyError) as exc:
                for po in group:
                    if po in done or po not in result.failed:
                        result.failed[po] = f"PO {po} could not be saved: {exc}"
                continue
            result.succeeded.extend(done)
        return result

    def acknowledge_in_full(self, po_number: int) -> Order:
        """One order of ``acknowledge_all``, as its own write (refusals raise)."""
        return self.act(po_number, None, AcknowledgeInFull())


class _Env:
    """What an action may need of the store, inside its transaction."""

    def __init__(self, store: SqliteStore, conn: sqlite3.Connection) -> None:
        self._store, self._conn = store, conn

    def vendor(self, code: str) -> Vendor:
        return self._store.vendor(code)

    def next_invoice_number(self) -> str:
        return _next_invoice_number(self._conn)


def _sync_reservations(conn: sqlite3.Connection, old: Order, new: Order) -> None:
    """Inside the action's transaction: acknowledging (New -> In progress) reserves the
    accepted units of each vendor SKU with known stock at the order's location; cancelling
    or reopening releases what the order reserved; completing ships it (on hand and reserved both
    drop by the reserved units)."""
    if old.stage is new.stage:
        return
    po = new.po_number
    if old.stage is Stage.NEW and new.stage is Stage.IN_PROGRESS:
        wanted: dict[str, int] = {}
        for line in new.lines:
            units = line.quantity_accepted or 0
            if line.vendor_sku and units > 0:
                wanted[line.vendor_sku] = wanted.get(line.vendor_sku, 0) + units
        for sku, units in sorted(wanted.items()):
            conn.execute(
                "INSERT INTO stock_reservations(po_number, vendor_sku, location_code, units) "
                "SELECT ?, vendor_sku, location_code, ? FROM stock "
                "WHERE vendor_sku = ? AND location_code = ?",
                (po, units, sku, new.location_code),
            )
    elif new.stage is Stage.CANCELED or new.stage is Stage.NEW:  # canceled, or reopened (R15)
        conn.execute("DELETE FROM stock_reservations WHERE po_number = ?", (po,))
    elif new.stage is Stage.COMPLETED:
        conn.execute(
            "UPDATE stock SET on_hand = max(0, on_hand - r.units) FROM "
            "(SELECT vendor_sku, location_code, units FROM stock_reservations "
            "WHERE po_number = ?) AS r WHERE stock.vendor_sku = r.vendor_sku "
            "AND stock.location_code = r.location_code",
            (po,),
        )
        conn.execute("DELETE FROM stock_reservations WHERE po_number = ?", (po,))


def _next_invoice_number(conn: sqlite3.Connection) -> str:
    """The next free invoice number: the sequence's next value, skipping numbers already
    taken (a store written by an older version may hold numbers the sequence never gave).
    Each skip is one primary-key probe, so the usual case costs one."""
    (n,) = conn.execute("SELECT value FROM sequences WHERE name = 'invoice'").fetchone()
    n += 1
    while conn.execute("SELECT 1 FROM invoices WHERE number = ?", (invoice_number(n),)).fetchone():
        n += 1
    conn.execute("UPDATE sequences SET value = ? WHERE name = 'invoice'", (n,))
    return invoice_number(n)
