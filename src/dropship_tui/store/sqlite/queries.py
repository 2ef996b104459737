"""The dashboard's reads: stage counters, the (virtual) order list — filter, search, sort,
pages by offset — and one order with its activity.

Counts come from counter tables kept by triggers (``schema``) wherever the filter
allows, and from index ranges over the SLA marks otherwise; pages are read through the
indexes in the order asked for, so no row's SLA status is computed to sort or filter.

A page is read in two steps: its PO numbers by stepping through a narrow covering index
(``page_indexes``: OFFSET skips index entries, not table rows, so the middle of a
million-order list costs what its first page does), then those rows. A searched list
reads its pages through ``search`` (a walk in order for common terms, the set of matches
for rare ones, kept positions for deep pages).
"""

from __future__ import annotations

import functools
import sqlite3
from array import array
from collections.abc import Callable
from datetime import datetime

from pydantic import ValidationError

from dropship_tui.domain.errors import DomainError, NotFoundError
from dropship_tui.domain.models import (
    ActivityEntry, Order, OrderSummary, SlaStatus, Stage, po_number_or_none,
)
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.store.base import OrderQuery, SortKey, StageCounts
from dropship_tui.store.sqlite.connection import SqliteBase
from dropship_tui.store.sqlite import search
from dropship_tui.store.sqlite.page_indexes import PAGE_INDEX, STAGE_INDEX
from dropship_tui.store.sqlite.rows import RANK_STAGE, STAGE_RANK, from_us, status_from_marks, to_us

