"""Schema step: R16's package statuses as a small table the dashboard can count.

The status lives in the order body (``PackingSlip.package_status``); ``packages`` holds one
row per slip whose package someone reported (in transit, delivered, exception, returned),
kept by a trigger on ``order_bodies`` (every writer of an order writes its body, the bulk
loaders too), so "3 exceptions" is an indexed count, never a scan of bodies. A new order
has no reported status, so only updates need the trigger; an older store has none either,
so the step has nothing to backfill.
"""

from __future__ import annotations

import sqlite3

TABLES = [
    """CREATE TABLE IF NOT EXISTS packages (
        po_number INTEGER NOT NULL REFERENCES orders(po_number),
        slip_number INTEGER NOT NULL,
        status TEXT NOT NULL,
        at TEXT,
        PRIMARY KEY (po_number, slip_number)
    )""",
    "CREATE INDEX IF NOT EXISTS packages_status ON packages(status, po_number)",
    """CREATE TRIGGER IF NOT EXISTS packages_sync AFTER UPDATE OF body ON order_bodies
       BEGIN
         DELETE FROM packages WHERE po_number = NEW.po_number;
         INSERT INTO packages(po_number, slip_number, status, at)
           SELECT NEW.po_number, json_extract(s.value, '$.number'),
                  json_extract(s.value, '$.package_status'), json_extract(s.value, '$.package_at')
           FROM json_each(NEW.body, '$.slips') AS s
           WHERE json_extract(s.value, '$.package_status') IS NOT NULL;
       END""",
]


def step(conn: sqlite3.Connection) -> None:
    for sql in TABLES:
        conn.execute(sql)
