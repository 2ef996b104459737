"""The setup records: vendors, location groups, locations and SKU mappings. A location's
or group's policy change recomputes the SLA marks of its open orders (``SlaAdmin``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from dropship_tui.domain import catalog
from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.domain.models import Location, LocationGroup, SkuMapping, Vendor
from dropship_tui.domain.setup import SetupChange
from dropship_tui.store.sqlite import setup_log
from dropship_tui.store.sqlite.sla_admin import SlaAdmin


class SetupRecords(SlaAdmin):
    # --- reads ------------------------------------------------------------------------

    def vendor(self, code: str) -> Vendor:
        with self.reading() as conn:
            cached = self._vendors.get(code)
            if cached is not None:
                return cached
            row = conn.execute("SELECT body FROM vendors WHERE code = ?", (code,)).fetchone()
            if row is None:
                raise NotFoundError(f"Vendor {code} is not in the store")
            vendor = Vendor.model_validate_json(row[0])
            if self._caches(conn):
                self._vendors[code] = vendor
            return vendor

    def vendors(self) -> list[Vendor]:
        with self.reading() as conn:
            rows = conn.execute("SELECT body FROM vendors ORDER BY code").fetchall()
        return [Vendor.model_validate_json(r[0]) for r in rows]

    def location(self, code: str) -> Location:
        with self.reading() as conn:
            row = conn.execute("SELECT body FROM locations WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise NotFoundError(f"Location {code} is not in the store")
        return Location.model_validate_json(row[0])

    def locations(self, vendor_code: str | None = None) -> list[Location]:
        sql, params = "SELECT body FROM locations", ()
        if vendor_code is not None:
            sql, params = sql + " WHERE vendor_code = ?", (vendor_code,)
        with self.reading() as conn:
            rows = conn.execute(sql + " ORDER BY code", params).fetchall()
        return [Location.model_validate_json(r[0]) for r in rows]

    def location_group(self, code: str) -> LocationGroup:
        with self.reading() as conn:
            row = conn.execute(
                "SELECT body FROM location_groups WHERE code = ?", (code,)
            ).fetchone()
        if row is None:
            raise NotFoundError(f"Location group {code} is not in the store")
        return LocationGroup.model_validate_json(row[0])

    def sku_mappings(self, vendor_code: str) -> list[SkuMapping]:
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT body FROM sku_mappings WHERE vendor_code = ? ORDER BY product_code",
                (vendor_code,),
            ).fetchall()
        return [SkuMapping.model_validate_json(r[0]) for r in rows]

    # --- writes -----------------------------------------------------------------------

    def add_vendor(self, vendor: Vendor) -> None:
        """Add a vendor, or replace the details of one with the same code."""

        def work(conn: sqlite3.Connection) -> None:
            before = _body(conn, "SELECT body FROM vendors WHERE code = ?", vendor.code)
            self._log(conn, "vendor", vendor.code, vendor.code, before, vendor.model_dump_json())
            conn.execute(
                "INSERT INTO vendors(code, name, body) VALUES (?, ?, ?) "
                "ON CONFLICT(code) DO UPDATE SET name = excluded.name, body = excluded.body",
                (vendor.code, vendor.name, vendor.model_dump_json()),
            )
            self._vendors.pop(vendor.code, None)

        self._transaction(work)

    def add_location_group(self, group: LocationGroup) -> None:
        """Add or replace a location group; open orders at its locations get their SLA
        marks recomputed when the policy changes."""

        def work(conn: sqlite3.Connection) -> None:
            before = _body(conn, "SELECT body FROM location_groups WHERE code = ?", group.code)
            self._log(conn, "location_group", group.code, None, before, group.model_dump_json())
            conn.execute(
                "INSERT INTO location_groups(code, body) VALUES (?, ?) "
                "ON CONFLICT(code) DO UPDATE SET body = excluded.body",
                (group.code, group.model_dump_json()),
            )
            self._policies.clear()
            codes = [
                r[0]
                for r in conn.execute(
                    "SELECT code FROM locations WHERE group_code = ?", (group.code,)
                )
            ]
            for code in codes:
                self._recompute_marks(conn, code)

        self._transaction(work)

    def add_location(self, location: Location) -> None:
        """Add or replace a location (codes are unique across vendors)."""

        def work(conn: sqlite3.Connection) -> None:
            if not conn.execute(
                "SELECT 1 FROM vendors WHERE code = ?", (location.vendor_code,)
            ).fetchone():
                raise NotFoundError(f"Vendor {location.vendor_code} is not in the store")
            if location.group_code is not None and not conn.execute(
                "SELECT 1 FROM location_groups WHERE code = ?", (location.group_code,)
            ).fetchone():
                raise NotFoundError(f"Location group {location.group_code} is not in the store")
            existing = conn.execute(
                "SELECT vendor_code FROM locations WHERE code = ?", (location.code,)
            ).fetchone()
            if existing is not None and existing[0] != location.vendor_code:
                raise InvalidInputError(catalog.location_in_use(location.code))
            before = _body(conn, "SELECT body FROM locations WHERE code = ?", location.code)
            self._log(conn, "location", location.code, location.vendor_code, before,
                      location.model_dump_json())
            conn.execute(
                "INSERT INTO locations(code, vendor_code, group_code, body) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(code) DO UPDATE SET group_code = excluded.group_code, "
                "body = excluded.body",
                (location.code, location.vendor_code, location.group_code, location.model_dump_json()),
            )
            self._policies.pop(location.code, None)
            if existing is not None:
                self._recompute_marks(conn, location.code)

        self._transaction(work)

    def add_sku_mappings(self, mappings: Sequence[SkuMapping]) -> None:
        """Add or replace SKU mappings (keyed by vendor and catalog product code)."""
        self._transaction(lambda conn: self._write_mappings(conn, mappings))

    def _write_mappings(self, conn: sqlite3.Connection, mappings: Sequence[SkuMapping]) -> None:
        for vendor_code in sorted({m.vendor_code for m in mappings}):
            if not conn.execute("SELECT 1 FROM vendors WHERE code = ?", (vendor_code,)).fetchone():
                raise NotFoundError(f"Vendor {vendor_code} is not in the store")
        self._log_mappings(conn, mappings)
        conn.executemany(
            "INSERT INTO sku_mappings(vendor_code, product_code, vendor_sku, upc, body) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(vendor_code, product_code) DO UPDATE SET "
            "vendor_sku = excluded.vendor_sku, upc = excluded.upc, body = excluded.body",
            [(m.vendor_code, m.product_code, m.vendor_sku, m.upc, m.model_dump_json()) for m in mappings],
        )

    def replace_sku_mappings(self, vendor_code: str, mappings: Sequence[SkuMapping]) -> int:
        """The vendor's whole set of SKU mappings becomes ``mappings`` (every one must be
        the vendor's): those it lacks are removed, in one transaction with the rest.
        Returns how many were removed."""

        def work(conn: sqlite3.Connection) -> int:
            if not conn.execute("SELECT 1 FROM vendors WHERE code = ?", (vendor_code,)).fetchone():
                raise NotFoundError(f"Vendor {vendor_code} is not in the store")
            others = sorted({m.vendor_code for m in mappings} - {vendor_code})
            if others:
                raise InvalidInputError(f"A full import of {vendor_code}'s mappings names vendor {others[0]}")
            keep = {m.product_code for m in mappings}
            gone = [
                (code, body)
                for code, body in conn.execute(
                    "SELECT product_code, body FROM sku_mappings WHERE vendor_code = ?", (vendor_code,)
                )
                if code not in keep
            ]
            self._write_mappings(conn, mappings)
            setup_log.record(conn, [self._change("sku_mapping", code, vendor_code, body, None)
                                    for code, body in gone])
            conn.executemany(
                "DELETE FROM sku_mappings WHERE vendor_code = ? AND product_code = ?",
                [(vendor_code, code) for code, _ in gone],
            )
            return len(gone)

        return self._transaction(work)

    def location_groups(self) -> list[LocationGroup]:
        with self.reading() as conn:
            rows = conn.execute("SELECT body FROM location_groups ORDER BY code").fetchall()
        return [LocationGroup.model_validate_json(r[0]) for r in rows]

    def setup_log(self, vendor_code: str | None = None, limit: int = 100) -> list[SetupChange]:
        """Newest first; ``vendor_code``: that vendor's records only."""
        with self.reading() as conn:
            return setup_log.read(conn, vendor_code, max(0, min(limit, 10_000)))

    # --- the log --------------------------------------------------------------------------

    def _change(self, kind: str, code: str, vendor_code: str | None,
                before: str | None, after: str | None) -> SetupChange:
        return SetupChange(at=self._now(), user=self.user, kind=kind, code=code,
                           vendor_code=vendor_code, before=before, after=after)

    def _log(self, conn: sqlite3.Connection, kind: str, code: str, vendor_code: str | None,
             before: str | None, after: str | None) -> None:
        setup_log.record(conn, [self._change(kind, code, vendor_code, before, after)])

    def _log_mappings(self, conn: sqlite3.Connection, mappings: Sequence[SkuMapping]) -> None:
        changes = []
        for vendor_code in sorted({m.vendor_code for m in mappings}):
            existing = dict(conn.execute(
                "SELECT product_code, body FROM sku_mappings WHERE vendor_code = ?", (vendor_code,)
            ).fetchall())
            changes += [
                self._change("sku_mapping", m.product_code, vendor_code,
                             existing.get(m.product_code), m.model_dump_json())
                for m in mappings if m.vendor_code == vendor_code
            ]
        setup_log.record(conn, changes)


def _body(conn: sqlite3.Connection, sql: str, code: str) -> str | None:
    row = conn.execute(sql, (code,)).fetchone()
    return None if row is None else row[0]
