"""The JSON import format (docs/import-format.md): parse, validate, resolve. Pure.

``parse_import(text, source)`` turns the file's text into a validated ``ImportDocument``;
``resolve(doc, catalog)`` checks it against what the store already holds (vendors,
locations, SKU mappings, PO numbers) and returns the domain records to write. Either step
raises ``InvalidInputError`` naming every bad field by its path in the file
(``orders[3].lines[0].quantity: must be a positive integer``); nothing is written by this
module, so a refused file changes nothing.

JSON numbers are read with ``parse_float=Decimal``: money is never a float.

The input models are built from the domain's own field types (``domain.models``: bounds
on quantities, line ids, SLA hours, prices and dates; currency codes; no control
characters in codes, no NUL in text), so a file is held to exactly the rules an order
sent to ``POST /orders/import`` is, and ``plain_message`` words the refusals of both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Protocol

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
)

from dropship_tui.domain import catalog as catalog_rules
from dropship_tui.domain import models
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import (
    DATE_RANGE,
    LINE_ID_MAX,
    MONEY_MAX,
    PO_MAX,
    QUANTITY_MAX,
    SLA_HOURS_MAX,
    WEIGHT_KG_MAX,
    Address,
    Contact,
    IntegrationMode,
    Line,
    Location,
    Order,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    Vendor,
)

FORMAT = "dropship-tui/orders@1"
DATE_EXAMPLE = "2026-11-24T10:00:00Z"
MAX_REPORTED = 3
"""How many problems the one-line refusal spells out before "and N more"."""

# --- input models: the file's shape --------------------------------------------------


def _text(value: Any) -> Any:
    # Strings stay strings; a bare number for a code (e.g. "order_number": 119) is
    # accepted as its text because exports often lose the quotes.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _money(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("float")
    if isinstance(value, str):
        return value.strip()
    return value


def _date_only(value: Any) -> Any:
    # A requested ship date is often a plain date: midnight UTC of that day.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip() + "T00:00:00Z"
    return value


Text = Annotated[models.Text, BeforeValidator(_text)]
Name = Annotated[models.Text, BeforeValidator(_text), Field(min_length=1)]
Code = Annotated[models.Code, BeforeValidator(_text)]
OptionalCode = Annotated[models.OptionalCode, BeforeValidator(_text)]
Amount = Annotated[models.Money, BeforeValidator(_money)]
Weight = Annotated[models.Weight, BeforeValidator(_money)]
LineId = Annotated[models.LineId, Strict()]
Quantity = Annotated[models.Quantity, Strict()]
Hours = Annotated[models.Hours, Strict()]
Currency = models.Currency


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AddressIn(_In):
    line1: Text = ""
    line2: Text = ""
    city: Text = ""
    state: Text = ""
    postal_code: Text = ""
    country_code: Text = ""


class ContactIn(_In):
    name: Text = ""
    phone: Text = ""
    email: Text = ""


class ShipToIn(_In):
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    email: Text = ""
    phone: Text = ""
    address: AddressIn = AddressIn()


class LineIn(_In):
    line_id: LineId
    product_code: Code
    variation_product_code: OptionalCode = ""
    sku: Code
    vendor_sku: OptionalCode = ""
    upc: OptionalCode = ""
    description: Text = ""
    quantity: Quantity
    retail_price: Amount
    contracted_price: Amount | None = None
    weight_kg: Weight | None = None
    dimensions_cm: Text = ""


class OrderIn(_In):
    po_number: Annotated[models.PoNumber, Strict()]
    order_number: Code
    vendor_code: Code
    location_code: Code
    ship_to: ShipToIn
    order_date: models.UtcDatetime
    requested_ship_date: Annotated[models.UtcDatetime | None, BeforeValidator(_date_only)] = None
    currency: Currency = "USD"
    shipping_method: Text = ""
    lines: list[LineIn] = Field(min_length=1)
    retailer_po_number: models.RetailerPo | None = None
    references: list[models.Reference] = []


class SlaPolicyIn(_In):
    hours_to_acknowledge: Hours
    hours_to_ship: Hours


class VendorIn(_In):
    code: Code
    name: Name
    contact: ContactIn = ContactIn()
    billing_email: Text = ""
    address: AddressIn = AddressIn()
    integration_mode: IntegrationMode = IntegrationMode.PORTAL


class LocationIn(_In):
    code: Code
    vendor_code: Code
    name: Name
    address: AddressIn = AddressIn()
    sla_policy: SlaPolicyIn | None = None


class SkuMappingIn(_In):
    vendor_code: Code
    product_code: Code
    vendor_sku: Code
    upc: OptionalCode = ""
    contracted_price: Amount
    currency: Currency = "USD"


class ImportDocument(_In):
    format: str = FORMAT
    vendors: list[VendorIn] = []
    locations: list[LocationIn] = []
    sku_mappings: list[SkuMappingIn] = []
    orders: list[OrderIn] = []


# --- plain words for pydantic's errors -----------------------------------------------


def _positive(high: int) -> str:
    return f"must be a positive integer (a whole number from 1 to {high:,})"


QUANTITY = _positive(QUANTITY_MAX)
HOURS = f"must be a positive integer (a whole number of hours from 1 to {SLA_HOURS_MAX:,}, 10 years)"
AMOUNT = (
    "must be an amount like 19.99 (a number or a string, from 0 to "
    f"{MONEY_MAX:,}, at most 4 decimals)"
)
DATE = f"must be a date like {DATE_EXAMPLE}"

_BY_FIELD = {
    "po_number": f"must be a whole number from 1 to {PO_MAX}",
    "line_id": _positive(LINE_ID_MAX),
    "quantity": QUANTITY,
    "quantity_ordered": QUANTITY,
    "quantity_accepted": f"must be a whole number from 0 to {QUANTITY_MAX:,}",
    "hours_to_acknowledge": HOURS,
    "hours_to_ship": HOURS,
    "retail_price": AMOUNT,
    "contracted_price": AMOUNT,
    "weight_kg": f"must be a weight in kg like 0.45 (from 0 to {WEIGHT_KG_MAX:,})",
    "order_date": f"{DATE} (with its time zone), {DATE_RANGE}",
    "requested_ship_date": f"{DATE} or 2026-11-26, {DATE_RANGE}",
    "currency": "must be a 3-letter currency code like USD",
    "integration_mode": "must be one of " + ", ".join(m.value for m in IntegrationMode),
    "lines": "must list at least one line",
}

_BY_TYPE = {
    "string_type": "must be text",
    "string_too_short": "must not be blank",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "too_short": "must not be empty",
}


def path_of(loc: Sequence[str | int]) -> str:
    """('orders', 3, 'lines', 0, 'quantity') -> 'orders[3].lines[0].quantity'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(the file)"


