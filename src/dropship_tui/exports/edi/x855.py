"""855 purchase order acknowledgement from an acknowledged order.

BAK02 is AD (acknowledged as sent: every line accepted in full), AC (with changes) or
RD (every line rejected: the acknowledgement canceled the order, R4). Each line gets its
PO1 (as ordered) and one ACK per part: IA with the accepted units, IR with the rejected
ones; a short line has both. A rejected part's reason travels in the line's REF*ZZ:
REF02 our reason mapped to a short code (the partner profile's ``reason_codes``, else
``REASON_CODES``), REF03 the user's own text (the reason's label when they gave none).
"""

from __future__ import annotations

from collections.abc import Mapping

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Order, ReasonCode
from dropship_tui.exports.edi import outbound
from dropship_tui.exports.edi.writer import Control, Free, Id, PartnerProfile, SetBody, date8, number, write_interchange

REASON_CODES = {
    ReasonCode.OUT_OF_STOCK: "OS",
    ReasonCode.DAMAGED: "DM",
    ReasonCode.DISCONTINUED: "DC",
    ReasonCode.INVALID_SKU: "IS",
    ReasonCode.INCORRECT_PRODUCT_INFO: "IP",
    ReasonCode.UNDELIVERABLE_ADDRESS: "UA",
    ReasonCode.OTHER: "OT",
}


def reason_code(code: ReasonCode, partner_codes: Mapping[str, str] | None = None) -> str:
    """REF02 for one of our reasons: the partner's code when its profile names one."""
    return (partner_codes or {}).get(code.value) or REASON_CODES[code]


def build_855(
    order: Order, line_ids: Mapping[int, str] | None = None, reason_codes: Mapping[str, str] | None = None
) -> SetBody:
    if order.acknowledged_at is None:
        raise InvalidInputError(f"PO {order.po_number} is not acknowledged yet: no 855 to write")
    accepted = {line.line_id: line.quantity_accepted or 0 for line in order.lines}
    changed = any(accepted[line.line_id] != line.quantity_ordered for line in order.lines)
    kind = "RD" if not any(accepted.values()) else ("AC" if changed else "AD")
    body = SetBody("855")
    body.add("BAK", "00", kind, outbound.retailer_po(order), date8(order.order_date), "", "", "", "", date8(order.acknowledged_at))
    for line in order.lines:
        ids = outbound.item_ids(order, line)
        body.add("PO1", outbound.line_id(line, line_ids), str(line.quantity_ordered), "EA", number(line.billing_price), "", *ids)
        rejected = line.quantity_ordered - accepted[line.line_id]
        reason = next((c.reason for c in order.canceled_items if c.line_id == line.line_id), None)
        if rejected and reason is not None:
            code = Id(reason_code(reason.code, reason_codes), f"reason code for {reason.code.value}")
            body.add("REF", "ZZ", code, Free(reason.text.strip() or reason.code.label, 80))
        if accepted[line.line_id]:
            body.add("ACK", "IA", str(accepted[line.line_id]), "EA")
        if rejected:
            body.add("ACK", "IR", str(rejected), "EA")
    body.add("CTT", str(len(order.lines)), str(order.units_ordered))
    return body


def write_855(order: Order, profile: PartnerProfile, control: Control, line_ids: Mapping[int, str] | None = None) -> str:
    """The order's 855 in an interchange of its own."""
    return write_interchange(profile, control, [build_855(order, line_ids, profile.reason_codes)])
