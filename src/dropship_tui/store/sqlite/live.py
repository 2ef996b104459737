"""What a screen asks to follow the store while others write to it: which orders changed
since it last looked (the live dashboard, issue 13 item 12) and R16's exception count.

Every change to an order appends to ``activity`` (R11), whose ids only grow, so the
newest id is a change token and the ids after a caller's token name exactly the orders to
repaint: two primary-key lookups a poll, whatever the store's size. (SQLite's ``PRAGMA
data_version`` only says that *another connection* wrote, not what, and misses the
writes of the connection itself, such as the server's own.)"""

from __future__ import annotations

from dropship_tui.domain import tracking
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.store.base import StoreChanges
from dropship_tui.store.sqlite.connection import SqliteBase

CHANGED_MAX = 1000
"""At most this many changed orders are named per answer (more: the screen reloads all)."""


class LiveQueries(SqliteBase):
    def changes_since(self, token: int | None, vendor_code: str | None = None) -> StoreChanges:
        """``vendor_code``: only that vendor's orders are named (the server's scoping)."""
        with self.reading() as conn:
            (newest,) = conn.execute("SELECT coalesce(max(id), 0) FROM activity").fetchone()
            if token is None or newest <= token:
                return StoreChanges(token=newest)
            sql = (
                "SELECT DISTINCT a.po_number FROM activity a JOIN orders o ON o.po_number = a.po_number "
                "WHERE a.id > ?" + (" AND o.vendor_code = ?" if vendor_code is not None else "")
                + f" ORDER BY a.po_number LIMIT {CHANGED_MAX}"
            )
            args = (token,) if vendor_code is None else (token, vendor_code)
            pos = [po for (po,) in conn.execute(sql, args)]
        return StoreChanges(token=newest, po_numbers=pos)

    def package_exceptions(self, vendor_code: str | None = None) -> list[int]:
        sql = "SELECT DISTINCT p.po_number FROM packages p"
        args: tuple[str, ...] = (PackageStatus.EXCEPTION.value,)
        if vendor_code is not None:
            sql += " JOIN orders o ON o.po_number = p.po_number WHERE p.status = ? AND o.vendor_code = ?"
            args += (vendor_code,)
        else:
            sql += " WHERE p.status = ?"
        with self.reading() as conn:
            return [po for (po,) in conn.execute(sql + " ORDER BY p.po_number", args)]

    def find_tracking(self, number: str, vendor_code: str | None = None) -> tuple[int, int] | None:
        """(PO, slip) of the slip holding this tracking number however dashed or spaced
        (the index holds ``tracking.normalise`` forms, see ``rows.tracking_rows``), or None."""
        key = tracking.normalise(number)
        sql = "SELECT t.po_number, t.slip FROM tracking t JOIN orders o ON o.po_number = t.po_number WHERE t.number = ?"
        args: tuple[str, ...] = (key,)
        if vendor_code is not None:
            sql, args = sql + " AND o.vendor_code = ?", (key, vendor_code)
        with self.reading() as conn:
            row = conn.execute(sql, args).fetchone()
        return None if row is None else (row[0], row[1])