def plain_message(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    names = [p for p in error["loc"] if isinstance(p, str)]
    name = names[-1] if names else ""
    if name in _BY_FIELD and kind not in ("list_type", "model_type", "dict_type"):
        return _BY_FIELD[name]
    if kind == "too_short" and isinstance(error.get("input"), str):
        return "must not be blank"
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    msg = str(error.get("msg", "is not valid"))
    msg = msg.removeprefix("Value error, ")
    return msg[:1].lower() + msg[1:]


def _refuse(source: str, problems: list[str]) -> InvalidInputError:
    shown = "; ".join(problems[:MAX_REPORTED])
    if len(problems) > MAX_REPORTED:
        shown += f"; and {len(problems) - MAX_REPORTED} more"
    prefix = f"{source}: " if source else ""
    return InvalidInputError(f"{prefix}{shown}; nothing was imported", [prefix + p for p in problems])


# --- step 1: text -> validated document ----------------------------------------------


def parse_import(text: str, source: str = "") -> ImportDocument:
    """Parse and validate the file's text. A bare JSON list is taken as ``orders``."""
    try:
        raw = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        prefix = f"{source}: " if source else ""
        raise InvalidInputError(
            f"{prefix}not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
        ) from None
    except RecursionError:
        prefix = f"{source}: " if source else ""
        raise InvalidInputError(f"{prefix}nested too deeply to be an import file; nothing was imported") from None
    if isinstance(raw, list):
        raw = {"orders": raw}
    if not isinstance(raw, dict):
        raise _refuse(source, ["(the file): must be a JSON object with an \"orders\" list"])
    try:
        doc = ImportDocument.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{path_of(e['loc'])}: {plain_message(e)}" for e in exc.errors()]
        raise _refuse(source, problems) from None
    if doc.format != FORMAT:
        raise _refuse(source, [f"format: must be \"{FORMAT}\" (or left out)"])
    problems = _duplicates(doc)
    if problems:
        raise _refuse(source, problems)
    return doc


def _duplicates(doc: ImportDocument) -> list[str]:
    problems = []
    seen_po: dict[int, int] = {}
    for i, order in enumerate(doc.orders):
        if order.po_number in seen_po:
            problems.append(
                f"orders[{i}].po_number: PO {order.po_number} is already in this file "
                f"(orders[{seen_po[order.po_number]}])"
            )
        seen_po.setdefault(order.po_number, i)
        seen_line: set[int] = set()
        for j, line in enumerate(order.lines):
            if line.line_id in seen_line:
                problems.append(
                    f"orders[{i}].lines[{j}].line_id: line {line.line_id} appears twice in PO {order.po_number}"
                )
            seen_line.add(line.line_id)
    for what, items in (("vendors", doc.vendors), ("locations", doc.locations)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.code in seen:
                problems.append(f"{what}[{i}].code: {item.code} appears twice in this file")
            seen.add(item.code)
    return problems


# --- step 2: against the store -------------------------------------------------------


class Catalog(Protocol):
    """What ``resolve`` needs to know about the store (an adapter over ``Store``)."""

    def has_vendor(self, code: str) -> bool: ...
    def location_vendor(self, code: str) -> str | None:
        """The vendor code owning the location, or None when there is no such location."""
        ...
    def sku_mapping(self, vendor_code: str, product_code: str) -> SkuMapping | None: ...
    def has_order(self, po_number: int) -> bool: ...


@dataclass
class ImportPlan:
    """What to write, in this order: setup records new to the store, then the orders."""

    vendors: list[Vendor] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    sku_mappings: list[SkuMapping] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)


def _address(a: AddressIn) -> Address:
    return Address(**a.model_dump())


def resolve(doc: ImportDocument, catalog: Catalog, source: str = "") -> ImportPlan:
    """Check every reference (vendor, location, duplicate PO) and fill each line's vendor
    SKU, UPC and contracted price from the vendor's SKU mapping when the file leaves them
    out (matched by variation product code, falling back to the base product code)."""
    plan = ImportPlan()
    problems: list[str] = []

    file_vendors = {v.code for v in doc.vendors}
    for v in doc.vendors:
        if not catalog.has_vendor(v.code):
            plan.vendors.append(
                Vendor(
                    code=v.code,
                    name=v.name,
                    contact=Contact(**v.contact.model_dump()),
                    billing_email=v.billing_email,
                    address=_address(v.address),
                    integration_mode=v.integration_mode,
                )
            )

    def vendor_known(code: str) -> bool:
        return code in file_vendors or catalog.has_vendor(code)

    file_locations: dict[str, str] = {}
    for i, loc in enumerate(doc.locations):
        if not vendor_known(loc.vendor_code):
            problems.append(f"locations[{i}].vendor_code: no vendor {loc.vendor_code} in the store or this file")
            continue
        owner = catalog.location_vendor(loc.code)
        if owner is not None and owner != loc.vendor_code:
            problems.append(
                f"locations[{i}].code: location {loc.code} already belongs to vendor {owner}"
            )
            continue
        file_locations[loc.code] = loc.vendor_code
        if owner is None:
            plan.locations.append(
                Location(
                    code=loc.code,
                    vendor_code=loc.vendor_code,
                    name=loc.name,
                    address=_address(loc.address),
                    sla_policy=SlaPolicy(**loc.sla_policy.model_dump()) if loc.sla_policy else None,
                )
            )

    file_mappings: dict[tuple[str, str], SkuMapping] = {}
    for i, m in enumerate(doc.sku_mappings):
        if not vendor_known(m.vendor_code):
            problems.append(f"sku_mappings[{i}].vendor_code: no vendor {m.vendor_code} in the store or this file")
            continue
        mapping = SkuMapping(**m.model_dump())
        file_mappings[(m.vendor_code, m.product_code)] = mapping
        plan.sku_mappings.append(mapping)

    def mapping_for(vendor_code: str, product_code: str) -> SkuMapping | None:
        if not product_code:
            return None
        return file_mappings.get((vendor_code, product_code)) or catalog.sku_mapping(
            vendor_code, product_code
        )

    for i, o in enumerate(doc.orders):
        where = f"orders[{i}]"
        if catalog.has_order(o.po_number):
            problems.append(f"{where}.po_number: PO {o.po_number} is already in the store")
            continue
        if not vendor_known(o.vendor_code):
            problems.append(f"{where}.vendor_code: no vendor {o.vendor_code} in the store or this file")
            continue
        owner = file_locations.get(o.location_code) or catalog.location_vendor(o.location_code)
        if owner is None:
            problems.append(f"{where}.location_code: no location {o.location_code} in the store or this file")
            continue
        if owner != o.vendor_code:
            problems.append(
                f"{where}.location_code: location {o.location_code} belongs to vendor {owner}, not {o.vendor_code}"
            )
            continue
        lines = []
        for ln in o.lines:
            stated = Line(
                line_id=ln.line_id,
                product_code=ln.product_code,
                variation_product_code=ln.variation_product_code,
                sku=ln.sku,
                vendor_sku=ln.vendor_sku,
                upc=ln.upc,
                description=ln.description,
                quantity_ordered=ln.quantity,
                retail_price=ln.retail_price,
                contracted_price=ln.contracted_price,
                weight_kg=ln.weight_kg,
                dimensions_cm=ln.dimensions_cm,
            )
            mapping = catalog_rules.mapping_for(
                stated, lambda code, vendor=o.vendor_code: mapping_for(vendor, code)
            )
            lines.append(catalog_rules.fill_from_mapping(stated, mapping, o.currency))
        plan.orders.append(
            Order(
                po_number=o.po_number,
                order_number=o.order_number,
                vendor_code=o.vendor_code,
                location_code=o.location_code,
                ship_to=ShipTo(
                    first_name=o.ship_to.first_name,
                    last_name=o.ship_to.last_name,
                    company=o.ship_to.company,
                    email=o.ship_to.email,
                    phone=o.ship_to.phone,
                    address=_address(o.ship_to.address),
                ),
                order_date=o.order_date,
                requested_ship_date=o.requested_ship_date,
                currency=o.currency,
                shipping_method=o.shipping_method,
                lines=tuple(lines),
                retailer_po_number=o.retailer_po_number,
                references=tuple(o.references),
            )
        )
    if problems:
        raise _refuse(source, problems)
    return plan


def load(text: str, catalog: Catalog, source: str = "") -> ImportPlan:
    return resolve(parse_import(text, source), catalog, source)
