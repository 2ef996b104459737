"""Order import (all or nothing, brand-new orders only) and the row writers it shares with
the workflow writes: an order's rows, tracking numbers (unique across the store) and
activity entries (each chained to the order's entry before)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from dropship_tui.domain import catalog, workflow
from dropship_tui.domain.errors import InvalidInputError, NotFoundError, WorkflowError
from dropship_tui.domain.models import (
    ActivityEntry, Location, Order, SkuMapping, SlaPolicy, SlaThresholds, Vendor,
)
from dropship_tui.domain.workflow import Ctx
from dropship_tui.store.sqlite import activity_chain, schema
from dropship_tui.store.sqlite.rows import ORDER_COLUMNS, line_rows, order_row, tracking_rows
from dropship_tui.store.sqlite.setup import SetupRecords


class OrderImport(SetupRecords):
    def import_records(
        self,
        vendors: Sequence[Vendor],
        locations: Sequence[Location],
        sku_mappings: Sequence[SkuMapping],
        orders: Sequence[Order],
    ) -> int:
        def unit() -> int:  # run again whole after a deadlock on PostgreSQL (``run_unit``)
            for vendor in vendors:
                self.add_vendor(vendor)
            for location in locations:
                self.add_location(location)
            if sku_mappings:
                self.add_sku_mappings(sku_mappings)
            return self.import_orders(orders) if orders else 0

        return self.run_unit(unit)

    def import_orders(self, orders: Sequence[Order]) -> int:
        """All or nothing, in one transaction. Only brand-new orders (``workflow.
        import_problems``); each order's vendor and location must be in the store; a PO
        already present (or twice in the batch) refuses the whole batch. Each imported
        order gets an "Order received" activity entry (the store's user, now).
        A line's contracted price, vendor SKU and UPC come from the vendor's SKU mapping
        (variation product code first, then product code) when one exists."""

        def work(conn: sqlite3.Connection) -> int:
            seen: set[int] = set()
            mappings: dict[str, dict[str, SkuMapping]] = {}
            locations: dict[str, Location | None] = {}
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
                        locations[order.location_code] = None
                location = locations[order.location_code]
                if location is None or location.vendor_code != order.vendor_code:
                    # Missing or another vendor's: one refusal, naming no one else.
                    raise InvalidInputError(
                        f"PO {po}: {catalog.no_location(order.vendor_code, order.location_code)}"
                    )
                if order.vendor_code not in mappings:
                    mappings[order.vendor_code] = {
                        m.product_code: m for m in self.sku_mappings(order.vendor_code)
                    }
                order = apply_mappings(order, mappings[order.vendor_code])
                prepared.append((order, self.policy_for_location(order.location_code)))
            _insert_new(conn, prepared, self.thresholds)
            ctx = Ctx(user=self.user, now=self._now())
            for order, _ in prepared:
                append_activity(conn, order.po_number, [workflow.received_entry(order, ctx)])
            return len(prepared)

        return self._transaction(work)


def _insert_new(conn: sqlite3.Connection, prepared: Sequence[tuple[Order, SlaPolicy]],
                thresholds: SlaThresholds) -> None:
    """``insert_orders`` of orders checked new. Another writer may import one of them
    meanwhile (PostgreSQL: it commits while this insert waits for its row): then the
    same refusal as a PO found there (``InvalidInputError``), not a constraint error."""
    conn.execute("SAVEPOINT import_rows")
    try:
        insert_orders(conn, prepared, thresholds)
    except sqlite3.IntegrityError as exc:
        conn.execute("ROLLBACK TO import_rows")  # usable again: read what is there now
        conn.execute("RELEASE import_rows")
        for order, _ in prepared:
            if conn.execute("SELECT 1 FROM orders WHERE po_number = ?", (order.po_number,)).fetchone():
                raise InvalidInputError(f"PO {order.po_number} is already in the store") from exc
        raise InvalidInputError(
            f"the import conflicts with data already in the store ({exc}); nothing was imported"
        ) from exc
    conn.execute("RELEASE import_rows")


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
        insert_tracking(conn, tracking_rows(order))
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


def insert_tracking(conn: sqlite3.Connection, rows: Sequence[tuple[str, int, int]]) -> None:
    """Record (number, PO, slip) rows. R7 across orders: a number already on another
    order's slip refuses the write, in the words of ``workflow.tracking_taken``."""
    for number, po, slip in rows:
        other = conn.execute(
            "SELECT t.po_number, t.slip, o.vendor_code = (SELECT vendor_code FROM orders "
            "WHERE po_number = ?) FROM tracking t JOIN orders o USING (po_number) "
            "WHERE t.number = ?",
            (po, number),
        ).fetchone()
        if other is not None:
            raise WorkflowError(workflow.tracking_taken(number, other[0], other[1], bool(other[2])))
        conn.execute(
            "INSERT INTO tracking(number, po_number, slip) VALUES (?, ?, ?)", (number, po, slip)
        )


def append_activity(
    conn: sqlite3.Connection, po_number: int, entries: Sequence[ActivityEntry]
) -> None:
    """Append an order's entries, each chained to the one before (``activity_chain.entry_hash``:
    the order's last entry so far, or ``activity_chain.GENESIS`` for its first)."""
    last = conn.execute(
        "SELECT hash FROM activity WHERE po_number = ? ORDER BY id DESC LIMIT 1", (po_number,)
    ).fetchone()
    previous = activity_chain.GENESIS if last is None else last[0]
    rows = []
    for e in entries:
        at = e.at.isoformat()
        previous = activity_chain.entry_hash(previous, po_number, at, e.user, e.action, e.details)
        rows.append((po_number, at, e.user, e.action, e.details, previous))
    conn.executemany(
        "INSERT INTO activity(po_number, at, user, action, details, hash) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
