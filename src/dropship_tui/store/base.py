"""The ``Store`` protocol: what every screen and CLI command may ask of a store.

Two implementations stand behind it: ``sqlite.SqliteStore`` (a local file) and, later,
``remote.RemoteStore`` (httpx against the server). Every write names the order version
the caller last read (``version``); a store refuses a stale one with
``ConflictError.stale`` instead of merging. ``version=None`` means "the version I am
reading now, in the same transaction" — for scripted one-shot CLI actions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from dropship_tui.domain.models import (
    ActivityEntry,
    Location,
    LocationGroup,
    Order,
    OrderSummary,
    Reason,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    SlaStatus,
    Stage,
    Vendor,
)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class SortKey(StrEnum):
    PO_NUMBER = "po_number"
    ORDER_NUMBER = "order_number"
    CUSTOMER = "customer"
    ORDER_DATE = "order_date"
    STAGE = "stage"
    SLA = "sla"
    PROGRESS = "progress"


class OrderQuery(BaseModel):
    """A dashboard view: filter, search and sort. Pages are fetched by ``offset`` (a
    virtual list jumping anywhere) or by keyset ``after_po`` (continuing a scroll)."""

    model_config = ConfigDict(frozen=True)

    stage: Stage | None = None
    sla: SlaStatus | None = None
    search: str = ""
    """PO number, operator order number, customer name prefix (case-insensitive, any
    alphabet) or SKU / vendor SKU / UPC."""
    sort: SortKey = SortKey.PO_NUMBER
    descending: bool = False
    vendor_code: str | None = None


class StageCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    total: int = 0
    new: int = 0
    in_progress: int = 0
    completed: int = 0
    canceled: int = 0

    def of(self, stage: Stage) -> int:
        return getattr(self, stage.value)


class BatchResult(BaseModel):
    """The outcome of a batch action: which POs succeeded and why the others failed."""

    succeeded: list[int] = Field(default_factory=list)
    failed: dict[int, str] = Field(default_factory=dict)


@runtime_checkable
class Store(Protocol):
    user: str
    clock: Clock

    def close(self) -> None: ...

    # --- reads ---------------------------------------------------------------------
    def counts(self, vendor_code: str | None = None) -> StageCounts: ...
    def count_orders(self, query: OrderQuery) -> int: ...
    def list_orders(
        self, query: OrderQuery, *, offset: int = 0, limit: int = 50
    ) -> list[OrderSummary]: ...
    def get_order(self, po_number: int) -> Order: ...
    def activity(self, po_number: int) -> list[ActivityEntry]:
        """Newest first."""
        ...
    def vendor(self, code: str) -> Vendor: ...
    def location(self, code: str) -> Location: ...
    def sla_policy_for(self, order: Order) -> SlaPolicy: ...
    def sla_status(self, order: Order) -> SlaStatus: ...
    def stock(self, vendor_sku: str, location_code: str) -> int | None: ...

    # --- writes: each one transaction, each checks the version --------------------
    def acknowledge(
        self,
        po_number: int,
        version: int | None,
        validated: Mapping[int, int],
        reasons: Mapping[int, Reason],
        reason_all: Reason | None = None,
    ) -> Order: ...
    def acknowledge_all(self, po_numbers: Sequence[int]) -> BatchResult:
        """Each New order acknowledged in full, each in its own transaction."""
        ...
    def cancel(self, po_number: int, version: int | None, reason: Reason) -> Order: ...
    def save_slips(
        self, po_number: int, version: int | None, plan: Sequence[Mapping[int, int]]
    ) -> Order: ...
    def save_tracking(
        self,
        po_number: int,
        version: int | None,
        slip_number: int,
        tracking_number: str,
        carrier: str | None = None,
    ) -> Order: ...
    def generate_invoice(self, po_number: int, version: int | None) -> Order: ...
    def complete(self, po_number: int, version: int | None) -> Order: ...
    def correct_address(self, po_number: int, version: int | None, ship_to: ShipTo) -> Order: ...

    # --- setup and import ---------------------------------------------------------
    def add_vendor(self, vendor: Vendor) -> None: ...
    def add_location_group(self, group: LocationGroup) -> None: ...
    def add_location(self, location: Location) -> None: ...
    def add_sku_mappings(self, mappings: Sequence[SkuMapping]) -> None: ...
    def import_orders(self, orders: Sequence[Order]) -> int:
        """All or nothing: a PO already in the store refuses the whole batch."""
        ...
