"""Schema step: one stage's orders by progress, covering the SLA marks (issue 16 item 2).

"New, overdue, by progress, descending" at 1M orders: its middle page (offset 9,061 of
18,122) was read through ``orders_page_progress`` (covering, but by progress first), so
the walk crossed the ~880,000 in-progress and finished orders, all of higher progress,
before the first New one (48-52 ms). ``orders(stage_rank, progress)`` holds the stage's
orders in that order but not the SLA marks, so a page with an SLA filter too would read
a table row per index entry it skips. This index has both: one stage's range, in the
sort's order (progress, then the PO number as the tie-break), with the marks and the
vendor to test the filter on the entry itself, so any page of a stage x SLA x progress
list steps through that stage's entries alone.

It *replaces* ``orders_stage_progress`` (the same leading columns): an acknowledgement
changes the stage and the progress, so it updated that index already, and still updates
as many ``orders`` indexes as before (each entry is wider by three columns)."""

from __future__ import annotations

import sqlite3

from dropship_tui.store.sqlite.page_indexes import replace_indexes

STAGE_PROGRESS = (
    "CREATE INDEX IF NOT EXISTS orders_stage_progress_sla "
    "ON orders(stage_rank, progress, po_number, sla_at_risk_at, sla_overdue_at, vendor_code)"
)
BUILT = [STAGE_PROGRESS]
"""For ``schema.INDEXES`` (what bulk loads drop and rebuild)."""
REPLACED = ["orders_stage_progress"]


def step(conn: sqlite3.Connection) -> None:
    replace_indexes(conn, BUILT, REPLACED, ["orders_stage_progress_sla"])
