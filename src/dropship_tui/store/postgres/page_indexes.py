"""PostgreSQL schema step 2: indexes that give the first page of 50 of every sort under
every filter straight from an index, in order (issue 11: < 20 ms at 1M orders).

The dashboard sorts by a column *then the PO number*. Step 1's indexes on the columns
with few distinct values held the column alone (progress has 5 values, the stage 4, the
customer key ~300 at 1M orders; the order number is unique per vendor only), so
PostgreSQL read a whole tie group of an index (up to 550,000 entries for "progress
100") and sorted it for 50 rows: 100–250 ms at 1M. Each index here ends with
``po_number``, so a page is the first 50 entries of one range.

* ``orders_page_progress`` / ``orders_page_stage`` also carry the SLA marks (and the
  stage), so "overdue, by progress" tests each entry on the index alone (an index-only
  scan: no table row per skipped entry);
* one stage's orders by progress, customer or order number have their own (stage,
  column, PO), and one open stage's by SLA deadline (``orders_open_due`` holds both
  open stages: "New, by SLA, descending" stepped over 12 ms of late In-progress orders
  for its first 50);
* the search's set of matches for a last name is read from its index alone (the PO is
  in it): counting a common name's 17,000 orders at 1M read 12,000 table pages for it;
* one vendor's orders in each sort order (step 1 of a database created before it had
  them lacked these: ``IF NOT EXISTS`` gives them to such a database too).

The indexes they replace (same leading columns) are dropped: every acknowledgement
changes the stage, the progress and the SLA marks, so each index of ``orders`` costs
every write. The SLA sort reads ``orders_open_due`` / ``orders_final`` (step 1) already.
"""

from __future__ import annotations

from dropship_tui.store.postgres.adapter import PgConnection

INDEXES = [
    """CREATE INDEX IF NOT EXISTS orders_page_progress ON orders(progress, po_number)
       INCLUDE (stage_rank, sla_at_risk_at, sla_overdue_at)""",
    """CREATE INDEX IF NOT EXISTS orders_page_stage ON orders(stage_rank, po_number)
       INCLUDE (sla_at_risk_at, sla_overdue_at)""",
    "CREATE INDEX IF NOT EXISTS orders_page_customer ON orders(customer_key, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_page_order_number ON orders(order_number, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_page_last_name ON orders(last_key, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_stage_progress_po ON orders(stage_rank, progress, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_stage_customer_po ON orders(stage_rank, customer_key, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_stage_order_number_po ON orders(stage_rank, order_number, po_number)",
    """CREATE INDEX IF NOT EXISTS orders_stage_open_due ON orders(stage_rank, sla_overdue_at, po_number)
       INCLUDE (sla_at_risk_at) WHERE stage_rank < 2""",
    "CREATE INDEX IF NOT EXISTS orders_vendor_po ON orders(vendor_code, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_vendor_order_number ON orders(vendor_code, order_number, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_vendor_customer ON orders(vendor_code, customer_key, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_vendor_order_date ON orders(vendor_code, order_date, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_vendor_stage ON orders(vendor_code, stage_rank, po_number)",
    "CREATE INDEX IF NOT EXISTS orders_vendor_progress ON orders(vendor_code, progress, po_number)",
]

REPLACED = [
    "orders_progress", "orders_stage", "orders_customer", "orders_order_number",
    "orders_last_name", "orders_stage_progress", "orders_stage_customer",
    "orders_stage_order_number",
]
"""Step 1's indexes whose leading columns one of ``INDEXES`` has (the search's prefix
ranges on the customer, the last name and the order number read ``orders_page_*`` as
well)."""


def step(conn: PgConnection) -> None:
    for sql in INDEXES:
        conn.execute(sql)
    for name in REPLACED:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("ANALYZE orders")  # fresh statistics for the planner's choice between them
