"""846 inventory advice from stock levels: one transaction set per location.

BIA02 is the partner profile's report type (DD, distributor inventory report, unless
the partner asks for another). Each set names its location (N1*WH, N104 our location code) and has one LIN per vendor
SKU (VN, and UP when the caller knows the UPC from the SKU mappings) with QTY*33, the
quantity available for sale: on hand minus reserved, never below 0. The stock records
come from the store (``store.base.StockLevel`` has these attributes); this module only
needs their shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Location
from dropship_tui.exports.edi.writer import Control, Free, Id, PartnerProfile, SetBody, date8, write_interchange


class StockLike(Protocol):
    @property
    def vendor_sku(self) -> str: ...
    @property
    def location_code(self) -> str: ...
    @property
    def available(self) -> int: ...


def build_846(
    location_code: str,
    levels: Sequence[StockLike],
    at: datetime,
    report_id: str,
    *,
    location: Location | None = None,
    upcs: Mapping[str, str] | None = None,
    report_type: str = "DD",
) -> SetBody:
    body = SetBody("846")
    body.add("BIA", "00", report_type, Id(report_id, "inventory report id"), date8(at))
    name = location.name if location is not None else location_code
    body.add("N1", "WH", Free(name, 60), "91", Id(location_code, "location code"))
    count = 0
    for level in sorted(levels, key=lambda s: s.vendor_sku):
        if level.location_code != location_code:
            continue
        count += 1
        ids = ["VN", Id(level.vendor_sku, f"vendor SKU at {location_code}")]
        upc = (upcs or {}).get(level.vendor_sku)
        if upc:
            ids += ["UP", Id(upc, f"UPC of vendor SKU {level.vendor_sku}")]
        body.add("LIN", "", *ids)
        body.add("QTY", "33", str(max(0, level.available)), "EA")
    body.add("CTT", str(count))
    return body


def write_846(
    levels: Sequence[StockLike],
    profile: PartnerProfile,
    control: Control,
    report_id: str,
    *,
    locations: Mapping[str, Location] | None = None,
    upcs: Mapping[str, str] | None = None,
) -> str:
    """Every location's stock, one 846 each, in one interchange (sets numbered from
    ``control.first_set`` in location-code order)."""
    codes = sorted({level.location_code for level in levels})
    if not codes:
        raise InvalidInputError("no stock levels: no 846 to write")
    bodies = [
        build_846(code, levels, control.at, report_id, location=(locations or {}).get(code), upcs=upcs,
                  report_type=profile.inventory_report_type)
        for code in codes
    ]
    return write_interchange(profile, control, bodies)
