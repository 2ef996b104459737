"""The dashboard's reads: stage counters, the (virtual) order list — filter, search, sort,
pages by offset — and one order with its activity.

Counts come from counter tables kept by triggers (``schema``) wherever the filter
allows, and from index ranges over the SLA marks otherwise; pages are read through the
indexes in the order asked for, so no row's SLA status is computed to sort or filter.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pydantic import ValidationError

from dropship_tui.domain.errors import DomainError, NotFoundError
from dropship_tui.domain.models import (
    ActivityEntry, Order, OrderSummary, SlaStatus, Stage, po_number_or_none,
)
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.store.base import OrderQuery, SortKey, StageCounts
from dropship_tui.store.sqlite.connection import SqliteBase
from dropship_tui.store.sqlite.rows import RANK_STAGE, STAGE_RANK, from_us, name_key, status_from_marks, to_us

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
    "sla_at_risk_at, sla_overdue_at, progress, version, total_units, location_code, retailer_po"
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


class DashboardQueries(SqliteBase):
    def counts(self, vendor_code: str | None = None) -> StageCounts:
        sql = "SELECT stage, sum(n) FROM stage_counts"
        params: tuple = ()
        if vendor_code is not None:
            sql += " WHERE vendor_code = ?"
            params = (vendor_code,)
        with self.reading() as conn:
            rows = conn.execute(sql + " GROUP BY stage", params).fetchall()
        values = {stage: n for stage, n in rows}
        per = {s.value: int(values.get(s.value) or 0) for s in Stage}
        return StageCounts(total=sum(per.values()), **per)

    def get_order(self, po_number: int) -> Order:
        with self.reading() as conn:
            return self._load(conn, po_number)

    def _load(self, conn: sqlite3.Connection, po_number: int) -> Order:
        """The order, or ``NotFoundError`` (also for what is no PO number at all)."""
        row = conn.execute(
            "SELECT body FROM order_bodies WHERE po_number = ?", (po_number_or_none(po_number),)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"PO {po_number} is not in the store")
        try:
            return Order.model_validate_json(row[0])
        except ValidationError as exc:  # written before today's bounds, or by hand
            raise DomainError(
                f"PO {po_number}'s stored record cannot be read ({exc.error_count()} fields out of "
                "bounds or malformed); 'dropship-tui verify' lists such orders"
            ) from None

    def activity(self, po_number: int) -> list[ActivityEntry]:
        """Newest first."""
        with self.reading() as conn:
            if not _exists(conn, po_number):
                raise NotFoundError(f"PO {po_number} is not in the store")
            rows = conn.execute(
                "SELECT at, user, action, details FROM activity WHERE po_number = ? "
                "ORDER BY id DESC",
                (po_number,),
            ).fetchall()
        return [
            ActivityEntry(at=datetime.fromisoformat(at), user=user, action=action, details=details)
            for at, user, action, details in rows
        ]

    # --- the dashboard list -------------------------------------------------------------

    def count_orders(self, query: OrderQuery) -> int:
        """The size of the (virtual) list: stage counters when only the stage filters;
        SLA counters for finished orders plus index ranges over the open ones when the SLA
        status filters; a query otherwise."""
        searching = bool(query.search.strip())
        # a location or package filter is counted by a query (indexes orders_location,
        # packages_status): the counters know only stage, SLA and vendor
        narrowed = query.location_code is not None or query.package_exception
        if not searching and query.sla is None and not narrowed:
            counts = self.counts(query.vendor_code)
            return counts.of(query.stage) if query.stage is not None else counts.total
        with self.reading() as conn:
            if not searching and not narrowed:
                return self._count_sla(conn, query)
            if query.stage is None and query.sla is None and query.vendor_code is None and not narrowed:
                params: dict[str, object] = {}
                hits = _search_sql(query.search.strip(), params)
                return conn.execute(
                    f"SELECT count(DISTINCT po_number) FROM ({hits})", params
                ).fetchone()[0]
            where, params = self._where(query)
            return conn.execute(
                f"SELECT count(*) FROM orders WHERE {where}", params
            ).fetchone()[0]

    def _count_sla(self, conn: sqlite3.Connection, query: OrderQuery) -> int:
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
            total += conn.execute(sql, params).fetchone()[0]
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
                return conn.execute(
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
        with self.reading() as conn:
            if query.sort is SortKey.SLA:
                rows = self._page_by_sla(conn, query, offset, limit, now_us)
            else:
                where, params = self._where(query, now_us)
                direction = "DESC" if query.descending else "ASC"
                column = SORT_COLUMNS[query.sort]
                order_by = f"po_number {direction}"
                if column is not None:
                    order_by = f"{column} {direction}, {order_by}"
                rows = conn.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM orders WHERE {where} "
                    f"ORDER BY {order_by} LIMIT :limit OFFSET :offset",
                    {**params, "limit": limit, "offset": offset},
                ).fetchall()
        return [_summary(row, now_us) for row in rows]

    def _page_by_sla(
        self, conn: sqlite3.Connection, query: OrderQuery, offset: int, limit: int, now_us: int
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
            got = conn.execute(
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
                skipped = conn.execute(
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
        if query.location_code is not None:
            clauses.append("location_code = :location")
            params["location"] = query.location_code
        if query.package_exception:
            clauses.append("po_number IN (SELECT po_number FROM packages WHERE status = :package_status)")
            params["package_status"] = PackageStatus.EXCEPTION.value
        if query.sla is not None:
            clauses.append(sla_predicate(query.sla))
        if query.sla is not None or query.sort is SortKey.SLA:
            params["now"] = now_us if now_us is not None else to_us(self._now())
        term = query.search.strip()
        if term:
            clauses.append(f"po_number IN ({_search_sql(term, params)})")
        return " AND ".join(clauses), params

    # --- writes: one transaction each ---------------------------------------------------


def _exists(conn: sqlite3.Connection, po_number: int) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM orders WHERE po_number = ?", (po_number_or_none(po_number),)
        ).fetchone()
        is not None
    )


def _search_sql(term: str, params: dict[str, object]) -> str:
    """The POs a search term matches: PO number (exact), operator order number (exact or
    prefix), customer first/last/full name (prefix, case-insensitive in any alphabet),
    SKU / vendor SKU / UPC (exact), the retailer's PO number (exact or prefix), the
    location code (exact)."""
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
        # The retailer's PO (EDI BEG03), exact or by prefix (partial index orders_retailer_po).
        "SELECT po_number FROM orders WHERE retailer_po >= :term AND retailer_po < :term_hi",
        # The location (warehouse) code, exact (index orders_location; issue 14 item 5).
        "SELECT po_number FROM orders WHERE location_code IN (:term, :term_upper)",
    ]
    po = po_number_or_none(term)
    if po is not None:
        params["po"] = po
        parts.insert(0, "SELECT po_number FROM orders WHERE po_number = :po")
    # UNION ALL: the IN (...) around it keeps each PO once anyway.
    return " UNION ALL ".join(parts)


def _summary(row: tuple, now_us: int) -> OrderSummary:
    (po, order_number, vendor_code, customer, order_date, stage_rank,
     at_risk, overdue, progress, version, total_units, location_code, retailer_po) = row
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
        location_code=location_code,
        retailer_po_number=retailer_po,
    )

