"""The CSV exports straight from SQLite (issue 14: 100,000 orders/s or more). The list's
filter, search and sort (``DashboardQueries._where``, its sort columns and SLA parts) as
one streamed query whose rows already are ``domain.order_csv``'s tuples: the time in ISO
8601, the stage and SLA status as codes (``sla_predicate``, the rule the list filters
by) are written by SQLite, so no Python runs per order on the way to ``csv.writer``; the
two report CSVs likewise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, cast

from dropship_tui.domain import order_csv
from dropship_tui.domain.models import SlaStatus
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.sqlite.connection import SqliteBase
from dropship_tui.store.sqlite.rows import to_us

if TYPE_CHECKING:
    from dropship_tui.store.sqlite.queries import DashboardQueries

_CHUNK = 5_000


class ExportSpelling:
    """The SQL the exports need that the engines spell differently, as SQLite writes it
    (``PostgresStore.spelling`` is PostgreSQL's: ``postgres.spelling``)."""

    @staticmethod
    def iso(us: str) -> str:
        """SQL for ``datetime.isoformat()`` of epoch microseconds ``us`` (UTC;
        microseconds only when there are some)."""
        return (f"strftime('%Y-%m-%dT%H:%M:%S', {us} / 1000000, 'unixepoch') || CASE WHEN {us} % 1000000 <> 0 "
                f"THEN printf('.%06d', {us} % 1000000) ELSE '' END || '+00:00'")

    @staticmethod
    def item(field: str, integer: bool = False) -> str:
        """SQL for one field of a canceled item ``c`` (``canceled_items``), as its JSON
        type (an integer, a string or NULL)."""
        return f"json_extract(c.value, '$.{field}')"

    canceled_items = "json_each(b.body, '$.canceled_items') AS c"
    """The canceled items of the body ``b``, one row each as ``c`` (``c.value``, in
    their order by ``c.key``)."""


_JSON_TIME = ("CASE WHEN substr({t}, length({t}), 1) = 'Z' THEN substr({t}, 1, length({t}) - 1) || '+00:00' "
              "ELSE {t} END")
"""``isoformat()`` of a time as pydantic writes it in a body (``…Z``; the same SQL on
both engines)."""


def _columns(spelling: type[ExportSpelling]) -> str:
    from dropship_tui.store.sqlite.queries import sla_predicate

    status = (f"CASE WHEN {sla_predicate(SlaStatus.OVERDUE)} THEN '{SlaStatus.OVERDUE.value}' "
              f"WHEN {sla_predicate(SlaStatus.AT_RISK)} THEN '{SlaStatus.AT_RISK.value}' "
              f"ELSE '{SlaStatus.ON_TIME.value}' END")
    return (f"po_number, order_number, coalesce(retailer_po, ''), vendor_code, location_code, customer, "
            f"{spelling.iso('order_date')}, stage, {status.replace(':now', ':csv_now')}, progress, total_units")


class OrderExports(SqliteBase):
    spelling: type[ExportSpelling] = ExportSpelling

    def order_rows(self, query: OrderQuery, limit: int | None = None) -> Iterator[order_csv.Row]:
        """The CSV rows of ``query``'s list, in its order (the first ``limit`` of them),
        read as the caller writes them (one read transaction throughout)."""
        from dropship_tui.store.sqlite.queries import SORT_COLUMNS

        dash = cast("DashboardQueries", self)
        now_us = to_us(self._now())
        columns = _columns(self.spelling)
        with self.reading() as conn:
            if query.sort is SortKey.SLA:
                # PO numbers part by part in SLA order, then their rows a chunk at a time
                pos = [po for sql, params in dash._sla_parts(conn, query, now_us, "set")
                       for (po,) in conn.execute(sql, params)][:limit or None]
                for start in range(0, len(pos), _CHUNK):
                    chunk = pos[start:start + _CHUNK]
                    marks = ",".join(f":p{i}" for i in range(len(chunk)))
                    by_po = {r[0]: r for r in conn.execute(
                        f"SELECT {columns} FROM orders WHERE po_number IN ({marks})",
                        {"csv_now": now_us, **{f"p{i}": po for i, po in enumerate(chunk)}})}
                    yield from (by_po[po] for po in chunk if po in by_po)
                return
            where, params = dash._where(query, now_us)
            direction = "DESC" if query.descending else "ASC"
            column = SORT_COLUMNS[query.sort]
            order_by = f"po_number {direction}" if column is None else f"{column} {direction}, po_number {direction}"
            cap = f" LIMIT {int(limit)}" if limit else ""
            yield from conn.execute(f"SELECT {columns} FROM orders WHERE {where} ORDER BY {order_by}{cap}",
                                    {**params, "csv_now": now_us})

    def sla_report_rows(self, vendor_code: str | None = None) -> Iterator[tuple]:
        """``report sla``'s rows (``order_csv.SLA_COLUMNS``): the open orders past their
        at-risk mark, in the report's order, with their two marks (the columns the list
        filters by)."""
        from dropship_tui.store.sqlite.queries import sla_predicate

        overdue = sla_predicate(SlaStatus.OVERDUE)
        vendor = " AND vendor_code = :vendor" if vendor_code is not None else ""
        with self.reading() as conn:
            yield from conn.execute(
                "SELECT po_number, order_number, vendor_code, location_code, stage, "
                f"CASE WHEN {overdue} THEN '{SlaStatus.OVERDUE.value}' ELSE '{SlaStatus.AT_RISK.value}' END, "
                f"{self.spelling.iso('sla_at_risk_at')}, {self.spelling.iso('sla_overdue_at')} FROM orders "
                f"WHERE stage_rank < 2 AND ({overdue} OR {sla_predicate(SlaStatus.AT_RISK)}){vendor} "
                f"ORDER BY NOT ({overdue}), stage_rank, po_number",
                {"now": to_us(self._now()), "vendor": vendor_code},
            )

    def canceled_item_rows(self, start: datetime, end: datetime, vendor_code: str | None = None) -> Iterator[tuple]:
        """``report canceled-items``' rows (``order_csv.CANCELED_COLUMNS``) of the orders
        dated in [start, end): read from the bodies of the orders with canceled units only
        (the SKU from ``lines``, not by parsing the body again)."""
        item = self.spelling.item
        line_id = item("line_id", integer=True)
        sku = f"coalesce((SELECT l.sku FROM lines AS l WHERE l.po_number = o.po_number AND l.line_id = {line_id}), '')"
        vendor = " AND o.vendor_code = :vendor" if vendor_code is not None else ""
        with self.reading() as conn:
            yield from conn.execute(
                f"SELECT o.po_number, o.order_number, o.vendor_code, {line_id}, {sku}, {item('quantity', integer=True)}, "
                f"{item('reason_code')}, coalesce({item('reason_text')}, ''), {_JSON_TIME.format(t=item('at'))}, "
                f"{item('by')} FROM orders AS o JOIN order_bodies AS b ON b.po_number = o.po_number, "
                f"{self.spelling.canceled_items} "
                f"WHERE o.order_date >= :start AND o.order_date < :end{vendor} "
                "AND o.po_number IN (SELECT po_number FROM canceled_units) "
                "ORDER BY o.order_date, o.po_number, c.key",
                {"start": to_us(start), "end": to_us(end), "vendor": vendor_code},
            )
