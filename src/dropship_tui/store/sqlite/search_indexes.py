"""Schema step: the last-name index also holds the customer sort key (issue 16 item 3).

A common search sorted by customer ('M' at 1M orders: 161,000 matches, most of them on
the far side of the list from where a descending walk starts) is read as a merge of its
parts, each in customer order (``search.by_customer``). Customers whose own name starts
with the term are a range of the customer page index; those whose *last* name does are,
per last name, a range of ``orders(last_key, customer_key)``: in customer order already,
so 64 rows of each are read, not the 80,000 of the prefix. The old ``orders(last_key)``
has the same leading column (the search's prefix range) and goes; neither column changes
when an order is acknowledged, so writes update no more indexes than before."""

from __future__ import annotations

import sqlite3

from dropship_tui.store.sqlite.page_indexes import replace_indexes

LAST_CUSTOMER = "CREATE INDEX IF NOT EXISTS orders_last_customer ON orders(last_key, customer_key)"
BUILT = [LAST_CUSTOMER]
"""For ``schema.INDEXES`` (what bulk loads drop and rebuild)."""
REPLACED = ["orders_last_name"]


def step(conn: sqlite3.Connection) -> None:
    replace_indexes(conn, BUILT, REPLACED, ["orders_last_customer"])
