"""Schema step: EDI (issue 10). Trading partners with their control-number counters, the
EDI data of orders that came in by X12, the document log that is also the outbox, and the
retailer's PO number as an indexed column of ``orders``.

* ``edi_partners``: one row per partner (``domain.edi.TradingPartner`` as JSON) and its
  next ISA13 / GS06 / ST02 / SSCC serial. They are only ever increased, inside a
  ``BEGIN IMMEDIATE`` transaction, so two processes on one file never get the same number
  and a number given out once is never given again (a rolled-back transaction wrote
  nothing under it).
* ``edi_orders``: an order imported from an 850: its partner, PO101 as sent (to echo
  "001"), the TD5 carrier. Only orders with a row here get outbound documents.
* ``edi_documents``: every document received or sent, and the outbox (status 'waiting'):
  the workflow action that makes a document due writes its row in the action's own
  transaction; a delivery writes the text with its control numbers, then marks it sent.
* ``orders.retailer_po``: filled from the order body by a trigger on ``order_bodies``
  (every writer of orders writes a body, the bulk loaders too), indexed for the search
  (exact or prefix) and unique per vendor (the same 850 twice is never two orders).
"""

from __future__ import annotations

import sqlite3

TABLES = [
    """CREATE TABLE edi_partners (
        partner_id TEXT PRIMARY KEY,
        their_key TEXT NOT NULL,
        our_key TEXT NOT NULL,
        vendor_code TEXT NOT NULL REFERENCES vendors(code),
        body TEXT NOT NULL,
        next_interchange INTEGER NOT NULL DEFAULT 1,
        next_group INTEGER NOT NULL DEFAULT 1,
        next_set INTEGER NOT NULL DEFAULT 1,
        next_serial INTEGER NOT NULL DEFAULT 1,
        UNIQUE (their_key, our_key)
    )""",
    """CREATE TABLE edi_orders (
        po_number INTEGER PRIMARY KEY REFERENCES orders(po_number),
        partner_id TEXT NOT NULL REFERENCES edi_partners(partner_id),
        line_ids TEXT NOT NULL,
        carrier TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE edi_documents (
        id INTEGER PRIMARY KEY,
        partner_id TEXT REFERENCES edi_partners(partner_id),
        po_number INTEGER REFERENCES orders(po_number),
        set_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        status TEXT NOT NULL CHECK (status IN ('received', 'waiting', 'sent')),
        control_number TEXT NOT NULL DEFAULT '',
        set_control TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        sent_at TEXT,
        error TEXT NOT NULL DEFAULT '',
        text TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS edi_documents_po ON edi_documents(po_number, id)",
    # ISA13 duplicate detection: has this partner sent this interchange already? (until
    # ``edi_interchanges`` took that over and dropped this index)
    "CREATE INDEX IF NOT EXISTS edi_documents_control ON edi_documents(partner_id, control_number)",
    """CREATE INDEX IF NOT EXISTS edi_documents_waiting
       ON edi_documents(status, id) WHERE status = 'waiting'""",
    "ALTER TABLE orders ADD COLUMN retailer_po TEXT",
    """UPDATE orders SET retailer_po = (
        SELECT json_extract(b.body, '$.retailer_po_number') FROM order_bodies b
        WHERE b.po_number = orders.po_number)""",
    """CREATE INDEX IF NOT EXISTS orders_retailer_po
       ON orders(retailer_po) WHERE retailer_po IS NOT NULL""",
    """CREATE TRIGGER orders_retailer_po_fill AFTER INSERT ON order_bodies
       WHEN json_extract(NEW.body, '$.retailer_po_number') IS NOT NULL
       BEGIN
         UPDATE orders SET retailer_po = json_extract(NEW.body, '$.retailer_po_number')
         WHERE po_number = NEW.po_number;
       END""",
]
UNIQUE_PER_VENDOR = """CREATE UNIQUE INDEX IF NOT EXISTS orders_vendor_retailer_po
       ON orders(vendor_code, retailer_po) WHERE retailer_po IS NOT NULL"""


def step(conn: sqlite3.Connection) -> None:
    for sql in TABLES:
        conn.execute(sql)
    # An older store may already hold one retailer PO twice for a vendor (the JSON import
    # never checked): keep it readable; only stores without such pairs get the guard.
    twice = conn.execute(
        "SELECT 1 FROM orders WHERE retailer_po IS NOT NULL "
        "GROUP BY vendor_code, retailer_po HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if twice is None:
        conn.execute(UNIQUE_PER_VENDOR)