DEEP = 2_000
"""From this offset on, a searched list's page is read from its kept positions (built
once: the walk to a deep offset would cost more)."""
_CHUNK = 5_000
STAGE_INDEX_HAS_MARKS = {"po_number", "stage_rank", "order_date", "progress"}
"""Sort columns whose ``STAGE_INDEX`` holds both SLA marks: a deep page of one stage with
an SLA filter tests them on the index entries it skips (the customer one would read a
table row for each)."""

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
    # (both marks ahead, as ``sla.status_at`` says; the second one is also the range an
    # index by overdue instant seeks to, instead of walking past every late order)
    return "sla_at_risk_at > :now AND sla_overdue_at > :now"


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
        status filters; a searched list's kept positions (built here: the dashboard asks
        for the count right after the first page, so its deep pages are then slices); a
        query otherwise."""
        searching = bool(query.search.strip())
        # a location or package filter is counted by a query (indexes orders_location,
        # packages_status): the counters know only stage, SLA and vendor
        narrowed = query.location_code is not None or query.package_exception
        if not searching and query.sla is None and not narrowed:
            counts = self.counts(query.vendor_code)
            return counts.of(query.stage) if query.stage is not None else counts.total
        with self.reading() as conn:
            if searching and search.can_keep(conn):
                return len(self._positions(conn, query, to_us(self._now())))
            if not searching and not narrowed:
                return self._count_sla(conn, query)
            where, params = self._where(query)
            return conn.execute(
                f"SELECT count(*) FROM orders WHERE {where}", params
            ).fetchone()[0]

    def _count_sla(self, conn: sqlite3.Connection, query: OrderQuery) -> int:
        assert query.sla is not None
        size = self._sla_sizes(conn, query, to_us(self._now()))
        assert size is not None
        return sum(size(i) for i in range(len(_sla_layout(query))))

    def _count_part(
        self, conn: sqlite3.Connection, status: SlaStatus, is_open: bool,
        stage: Stage | None, vendor: str | None, now_us: int, late: dict[str, int],
    ) -> int:
        """The size of one part of ``_sla_parts``: finished orders from the SLA counters;
        open ones from index ranges over their marks (and the stage counters). ``late``:
        the range counts made so far (each is needed by two statuses)."""
        if not is_open:
            sql = "SELECT coalesce(sum(n), 0) FROM sla_counts WHERE final_sla = ?"
            params: list[object] = [status.value]
            if stage is not None:
                sql, params = sql + " AND stage = ?", [*params, stage.value]
            if vendor is not None:
                sql, params = sql + " AND vendor_code = ?", [*params, vendor]
            return conn.execute(sql, params).fetchone()[0]
        base = "stage_rank < 2"
        named: dict[str, object] = {"now": now_us}
        if stage is not None:
            base += " AND stage_rank = :stage"
            named["stage"] = STAGE_RANK[stage]
        if vendor is not None:
            base += " AND vendor_code = :vendor"
            named["vendor"] = vendor

        def count(predicate: str) -> int:
            if predicate not in late:
                late[predicate] = conn.execute(
                    f"SELECT count(*) FROM orders WHERE {base} AND {predicate}", named
                ).fetchone()[0]
            return late[predicate]

        if status is SlaStatus.OVERDUE:
            return count("sla_overdue_at <= :now")
        if status is SlaStatus.AT_RISK:
            return count("sla_at_risk_at <= :now") - count("sla_overdue_at <= :now")
        counts = self.counts(vendor)
        open_total = counts.of(stage) if stage is not None else counts.new + counts.in_progress
        return open_total - count("sla_at_risk_at <= :now")

    def list_orders(
        self, query: OrderQuery, *, offset: int = 0, limit: int = 50
    ) -> list[OrderSummary]:
        offset, limit = max(0, offset), max(0, limit)
        if limit == 0:
            return []
        now_us = to_us(self._now())
        with self.reading() as conn:
            if query.search.strip():
                pos = self._search_page(conn, query, offset, limit, now_us)
            else:
                pos = self._page(conn, query, offset, limit, now_us, "index")
            rows = _rows_of(conn, pos)
        return [_summary(row, now_us) for row in rows]

    def _page(
        self, conn: sqlite3.Connection, query: OrderQuery, offset: int, limit: int, now_us: int, how: str
    ) -> list[int]:
        """The PO numbers of one page. ``how``: "index" (no search: through the sort's
        covering index), "walk" (a search tested row by row, in the sort's order) or
        "set" (a search as the set of its matches)."""
        if query.sort is SortKey.SLA:
            parts = self._sla_parts(conn, query, now_us, how)
            size = self._sla_sizes(conn, query, now_us) if how == "index" and offset else None
            if size is None:
                return _page_of_parts(conn, parts, offset, limit)
            flipped = query.model_copy(update={"descending": not query.descending})
            backwards = self._sla_parts(conn, flipped, now_us, how)[::-1]
            return _page_of_parts(conn, parts, offset, limit, size, backwards)
        where, params = self._where(query, now_us, walk=how == "walk")
        column, order_by = SORT_COLUMNS[query.sort], _order_by(query)
        indexed = ""
        key = column or "po_number"
        # (a location's orders are an index range of their own: orders_location)
        if how == "index" and query.location_code is None:
            # One stage: its own index range in the sort's order (for a deep page with an
            # SLA filter too, only if that index holds the SLA marks); else the page index.
            if query.stage is not None and key in STAGE_INDEX and (
                query.sla is None or offset < DEEP or key in STAGE_INDEX_HAS_MARKS
            ):
                indexed = f" INDEXED BY {STAGE_INDEX[key]}"
            elif key in PAGE_INDEX:
                indexed = f" INDEXED BY {PAGE_INDEX[key]}"
        elif how == "walk":  # in the sort's order, whatever the planner guesses
            indexed = f" INDEXED BY {PAGE_INDEX[column]}" if column in PAGE_INDEX else " NOT INDEXED"
            if column == "order_date":
                indexed = " INDEXED BY orders_order_date_sla"
        return [
            po for (po,) in conn.execute(
                f"SELECT po_number FROM orders{indexed} WHERE {where} "
                f"ORDER BY {order_by} LIMIT :limit OFFSET :offset",
                {**params, "limit": limit, "offset": offset},
            )
        ]

    def _search_page(
        self, conn: sqlite3.Connection, query: OrderQuery, offset: int, limit: int, now_us: int
    ) -> list[int]:
        """A searched list's page: a slice of its kept positions if there are any (or
        the offset is deep); else, sorted by customer, merged from the search's parts
        (``search.by_customer``: a walk would cross the 370,000 orders named in other
        alphabets before the first 'M'); else walked in order; else (a rare term) read
        from the set of its matches. Each try but the last within ``search.SCAN_BUDGET``."""
        pos = self.positions_cache.get(conn, query, now_us)
        if pos is None and offset >= DEEP and search.can_keep(conn):
            pos = self._positions(conn, query, now_us)
        if pos is not None:
            return pos[offset:offset + limit].tolist()
        if query.sort is SortKey.CUSTOMER:  # merged from parts in customer order
            where, params = self._where(query.model_copy(update={"search": ""}), now_us)
            try:
                with search.within(conn, search.SCAN_BUDGET):
                    term = query.search.strip()
                    return search.by_customer(conn, term, where, params, query.descending, offset + limit)[offset:]
            except search.OverBudget:
                pass
        try:
            with search.within(conn, search.SCAN_BUDGET):
                return self._page(conn, query, offset, limit, now_us, "walk")
        except search.OverBudget:
            return self._page(conn, query, offset, limit, now_us, "set")

    @property
    def positions_cache(self) -> search.Positions:
        # setdefault: one cache even when two threads ask first at once
        return self.__dict__.setdefault("_positions_cache", search.Positions())

    def _positions(self, conn: sqlite3.Connection, query: OrderQuery, now_us: int) -> array:
        """Every PO of a searched list in its order (kept: ``search.Positions``)."""
        pos = self.positions_cache.get(conn, query, now_us)
        if pos is not None:
            return pos
        token = self.positions_cache.token(conn)
        pos = array("q")
        if query.sort is SortKey.SLA:
            for sql, params in self._sla_parts(conn, query, now_us, "set"):
                pos.extend(po for (po,) in conn.execute(sql, params))
        else:
            where, params = self._where(query, now_us)
            pos.extend(po for (po,) in conn.execute(
                f"SELECT po_number FROM orders WHERE {where} ORDER BY {_order_by(query)}", params
            ))
        self.positions_cache.put(query, token, now_us, pos)
        return pos

    def _sla_parts(
        self, conn: sqlite3.Connection, query: OrderQuery, now_us: int, how: str
    ) -> list[tuple[str, dict]]:
        """SLA sort: status rank (on time < at risk < overdue), then the overdue instant,
        then PO number; descending is the exact reverse. Each status is read in two parts,
        each one index range in index order: the open orders (by overdue instant) and the
        finished ones (which keep their status; by PO), so no row's status is computed.
        Returns each part's SELECT of PO numbers (without LIMIT) and its parameters."""
        direction = "DESC" if query.descending else "ASC"
        base = query.model_copy(update={"sla": None})
        where, params = self._where(base, now_us, walk=how == "walk")
        parts: list[tuple[str, str]] = []
        # Read through their own indexes (covering: no table row per skipped row),
        # whatever the planner's statistics say (a wrong guess sorts a whole stage for 50
        # rows); a search's set of matches is read from those POs instead.
        open_index = "" if how == "set" else " INDEXED BY orders_open_due"
        final_index = "" if how == "set" else " INDEXED BY orders_final"
        for status, is_open in _sla_layout(query):
            if is_open:
                parts.append((
                    f"{open_index} WHERE {where} AND stage_rank < 2 AND {sla_predicate(status)}",
                    f"sla_overdue_at {direction}, po_number {direction}",
                ))
            else:
                params["final_" + status.value] = status.value
                parts.append((f"{final_index} WHERE {where} AND final_sla = :final_{status.value}",
                              f"po_number {direction}"))
        return [(f"SELECT po_number FROM orders{part} ORDER BY {order_by}", params) for part, order_by in parts]

    def _sla_sizes(self, conn: sqlite3.Connection, query: OrderQuery, now_us: int) -> Callable[[int], int] | None:
        """part index -> its size (``_count_part``; each read once, when first asked), in
        ``_sla_parts``'s order, when the filter is one the counters know (stage, SLA,
        vendor): a deep page then skips whole parts without reading them."""
        if query.search.strip() or query.location_code is not None or query.package_exception:
            return None
        layout, late = _sla_layout(query), {}

        @functools.cache
        def size(i: int) -> int:
            status, is_open = layout[i]
            return self._count_part(conn, status, is_open, query.stage, query.vendor_code, now_us, late)

        return size

    def _where(self, query: OrderQuery, now_us: int | None = None, *, walk: bool = False) -> tuple[str, dict]:
        """The filter and search as SQL; ``walk``: the search tested on each row
        (``search.match_sql``) instead of as the set of its matches."""
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
        if term and walk:
            clauses.append(search.match_sql(term, params))
        elif term:
            clauses.append(f"po_number IN ({search.hits_sql(term, params)})")
        return " AND ".join(clauses), params

    # --- writes: one transaction each ---------------------------------------------------


