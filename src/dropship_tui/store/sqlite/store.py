"""``SqliteStore``: the ``Store`` protocol on one local SQLite file.

Every write is one ``BEGIN IMMEDIATE`` transaction: load the order, check the version the
caller read, call the rule in ``domain.workflow`` (the store never decides anything a rule
decides), write the new order guarded by ``WHERE version = ?``, append the activity
entries, commit. Any exception rolls everything back.

The schema and its migrations are in ``schema.py``; how an order maps onto the indexed
columns (SLA marks, progress, name keys) is in ``rows.py``.

One connection per store, shared by the UI thread and Textual workers under a lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from dropship_tui.domain import catalog, sla, workflow
from dropship_tui.domain.errors import ConflictError, InvalidInputError, NotFoundError, WorkflowError, bad_rows
from dropship_tui.domain.models import (
    ActivityEntry,
    Location,
    LocationGroup,
    Order,
    OrderSummary,
    Reason,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
    Stage,
    Vendor,
)
from dropship_tui.domain.workflow import Change, Ctx
from dropship_tui.store.sqlite import schema
from dropship_tui.store.base import BatchResult, Clock, OrderQuery, SortKey, StageCounts, utc_now
from dropship_tui.store.paths import resolve_db_path
from dropship_tui.store.sqlite.rows import (
    ORDER_COLUMNS,
    RANK_STAGE,
    STAGE_RANK,
    from_us,
    line_rows,
    name_key,
    order_row,
    status_from_marks,
    to_us,
    tracking_rows,
)

INVOICE_PREFIX = "INV-"
MAX_PO = 2**31 - 1
_TOP = "\U0010ffff"  # sorts after any character: the upper bound of a prefix range

SORT_COLUMNS = {
    SortKey.PO_NUMBER: None,
    SortKey.ORDER_NUMBER: "order_number",
    SortKey.CUSTOMER: "customer_key",
    SortKey.ORDER_DATE: "order_date",
    SortKey.STAGE: "stage_rank",
    SortKey.PROGRESS: "progress",
}

SUMMARY_COLUMNS = (
    "po_number, order_number, vendor_code, customer, order_date, stage_rank, "
    "sla_at_risk_at, sla_overdue_at, progress, version, total_units"
)

# SLA statuses in ascending sort order (rank): on time, at risk, overdue.
SLA_ORDER = (SlaStatus.ON_TIME, SlaStatus.AT_RISK, SlaStatus.OVERDUE)


def sla_predicate(status: SlaStatus) -> str:
    """SQL for "the order's SLA status at :now is ``status``" (see ``schema``)."""
    if status is SlaStatus.OVERDUE:
        return "sla_overdue_at <= :now"
    if status is SlaStatus.AT_RISK:
        return "sla_at_risk_at <= :now AND sla_overdue_at > :now"
    return "sla_at_risk_at > :now"


def invoice_number(n: int) -> str:
    return f"{INVOICE_PREFIX}{n:06d}"


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, foreign keys on."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=10.0
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    # Checkpoint the WAL every ~40 MB instead of every 4 MB: a batch of small commits then
    # copies each hot index page back once per checkpoint, not once per few commits.
    conn.execute("PRAGMA wal_autocheckpoint = 10000")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


class SqliteStore:
    """The local store. ``SqliteStore.open()`` finds the file via ``resolve_db_path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        user: str = "local",
        clock: Clock = utc_now,
        thresholds: SlaThresholds | None = None,
    ) -> None:
        """``thresholds`` None (the usual case) uses the store's own (``meta``, default
        0.8 / 1.0); given, they are set as by ``set_sla_thresholds``."""
        self.path = Path(path)
        self.user = user
        self.clock = clock
        self.thresholds = thresholds or SlaThresholds()
        self._lock = threading.RLock()
        self._policies: dict[str, SlaPolicy] = {}
        self._vendors: dict[str, Vendor] = {}
        self._conn = connect(self.path)
        try:
            schema.migrate(self._conn)
            stored = self._stored_thresholds(self._conn)
            if thresholds is None:
                self.thresholds = stored
            elif thresholds != stored:
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

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection (for tests, migrations and bulk loads; hold ``lock``)."""
        return self._conn

    @property
    def lock(self) -> threading.RLock:
        return self._lock

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema.user_version(self._conn)

    # --- transactions ---------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction; any exception rolls it all back."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have changed the thresholds since: write marks with
                # the store's current ones (one tiny lookup, inside the write lock).
                self.thresholds = self._stored_thresholds(conn)
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full...)
                    conn.execute("ROLLBACK")
                self._policies.clear()
                self._vendors.clear()
                raise
            conn.execute("COMMIT")

    def _now(self) -> datetime:
        return self.clock()

    def _ctx(self, policy: SlaPolicy) -> Ctx:
        return Ctx(user=self.user, now=self._now(), sla_policy=policy, thresholds=self.thresholds)

    # --- reads ------------------------------------------------------------------------

    def counts(self, vendor_code: str | None = None) -> StageCounts:
        sql = "SELECT stage, sum(n) FROM stage_counts"
        params: tuple = ()
        if vendor_code is not None:
            sql += " WHERE vendor_code = ?"
            params = (vendor_code,)
        with self._lock:
            rows = self._conn.execute(sql + " GROUP BY stage", params).fetchall()
        values = {stage: n for stage, n in rows}
        per = {s.value: int(values.get(s.value) or 0) for s in Stage}
        return StageCounts(total=sum(per.values()), **per)

    def get_order(self, po_number: int) -> Order:
        with self._lock:
            return self._load(self._conn, po_number)

    def _load(self, conn: sqlite3.Connection, po_number: int) -> Order:
        row = conn.execute(
            "SELECT body FROM order_bodies WHERE po_number = ?", (_po(po_number),)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"PO {po_number} is not in the store")
        return Order.model_validate_json(row[0])

    def order_version(self, po_number: int) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT version FROM orders WHERE po_number = ?", (_po(po_number),)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"PO {po_number} is not in the store")
        return row[0]

    def activity(self, po_number: int) -> list[ActivityEntry]:
        """Newest first."""
        with self._lock:
            if not self._exists(po_number):
                raise NotFoundError(f"PO {po_number} is not in the store")
            rows = self._conn.execute(
                "SELECT at, user, action, details FROM activity WHERE po_number = ? "
                "ORDER BY id DESC",
                (po_number,),
            ).fetchall()
        return [
            ActivityEntry(at=datetime.fromisoformat(at), user=user, action=action, details=details)
            for at, user, action, details in rows
        ]

    def _exists(self, po_number: int) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM orders WHERE po_number = ?", (_po(po_number),)
            ).fetchone()
            is not None
        )

    def vendor(self, code: str) -> Vendor:
        with self._lock:
            cached = self._vendors.get(code)
            if cached is not None:
                return cached
            row = self._conn.execute("SELECT body FROM vendors WHERE code = ?", (code,)).fetchone()
            if row is None:
                raise NotFoundError(f"Vendor {code} is not in the store")
            vendor = Vendor.model_validate_json(row[0])
            self._vendors[code] = vendor
            return vendor

    def vendors(self) -> list[Vendor]:
        with self._lock:
            rows = self._conn.execute("SELECT body FROM vendors ORDER BY code").fetchall()
        return [Vendor.model_validate_json(r[0]) for r in rows]

    def location(self, code: str) -> Location:
        with self._lock:
            row = self._conn.execute("SELECT body FROM locations WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise NotFoundError(f"Location {code} is not in the store")
        return Location.model_validate_json(row[0])

    def locations(self, vendor_code: str | None = None) -> list[Location]:
        sql, params = "SELECT body FROM locations", ()
        if vendor_code is not None:
            sql, params = sql + " WHERE vendor_code = ?", (vendor_code,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY code", params).fetchall()
        return [Location.model_validate_json(r[0]) for r in rows]

    def location_group(self, code: str) -> LocationGroup:
        with self._lock:
            row = self._conn.execute(
                "SELECT body FROM location_groups WHERE code = ?", (code,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"Location group {code} is not in the store")
        return LocationGroup.model_validate_json(row[0])

    def sku_mappings(self, vendor_code: str) -> list[SkuMapping]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT body FROM sku_mappings WHERE vendor_code = ? ORDER BY product_code",
                (vendor_code,),
            ).fetchall()
        return [SkuMapping.model_validate_json(r[0]) for r in rows]

    def policy_for_location(self, location_code: str) -> SlaPolicy:
        """R12: the location's policy, else its group's, else the defaults."""
        with self._lock:
            cached = self._policies.get(location_code)
            if cached is not None:
                return cached
            location = self.location(location_code)
            group = None
            if location.group_code is not None:
                row = self._conn.execute(
                    "SELECT body FROM location_groups WHERE code = ?", (location.group_code,)
                ).fetchone()
                group = LocationGroup.model_validate_json(row[0]) if row else None
            policy = sla.resolve_policy(location, group)
            self._policies[location_code] = policy
            return policy

    def sla_policy_for(self, order: Order) -> SlaPolicy:
        return self.policy_for_location(order.location_code)

    def sla_status(self, order: Order) -> SlaStatus:
        return sla.sla_status(order, self.sla_policy_for(order), self._now(), self.thresholds)

    def stock(self, vendor_sku: str, location_code: str) -> int | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT on_hand FROM stock WHERE vendor_sku = ? AND location_code = ?",
                (vendor_sku, location_code),
            ).fetchone()
        return None if row is None else row[0]

    def stock_for(self, order: Order) -> dict[str, int]:
        """Stock *available* (on hand - reserved by acknowledged open orders, floored at 0)
        of the order's vendor SKUs at its location (known ones only), ready for
        ``workflow.prefill_quantities``."""
        skus = sorted({line.vendor_sku for line in order.lines if line.vendor_sku})
        if not skus:
            return {}
        marks = ",".join("?" * len(skus))
        with self._lock:
            rows = self._conn.execute(
                f"SELECT s.vendor_sku, max(0, s.on_hand - coalesce(("
                f"SELECT sum(r.units) FROM stock_reservations r WHERE r.location_code = "
                f"s.location_code AND r.vendor_sku = s.vendor_sku), 0)) "
                f"FROM stock s WHERE s.location_code = ? AND s.vendor_sku IN ({marks})",
                (order.location_code, *skus),
            ).fetchall()
        return dict(rows)

    def stock_levels(self, search: str = "", location_code: str | None = None) -> list[StockLevel]:
        """Every known stock level (by location, then vendor SKU): on hand, reserved,
        available. ``search``: part of the vendor SKU (any case), or a UPC / catalog
        product code of the vendor's SKU mappings."""
        sql = (
            "SELECT s.vendor_sku, s.location_code, s.on_hand, coalesce(("
            "SELECT sum(r.units) FROM stock_reservations r WHERE r.location_code = "
            "s.location_code AND r.vendor_sku = s.vendor_sku), 0) FROM stock s "
            "JOIN locations l ON l.code = s.location_code WHERE 1"
        )
        params: list[object] = []
        if location_code:
            sql += " AND s.location_code = ?"
            params.append(location_code)
        term = search.strip()
        if term:
            sql += (
                " AND (instr(lower(s.vendor_sku), lower(?)) > 0 OR EXISTS (SELECT 1 FROM "
                "sku_mappings m WHERE m.vendor_code = l.vendor_code AND m.vendor_sku = "
                "s.vendor_sku AND (m.upc = ? OR m.product_code = ?)))"
            )
            params += [term, term, term]
        with self._lock:
            rows = self._conn.execute(
                sql + " ORDER BY s.location_code, s.vendor_sku", params
            ).fetchall()
        return [
            StockLevel(sku, loc, on_hand, reserved, on_hand - reserved)
            for sku, loc, on_hand, reserved in rows
        ]

    def reservations(self, po_number: int) -> dict[str, int]:
        """The units an acknowledged open order holds, by vendor SKU."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT vendor_sku, units FROM stock_reservations WHERE po_number = ?",
                (_po(po_number),),
            ).fetchall()
        return dict(rows)

    # --- the dashboard list -------------------------------------------------------------

    def count_orders(self, query: OrderQuery) -> int:
        """The size of the (virtual) list: stage counters when only the stage filters;
        SLA counters for finished orders plus index ranges over the open ones when the SLA
        status filters; a query otherwise."""
        searching = bool(query.search.strip())
        if not searching and query.sla is None:
            counts = self.counts(query.vendor_code)
            return counts.of(query.stage) if query.stage is not None else counts.total
        with self._lock:
            if not searching:
                return self._count_sla(query)
            if query.stage is None and query.sla is None and query.vendor_code is None:
                params: dict[str, object] = {}
                hits = _search_sql(query.search.strip(), params)
                return self._conn.execute(
                    f"SELECT count(DISTINCT po_number) FROM ({hits})", params
                ).fetchone()[0]
            where, params = self._where(query)
            return self._conn.execute(
                f"SELECT count(*) FROM orders WHERE {where}", params
            ).fetchone()[0]

    def _count_sla(self, query: OrderQuery) -> int:
        status, stage, vendor = query.sla, query.stage, query.vendor_code
        assert status is not None
        total = 0
        if stage is None or not stage.is_open:
            sql = "SELECT coalesce(sum(n), 0) FROM sla_counts WHERE final_sla = ?"
            params: list[object] = [status.value]
            if stage is not None:
                sql, params = sql + " AND stage = ?", [*params, stage.value]
            if vendor is not None:
                sql, params = sql + " AND vendor_code = ?", [*params, vendor]
            total += self._conn.execute(sql, params).fetchone()[0]
        if stage is None or stage.is_open:
            base = "stage_rank < 2"
            named: dict[str, object] = {"now": to_us(self._now())}
            if stage is not None:
                base += " AND stage_rank = :stage"
                named["stage"] = STAGE_RANK[stage]
            if vendor is not None:
                base += " AND vendor_code = :vendor"
                named["vendor"] = vendor

            def count(predicate: str) -> int:
                return self._conn.execute(
                    f"SELECT count(*) FROM orders WHERE {base} AND {predicate}", named
                ).fetchone()[0]

            if status is SlaStatus.OVERDUE:
                total += count("sla_overdue_at <= :now")
            elif status is SlaStatus.AT_RISK:
                total += count("sla_at_risk_at <= :now") - count("sla_overdue_at <= :now")
            else:
                counts = self.counts(vendor)
                open_total = (
                    counts.of(stage) if stage is not None else counts.new + counts.in_progress
                )
                total += open_total - count("sla_at_risk_at <= :now")
        return total

    def list_orders(
        self, query: OrderQuery, *, offset: int = 0, limit: int = 50
    ) -> list[OrderSummary]:
        offset, limit = max(0, offset), max(0, limit)
        if limit == 0:
            return []
        now_us = to_us(self._now())
        with self._lock:
            if query.sort is SortKey.SLA:
                rows = self._page_by_sla(query, offset, limit, now_us)
            else:
                where, params = self._where(query, now_us)
                direction = "DESC" if query.descending else "ASC"
                column = SORT_COLUMNS[query.sort]
                order_by = f"po_number {direction}"
                if column is not None:
                    order_by = f"{column} {direction}, {order_by}"
                rows = self._conn.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM orders WHERE {where} "
                    f"ORDER BY {order_by} LIMIT :limit OFFSET :offset",
                    {**params, "limit": limit, "offset": offset},
                ).fetchall()
        return [_summary(row, now_us) for row in rows]

    def _page_by_sla(
        self, query: OrderQuery, offset: int, limit: int, now_us: int
    ) -> list[tuple]:
        """SLA sort: status rank (on time < at risk < overdue), then the overdue instant,
        then PO number; descending is the exact reverse. Each status is read in two parts,
        each one index range in index order: the open orders (by overdue instant) and the
        finished ones (which keep their status; by PO), so no row's status is computed."""
        statuses = [query.sla] if query.sla is not None else list(SLA_ORDER)
        direction = "DESC" if query.descending else "ASC"
        base = query.model_copy(update={"sla": None})
        where, params = self._where(base, now_us)
        parts: list[tuple[str, str, str]] = []
        # Without a search the parts are read through their own indexes, whatever the
        # planner's statistics say (a wrong guess sorts a whole stage for 50 rows); with
        # one, the planner may start from the (usually few) matching POs instead.
        searching = bool(query.search.strip())
        open_index = "" if searching else " INDEXED BY orders_open_due"
        final_index = "" if searching else " INDEXED BY orders_final"
        for status in statuses:
            open_part = (
                f"stage_rank < 2 AND {sla_predicate(status)}",
                f"sla_overdue_at {direction}, po_number {direction}",
                open_index,
            )
            final_part = (
                "final_sla = :final_" + status.value, f"po_number {direction}", final_index
            )
            params["final_" + status.value] = status.value
            # Finished overdue orders come first (their mark is always past); finished
            # on-time and at-risk ones last (theirs never comes).
            pair = [final_part, open_part] if status is SlaStatus.OVERDUE else [open_part, final_part]
            if query.stage is not None:
                pair = [p for p in pair if (p is open_part) == query.stage.is_open]
            parts.extend(pair)
        if query.descending:
            parts.reverse()
        rows: list[tuple] = []
        for part_where, order_by, indexed_by in parts:
            seg_where = f"{where} AND {part_where}"
            got = self._conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM orders{indexed_by} WHERE {seg_where} "
                f"ORDER BY {order_by} LIMIT :limit OFFSET :offset",
                {**params, "limit": limit - len(rows), "offset": offset},
            ).fetchall()
            rows.extend(got)
            if len(rows) >= limit:
                break
            if got:
                offset = 0
            elif offset:
                skipped = self._conn.execute(
                    f"SELECT count(*) FROM orders WHERE {seg_where}", params
                ).fetchone()[0]
                offset = max(0, offset - skipped)
        return rows

    def _where(self, query: OrderQuery, now_us: int | None = None) -> tuple[str, dict]:
        clauses = ["1"]
        params: dict[str, object] = {}
        if query.stage is not None:
            clauses.append("stage_rank = :stage")
            params["stage"] = STAGE_RANK[query.stage]
        if query.vendor_code is not None:
            clauses.append("vendor_code = :vendor")
            params["vendor"] = query.vendor_code
        if query.sla is not None:
            clauses.append(sla_predicate(query.sla))
        if query.sla is not None or query.sort is SortKey.SLA:
            params["now"] = now_us if now_us is not None else to_us(self._now())
        term = query.search.strip()
        if term:
            clauses.append(f"po_number IN ({_search_sql(term, params)})")
        return " AND ".join(clauses), params

    # --- writes: one transaction each ---------------------------------------------------

    def _act(
        self,
        po_number: int,
        version: int | None,
        rule: Callable[[sqlite3.Connection, Order, Ctx], Change],
    ) -> Order:
        try:
            with self._write() as conn:
                return self._act_in(conn, po_number, version, rule)
        except sqlite3.IntegrityError as exc:  # a constraint the rules did not foresee
            raise WorkflowError(
                f"PO {po_number} could not be saved: it conflicts with data already in the "
                f"store ({exc}); nothing was changed"
            ) from exc

    def _act_in(
        self,
        conn: sqlite3.Connection,
        po_number: int,
        version: int | None,
        rule: Callable[[sqlite3.Connection, Order, Ctx], Change],
    ) -> Order:
        row = conn.execute(
            "SELECT body FROM order_bodies WHERE po_number = ?", (_po(po_number),)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"PO {po_number} is not in the store")
        order = Order.model_validate_json(row[0])
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
        self._sync_tracking(conn, old, new)
        _sync_reservations(conn, old, new)
        if new.invoice is not None and old.invoice is None:
            conn.execute(
                "INSERT INTO invoices(number, po_number) VALUES (?, ?)",
                (new.invoice.invoice_number, new.po_number),
            )
        _append_activity(conn, new.po_number, change.activity)

    def _sync_tracking(self, conn: sqlite3.Connection, old: Order, new: Order) -> None:
        before, after = tracking_rows(old), tracking_rows(new)
        if before == after:
            return
        conn.execute("DELETE FROM tracking WHERE po_number = ?", (new.po_number,))
        _insert_tracking(conn, after)

    def acknowledge(
        self,
        po_number: int,
        version: int | None,
        validated: Mapping[int, int],
        reasons: Mapping[int, Reason],
        reason_all: Reason | None = None,
    ) -> Order:
        return self._act(
            po_number,
            version,
            lambda conn, order, ctx: workflow.acknowledge(
                order, validated, reasons, ctx, reason_all=reason_all
            ),
        )

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
        is released between groups so other writers interleave."""
        result = BatchResult()

        def in_full(conn: sqlite3.Connection, order: Order, ctx: Ctx) -> Change:
            return workflow.acknowledge(order, workflow.prefill_quantities(order), {}, ctx)

        pos = list(po_numbers)
        for start in range(0, len(pos), self.ACK_GROUP):
            group = pos[start:start + self.ACK_GROUP]
            done: list[int] = []
            with self._lock:
                conn = self._conn
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    for po in group:
                        result.failed[po] = f"PO {po} could not be saved: {exc}"
                    continue
                try:
                    for po in group:
                        conn.execute("SAVEPOINT ack_one")
                        try:
                            self._act_in(conn, po, None, in_full)
                        except (WorkflowError, NotFoundError, InvalidInputError) as exc:
                            conn.execute("ROLLBACK TO ack_one")
                            result.failed[po] = exc.message
                        except sqlite3.OperationalError as exc:
                            conn.execute("ROLLBACK TO ack_one")
                            result.failed[po] = f"PO {po} could not be saved: {exc}"
                        else:
                            done.append(po)
                        conn.execute("RELEASE ack_one")
                    conn.execute("COMMIT")
                except BaseException as exc:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    self._policies.clear()
                    if not isinstance(exc, sqlite3.Error):
                        raise
                    for po in done:
                        result.failed[po] = f"PO {po} could not be saved: {exc}"
                    done = []
            result.succeeded.extend(done)
        return result

    def cancel(self, po_number: int, version: int | None, reason: Reason) -> Order:
        return self._act(
            po_number, version, lambda conn, order, ctx: workflow.cancel(order, reason, ctx)
        )

    def save_slips(
        self, po_number: int, version: int | None, plan: Sequence[Mapping[int, int]]
    ) -> Order:
        return self._act(
            po_number, version, lambda conn, order, ctx: workflow.save_slips(order, plan, ctx)
        )

    def save_tracking(
        self,
        po_number: int,
        version: int | None,
        slip_number: int,
        tracking_number: str,
        carrier: str | None = None,
    ) -> Order:
        return self._act(
            po_number,
            version,
            lambda conn, order, ctx: workflow.save_tracking(
                order, slip_number, tracking_number, ctx, carrier=carrier
            ),
        )

    def generate_invoice(self, po_number: int, version: int | None) -> Order:
        def rule(conn: sqlite3.Connection, order: Order, ctx: Ctx) -> Change:
            problem = workflow.invoice_problem(order)
            if problem:  # refuse before taking a number (the rollback would undo it anyway)
                raise WorkflowError(problem)
            vendor = self.vendor(order.vendor_code)
            return workflow.generate_invoice(order, vendor, _next_invoice_number(conn), ctx)

        return self._act(po_number, version, rule)

    def complete(self, po_number: int, version: int | None) -> Order:
        return self._act(
            po_number, version, lambda conn, order, ctx: workflow.complete(order, ctx)
        )

    def correct_address(self, po_number: int, version: int | None, ship_to: ShipTo) -> Order:
        return self._act(
            po_number,
            version,
            lambda conn, order, ctx: workflow.correct_address(order, ship_to, ctx),
        )

    # --- setup and import ---------------------------------------------------------------

    def add_vendor(self, vendor: Vendor) -> None:
        """Add a vendor, or replace the details of one with the same code."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO vendors(code, name, body) VALUES (?, ?, ?) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name, body = excluded.body",
                (vendor.code, vendor.name, vendor.model_dump_json()),
            )
            self._vendors.pop(vendor.code, None)

    def add_location_group(self, group: LocationGroup) -> None:
        """Add or replace a location group; open orders at its locations get their SLA
        marks recomputed when the policy changes."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO location_groups(code, body) VALUES (?, ?) "
                "ON CONFLICT(code) DO UPDATE SET body = excluded.body",
                (group.code, group.model_dump_json()),
            )
            self._policies.clear()
            codes = [
                r[0]
                for r in conn.execute(
                    "SELECT code FROM locations WHERE group_code = ?", (group.code,)
                )
            ]
            for code in codes:
                self._recompute_marks(conn, code)

    def add_location(self, location: Location) -> None:
        """Add or replace a location (codes are unique across vendors)."""
        with self._write() as conn:
            if not conn.execute(
                "SELECT 1 FROM vendors WHERE code = ?", (location.vendor_code,)
            ).fetchone():
                raise NotFoundError(f"Vendor {location.vendor_code} is not in the store")
            if location.group_code is not None and not conn.execute(
                "SELECT 1 FROM location_groups WHERE code = ?", (location.group_code,)
            ).fetchone():
                raise NotFoundError(f"Location group {location.group_code} is not in the store")
            existing = conn.execute(
                "SELECT vendor_code FROM locations WHERE code = ?", (location.code,)
            ).fetchone()
            if existing is not None and existing[0] != location.vendor_code:
                raise InvalidInputError(
                    f"Location {location.code} already belongs to vendor {existing[0]}"
                )
            conn.execute(
                "INSERT INTO locations(code, vendor_code, group_code, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(code) DO UPDATE SET group_code = excluded.group_code, "
                "body = excluded.body",
                (location.code, location.vendor_code, location.group_code, location.model_dump_json()),
            )
            self._policies.pop(location.code, None)
            if existing is not None:
                self._recompute_marks(conn, location.code)

    def add_sku_mappings(self, mappings: Sequence[SkuMapping]) -> None:
        """Add or replace SKU mappings (keyed by vendor and catalog product code)."""
        with self._write() as conn:
            for vendor_code in sorted({m.vendor_code for m in mappings}):
                if not conn.execute("SELECT 1 FROM vendors WHERE code = ?", (vendor_code,)).fetchone():
                    raise NotFoundError(f"Vendor {vendor_code} is not in the store")
            conn.executemany(
                "INSERT INTO sku_mappings(vendor_code, product_code, vendor_sku, upc, body) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(vendor_code, product_code) DO UPDATE SET "
                "vendor_sku = excluded.vendor_sku, upc = excluded.upc, body = excluded.body",
                [
                    (m.vendor_code, m.product_code, m.vendor_sku, m.upc, m.model_dump_json())
                    for m in mappings
                ],
            )

    def set_stock(self, vendor_sku: str, location_code: str, on_hand: int | None) -> None:
        """Record stock on hand (None forgets it: stock unknown)."""
        with self._write() as conn:
            if on_hand is None:
                conn.execute(
                    "DELETE FROM stock WHERE vendor_sku = ? AND location_code = ?",
                    (vendor_sku, location_code),
                )
                return
            if on_hand < 0:
                raise InvalidInputError("Stock on hand cannot be negative")
            if not conn.execute("SELECT 1 FROM locations WHERE code = ?", (location_code,)).fetchone():
                raise NotFoundError(f"Location {location_code} is not in the store")
            conn.execute(
                "INSERT INTO stock(vendor_sku, location_code, on_hand) VALUES (?, ?, ?) "
                "ON CONFLICT(vendor_sku, location_code) DO UPDATE SET on_hand = excluded.on_hand",
                (vendor_sku, location_code, on_hand),
            )

    def stock_problems(self, rows: Sequence[StockRowLike]) -> list[tuple[int, str]]:
        """(line, message) for every row the store cannot take: unknown location, unknown
        vendor SKU / UPC (for the location's vendor), a UPC naming several SKUs, the same
        SKU and location twice. Read-only; ``import_stock`` checks again in its transaction."""
        with self._lock:
            return self._stock_resolve(self._conn, rows)[1]

    def _stock_resolve(
        self, conn: sqlite3.Connection, rows: Sequence[StockRowLike]
    ) -> tuple[dict[tuple[str, str], int | None], list[tuple[int, str]]]:
        vendors: dict[str, str | None] = {}
        problems: list[tuple[int, str]] = []
        seen: dict[tuple[str, str], int] = {}
        resolved: dict[tuple[str, str], int | None] = {}
        for line, vendor_sku, upc, location_code, quantity in rows:
            if location_code not in vendors:
                row = conn.execute(
                    "SELECT vendor_code FROM locations WHERE code = ?", (location_code,)
                ).fetchone()
                vendors[location_code] = row[0] if row else None
            vendor = vendors[location_code]
            if vendor is None:
                problems.append((line, f"unknown location {location_code!r}"))
                continue
            sku = _known_sku(conn, vendor, vendor_sku, upc)
            if isinstance(sku, tuple):
                problems.append((line, sku[0]))
                continue
            key = (sku, location_code)
            if key in seen:
                problems.append(
                    (line, f"duplicate row: {sku} at {location_code} is already on line {seen[key]}")
                )
                continue
            seen[key] = line
            resolved[key] = quantity
        return resolved, problems

    def import_stock(self, rows: Sequence[StockRowLike], *, full: bool = False) -> StockImportResult:
        """Stock on hand from a file's rows, all or nothing, in one transaction. Partial
        (default): only the rows' SKUs change. ``full``: at every location the rows name,
        a SKU with stock recorded but not in the rows is set to 0 (SKUs never recorded
        stay unknown; other locations are untouched). Any bad row (see
        ``stock_problems``, or a quantity missing) refuses the whole import with
        ``InvalidInputError`` whose ``problems`` are "line N: why"."""
        result = StockImportResult()
        with self._write() as conn:
            resolved, problems = self._stock_resolve(conn, rows)
            for line, *_, quantity in rows:
                if quantity is None or quantity < 0:
                    problems.append((line, "quantity on hand must be a whole number from 0"))
            if problems:
                raise bad_rows(problems)
            current = {}
            for (sku, loc), qty in resolved.items():
                before = conn.execute(
                    "SELECT on_hand FROM stock WHERE vendor_sku = ? AND location_code = ?",
                    (sku, loc),
                ).fetchone()
                current[(sku, loc)] = qty
                if before is not None and before[0] == qty:
                    result.unchanged += 1
                    continue
                if before is None:
                    result.added += 1
                else:
                    result.updated += 1
                conn.execute(
                    "INSERT INTO stock(vendor_sku, location_code, on_hand) VALUES (?, ?, ?) "
                    "ON CONFLICT(vendor_sku, location_code) DO UPDATE SET on_hand = excluded.on_hand",
                    (sku, loc, qty),
                )
            if full:
                for loc in sorted({loc for _, loc in resolved}):
                    others = conn.execute(
                        "SELECT vendor_sku FROM stock WHERE location_code = ? AND on_hand > 0",
                        (loc,),
                    ).fetchall()
                    for (sku,) in others:
                        if (sku, loc) not in current:
                            conn.execute(
                                "UPDATE stock SET on_hand = 0 WHERE vendor_sku = ? "
                                "AND location_code = ?",
                                (sku, loc),
                            )
                            result.zeroed += 1
        return result

    def settle_stock(self) -> None:
        """For bulk loads that write orders without their actions (the demo's fast path):
        rebuild the reservations and take the shipped units off on hand exactly as the
        actions would have, had every order been acknowledged after the current stock was
        recorded. In-progress orders reserve their accepted units; completed ones have
        shipped them (on hand never below 0). Call it once, right after the load: the
        shipped units are taken off on hand each time."""
        accepted = (
            "SELECT o.po_number AS po, o.stage AS stage, o.location_code AS loc, "
            "json_extract(l.value, '$.vendor_sku') AS sku, "
            "sum(coalesce(json_extract(l.value, '$.quantity_accepted'), 0)) AS units "
            "FROM orders o JOIN order_bodies b USING (po_number), json_each(b.body, '$.lines') l "
            "WHERE o.stage IN (:open, :done) "
            "AND o.location_code IN (SELECT DISTINCT location_code FROM stock) "
            "GROUP BY o.po_number, sku"
        )
        stages = {"open": Stage.IN_PROGRESS.value, "done": Stage.COMPLETED.value}
        with self._write() as conn:
            conn.execute("DROP TABLE IF EXISTS temp.settle_accepted")
            conn.execute(f"CREATE TEMP TABLE settle_accepted AS {accepted}", stages)
            try:
                conn.execute("DELETE FROM stock_reservations")
                conn.execute(
                    "INSERT INTO stock_reservations(po_number, vendor_sku, location_code, units) "
                    "SELECT a.po, a.sku, a.loc, a.units FROM temp.settle_accepted a JOIN stock s "
                    "ON s.vendor_sku = a.sku AND s.location_code = a.loc "
                    "WHERE a.stage = :open AND a.units > 0",
                    stages,
                )
                conn.execute(
                    "UPDATE stock SET on_hand = max(0, on_hand - t.units) FROM "
                    "(SELECT sku, loc, sum(units) AS units FROM temp.settle_accepted "
                    "WHERE stage = :done GROUP BY sku, loc) AS t "
                    "WHERE stock.vendor_sku = t.sku AND stock.location_code = t.loc",
                    stages,
                )
            finally:
                conn.execute("DROP TABLE temp.settle_accepted")

    def import_orders(self, orders: Sequence[Order]) -> int:
        """All or nothing, in one transaction. Only brand-new orders (``workflow.
        import_problems``); each order's vendor and location must be in the store; a PO
        already present (or twice in the batch) refuses the whole batch. Each imported
        order gets an "Order received" activity entry (the store's user, now).
        A line's contracted price, vendor SKU and UPC come from the vendor's SKU mapping
        (variation product code first, then product code) when one exists."""
        with self._write() as conn:
            seen: set[int] = set()
            mappings: dict[str, dict[str, SkuMapping]] = {}
            locations: dict[str, Location] = {}
            prepared: list[tuple[Order, SlaPolicy]] = []
            for order in orders:
                po = order.po_number
                if po in seen:
                    raise InvalidInputError(f"PO {po} appears more than once in the import")
                seen.add(po)
                problems = workflow.import_problems(order)
                if problems:
                    raise InvalidInputError(
                        f"PO {po} is not a new order ({'; '.join(problems)}); only new "
                        "orders can be imported"
                    )
                if conn.execute("SELECT 1 FROM orders WHERE po_number = ?", (po,)).fetchone():
                    raise InvalidInputError(f"PO {po} is already in the store")
                if order.location_code not in locations:
                    try:
                        locations[order.location_code] = self.location(order.location_code)
                    except NotFoundError:
                        raise InvalidInputError(
                            f"PO {po}: location {order.location_code} is not in the store"
                        ) from None
                location = locations[order.location_code]
                if location.vendor_code != order.vendor_code:
                    raise InvalidInputError(
                        f"PO {po}: location {location.code} belongs to vendor "
                        f"{location.vendor_code}, not {order.vendor_code}"
                    )
                if order.vendor_code not in mappings:
                    mappings[order.vendor_code] = {
                        m.product_code: m for m in self.sku_mappings(order.vendor_code)
                    }
                order = apply_mappings(order, mappings[order.vendor_code])
                prepared.append((order, self.policy_for_location(order.location_code)))
            insert_orders(conn, prepared, self.thresholds)
            ctx = Ctx(user=self.user, now=self._now())
            conn.executemany(
                "INSERT INTO activity(po_number, at, user, action, details) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (order.po_number, e.at.isoformat(), e.user, e.action, e.details)
                    for order, _ in prepared
                    for e in (workflow.received_entry(order, ctx),)
                ],
            )
        return len(prepared)

    # --- SLA marks upkeep ---------------------------------------------------------------

    def _recompute_marks(self, conn: sqlite3.Connection, location_code: str) -> int:
        """Recompute the SLA marks of the open orders at a location (policy changed)."""
        self._policies.pop(location_code, None)
        policy = self.policy_for_location(location_code)
        rows = conn.execute(
            "SELECT o.po_number, b.body FROM orders o JOIN order_bodies b USING (po_number) "
            "WHERE o.location_code = ? AND o.stage_rank < 2",
            (location_code,),
        ).fetchall()
        updates = []
        for po, body in rows:
            order = Order.model_validate_json(body)
            marks = sla.sla_marks(order, policy, self.thresholds)
            if marks is not None:
                updates.append((to_us(marks[0]), to_us(marks[1]), po))
        conn.executemany(
            "UPDATE orders SET sla_at_risk_at = ?, sla_overdue_at = ? WHERE po_number = ?",
            updates,
        )
        return len(updates)

    @staticmethod
    def _stored_thresholds(conn: sqlite3.Connection) -> SlaThresholds:
        """The store's SLA thresholds (``meta`` 'sla_thresholds', "AT_RISK/OVERDUE"),
        else the default 0.8 / 1.0."""
        row = conn.execute("SELECT value FROM meta WHERE key = 'sla_thresholds'").fetchone()
        if row is None:
            return SlaThresholds()
        at_risk, _, overdue = row[0].partition("/")
        try:
            return SlaThresholds(at_risk=Decimal(at_risk), overdue=Decimal(overdue))
        except (ArithmeticError, ValueError):  # pragma: no cover - hand-edited meta
            return SlaThresholds()

    def set_sla_thresholds(self, thresholds: SlaThresholds) -> int:
        """R12's thresholds for the whole store (an admin action, no activity): stored in
        ``meta`` and the SLA marks of every open order recomputed, in one transaction.
        Every store opened on the file uses them from then on. Returns how many orders'
        marks were recomputed."""
        recomputed = 0
        with self._write() as conn:
            before = self.thresholds
            self.thresholds = thresholds
            try:
                for (code,) in conn.execute("SELECT code FROM locations").fetchall():
                    recomputed += self._recompute_marks(conn, code)
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('sla_thresholds', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (f"{thresholds.at_risk}/{thresholds.overdue}",),
                )
            except BaseException:
                self.thresholds = before
                raise
        return recomputed


# --- stock levels and reservations -------------------------------------------------------

StockRowLike = tuple[int, str, str, str, "int | None"]
"""(line number, vendor SKU, UPC, location code, quantity on hand or None if unreadable):
``csv_imports.StockRow`` is one."""


@dataclass(frozen=True)
class StockLevel:
    vendor_sku: str
    location_code: str
    on_hand: int
    reserved: int
    available: int
    """on_hand - reserved; negative when more units were accepted than are on hand."""


@dataclass
class StockImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    zeroed: int = 0


def _known_sku(
    conn: sqlite3.Connection, vendor_code: str, vendor_sku: str, upc: str
) -> str | tuple[str]:
    """The vendor SKU a row names (its catalog mappings, else its orders' lines), or a
    one-element tuple with why it cannot be used."""
    if vendor_sku:
        if conn.execute(
            "SELECT 1 FROM sku_mappings WHERE vendor_code = ? AND vendor_sku = ?",
            (vendor_code, vendor_sku),
        ).fetchone() or conn.execute(
            "SELECT 1 FROM lines l JOIN orders o USING (po_number) WHERE l.vendor_sku = ? "
            "AND o.vendor_code = ? LIMIT 1",
            (vendor_sku, vendor_code),
        ).fetchone():
            return vendor_sku
        return (f"unknown vendor SKU {vendor_sku!r} for vendor {vendor_code}",)
    skus = {
        r[0]
        for r in conn.execute(
            "SELECT vendor_sku FROM sku_mappings WHERE vendor_code = ? AND upc = ?",
            (vendor_code, upc),
        )
    }
    if not skus:
        skus = {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT l.vendor_sku FROM lines l JOIN orders o USING (po_number) "
                "WHERE l.upc = ? AND o.vendor_code = ? LIMIT 5",
                (upc, vendor_code),
            )
        }
    skus.discard("")
    if not skus:
        return (f"unknown UPC {upc!r} for vendor {vendor_code}",)
    if len(skus) > 1:
        return (f"UPC {upc!r} names several vendor SKUs ({', '.join(sorted(skus))}); use the SKU",)
    return skus.pop()


def _sync_reservations(conn: sqlite3.Connection, old: Order, new: Order) -> None:
    """Inside the action's transaction: acknowledging (New -> In progress) reserves the
    accepted units of each vendor SKU with known stock at the order's location; cancelling
    releases what the order reserved; completing ships it (on hand and reserved both
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
    elif new.stage is Stage.CANCELED:
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


# --- helpers shared with the demo's bulk loader -----------------------------------------

def apply_mappings(order: Order, mappings: Mapping[str, SkuMapping]) -> Order:
    """Fill each line's missing contracted price, vendor SKU and UPC from its SKU mapping
    (``domain.catalog``: variation product code first, a mapping in the order's currency
    only). ``mappings`` is the vendor's mappings by product code."""
    lines = tuple(
        catalog.fill_from_mapping(line, catalog.mapping_for(line, mappings.get), order.currency)
        for line in order.lines
    )
    if lines == order.lines:
        return order
    return Order.model_validate({**order.model_dump(), "lines": [l.model_dump() for l in lines]})


def insert_orders(
    conn: sqlite3.Connection,
    orders: Sequence[tuple[Order, SlaPolicy]],
    thresholds: SlaThresholds,
) -> None:
    """Insert new orders with their lines, tracking numbers and invoice numbers (inside
    the caller's transaction)."""
    placeholders = ", ".join("?" * len(ORDER_COLUMNS))
    rows = [order_row(order, policy, thresholds) for order, policy in orders]
    conn.executemany(
        f"INSERT INTO orders({', '.join(ORDER_COLUMNS)}) VALUES ({placeholders})",
        [row[:-1] for row in rows],
    )
    conn.executemany(
        "INSERT INTO order_bodies(po_number, body) VALUES (?, ?)",
        [(row[0], row[-1]) for row in rows],
    )
    conn.executemany(
        "INSERT INTO lines(po_number, line_id, sku, vendor_sku, upc) VALUES (?, ?, ?, ?, ?)",
        [row for order, _ in orders for row in line_rows(order)],
    )
    for order, _ in orders:
        _insert_tracking(conn, tracking_rows(order))
        if order.invoice is not None:
            if conn.execute(
                "SELECT 1 FROM invoices WHERE number = ?", (order.invoice.invoice_number,)
            ).fetchone():
                raise InvalidInputError(
                    f"PO {order.po_number}: invoice {order.invoice.invoice_number} is already "
                    "in the store"
                )
            conn.execute(
                "INSERT INTO invoices(number, po_number) VALUES (?, ?)",
                (order.invoice.invoice_number, order.po_number),
            )


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


def _insert_tracking(conn: sqlite3.Connection, rows: Sequence[tuple[str, int, int]]) -> None:
    for number, po, slip in rows:
        other = conn.execute(
            "SELECT t.po_number, t.slip, o.vendor_code = (SELECT vendor_code FROM orders "
            "WHERE po_number = ?) FROM tracking t JOIN orders o USING (po_number) "
            "WHERE t.number = ?",
            (po, number),
        ).fetchone()
        if other is not None:
            if other[2]:  # the same vendor's order: naming it helps find the mix-up
                raise WorkflowError(f"{number} is already on PO {other[0]} slip {other[1]}")
            # another vendor's: never name (or hint at) its order
            raise WorkflowError(f"{number} is already used on another shipment")
        conn.execute(
            "INSERT INTO tracking(number, po_number, slip) VALUES (?, ?, ?)", (number, po, slip)
        )


def _append_activity(
    conn: sqlite3.Connection, po_number: int, entries: Sequence[ActivityEntry]
) -> None:
    conn.executemany(
        "INSERT INTO activity(po_number, at, user, action, details) VALUES (?, ?, ?, ?, ?)",
        [(po_number, e.at.isoformat(), e.user, e.action, e.details) for e in entries],
    )


def _po(po_number: int) -> int:
    """PO numbers are positive 32-bit integers; anything else simply matches nothing."""
    try:
        value = int(po_number)
    except (TypeError, ValueError):
        return -1
    return value if 0 < value <= MAX_PO else -1


def _search_sql(term: str, params: dict[str, object]) -> str:
    """The POs a search term matches: PO number (exact), operator order number (exact or
    prefix), customer first/last/full name (prefix, case-insensitive in any alphabet),
    SKU / vendor SKU / UPC (exact)."""
    key = name_key(term)
    params.update(
        term=term,
        term_hi=term + _TOP,
        key=key,
        key_hi=key + _TOP,
        term_upper=term.upper(),
    )
    parts = [
        "SELECT po_number FROM orders WHERE order_number >= :term AND order_number < :term_hi",
        "SELECT po_number FROM orders WHERE customer_key >= :key AND customer_key < :key_hi",
        "SELECT po_number FROM orders WHERE last_key >= :key AND last_key < :key_hi",
        "SELECT po_number FROM lines WHERE sku IN (:term, :term_upper)",
        "SELECT po_number FROM lines WHERE vendor_sku IN (:term, :term_upper)",
        "SELECT po_number FROM lines WHERE upc = :term",
    ]
    digits = term.lstrip("#")
    if digits.isascii() and digits.isdigit() and 0 < int(digits) <= MAX_PO:
        params["po"] = int(digits)
        parts.insert(0, "SELECT po_number FROM orders WHERE po_number = :po")
    # UNION ALL: the IN (...) around it keeps each PO once anyway.
    return " UNION ALL ".join(parts)


def _summary(row: tuple, now_us: int) -> OrderSummary:
    (po, order_number, vendor_code, customer, order_date, stage_rank,
     at_risk, overdue, progress, version, total_units) = row
    return OrderSummary.model_construct(
        po_number=po,
        order_number=order_number,
        vendor_code=vendor_code,
        customer_name=customer,
        order_date=from_us(order_date),
        stage=RANK_STAGE[stage_rank],
        sla_status=status_from_marks(at_risk, overdue, now_us),
        progress=progress,
        version=version,
        total_units=total_units,
    )
