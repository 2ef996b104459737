"""The JSON order import (``import FILE.json``, docs/import-format.md): the file is parsed
and resolved by ``exports.import_format`` against a ``StoreCatalog``; ``apply_plan`` writes
the resolved plan: the setup records new to the store, then the orders (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import SkuMapping
from dropship_tui.exports.import_format import ImportPlan
from dropship_tui.store.base import NotAvailableRemotely, Store


class StoreCatalog:
    """``import_format.Catalog`` over a store: what is there already."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._mappings: dict[str, dict[str, SkuMapping]] = {}

    def has_vendor(self, code: str) -> bool:
        try:
            self.store.vendor(code)
        except NotFoundError:
            return False
        return True

    def location_vendor(self, code: str) -> str | None:
        try:
            return self.store.location(code).vendor_code
        except NotFoundError:
            return None

    def sku_mapping(self, vendor_code: str, product_code: str) -> SkuMapping | None:
        if vendor_code not in self._mappings:
            try:
                found = self.store.sku_mappings(vendor_code)
            except (NotFoundError, NotAvailableRemotely):  # a server does not list them
                found = []
            self._mappings[vendor_code] = {m.product_code: m for m in found}
        return self._mappings[vendor_code].get(product_code)

    def has_order(self, po_number: int) -> bool:
        try:
            self.store.get_order(po_number)
        except NotFoundError:
            return False
        return True


@dataclass(frozen=True)
class Imported:
    """What ``apply_plan`` wrote."""

    orders: int
    vendors: int
    locations: int
    sku_mappings: int


def apply_plan(store: Store, plan: ImportPlan) -> Imported:
    """Write ``plan``: its new vendors, locations and SKU mappings, then its orders, in
    one transaction (``Store.import_records``; over the API, one request), so a refusal
    anywhere, or a crash, leaves nothing of it behind."""
    count = store.import_records(plan.vendors, plan.locations, plan.sku_mappings, plan.orders)
    return Imported(count, len(plan.vendors), len(plan.locations), len(plan.sku_mappings))
