"""Schema step: narrow covering indexes that give any page of the dashboard list in
constant time (issue 16 item 2).

SQLite's OFFSET steps over every row it skips. Over the table (or an index that needs
the table row to test the filter) that is a row lookup per skipped row: the middle of
"at risk, by customer, descending" at 1M orders took 1.36 s. Each index here holds one
sort column, the PO number (the tie-break) and every column the dashboard's filters test
(stage, both SLA marks, vendor, location), so a page's PO numbers are found by stepping
through the index alone (~15 ns a row: 500,000 rows in under 10 ms) and only the page's
own rows are then read from the table (``queries.DashboardQueries.list_orders``).

The order date has its own covering indexes already (schema v5/v6, no vendor or
location: the operator's vendor filter there reads the table); the SLA sort reads its
parts through ``orders_open_due`` / ``orders_final``, covering too.

The same step makes the stock reserved of one SKU at one location (``stock_for``, read
for every order of a batch review: issue 16 item 4) an index range sum: the reservations'
index by (location, SKU) gets the units, so the ~4,500 reservations of a popular SKU at
1M orders are summed without a table row each (1,000 orders' prefill: 1.9 s -> 0.5 s)."""

from __future__ import annotations

import sqlite3

_FILTERS = "stage_rank, sla_at_risk_at, sla_overdue_at, vendor_code, location_code"

INDEXES = {
    "po_number": f"CREATE INDEX IF NOT EXISTS orders_page_po ON orders(po_number, {_FILTERS})",
    "order_number": f"CREATE INDEX IF NOT EXISTS orders_page_order_number ON orders(order_number, po_number, {_FILTERS})",
    "customer_key": f"CREATE INDEX IF NOT EXISTS orders_page_customer ON orders(customer_key, po_number, {_FILTERS})",
    "progress": f"CREATE INDEX IF NOT EXISTS orders_page_progress ON orders(progress, po_number, {_FILTERS})",
    "stage_rank": (
        "CREATE INDEX IF NOT EXISTS orders_page_stage ON orders(stage_rank, po_number, "
        "sla_at_risk_at, sla_overdue_at, vendor_code, location_code)"
    ),
}
"""Sort column -> its page index (``PAGE_INDEX`` names them for ``INDEXED BY``)."""

PAGE_INDEX = {column: sql.split(" ON ")[0].rsplit(" ", 1)[1] for column, sql in INDEXES.items()}


REPLACED_ORDERS = [
    "orders_stage", "orders_progress", "orders_customer", "orders_order_number",
    "orders_stage_order_number",
]
"""Indexes of ``orders`` whose work the page indexes do (the same leading column, or a
stage filter tested on the page index's own stage column): dropped, so an
acknowledgement (it changes the stage, the SLA marks and the progress) updates 12
indexes instead of 10, not 15. ``orders_stage_progress`` stays: progress goes with the
stage (New orders are all at 0), so "New, by progress, descending" would walk nearly
all of ``orders_page_progress`` for its first rows (``stage_progress_index`` later
widens it with the SLA marks); ``orders_stage_customer`` stays for the same use (and older
stores' migrations are tested to have it)."""

STAGE_INDEX = {
    "po_number": "orders_page_stage",
    "stage_rank": "orders_page_stage",
    "customer_key": "orders_stage_customer",
    "progress": "orders_stage_progress_sla",  # (stage_progress_index)
    "order_date": "orders_stage_order_date_sla",
}
"""Sort column -> the index that holds one stage's orders in that order."""
BUILT = list(INDEXES.values())
"""For ``schema.INDEXES`` (what bulk loads drop and rebuild)."""

RESERVED_INDEX = (
    "CREATE INDEX IF NOT EXISTS stock_reservations_units "
    "ON stock_reservations(location_code, vendor_sku, units)"
)
REPLACED = ["stock_reservations_sku"]
"""Its leading columns are ``stock_reservations_units``'s: one index kept, not two."""


def replace_indexes(conn: sqlite3.Connection, built: list[str], replaced: list[str], analyze: list[str]) -> None:
    """The index steps' one job: create ``built``, drop the ``replaced`` indexes, and give
    the ``analyze`` ones statistics when the store has them (the demo's bulk load runs
    ANALYZE): SQLite takes an index it has no statistics for as very selective, and chose
    orders_page_stage over orders_stage_order_date_sla for "in progress, by date" (1.8 s
    instead of 2 ms at 1M). A store without statistics stays so."""
    for sql in built:
        conn.execute(sql)
    for name in replaced:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    analyzed = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()
    if analyzed and conn.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'orders' LIMIT 1").fetchone():
        for name in analyze:
            conn.execute(f"ANALYZE {name}")


def step(conn: sqlite3.Connection) -> None:
    # ~3 s at 1M, the ANALYZE included
    replace_indexes(
        conn, [*INDEXES.values(), RESERVED_INDEX], REPLACED_ORDERS + REPLACED,
        [*PAGE_INDEX.values(), "stock_reservations_units"],
    )