def _exists(conn: sqlite3.Connection, po_number: int) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM orders WHERE po_number = ?", (po_number_or_none(po_number),)
        ).fetchone()
        is not None
    )


def _order_by(query: OrderQuery) -> str:
    """The sort (not SLA) as ORDER BY: its column, then the PO number, both one way."""
    direction = "DESC" if query.descending else "ASC"
    column = SORT_COLUMNS[query.sort]
    return f"po_number {direction}" if column is None else f"{column} {direction}, po_number {direction}"


def _sla_layout(query: OrderQuery) -> list[tuple[SlaStatus, bool]]:
    """The parts of the SLA sort, in the list's order: (status, open?). Each status has
    its open orders (by overdue instant) and its finished ones (which keep their status;
    by PO); finished overdue orders come first (their mark is always past), finished
    on-time and at-risk ones last (theirs never comes)."""
    layout: list[tuple[SlaStatus, bool]] = []
    for status in [query.sla] if query.sla is not None else list(SLA_ORDER):
        pair = [(status, False), (status, True)] if status is SlaStatus.OVERDUE else [(status, True), (status, False)]
        if query.stage is not None:
            pair = [p for p in pair if p[1] == query.stage.is_open]
        layout.extend(pair)
    return layout[::-1] if query.descending else layout


