"""Schema step and writer for the setup log (issue 14): every change to a vendor,
location, location group or SKU mapping, who made it and when, old → new.

``setup_log`` is append-only like ``activity`` (triggers refuse UPDATE, DELETE and a
replaced id). The setup writes (``setup.SetupRecords``) call ``record`` inside their own
transaction, so a change and its log entry commit or roll back together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from dropship_tui.domain.setup import SetupChange

TABLES = [
    """CREATE TABLE setup_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        code TEXT NOT NULL,
        vendor_code TEXT,
        before TEXT,
        after TEXT
    )""",
    "CREATE INDEX setup_log_vendor ON setup_log(vendor_code, id)",
    """CREATE TRIGGER setup_log_no_update BEFORE UPDATE ON setup_log
       BEGIN SELECT RAISE(ABORT, 'the setup log is append-only: entries cannot be changed'); END""",
    """CREATE TRIGGER setup_log_no_delete BEFORE DELETE ON setup_log
       BEGIN SELECT RAISE(ABORT, 'the setup log is append-only: entries cannot be deleted'); END""",
    """CREATE TRIGGER setup_log_no_replace BEFORE INSERT ON setup_log
       WHEN EXISTS (SELECT 1 FROM setup_log WHERE id = new.id)
       BEGIN SELECT RAISE(ABORT, 'the setup log is append-only: entries cannot be replaced'); END""",
]


def step(conn: sqlite3.Connection) -> None:
    for sql in TABLES:
        conn.execute(sql)


def record(conn: sqlite3.Connection, changes: Sequence[SetupChange]) -> None:
    """Append the entries whose record really changed (before differs from after)."""
    conn.executemany(
        "INSERT INTO setup_log(at, user, kind, code, vendor_code, before, after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (c.at.isoformat(), c.user, c.kind, c.code, c.vendor_code, c.before, c.after)
            for c in changes
            if c.before != c.after
        ],
    )


def read(conn: sqlite3.Connection, vendor_code: str | None, limit: int) -> list[SetupChange]:
    """Newest first. ``vendor_code``: that vendor's records only (no location groups)."""
    sql = "SELECT at, user, kind, code, vendor_code, before, after FROM setup_log"
    params: tuple = ()
    if vendor_code is not None:
        sql, params = sql + " WHERE vendor_code = ?", (vendor_code,)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    return [
        SetupChange(at=datetime.fromisoformat(at), user=user, kind=kind, code=code,
                    vendor_code=vendor, before=before, after=after)
        for at, user, kind, code, vendor, before, after in rows
    ]
