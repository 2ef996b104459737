"""The records of SPEC "Records" as immutable pydantic models.

Every record is frozen: a workflow rule never edits an order in place, it returns a new
one (see ``workflow.py``), so a refused action cannot leave half a change behind in memory
and the store can write the result in one transaction.

Money is ``Decimal`` everywhere (never float), quantities are ``int`` and times are
timezone-aware UTC.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from dropship_tui.domain.fields import (  # noqa: F401  (the records' field types, used as models.X)
    CENT, Code, Currency, DATE_MAX, DATE_MIN, DATE_RANGE, Hours, LINE_ID_MAX, LineId,
    MAX_SLIPS, MONEY_MAX, Money, OptionalCode, PO_MAX, PoNumber, QUANTITY_MAX, Quantity,
    RETAILER_PO_MAX, RetailerPo, SLA_HOURS_MAX, SLA_THRESHOLD_MAX, Text, Total, Units,
    UtcDatetime, WEIGHT_KG_MAX, Weight, in_date_range, money, money_text,
    po_number_or_none, to_utc, checked_code, checked_text,
)
from dropship_tui.domain.package_status import PackageStatus


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Stage(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELED = "canceled"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in (Stage.NEW, Stage.IN_PROGRESS)


_STAGE_LABELS = {
    Stage.NEW: "New",
    Stage.IN_PROGRESS: "In progress",
    Stage.COMPLETED: "Completed",
    Stage.CANCELED: "Canceled",
}


class ReasonCode(StrEnum):
    OUT_OF_STOCK = "out_of_stock"
    DAMAGED = "damaged"
    DISCONTINUED = "discontinued"
    INVALID_SKU = "invalid_sku"
    INCORRECT_PRODUCT_INFO = "incorrect_product_info"
    UNDELIVERABLE_ADDRESS = "undeliverable_address"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    ReasonCode.OUT_OF_STOCK: "Out of stock",
    ReasonCode.DAMAGED: "Damaged",
    ReasonCode.DISCONTINUED: "Discontinued",
    ReasonCode.INVALID_SKU: "Invalid SKU",
    ReasonCode.INCORRECT_PRODUCT_INFO: "Incorrect product info",
    ReasonCode.UNDELIVERABLE_ADDRESS: "Undeliverable address",
    ReasonCode.OTHER: "Other",
}

REASON_TEXT_MAX = 500


class Reason(Record):
    """Why units were not fulfilled. ``text`` is required (non-blank) for ``other``;
    the check lives in ``workflow.check_reason`` so every caller gets the same message."""

    code: ReasonCode
    text: str = ""

    def describe(self) -> str:
        """The label, with the user's own words when they gave any (for any code)."""
        text = self.text.strip()
        return f"{self.code.label}: {text}" if text else self.code.label


class SlaStatus(StrEnum):
    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"on_time": "On time", "at_risk": "At risk", "overdue": "Overdue"}[self.value]


class IntegrationMode(StrEnum):
    PORTAL = "portal"
    API = "api"
    EDI = "edi"


class Address(Record):
    line1: Text = ""
    line2: Text = ""
    city: Text = ""
    state: Text = ""
    postal_code: Text = ""
    country_code: Text = ""

    def lines(self) -> list[str]:
        """The address as printed on a label, blank parts left out."""
        city_line = " ".join(p for p in (self.city, self.state, self.postal_code) if p)
        return [p for p in (self.line1, self.line2, city_line, self.country_code) if p]


class Contact(Record):
    name: Text = ""
    phone: Text = ""
    email: Text = ""


class ShipTo(Record):
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    email: Text = ""
    phone: Text = ""
    address: Address = Address()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class SlaPolicy(Record):
    hours_to_acknowledge: Hours
    hours_to_ship: Hours


DEFAULT_SLA_POLICY = SlaPolicy(hours_to_acknowledge=24, hours_to_ship=72)


