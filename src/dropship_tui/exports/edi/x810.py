"""810 invoice from an invoiced order (``Order.invoice``, R8).

BIG: invoice date, invoice number, PO date, BIG04 the retailer's PO. One IT1 per
invoice row: the accepted units at the contracted price (the row's unit price), the
line's ids, PID with its description. TDS01 is the invoice total in cents (an N2 number:
two implied decimals); CTT01 the number of IT1 lines, CTT02 their units.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Order
from dropship_tui.exports.edi import outbound
from dropship_tui.exports.edi.writer import Control, Free, Id, PartnerProfile, SetBody, date8, number, write_interchange


def cents(amount: Decimal) -> str:
    return str(int((amount * 100).to_integral_value()))


def build_810(order: Order, line_ids: Mapping[int, str] | None = None) -> SetBody:
    invoice = order.invoice
    if invoice is None:
        raise InvalidInputError(f"PO {order.po_number} has no invoice yet: no 810 to write")
    body = SetBody("810")
    body.add(
        "BIG", date8(invoice.issued_at), Id(invoice.invoice_number, f"PO {order.po_number} invoice number"),
        date8(order.order_date), outbound.retailer_po(order),
    )
    body.add("CUR", "SE", invoice.currency)
    body.segments.extend(outbound.ship_to(order.ship_to))
    vendor = invoice.vendor
    body.segments.extend(outbound.party("RI", vendor.name, vendor.address))
    units = 0
    for row in invoice.rows:
        line = order.line(row.line_id)
        body.add("IT1", outbound.line_id(line, line_ids), str(row.quantity), "EA", number(row.unit_price), "", *outbound.item_ids(order, line))
        if row.description:
            body.add("PID", "F", "", "", "", Free(row.description, 80))
        units += row.quantity
    body.add("TDS", cents(invoice.total))
    body.add("CTT", str(len(invoice.rows)), str(units))
    return body


def write_810(order: Order, profile: PartnerProfile, control: Control, line_ids: Mapping[int, str] | None = None) -> str:
    """The order's 810 in an interchange of its own."""
    return write_interchange(profile, control, [build_810(order, line_ids)])
