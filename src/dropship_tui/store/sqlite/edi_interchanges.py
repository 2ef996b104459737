"""Schema step: the interchanges received, one row per partner and ISA13 (issue 11, a
leftover of the PostgreSQL work).

An EDI import takes an interchange once: ``services.edi_import`` asks whether the
partner sent this ISA13 before, under the EDI import lock (``lock_edi_imports``) so
that two processes never both find it new. This table is the database's own backstop: its primary key (partner,
control number) refuses a second row, written in the import's own transaction before
anything else of the interchange, so a second import of it (another process, a lock
skipped) waits for the first and is refused whole even without the lock. ``digest`` is
the SHA-256 of the interchange's sets as received (NULL for those received before this
step: ``edi_documents`` keeps their text set by set, which the backfill takes the
partner and ISA13 from).
"""

from __future__ import annotations

import sqlite3

TABLE = """CREATE TABLE IF NOT EXISTS edi_interchanges (
    partner_id TEXT NOT NULL REFERENCES edi_partners(partner_id),
    control_number TEXT NOT NULL,
    received_at TEXT NOT NULL,
    digest TEXT,
    PRIMARY KEY (partner_id, control_number)
)"""

BACKFILL = """INSERT INTO edi_interchanges(partner_id, control_number, received_at, digest)
    SELECT partner_id, control_number, min(created_at), NULL FROM edi_documents
    WHERE direction = 'in' AND partner_id IS NOT NULL AND control_number <> ''
    GROUP BY partner_id, control_number
    ON CONFLICT DO NOTHING"""
"""Shared with the PostgreSQL step (``postgres.edi_interchanges``). Like every step, it
may run again on a store that has it (a store whose version was set back): the table
is kept and the rows it has stay."""

DROPPED = "DROP INDEX IF EXISTS edi_documents_control"
"""The log's (partner, control number) index answered "received already" before; now
nothing reads the log that way, and it cost every document written (dropped after the
backfill, which reads through it)."""


def step(conn: sqlite3.Connection) -> None:
    conn.execute(TABLE)
    conn.execute(BACKFILL)
    conn.execute(DROPPED)