class SlaThresholds(Record):
    """Fractions of the allowed time at which an order turns At risk and Overdue."""

    at_risk: Decimal = Decimal("0.8")
    overdue: Decimal = Decimal("1.0")

    @model_validator(mode="after")
    def _ordered(self) -> "SlaThresholds":
        if not (0 < self.at_risk <= self.overdue <= SLA_THRESHOLD_MAX):
            raise ValueError(
                f"SLA thresholds need 0 < at risk <= overdue <= {SLA_THRESHOLD_MAX} "
                "(e.g. 0.8 and 1.0)"
            )
        return self


class Vendor(Record):
    code: Code
    name: Text
    contact: Contact = Contact()
    billing_email: Text = ""
    address: Address = Address()
    integration_mode: IntegrationMode = IntegrationMode.PORTAL


class LocationGroup(Record):
    code: Code
    name: Text = ""
    sla_policy: SlaPolicy | None = None


class Location(Record):
    code: Code
    vendor_code: Code
    name: Text
    address: Address = Address()
    group_code: Code | None = None
    sla_policy: SlaPolicy | None = None


class SkuMapping(Record):
    vendor_code: Code
    product_code: Code
    vendor_sku: Code
    upc: OptionalCode = ""
    contracted_price: Money
    currency: Currency = "USD"


class Line(Record):
    line_id: LineId
    product_code: Code
    variation_product_code: OptionalCode = ""
    sku: Code
    vendor_sku: OptionalCode = ""
    upc: OptionalCode = ""
    description: Text = ""
    quantity_ordered: Quantity
    quantity_accepted: Units | None = None
    retail_price: Money
    contracted_price: Money | None = None
    weight_kg: Weight | None = None
    dimensions_cm: Text = ""

    @property
    def billing_price(self) -> Decimal:
        """R8: the contracted price, or the line's unit price only when none exists."""
        return self.contracted_price if self.contracted_price is not None else self.retail_price


class CanceledItem(Record):
    line_id: LineId
    quantity: Quantity
    reason_code: ReasonCode
    reason_text: str = ""
    at: UtcDatetime
    by: str

    @property
    def reason(self) -> Reason:
        return Reason(code=self.reason_code, text=self.reason_text)


class PackingSlip(Record):
    number: int = Field(ge=1, le=MAX_SLIPS)
    lines: dict[LineId, Quantity]
    """line_id -> units of that line in this package (only lines with units > 0)."""
    tracking_number: str | None = None
    carrier: str | None = None
    tracking_url: str | None = None
    tracked_at: UtcDatetime | None = None
    package_status: PackageStatus | None = None
    package_at: UtcDatetime | None = None  # R16: the last status reported, and when

    @property
    def units(self) -> int:
        return sum(self.lines.values())


class InvoiceRow(Record):
    line_id: LineId
    sku: str
    vendor_sku: str
    description: str
    quantity: Units
    unit_price: Money
    amount: Total


class Invoice(Record):
    invoice_number: str
    issued_at: UtcDatetime
    po_number: int
    order_number: str
    vendor: Vendor
    ship_to: ShipTo
    rows: tuple[InvoiceRow, ...]
    subtotal: Total
    total: Total
    currency: Currency
    retailer_po_number: str | None = None
    """The retailer's own PO number (EDI BEG03), printed and echoed with ours."""


class Reference(Record):
    """A reference the retailer sent with the order (X12 ``REF``: qualifier, value,
    description), kept to be echoed back; nothing in the workflow reads it."""

    qualifier: Annotated[str, Field(min_length=1, max_length=3), AfterValidator(checked_code)]
    value: Text = ""
    description: Text = ""


class CancelRequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CancelRequest(Record):
    """The retailer (operator) asks the vendor to cancel an order; the vendor accepts (the
    order is canceled with the request's reason) or rejects it with a reason of its own
    (``domain.cancel_request``). The last request stays on the order."""

    reason: Reason
    requested_at: UtcDatetime
    requested_by: str
    status: CancelRequestStatus = CancelRequestStatus.PENDING
    answered_at: UtcDatetime | None = None
    answered_by: str | None = None
    answer: Reason | None = None
    """Why the vendor rejected it."""


