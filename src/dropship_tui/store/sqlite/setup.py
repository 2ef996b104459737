"""The setup records: vendors, location groups, locations and SKU mappings. A location's
or group's policy change recomputes the SLA marks of its open orders (``SlaAdmin``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from dropship_tui.domain import catalog
from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.domain.models import Location, LocationGroup, SkuMapping, Vendor
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

        def work(conn: sqlite3.Connection) -> None:
            for vendor_code in sorted({m.vendor_code for m in mappings}):
                if not conn.execute("SELECT 1 FROM vendors WHERE code = ?", (vendor_code,)).fetchone():
                    raise NotFoundError(f"Vendor {vendor_code} is not in the store")
            conn.executemany(
                "INSERT INTO sku_mappings(vendor_code, product_code, vendor_sku, upc, body) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(vendor_code, product_code) DO UPDATE SET "
                "vendor_sku = excluded.vendor_sku, upc = excluded.upc, body = excluded.body",
                [
                    (m.vendor_code, m.product_code, m.vendor_sku, m.upc, m.model_dump_json())
                    for m in mappings
                ],
            )

        self._transaction(work)
