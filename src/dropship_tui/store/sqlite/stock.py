"""Stock on hand per vendor SKU and location, what acknowledged open orders reserve of
it (``stock_reservations``, kept by the workflow writes), and the stock import."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from dropship_tui.domain.errors import InvalidInputError, NotFoundError, bad_rows
from dropship_tui.domain.models import Order, Stage, po_number_or_none
from dropship_tui.store.base import StockImportResult, StockLevel, StockRowLike
from dropship_tui.store.sqlite.connection import SqliteBase


class StockRecords(SqliteBase):
    def stock(self, vendor_sku: str, location_code: str) -> int | None:
        with self.reading() as conn:
            row = conn.execute(
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
        with self.reading() as conn:
            return _available(conn, order.location_code, skus)

    def stock_for_orders(self, orders: Sequence[Order]) -> dict[int, dict[str, int]]:
        """``stock_for`` of each order (by PO) in one read: each SKU at each location
        once (1,000 orders of a batch review name ~100 of them), one query per location."""
        wanted: dict[str, set[str]] = {}
        for order in orders:
            wanted.setdefault(order.location_code, set()).update(
                line.vendor_sku for line in order.lines if line.vendor_sku
            )
        with self.reading() as conn:
            known = {loc: _available(conn, loc, sorted(skus)) for loc, skus in wanted.items() if skus}
        return {
            order.po_number: {
                line.vendor_sku: known[order.location_code][line.vendor_sku]
                for line in order.lines if line.vendor_sku in known.get(order.location_code, {})
            }
            for order in orders
        }

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
        with self.reading() as conn:
            rows = conn.execute(
                sql + " ORDER BY s.location_code, s.vendor_sku", params
            ).fetchall()
        return [
            StockLevel(sku, loc, on_hand, reserved, on_hand - reserved)
            for sku, loc, on_hand, reserved in rows
        ]

    def reservations(self, po_number: int) -> dict[str, int]:
        """The units an acknowledged open order holds, by vendor SKU."""
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT vendor_sku, units FROM stock_reservations WHERE po_number = ?",
                (po_number_or_none(po_number),),
            ).fetchall()
        return dict(rows)

    def set_stock(self, vendor_sku: str, location_code: str, on_hand: int | None) -> None:
        """Record stock on hand (None forgets it: stock unknown)."""

        def work(conn: sqlite3.Connection) -> None:
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

        self._transaction(work)

    def stock_problems(self, rows: Sequence[StockRowLike]) -> list[tuple[int, str]]:
        """(line, message) for every row the store cannot take: unknown location, unknown
        vendor SKU / UPC (for the location's vendor), a UPC naming several SKUs, the same
        SKU and location twice. Read-only; ``import_stock`` checks again in its transaction."""
        with self.reading() as conn:
            return self._stock_resolve(conn, rows)[1]

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
        ``InvalidInputError`` whose ``problems`` are "line N: why". The counts are
        made inside the transaction and returned by it: a write run again (a
        PostgreSQL deadlock) counts from nothing again."""

        def work(conn: sqlite3.Connection) -> StockImportResult:
            result = StockImportResult()
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

        return self._transaction(work)

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

        def work(conn: sqlite3.Connection) -> None:
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

        self._transaction(work)


def _available(conn: sqlite3.Connection, location_code: str, skus: Sequence[str]) -> dict[str, int]:
    """Stock available (on hand - reserved, floored at 0) of the known ``skus`` at one
    location (in chunks: a statement takes a bounded number of parameters)."""
    available: dict[str, int] = {}
    for start in range(0, len(skus), 500):
        chunk = skus[start:start + 500]
        marks = ",".join("?" * len(chunk))
        available.update(conn.execute(
            f"SELECT s.vendor_sku, max(0, s.on_hand - coalesce(("
            f"SELECT sum(r.units) FROM stock_reservations r WHERE r.location_code = "
            f"s.location_code AND r.vendor_sku = s.vendor_sku), 0)) "
            f"FROM stock s WHERE s.location_code = ? AND s.vendor_sku IN ({marks})",
            (location_code, *chunk),
        ).fetchall())
    return available


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

