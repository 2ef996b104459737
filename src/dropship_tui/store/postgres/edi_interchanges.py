"""PostgreSQL schema step 3: the interchanges received, unique per partner and ISA13
(``sqlite.edi_interchanges`` says why; the same table, backfilled the same way, and
the same index of the document log dropped)."""

from __future__ import annotations

from dropship_tui.store.postgres.adapter import PgConnection
from dropship_tui.store.postgres.tables import T
from dropship_tui.store.sqlite.edi_interchanges import BACKFILL, DROPPED

TABLE = f"""CREATE TABLE edi_interchanges (
    partner_id {T} NOT NULL REFERENCES edi_partners(partner_id),
    control_number {T} NOT NULL,
    received_at {T} NOT NULL,
    digest {T},
    PRIMARY KEY (partner_id, control_number))"""


def step(conn: PgConnection) -> None:
    conn.execute(TABLE)
    conn.execute(BACKFILL)
    conn.execute(DROPPED)
