"""What the outbound sets (855, 856, 810) write alike: the retailer's PO number, the
ship-to and ship-from parties, a line's ids and the carrier's SCAC."""

from __future__ import annotations

from collections.abc import Mapping

from dropship_tui.domain.models import Address, Line, Order, ShipTo
from dropship_tui.domain.tracking import canonical_carrier
from dropship_tui.exports.edi.writer import Free, Id, SegmentSpec

SCAC = {"UPS": "UPSN", "USPS": "USPS", "FedEx": "FDEN", "DHL": "DHLC"}
"""Standard Carrier Alpha Codes of the carriers ``domain.tracking`` recognises (FedEx
Ground is FDEG: a carrier named "FedEx Ground" or "FedEx Home" gets it)."""


def retailer_po(order: Order) -> Id:
    """BEG03 as the retailer sent it; our PO number when the order came without one."""
    return Id(order.retailer_po_number or str(order.po_number), f"PO {order.po_number} retailer PO number")


def line_id(line: Line, line_ids: Mapping[int, str] | None) -> Id:
    """PO101 echoed as sent ("001"), else our line id."""
    sent = (line_ids or {}).get(line.line_id)
    return Id(sent or str(line.line_id), f"line {line.line_id} id")


def item_ids(order: Order, line: Line) -> list[str]:
    """Product id (qualifier, id) pairs: VN vendor item, UP UPC, SK buyer's SKU."""
    where = f"PO {order.po_number} line {line.line_id}"
    out: list[str] = []
    for qualifier, value, what in (("VN", line.vendor_sku, "vendor SKU"), ("UP", line.upc, "UPC"), ("SK", line.sku, "SKU")):
        if value:
            out += [qualifier, Id(value, f"{where} {what}")]
    return out


def scac(carrier: str | None) -> str | None:
    if not carrier:
        return None
    known = canonical_carrier(carrier)
    if known == "FedEx" and any(w in carrier.lower() for w in ("ground", "home")):
        return "FDEG"
    return SCAC.get(known or "")


def party(code: str, name: str, address: Address, company: str = "") -> list[SegmentSpec]:
    """An N1 loop: N1 (name), N2 (company, when there is a name too), N3, N4."""
    segments: list[SegmentSpec] = [("N1", code, Free(name or company, 60))]
    if name and company:
        segments.append(("N2", Free(company, 60)))
    if address.line1 or address.line2:
        segments.append(("N3", Free(address.line1, 55), Free(address.line2, 55)))
    if address.city or address.state or address.postal_code or address.country_code:
        segments.append(("N4", Free(address.city, 30), Free(address.state, 2), Free(address.postal_code, 15), Free(address.country_code, 3)))
    return segments


def ship_to(ship: ShipTo) -> list[SegmentSpec]:
    return party("ST", ship.full_name, ship.address, ship.company)