def _page_of_parts(
    conn: sqlite3.Connection, parts: list[tuple[str, dict]], offset: int, limit: int,
    size: Callable[[int], int] | None = None, backwards: list[tuple[str, dict]] | None = None,
) -> list[int]:
    """One page over consecutive parts (``_sla_parts``): a part the offset passes is
    skipped by its ``size`` (from the counters) or else counted, not read. With sizes,
    the page's rows in the latter half of a part are read from its end (``backwards``:
    the same parts, each in the other direction), so no part is stepped through for more
    than half its length."""
    pos: list[int] = []
    for i, (sql, params) in enumerate(parts):
        if size is not None and offset >= size(i):
            offset -= size(i)
            continue
        if size is not None and backwards is not None and offset > size(i) // 2:
            take = min(limit - len(pos), size(i) - offset)
            back_sql, back_params = backwards[i]
            got = [po for (po,) in conn.execute(
                f"{back_sql} LIMIT :limit OFFSET :offset",
                {**back_params, "limit": take, "offset": size(i) - offset - take},
            )]
            pos.extend(reversed(got))
            offset = 0
            if len(pos) >= limit:
                break
            continue
        got = [po for (po,) in conn.execute(
            f"{sql} LIMIT :limit OFFSET :offset", {**params, "limit": limit - len(pos), "offset": offset}
        )]
        pos.extend(got)
        if len(pos) >= limit:
            break
        if got:
            offset = 0
        elif offset:
            skipped = conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
            offset = max(0, offset - skipped)
    return pos


def _rows_of(conn: sqlite3.Connection, pos: list[int]) -> list[tuple]:
    """The summary rows of ``pos``, in that order (primary-key lookups)."""
    by_po: dict[int, tuple] = {}
    for start in range(0, len(pos), _CHUNK):
        chunk = pos[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {SUMMARY_COLUMNS} FROM orders WHERE po_number IN ({marks})", chunk):
            by_po[row[0]] = row
    return [by_po[po] for po in pos if po in by_po]


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