class ActivityEntry(Record):
    at: UtcDatetime
    user: str
    action: str
    details: str = ""


class Order(Record):
    """A vendor order (purchase order). ``version`` changes on every write; a write based
    on an older version is refused by the store."""

    po_number: PoNumber
    order_number: Code
    vendor_code: Code
    location_code: Code
    ship_to: ShipTo
    order_date: UtcDatetime
    requested_ship_date: UtcDatetime | None = None
    currency: Currency = "USD"
    shipping_method: Text = ""
    lines: tuple[Line, ...] = Field(min_length=1)
    stage: Stage = Stage.NEW
    version: int = 1
    acknowledged_at: UtcDatetime | None = None
    canceled_items: tuple[CanceledItem, ...] = ()
    slips: tuple[PackingSlip, ...] = ()
    invoice: Invoice | None = None
    completed_at: UtcDatetime | None = None
    canceled_at: UtcDatetime | None = None
    final_sla_status: SlaStatus | None = None
    """R12: Completed and canceled orders keep the SLA status they ended with."""
    retailer_po_number: RetailerPo | None = None
    """The retailer's own PO number (EDI BEG03), echoed in every document; None when the
    retailer uses our ``po_number`` (then that is echoed)."""
    references: tuple[Reference, ...] = ()
    cancel_request: CancelRequest | None = None

    @model_validator(mode="after")
    def _lines_unique(self) -> "Order":
        seen: set[int] = set()
        for line in self.lines:
            if line.line_id in seen:
                raise ValueError(f"line {line.line_id} appears twice in PO {self.po_number}")
            seen.add(line.line_id)
        return self

    def line(self, line_id: int) -> Line:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise KeyError(line_id)

    def slip(self, number: int) -> PackingSlip:
        for slip in self.slips:
            if slip.number == number:
                return slip
        raise KeyError(number)

    def canceled_quantity(self, line_id: int) -> int:
        return sum(c.quantity for c in self.canceled_items if c.line_id == line_id)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def all_slips_tracked(self) -> bool:
        return bool(self.slips) and all(s.tracking_number for s in self.slips)

    @property
    def customer_name(self) -> str:
        return self.ship_to.full_name or self.ship_to.company

    @property
    def units_ordered(self) -> int:
        return sum(line.quantity_ordered for line in self.lines)

    @property
    def units_accepted(self) -> int:
        return sum(line.quantity_accepted or 0 for line in self.lines)


class OrderSummary(Record):
    """One dashboard row: just what the list shows, cheap to fetch a page of."""

    po_number: int
    order_number: str
    vendor_code: str
    customer_name: str
    order_date: UtcDatetime
    stage: Stage
    sla_status: SlaStatus
    progress: int
    version: int
    total_units: int = 0
    location_code: str = ""
    retailer_po_number: str | None = None


RETAILER_NAME_MAX = 100
"""The retailer's name on invoices (one line of the Bill to block)."""
RETAILER_ADDRESS_LINES = 4
"""Bill to lines under the name (street, city line, country ...)."""


def _bill_to_line(value: str) -> str:
    # Printed on every invoice and shown in a terminal: one printable line, trimmed.
    value = value.strip()
    if not value or not value.isprintable():
        raise ValueError("must be one line of printable text")
    return value


BillToLine = Annotated[str, Field(max_length=RETAILER_NAME_MAX), AfterValidator(_bill_to_line)]


class Retailer(Record):
    """Who invoices are billed to: the operator, the retailer that places the purchase
    orders (R8's "Bill to"). A store setting, so every user of a store bills the same
    retailer (``settings retailer``; ``billing.bill_to`` when unset)."""

    name: BillToLine
    address: tuple[BillToLine, ...] = Field(default=(), max_length=RETAILER_ADDRESS_LINES)
