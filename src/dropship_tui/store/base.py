"""The store protocols: what every screen, command and service may ask of a store.

Split by job so a caller can say what it needs: ``OrderStore`` (the dashboard's reads and
the workflow actions), ``StockStore`` (stock levels, reservations, stock import) and
``SetupStore`` (vendors, locations, SKU mappings, order import, SLA thresholds).
``Store`` is all of them, plus who acts (``user``), the time (``clock``) and ``lock``:
the one lock that serialises use of one store object from several threads.

Two implementations stand behind it: ``sqlite.SqliteStore`` (a local file) and
``remote.RemoteStore`` (httpx against the server), which raises
``NotAvailableRemotely`` for what the server has no route for. Every write names the
order version the caller last read (``version``); a store refuses a stale one with
``ConflictError.stale`` instead of merging. ``version=None`` means "the version I am
reading now, in the same transaction" — for scripted one-shot CLI actions.
"""

from __future__ import annotations


import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from typing import Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from dropship_tui.domain import order_csv
from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.edi import EdiDocument
from dropship_tui.domain.scorecard import Scorecard
from dropship_tui.domain.setup import SetupChange
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.domain.models import (
    ActivityEntry,
    Retailer,
    Location,
    LocationGroup,
    Order,
    OrderSummary,
    Reason,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
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
    location_code: str | None = None
    """Only the orders shipped from this location (issue 14 item 5: vendors with several
    warehouses)."""
    package_exception: bool = False
    """Only the orders with a package in exception (R16)."""


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


class NotAvailableRemotely(DomainError):
    """What the server has no route for (stock import, stock levels, SLA thresholds, the
    setup listings): it works on the store file itself, with ``--db PATH``."""

    code = "not_available"


class StoreBusyError(DomainError):
    """Another program held the store's write lock past the busy timeout: nothing was
    written; trying again is safe."""

    code = "busy"

    def __init__(self, message: str = "The store is busy (another program holds it); try again") -> None:
        super().__init__(message)


StockRowLike = tuple[int, str, str, str, "int | None"]
"""(line number, vendor SKU, UPC, location code, quantity on hand or None if unreadable):
``services.stock_import.StockRow`` is one."""


@dataclass(frozen=True)
class StockLevel:
    """One vendor SKU's stock at one location."""

    vendor_sku: str
    location_code: str
    on_hand: int
    reserved: int
    available: int
    """on_hand - reserved; negative when more units were accepted than are on hand."""


@dataclass
class StockImportResult:
    """How many stock levels an import added, changed, left alone and set to 0."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    zeroed: int = 0


@runtime_checkable
class OrderStore(Protocol):
    """The dashboard's reads and the workflow actions."""

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
    def order_rows(self, query: OrderQuery, limit: int | None = None) -> Iterator[order_csv.Row]:
        """The orders CSV's rows (``domain.order_csv``) of ``query``'s list, in its
        order, streamed (the first ``limit`` when given)."""
        ...
    def sla_report_rows(self, vendor_code: str | None = None) -> Iterator[tuple]:
        """``report sla``'s rows (``order_csv.SLA_COLUMNS``), streamed."""
        ...
    def canceled_item_rows(self, start: datetime, end: datetime, vendor_code: str | None = None) -> Iterator[tuple]:
        """``report canceled-items``' rows (``order_csv.CANCELED_COLUMNS``), streamed."""
        ...
    def sla_policy_for(self, order: Order) -> SlaPolicy: ...
    def sla_status(self, order: Order) -> SlaStatus: ...

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
    def reopen(self, po_number: int, version: int | None, reason: Reason) -> Order:
        """R15: back to New (not once invoiced)."""
        ...
    def request_cancellation(self, po_number: int, version: int | None, reason: Reason) -> Order:
        """The retailer asks the vendor to cancel (``domain.cancel_request``)."""
        ...
    def answer_cancellation(
        self, po_number: int, version: int | None, accept: bool, reason: Reason | None = None
    ) -> Order:
        """The vendor accepts (the order is canceled) or rejects it with ``reason``."""
        ...
    def set_package_status(
        self,
        po_number: int,
        version: int | None,
        slip_number: int,
        status: PackageStatus,
        at: datetime,
        *,
        note: str = "",
        source: str = "",
    ) -> Order:
        """R16: a reported status of one slip's package."""
        ...


@runtime_checkable
class StockStore(Protocol):
    """Stock on hand, what acknowledged orders reserve of it, and the stock import."""

    def stock(self, vendor_sku: str, location_code: str) -> int | None:
        """On hand, or None when unknown."""
        ...
    def stock_for(self, order: Order) -> Mapping[str, int]:
        """Stock available of the order's vendor SKUs at its location (known ones only)."""
        ...
    def stock_for_orders(self, orders: Sequence[Order]) -> Mapping[int, Mapping[str, int]]:
        """``stock_for`` of each order, by PO, in one read (a batch review's prefill)."""
        ...
    def stock_levels(self, search: str = "", location_code: str | None = None) -> list[StockLevel]: ...
    def reservations(self, po_number: int) -> dict[str, int]: ...
    def set_stock(self, vendor_sku: str, location_code: str, on_hand: int | None) -> None: ...
    def stock_problems(self, rows: Sequence[StockRowLike]) -> list[tuple[int, str]]:
        """(line, why) for every row the store cannot take; read-only."""
        ...
    def import_stock(
        self, rows: Sequence[StockRowLike], *, full: bool = False
    ) -> StockImportResult:
        """All or nothing."""
        ...


@runtime_checkable
class SetupStore(Protocol):
    """Vendors, locations and their SLA policies, SKU mappings, order import and the
    store's SLA thresholds."""

    thresholds: SlaThresholds

    def vendor(self, code: str) -> Vendor: ...
    def vendors(self) -> list[Vendor]: ...
    def location(self, code: str) -> Location: ...
    def locations(self, vendor_code: str | None = None) -> list[Location]: ...
    def location_group(self, code: str) -> LocationGroup: ...
    def sku_mappings(self, vendor_code: str) -> list[SkuMapping]: ...
    def policy_for_location(self, location_code: str) -> SlaPolicy:
        """R12: the location's policy, else its group's, else the defaults."""
        ...
    def add_vendor(self, vendor: Vendor) -> None: ...
    def add_location_group(self, group: LocationGroup) -> None: ...
    def add_location(self, location: Location) -> None: ...
    def add_sku_mappings(self, mappings: Sequence[SkuMapping]) -> None: ...
    def replace_sku_mappings(self, vendor_code: str, mappings: Sequence[SkuMapping]) -> int:
        """The vendor's whole set becomes ``mappings`` (one transaction); returns how many
        it had that are now removed."""
        ...
    def location_groups(self) -> list[LocationGroup]: ...
    def scorecards(self, start: datetime, end: datetime, vendor_code: str | None = None) -> list[Scorecard]:
        """Each vendor's scorecard for orders dated in [start, end) (``domain.scorecard``);
        only ``vendor_code``'s when given. Over the API a vendor user gets its own only."""
        ...
    def setup_log(self, vendor_code: str | None = None, limit: int = 100) -> list[SetupChange]:
        """The setup log, newest first (who changed which setup record, old → new)."""
        ...
    def retailer(self) -> Retailer | None:
        """The retailer invoices bill (R8's Bill to; ``settings retailer``), None if unset
        (``billing.bill_to`` then decides)."""
        ...
    def set_retailer(self, retailer: Retailer | None) -> None:
        """Set the store's retailer (None: clear it); local stores only."""
        ...
    def import_orders(self, orders: Sequence[Order]) -> int:
        """All or nothing: a PO already in the store refuses the whole batch."""
        ...
    def set_sla_thresholds(self, thresholds: SlaThresholds) -> int:
        """Returns how many open orders' SLA marks were recomputed."""
        ...
    def import_records(
        self,
        vendors: Sequence[Vendor],
        locations: Sequence[Location],
        sku_mappings: Sequence[SkuMapping],
        orders: Sequence[Order],
    ) -> int:
        """An import with its setup records, written in the order they depend on one
        another (vendors, locations, mappings, orders) as ONE transaction, over the API
        too (one request): a refusal anywhere, or a crash, leaves nothing of it behind.
        Returns how many orders were imported."""
        ...
    def edi_documents(self, po_number: int) -> list[EdiDocument]:
        """The order's EDI log (850 received; 855 / 856 / 810 sent or waiting), oldest first."""
        ...


_T = TypeVar("_T")


@runtime_checkable
class UnitStore(Protocol):
    """A store in this process (SQLite, PostgreSQL) on which a caller makes several writes
    one transaction (an import with its setup records, an EDI chunk, a server route).
    Not part of ``Store``: over the API a unit is one request (``import_records``)."""

    def run_unit(self, work: Callable[[], _T]) -> _T:
        """``work()`` as one unit of work: all of its writes stored, or none. PostgreSQL
        runs it again from its start after a deadlock or a lost serialization race
        (bounded), so ``work`` keeps no state of an attempt that was rolled back."""
        ...


class StoreChanges(BaseModel):
    """What changed since a caller last looked (issue 13 item 12, the live dashboard):
    ``token`` grows with every change (the newest activity entry's id: R11 logs every
    change); ``po_numbers`` are the orders changed after the token the caller gave."""

    token: int = 0
    po_numbers: list[int] = Field(default_factory=list)


class LiveStore(Protocol):
    """What a screen asks to follow the store while others write to it (R16 counts too)."""

    def changes_since(self, token: int | None) -> StoreChanges:
        """The current token, and (``token`` given) the orders changed after it."""
        ...

    def package_exceptions(self, vendor_code: str | None = None) -> list[int]:
        """R16: the orders with a package in exception, by PO number."""
        ...
    def find_tracking(self, number: str) -> tuple[int, int] | None:
        """(PO, slip) holding this tracking number as stored (R7: at most one), or None."""
        ...


@runtime_checkable
class Store(OrderStore, StockStore, SetupStore, LiveStore, Protocol):
    """Everything a caller may ask of a store."""

    user: str
    clock: Clock
    lock: threading.RLock
    """Held around every use of the store from a thread other than its opener's (and by
    the store itself around each read and write): one lock per store object."""

    def close(self) -> None: ...
