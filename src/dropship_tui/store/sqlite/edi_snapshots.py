"""Schema step: the order as each outbound EDI document reports it (issue 10, part 3).

A document made due by a workflow action (``edi_store.record_due``) is written later, by
the watcher; in between the order may change again (reopened, canceled, re-acknowledged).
The 855 must report the acknowledgement that made it due, not what the order is at
delivery, so the action stores the order as it left it (``Order`` JSON) in the outbox
row, in the action's own transaction, and the delivery writes from that. Rows written
before this step have none and are written from the current order, as before.
"""

from __future__ import annotations

import sqlite3


def step(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE edi_documents ADD COLUMN snapshot TEXT")
