"""The dashboard's filters beyond stage and SLA (issue 14 items 4-5, issue 13 item 11): a
location filter and column for a vendor with several warehouses, a vendor filter and
column for the operator (a remote store whose user is an operator, or a local store
holding several vendors, as the scorecard sees it), and the package-exception filter.

``w`` cycles the locations, ``v`` the vendors, ``E`` shows only the orders with a package
in exception (``e`` still jumps to the next one). The locations and vendors are read once,
in a worker, when the dashboard opens; the columns show only when they tell rows apart.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen

from dropship_tui.store.base import OrderQuery, Store


def setup_of(store: Store) -> tuple[list[str], list[tuple[str, str]]]:
    """(vendor codes, (location code, its vendor) pairs) the dashboard can filter by: the
    vendors only when the user sees several (the operator)."""
    vendors = sorted(v.code for v in store.vendors())
    operator = getattr(store, "role", None) == "operator"
    locations = sorted((loc.code, loc.vendor_code) for loc in store.locations())
    return (vendors if operator or len(vendors) > 1 else []), locations


def next_in(cycle: list[str], current: str | None) -> str | None:
    """All (None), then each code in turn, then All again."""
    options: list[str | None] = [None, *cycle]
    i = options.index(current) if current in options else 0
    return options[(i + 1) % len(options)]


class DashboardFilters(Screen):
    BINDINGS = [
        Binding("w", "cycle_location", "Location", show=False, id="dashboard.location",
                tooltip="Filter by location (warehouse): all, then each in turn"),
        Binding("v", "cycle_vendor", "Vendor", show=False, id="dashboard.vendor",
                tooltip="Filter by vendor (the operator): all, then each in turn"),
        Binding("E", "toggle_exceptions", "Exceptions only", show=False, id="dashboard.exceptions_only",
                tooltip="Show only the orders with a package in exception (again: all)"),
    ]

    vendor_codes: list[str] = []
    locations: list[tuple[str, str]] = []

    # what the dashboard itself provides
    query_state: OrderQuery

    def load_setup(self) -> None:
        """The vendors and locations, in a worker; then the columns they call for."""
        self.call_store(setup_of, self._setup_read, lambda error: None,  # type: ignore[attr-defined]
                        group="dashboard-setup", exclusive=True)

    def _setup_read(self, result: tuple[list[str], list[tuple[str, str]]]) -> None:
        self.vendor_codes, self.locations = result
        self.show_extra_columns()

    def show_extra_columns(self) -> None:
        """Vendor: the operator, until one vendor is picked. Location: several locations
        (of the vendor picked), until one is picked."""
        q = self.query_state
        extras = set(self.order_list.extra_columns) & {"retailer_po"}  # type: ignore[attr-defined]
        if self.vendor_codes and q.vendor_code is None:
            extras.add("vendor")
        if len(self.locations_now()) > 1 and q.location_code is None:
            extras.add("location")
        self.order_list.show_columns(frozenset(extras))  # type: ignore[attr-defined]

    def locations_now(self) -> list[str]:
        """The location codes of the vendor picked, else all."""
        vendor = self.query_state.vendor_code
        return [code for code, owner in self.locations if vendor is None or owner == vendor]

    def _filter(self, **changes: Any) -> None:
        self._set_query(**changes)  # type: ignore[attr-defined]
        self.show_extra_columns()

    def action_cycle_location(self) -> None:
        codes = self.locations_now()
        if len(codes) < 2 and self.query_state.location_code is None:
            self.notify("One location only: nothing to filter by.", timeout=3)
            return
        self._filter(location_code=next_in(codes, self.query_state.location_code))

    def action_cycle_vendor(self) -> None:
        if not self.vendor_codes:
            self.notify("One vendor only: nothing to filter by.", timeout=3)
            return
        self._filter(vendor_code=next_in(self.vendor_codes, self.query_state.vendor_code), location_code=None)

    def action_toggle_exceptions(self) -> None:
        self._filter(package_exception=not self.query_state.package_exception)
