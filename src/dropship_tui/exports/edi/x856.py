"""856 advance ship notice once every packing slip is tracked (pick and pack:
shipment -> order -> pack -> item, BSN05 0001).

The shipment level carries the carrier (TD5: SCAC when known, the carrier's name or
the shipping method as TD505), the ship date (DTM*011: the last slip tracked), the
ship-to and ship-from; the order level PRF01 = the retailer's PO; one pack per packing
slip with MAN*GM and an SSCC-18 when the partner has a GS1 company prefix (the serial
reference of each slip passed in by the caller, which allocates them), else MAN*CP
with the tracking number, and REF*CN (or BM) with the tracking number; one item per
line of the slip (LIN with the line's ids, SN1 with the units in that pack). CTT01 is
the number of HL segments.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Location, Order
from dropship_tui.exports.edi import outbound
from dropship_tui.exports.edi.writer import Control, Free, Id, PartnerProfile, SetBody, date8, time4, write_interchange

SSCC_DIGITS = 18


def gs1_check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of ``digits`` (weights 3, 1, 3 ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def sscc18(prefix: str, serial: int, extension: int = 0) -> str:
    """An SSCC-18: extension digit, GS1 company prefix, serial reference, check digit."""
    room = SSCC_DIGITS - 2 - len(prefix)
    if not (prefix.isdigit() and 0 <= extension <= 9 and 0 <= serial < 10**room):
        raise InvalidInputError(f"SSCC serial {serial} does not fit in {room} digits after GS1 prefix {prefix}")
    body = f"{extension}{prefix}{serial:0{room}d}"
    return body + gs1_check_digit(body)


def ship_date(order: Order, fallback: datetime) -> datetime:
    times = [s.tracked_at for s in order.slips if s.tracked_at is not None]
    return max(times) if times else fallback


def _td5(carrier: str | None, routing: str) -> tuple[str, ...]:
    code = outbound.scac(carrier)
    name = routing or carrier or ""
    if code:
        return ("TD5", "B", "2", code, "", Free(name, 35))
    return ("TD5", "B", "", "", "", Free(name, 35))


def build_856(
    order: Order,
    profile: PartnerProfile,
    at: datetime,
    *,
    ship_from: Location | None = None,
    pack_serials: Mapping[int, int] | None = None,
    line_ids: Mapping[int, str] | None = None,
) -> SetBody:
    if not order.all_slips_tracked:
        raise InvalidInputError(f"PO {order.po_number} needs every packing slip tracked before its 856")
    if profile.gs1_prefix and any(s.number not in (pack_serials or {}) for s in order.slips):
        raise InvalidInputError(f"PO {order.po_number}: an SSCC serial is needed for every packing slip (GS1 prefix {profile.gs1_prefix})")
    body = SetBody("856")
    body.add("BSN", "00", Id(str(order.po_number), "shipment id"), date8(at), time4(at), "0001")
    first = order.slips[0]
    body.add("HL", "1", "", "S")
    body.add("TD1", "CTN25", str(len(order.slips)))
    body.add(*_td5(first.carrier, order.shipping_method if first.carrier is None else first.carrier))
    body.add("DTM", "011", date8(ship_date(order, at)))
    body.segments.extend(outbound.ship_to(order.ship_to))
    if ship_from is not None:
        body.segments.extend(outbound.party("SF", ship_from.name, ship_from.address))
    body.add("HL", "2", "1", "O")
    body.add("PRF", outbound.retailer_po(order), "", "", date8(order.order_date))
    hl = 2
    for slip in order.slips:
        hl += 1
        pack = hl
        tracking = Id(slip.tracking_number or "", f"PO {order.po_number} slip {slip.number} tracking number")
        body.add("HL", str(pack), "2", "P")
        if slip.carrier != first.carrier:
            body.add(*_td5(slip.carrier, slip.carrier or ""))
        if profile.gs1_prefix:
            body.add("MAN", "GM", sscc18(profile.gs1_prefix, (pack_serials or {})[slip.number]))
        else:
            body.add("MAN", "CP", tracking)
        body.add("REF", profile.tracking_qualifier, tracking)
        for line_id, units in slip.lines.items():
            line = order.line(line_id)
            hl += 1
            body.add("HL", str(hl), str(pack), "I")
            body.add("LIN", outbound.line_id(line, line_ids), *outbound.item_ids(order, line))
            body.add("SN1", "", str(units), "EA")
    body.add("CTT", str(hl))
    return body


def write_856(
    order: Order,
    profile: PartnerProfile,
    control: Control,
    *,
    ship_from: Location | None = None,
    pack_serials: Mapping[int, int] | None = None,
    line_ids: Mapping[int, str] | None = None,
) -> str:
    """The order's 856 in an interchange of its own."""
    body = build_856(order, profile, control.at, ship_from=ship_from, pack_serials=pack_serials, line_ids=line_ids)
    return write_interchange(profile, control, [body])
