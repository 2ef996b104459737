"""R12 on the store: each location's SLA policy, the store's thresholds, and the SLA
marks (``rows.order_row``) they decide, recomputed when either changes."""

from __future__ import annotations

import sqlite3

from dropship_tui.domain import sla
from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import Location, LocationGroup, Order, SlaPolicy, SlaStatus, SlaThresholds
from dropship_tui.store.sqlite.connection import SqliteBase
from dropship_tui.store.sqlite.rows import to_us


class SlaAdmin(SqliteBase):
    def policy_for_location(self, location_code: str) -> SlaPolicy:
        """R12: the location's policy, else its group's, else the defaults."""
        with self.reading() as conn:
            cached = self._policies.get(location_code)
            if cached is not None:
                return cached
            row = conn.execute(
                "SELECT body FROM locations WHERE code = ?", (location_code,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"Location {location_code} is not in the store")
            location = Location.model_validate_json(row[0])
            group = None
            if location.group_code is not None:
                row = conn.execute(
                    "SELECT body FROM location_groups WHERE code = ?", (location.group_code,)
                ).fetchone()
                group = LocationGroup.model_validate_json(row[0]) if row else None
            policy = sla.resolve_policy(location, group)
            if self._caches(conn):
                self._policies[location_code] = policy
            return policy

    def sla_policy_for(self, order: Order) -> SlaPolicy:
        return self.policy_for_location(order.location_code)

    def sla_status(self, order: Order) -> SlaStatus:
        return sla.sla_status(order, self.sla_policy_for(order), self._now(), self.thresholds)

    def set_sla_thresholds(self, thresholds: SlaThresholds) -> int:
        """R12's thresholds for the whole store (an admin action, no activity): stored in
        ``meta`` and the SLA marks of every open order recomputed, in one transaction.
        Every store opened on the file uses them from then on. Returns how many orders'
        marks were recomputed. The marks are computed with ``thresholds`` themselves;
        ``self.thresholds`` changes only once they are committed (a reader in another
        thread never sees thresholds that may yet be rolled back)."""

        def work(conn: sqlite3.Connection) -> int:
            self._admin_lock(conn)
            recomputed = 0
            for (code,) in conn.execute("SELECT code FROM locations ORDER BY code").fetchall():
                recomputed += self._recompute_marks(conn, code, thresholds)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('sla_thresholds', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (f"{thresholds.at_risk}/{thresholds.overdue}",),
            )
            return recomputed

        recomputed = self._transaction(work)
        self.thresholds = thresholds
        return recomputed

    def _admin_lock(self, conn: sqlite3.Connection) -> None:
        """Before an SLA admin change reads any order: wait for every write in progress
        to commit, and hold new ones back until this change commits, so no action
        computes its marks with the policy or thresholds being replaced, nor has them
        overwritten with marks computed from its order as it was before. SQLite: nothing
        to do (``BEGIN IMMEDIATE``: one writer at a time); PostgreSQL writes run side by
        side (``PostgresStore._admin_lock``)."""

    def _recompute_marks(
        self, conn: sqlite3.Connection, location_code: str, thresholds: SlaThresholds | None = None
    ) -> int:
        """Recompute the SLA marks of the open orders at a location (policy changed;
        ``thresholds``: the ones being set, else the store's)."""
        self._admin_lock(conn)
        self._policies.pop(location_code, None)
        policy = self.policy_for_location(location_code)
        thresholds = thresholds or self.thresholds
        rows = conn.execute(
            "SELECT o.po_number, b.body FROM orders o JOIN order_bodies b USING (po_number) "
            "WHERE o.location_code = ? AND o.stage_rank < 2",
            (location_code,),
        ).fetchall()
        updates = []
        for po, body in rows:
            order = Order.model_validate_json(body)
            marks = sla.sla_marks(order, policy, thresholds)
            if marks is not None:
                updates.append((to_us(marks[0]), to_us(marks[1]), po))
        conn.executemany(
            "UPDATE orders SET sla_at_risk_at = ?, sla_overdue_at = ? WHERE po_number = ?",
            updates,
        )
        return len(updates)
