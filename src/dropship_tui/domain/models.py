"""The records of SPEC "Records" as immutable pydantic models.

Every record is frozen: a workflow rule never edits an order in place, it returns a new
one (see ``workflow.py``), so a refused action cannot leave half a change behind in memory
and the store can write the result in one transaction.

Money is ``Decimal`` everywhere (never float), quantities are ``int`` and times are
timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

CENT = Decimal("0.01")

# --- bounds ---------------------------------------------------------------------------
# Every number and date a record holds has a sane bound, checked by the record itself, so
# an order coming in over the API, from an import file or from any other caller is judged
# by the same rules (and nothing out of range reaches SQLite's 64-bit integers, datetime
# arithmetic or an invoice). ``exports.import_format.plain_message`` words the refusals.

PO_MAX = 2**31 - 1
"""PO numbers are positive 32-bit integers (SPEC "Records": the operator's shipment
number)."""
MAX_SLIPS = 10
"""R6: an order ships in 1 to 10 packing slips."""
QUANTITY_MAX = 1_000_000
"""Units of one line (ordered, accepted, canceled, in a packing slip)."""
LINE_ID_MAX = 1_000_000
"""A line id numbers a line within its order; like a quantity it stays far from SQLite's
64-bit limit (a PO number's 32-bit range is not needed: no order has a million lines)."""
SLA_HOURS_MAX = 87_600
"""An SLA allows at most 10 years (in hours) to acknowledge or to ship."""
SLA_THRESHOLD_MAX = Decimal(10)
"""An SLA threshold is a fraction of the allowed time: at most 10 times it."""
MONEY_MAX = Decimal(10) ** 12
"""Prices (a line's unit prices, a contracted price) are from 0 up to 10^12."""
WEIGHT_KG_MAX = Decimal(100_000)
DATE_MIN = datetime(2000, 1, 1, tzinfo=timezone.utc)
DATE_MAX = datetime(2100, 1, 1, tzinfo=timezone.utc)
"""Every date and time of a record is from 2000-01-01 to 2100-01-01 UTC."""
DATE_RANGE = "from 2000-01-01 to 2100-01-01 (UTC)"


def in_date_range(value: datetime) -> datetime:
    """Refuse a date outside ``DATE_MIN``..``DATE_MAX``, compared before any conversion: an
    aware datetime compares without overflowing, ``astimezone`` of year 1 or 9999 does not."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(f"must be a date {DATE_RANGE}")
    return value


def to_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def _code(value: str) -> str:
    # Codes (vendor, location, product, SKU, UPC, order number) are identifiers: any C0
    # control character or DEL is refused, not only NUL.
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters")
    return value


def _required(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _text(value: str) -> str:
    # Names, addresses and free text keep their characters (a control character is shown
    # visibly wherever it is printed) except NUL, which nothing downstream should carry.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_date_range), AfterValidator(to_utc)]
Money = Annotated[Decimal, Field(ge=0, le=MONEY_MAX, max_digits=18, decimal_places=4)]
"""A price or a contracted price."""
Total = Annotated[Decimal, Field(ge=0, decimal_places=4)]
"""An invoice amount: quantities times prices, so up to 10^6 x 10^12 a line."""
Weight = Annotated[Decimal, Field(ge=0, le=WEIGHT_KG_MAX, max_digits=18, decimal_places=4)]
PoNumber = Annotated[int, Field(ge=1, le=PO_MAX)]
LineId = Annotated[int, Field(ge=1, le=LINE_ID_MAX)]
Quantity = Annotated[int, Field(ge=1, le=QUANTITY_MAX)]
Units = Annotated[int, Field(ge=0, le=QUANTITY_MAX)]
Hours = Annotated[int, Field(ge=1, le=SLA_HOURS_MAX)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 code: three uppercase ASCII letters."""
Code = Annotated[str, AfterValidator(_code), AfterValidator(_required)]
OptionalCode = Annotated[str, AfterValidator(_code)]
Text = Annotated[str, AfterValidator(_text)]

RETAILER_PO_MAX = 48
"""A retailer's own PO number (X12 BEG03 is 1-22 characters; other channels are longer)."""


def _printable(value: str) -> str:
    # A retailer PO number is echoed in every document sent back and shown on screen:
    # printable characters only, no surrounding blanks.
    if not value.isprintable() or value != value.strip():
        raise ValueError("must be printable text without leading or trailing blanks")
    return value


RetailerPo = Annotated[str, Field(min_length=1, max_length=RETAILER_PO_MAX), AfterValidator(_printable)]


def po_number_or_none(value: object) -> int | None:
    """``value`` as a PO number (an int, or text such as "82" or "#82"), else None:
    what a search box, a CSV cell or a URL holds is checked the same way everywhere."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().lstrip("#")
        if not (text.isascii() and text.isdigit()) or len(text) > 10:
            return None
        number = int(text)
    return number if 1 <= number <= PO_MAX else None


def money(value: Decimal) -> Decimal:
    """Round to the cent the way an invoice does (half up, never banker's rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value: Decimal) -> str:
    """How every screen and document prints an amount: grouped thousands, at least two
    decimals, more only when the price has them (a contracted 0.125 stays 0.125)."""
    d = Decimal(value)
    exp = d.normalize().as_tuple().exponent
    places = max(2, -exp if isinstance(exp, int) else 2)
    return f"{d:,.{places}f}"


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


class Reference(Record):
    """A reference the retailer sent with the order (X12 ``REF``: qualifier, value,
    description), kept to be echoed back; nothing in the workflow reads it."""

    qualifier: Annotated[str, Field(min_length=1, max_length=3), AfterValidator(_code)]
    value: Text = ""
    description: Text = ""


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
