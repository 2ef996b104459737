"""Schema step: an index for the dashboard's location filter (issue 14 item 5).

``orders(location_code, po_number)`` makes "the orders of one warehouse" an index range
in PO order (the dashboard's default sort), and their count an index count, on a store of
a million orders."""

from __future__ import annotations

import sqlite3

INDEX = "CREATE INDEX IF NOT EXISTS orders_location ON orders(location_code, po_number)"


def step(conn: sqlite3.Connection) -> None:
    conn.execute(INDEX)
