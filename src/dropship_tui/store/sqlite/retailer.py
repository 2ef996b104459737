"""The store's retailer (R8's Bill to, issue 13): kept in ``meta`` ('retailer', the
record as JSON) like the SLA thresholds, so everyone who opens the store bills the same
operator; no schema step needed. An admin setting: no activity entry."""

from __future__ import annotations

import sqlite3

from pydantic import ValidationError

from dropship_tui.domain.models import Retailer
from dropship_tui.store.sqlite.connection import SqliteBase

_KEY = "retailer"


class RetailerSetting(SqliteBase):
    def retailer(self) -> Retailer | None:
        """The retailer set with ``settings retailer``, or None. A value this version
        cannot read (edited by hand) counts as unset rather than failing every invoice."""
        with self.reading() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (_KEY,)).fetchone()
        if row is None:
            return None
        try:
            return Retailer.model_validate_json(row[0])
        except ValidationError:
            return None

    def set_retailer(self, retailer: Retailer | None) -> None:
        """Set (None: clear) the store's retailer, in one transaction."""

        def work(conn: sqlite3.Connection) -> None:
            if retailer is None:
                conn.execute("DELETE FROM meta WHERE key = ?", (_KEY,))
            else:
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (_KEY, retailer.model_dump_json()),
                )

        self._transaction(work)
