"""The platform's two dropship read endpoints (seed 004) as pure functions of an order.

``translate(order)`` is the *Translate Shipment* payload; ``purchase_order(order, vendor)``
the *Retrieve EDI 850 Purchase Order* transaction set as JSON. No I/O here: the routes in
``server/routes/platform.py`` fetch the order and its vendor (resolved from the
fulfillment location) and raise the seed's errors.

Choices where the seed is silent (see docs/api.md):

- the PO number is the shipment number, the operator order number is ``orderId``;
- an item's quantity is the quantity the shipment still carries
  (``workflow.remaining_units``: ordered minus canceled; before acknowledgement that is
  the ordered quantity), its subtotal that many units at the contracted price
  (``workflow.line_amount``, rounded to the cent as an invoice row is);
- an *unmapped* item is a line without a contracted price (``Line.contracted_price is
  None``: the import found no SKU mapping for the vendor); its vendorSku,
  vendorContractedPrice and subtotal are null and it is left out of the subtotal;
- money goes out as JSON numbers (the seed's ``number (double)``) rounded to the cent in
  translate, and as decimal strings in the 850 (every EDI element is a string).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import ConflictError, NotFoundError
from dropship_tui.domain.models import Order, Vendor, money
from dropship_tui.domain.workflow import AddressGap


def shipment_not_found(shipment_number: int) -> NotFoundError:
    return NotFoundError(f"Shipment {shipment_number} not found.")


def vendor_not_found(location_code: str) -> NotFoundError:
    return NotFoundError(f"Vendor not found for location {location_code}.")


def _num(value: Decimal) -> float:
    return float(money(value))


def _opt(text: str | None) -> str | None:
    """Source strings that are blank are "not set": null (translate) / absent (850)."""
    if text is None:
        return None
    return text if text.strip() else None


# --- Translate Shipment ----------------------------------------------------------------


def translate(order: Order) -> dict[str, Any]:
    items = []
    subtotal = Decimal(0)
    for line in order.lines:
        mapped = line.contracted_price is not None
        item_subtotal = None
        if mapped:
            # Each item rounded as an invoice row is, so the subtotal here equals the
            # invoice's for the same units.
            amount = workflow.line_amount(line, workflow.remaining_units(order, line))
            subtotal += amount
            item_subtotal = _num(amount)
        items.append(
            {
                "lineId": line.line_id,
                "originalOrderItemId": None,
                "productCode": _opt(line.product_code),
                "variationProductCode": _opt(line.variation_product_code),
                "sku": _opt(line.sku),
                "vendorSku": _opt(line.vendor_sku) if mapped else None,
                "unitPrice": _num(line.retail_price),
                "vendorContractedPrice": _num(line.contracted_price) if mapped else None,  # type: ignore[arg-type]
                "subtotal": item_subtotal,
            }
        )
    return {
        "orderId": order.order_number,
        "shipmentNumber": order.po_number,
        "vendorCode": order.vendor_code,
        "subtotal": _num(subtotal),
        "shippingAddress": _shipping_address(order),
        "items": items,
    }


def _shipping_address(order: Order) -> dict[str, str | None] | None:
    ship_to = order.ship_to
    address = ship_to.address
    fields = {
        "firstName": _opt(ship_to.first_name),
        "lastNameOrSurname": _opt(ship_to.last_name),
        "companyOrOrganization": _opt(ship_to.company),
        "email": _opt(ship_to.email),
        "address1": _opt(address.line1),
        "address2": _opt(address.line2),
        "cityOrTown": _opt(address.city),
        "stateOrProvince": _opt(address.state),
        "postalOrZipCode": _opt(address.postal_code),
        "countryCode": _opt(address.country_code),
    }
    if all(v is None for v in fields.values()):
        return None  # "null when the shipment destination has no contact"
    return fields


# --- Retrieve EDI 850 Purchase Order ---------------------------------------------------


def _seg(**elements: Any) -> dict[str, str] | None:
    """A segment with only the elements that have a source value, each as a string."""
    out = {}
    for name, value in elements.items():
        if value is None:
            continue
        text = str(value)
        if not text.strip():
            continue
        out[name] = text
    return out or None


def _date(value: Any) -> str | None:
    return value.strftime("%Y%m%d") if value is not None else None


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def control_number(po_number: int) -> str:
    """ST02/SE02: 4-9 characters; derived from the PO so the document is reproducible."""
    return f"{po_number % 1_000_000_000:09d}"


_EDI_WORDS = {
    AddressGap.NAME: "N1*ST needs a ship-to name or company",
    AddressGap.LINE1: "N3 needs ship-to address line 1",
    AddressGap.CITY: "N4 needs a ship-to city",
    AddressGap.COUNTRY: "N4 needs a ship-to country code",
}
"""The ship-to gaps an 850 cannot carry, in the words of its segments (an email is not
part of N1/N3/N4, so a malformed one does not stop the document)."""


def edi_problems(order: Order) -> list[str]:
    """Why the order cannot be sent as an 850 (the seed's "fails EDI 850 validation"):
    the address a carrier label needs (``workflow.address_gaps``)."""
    return [_EDI_WORDS[gap] for gap in workflow.address_gaps(order.ship_to) if gap in _EDI_WORDS]


def purchase_order(order: Order, vendor: Vendor) -> dict[str, Any]:
    problems = edi_problems(order)
    if problems:
        raise ConflictError(
            f"PO {order.po_number} fails EDI 850 validation: " + "; ".join(problems), problems
        )
    control = control_number(order.po_number)
    doc: dict[str, Any] = {}
    segments = 0

    def put(name: str, value: Any, count: int) -> None:
        nonlocal segments
        if value:
            doc[name] = value
            segments += count

    put(
        "transactionSetHeader",
        _seg(transactionSetIdentifierCode="850", transactionSetControlNumber=control),
        1,
    )
    put(
        "beginningSegmentForPurchaseOrder",
        _seg(
            transactionSetPurposeCode="00",
            purchaseOrderTypeCode="DS",
            purchaseOrderNumber=order.po_number,
            date=_date(order.order_date),
        ),
        1,
    )
    put("currency", _seg(entityIdentifierCode="BT", currencyCode=_opt(order.currency)) if _opt(order.currency) else None, 1)

    refs = [
        r
        for r in (
            _seg(referenceIdentificationQualifier="CO", referenceIdentification=_opt(order.order_number)) if _opt(order.order_number) else None,
            _seg(referenceIdentificationQualifier="SI", referenceIdentification=order.po_number),
            _seg(referenceIdentificationQualifier="ZZ", referenceIdentification=_opt(order.ship_to.email), description="customerEmail") if _opt(order.ship_to.email) else None,
        )
        if r
    ]
    put("referenceInformation", refs, len(refs))

    contact = vendor.contact
    per = _seg(
        contactFunctionCode="IC",
        name=_opt(contact.name) or _opt(vendor.name),
        communicationNumberQualifier="TE" if _opt(contact.phone) else None,
        communicationNumber=_opt(contact.phone),
        communicationNumberQualifier2="EM" if _opt(contact.email) else None,
        communicationNumber2=_opt(contact.email),
    )
    put("administrativeCommunicationsContact", [per] if per else None, 1)

    if order.requested_ship_date is not None:
        put(
            "dateTimeReference",
            [_seg(dateTimeQualifier="002", date=_date(order.requested_ship_date))],
            1,
        )

    ship_to = order.ship_to
    address = ship_to.address
    n1: dict[str, Any] = {
        "partyIdentification": _seg(
            entityIdentifierCode="ST", name=_opt(ship_to.full_name) or _opt(ship_to.company)
        )
    }
    n1_count = 1
    n3 = _seg(addressInformation=_opt(address.line1), addressInformation2=_opt(address.line2))
    if n3:
        n1["partyLocation"] = [n3]
        n1_count += 1
    n4 = _seg(
        cityName=_opt(address.city),
        stateOrProvinceCode=_opt(address.state),
        postalCode=_opt(address.postal_code),
        countryCode=_opt(address.country_code),
    )
    if n4:
        n1["geographicLocation"] = n4
        n1_count += 1
    put("n1_loop", [n1], n1_count)

    po1_loop = []
    hash_total = 0
    for line in order.lines:
        qty = workflow.remaining_units(order, line)
        hash_total += qty
        item: dict[str, Any] = {
            "baselineItemData": _seg(
                assignedIdentification=line.line_id,
                quantity=qty,
                unitOrBasisForMeasurementCode="EA",
                unitPrice=_decimal(line.billing_price),
                productServiceIdQualifier="VN" if _opt(line.vendor_sku) else None,
                productServiceId=_opt(line.vendor_sku),
                productServiceIdQualifier2="SK",
                productServiceId2=line.sku,
                productServiceIdQualifier3="UP" if _opt(line.upc) else None,
                productServiceId3=_opt(line.upc),
            )
        }
        count = 1
        if _opt(line.description):
            item["productItemDescription"] = [
                _seg(itemDescriptionTypeCode="F", description=line.description)
            ]
            count += 1
        physical = _seg(
            grossWeightPerPack=_decimal(line.weight_kg) if line.weight_kg is not None else None,
            unitOrBasisForMeasurementCode="KG" if line.weight_kg is not None else None,
            dimensions=_opt(line.dimensions_cm),
            unitOrBasisForMeasurementCode2="CM" if _opt(line.dimensions_cm) else None,
        )
        if physical:
            item["itemPhysicalDetails"] = [physical]
            count += 1
        if _opt(order.shipping_method):
            item["carrierDetailsRoutingSequenceTransitTime"] = [
                _seg(routingSequenceCode="B", routing=order.shipping_method)
            ]
            count += 1
        item_refs = [
            r
            for r in (
                _seg(referenceIdentificationQualifier="PD", referenceIdentification=_opt(line.product_code), description="productCode") if _opt(line.product_code) else None,
                _seg(referenceIdentificationQualifier="PD", referenceIdentification=_opt(line.variation_product_code), description="variationProductCode") if _opt(line.variation_product_code) else None,
            )
            if r
        ]
        if item_refs:
            item["referenceInformation"] = item_refs
            count += len(item_refs)
        po1_loop.append(item)
        segments += count
    doc["pO1_loop"] = po1_loop

    put(
        "ctT_loop",
        {
            "transactionTotals": _seg(
                numberOfLineItems=len(order.lines), hashTotal=hash_total
            )
        },
        1,
    )
    segments += 1  # SE itself
    doc["transactionSetTrailer"] = _seg(
        numberOfIncludedSegments=segments, transactionSetControlNumber=control
    )
    return doc
