"""The activity log's integrity (schema v9, issue 12 item 4): the triggers that keep it
append-only and the hash chain that makes a rewrite evident.

``INSERT OR REPLACE`` deleted an entry without firing the DELETE trigger: a BEFORE INSERT
trigger refuses an id already there (and ``connection.connect`` turns
``recursive_triggers`` on). Each entry carries ``hash``, chained to the previous entry of
its order (``entry_hash``); ``v9`` back-fills it for the entries already there, in id
order per order, and records that it did in ``meta`` 'activity_chain'. ``verify`` checks
the chain and the triggers; a store re-creates dropped triggers when it opens.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timezone

NO_UPDATE = """CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity
       BEGIN SELECT RAISE(ABORT, 'activity is append-only: entries cannot be changed'); END"""
NO_DELETE = """CREATE TRIGGER activity_no_delete BEFORE DELETE ON activity
       BEGIN SELECT RAISE(ABORT, 'activity is append-only: entries cannot be deleted'); END"""
"""R11 since v1: history can never be rewritten, whatever path writes to the file."""

GENESIS = "0" * 64
"""The "previous hash" of an order's first entry."""

ACTIVITY_NO_REPLACE = """CREATE TRIGGER activity_no_replace BEFORE INSERT ON activity
   WHEN EXISTS (SELECT 1 FROM activity WHERE id = new.id)
   BEGIN SELECT RAISE(ABORT, 'activity is append-only: entries cannot be replaced'); END"""
ACTIVITY_TRIGGERS = {
    "activity_no_update": NO_UPDATE,
    "activity_no_delete": NO_DELETE,
    "activity_no_replace": ACTIVITY_NO_REPLACE,
}
"""What keeps the log append-only, by trigger name (re-created when a store opens)."""


def entry_hash(previous: str | None, po_number: int, at: str, user: str, action: str, details: str) -> str:
    """An activity entry's link: sha256 (hex) over the previous entry's hash (``GENESIS``
    for an order's first entry; "" if that entry has none) and the entry's fields, each
    written ``LENGTH:TEXT,`` (length in characters; the PO in decimal), UTF-8."""
    p, po = previous or "", str(po_number)
    text = f"{len(p)}:{p},{len(po)}:{po},{len(at)}:{at},{len(user)}:{user},{len(action)}:{action},{len(details)}:{details},"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def v9(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE activity ADD COLUMN hash TEXT")
    conn.execute("DROP TRIGGER IF EXISTS activity_no_update")  # back-filling updates rows
    entries = orders = 0
    po, id_, previous = -(2**63), -(2**63), GENESIS  # keyset pages: before every entry
    while page := conn.execute(
        "SELECT po_number, id, at, user, action, details FROM activity "
        "WHERE (po_number, id) > (?, ?) ORDER BY po_number, id LIMIT 10000", (po, id_)
    ).fetchall():
        links = []
        for entry_po, id_, *fields in page:
            if entry_po != po:
                po, previous, orders = entry_po, GENESIS, orders + 1
            previous = entry_hash(previous, po, *fields)
            links.append((previous, id_))
        conn.executemany("UPDATE activity SET hash = ? WHERE id = ?", links)
        entries += len(links)
    restore_activity_triggers(conn)
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    record = {"schema": 9, "back_filled_entries": entries, "back_filled_orders": orders, "at": at}
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('activity_chain', ?)", (json.dumps(record),))


def missing_activity_triggers(conn: sqlite3.Connection) -> list[str]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [name for name in ACTIVITY_TRIGGERS if name not in present]


def restore_activity_triggers(conn: sqlite3.Connection) -> list[str]:
    """Re-create the append-only triggers someone dropped; returns their names."""
    missing = missing_activity_triggers(conn)
    for name in missing:
        conn.execute(ACTIVITY_TRIGGERS[name])
    return missing
