"""Barcode scans matched against an order's lines (pure: no store, no UI).

A scan is whatever the scanner typed before its enter: a UPC, a vendor SKU or our SKU.
Codes compare trimmed and case-insensitively (``casefold``), so ``v-sku-123`` finds the
line whose vendor SKU is ``V-SKU-123``. The screens count one unit per good scan:

- step 1 (acknowledgement): up to the line's ordered quantity;
- step 2 (prepare shipments): up to the line's accepted quantity across every package.

``scan_problem`` says why a scan changes nothing (not on this order, nothing more to
count); ``scan_line`` gives the line a good scan counts toward. Two lines carrying the
same product share their codes: a scan goes to the first of them that still has room.
"""

from __future__ import annotations

from collections.abc import Mapping

from dropship_tui.domain.models import Line, Order
from dropship_tui.domain.words import terminal_text, units

MAX_SHOWN = 40
"""A refused code is quoted up to this many characters."""


def normalize(code: str) -> str:
    """The comparable form of a code: trimmed, case-folded."""
    return code.strip().casefold()


def shown(code: str) -> str:
    """A scanned code as quoted in a message (sanitised, trimmed, not too long)."""
    text = terminal_text(code.strip())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def matching_lines(order: Order, code: str) -> list[Line]:
    """Every line of ``order`` whose UPC, vendor SKU or SKU is ``code`` (in line order)."""
    wanted = normalize(code)
    if not wanted:
        return []
    return [
        line
        for line in order.lines
        if any(normalize(value) == wanted for value in (line.upc, line.vendor_sku, line.sku) if value)
    ]


def match_line(order: Order, code: str) -> Line | None:
    """The (first) line of ``order`` that ``code`` names, or None."""
    found = matching_lines(order, code)
    return found[0] if found else None


def scan_line(order: Order, code: str, counted: Mapping[int, int], limits: Mapping[int, int]) -> Line | None:
    """The line one more unit of ``code`` counts toward: the first matching line whose
    count (``counted``, line_id -> units so far) is below its limit (``limits``, line_id
    -> most units; a line missing from ``limits`` takes none). None when none has room."""
    for line in matching_lines(order, code):
        if counted.get(line.line_id, 0) < limits.get(line.line_id, 0):
            return line
    return None


def scan_problem(
    order: Order,
    code: str,
    counted: Mapping[int, int],
    limits: Mapping[int, int],
    *,
    limit_name: str = "ordered",
    done: str = "counted",
) -> str | None:
    """Why scanning ``code`` once more changes nothing, as one sentence; None for a good
    scan. ``limit_name`` names the limit ("ordered", "accepted"), ``done`` what a scan
    does ("counted", "packed")."""
    if not normalize(code):
        return "nothing was scanned"
    lines = matching_lines(order, code)
    if not lines:
        return f"{shown(code)} is not on PO {order.po_number}"
    if scan_line(order, code, counted, limits) is not None:
        return None
    line = lines[0]
    limit = sum(limits.get(ln.line_id, 0) for ln in lines)
    if limit == 0:
        return f"{line.sku}: no unit is {limit_name}, nothing to {done.removesuffix('ed')}"
    if limit == 1:
        return f"{line.sku}: the 1 {limit_name} unit is {done} already"
    return f"{line.sku}: all {units(limit)} {limit_name} are {done} already"
