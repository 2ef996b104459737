"""R11: the words of the activity log, written once.

Every entry an action appends is built here, from plain values, so the workflow rules and
the demo's bulk loader (which writes a million orders without building models) write the
very same text. Names are the entries' ``action``; the functions give their ``details``.
"""

from __future__ import annotations

from collections.abc import Sequence

from dropship_tui.domain.models import Reason
from dropship_tui.domain.words import lines, plural, units

RECEIVED = "Order received"
ACKNOWLEDGED = "Order acknowledged"
LINE_SHORT = "Line short"
LINE_CANCELED = "Line canceled"
CANCELED = "Order canceled"
SLIPS_SAVED = "Packing slips saved"
SLIPS_CHANGED = "Packing slips changed"
TRACKING_SAVED = "Tracking number saved"
TRACKING_CHANGED = "Tracking number changed"
TRACKING_REMOVED = "Tracking number removed"
INVOICED = "Invoice generated"
COMPLETED = "Order completed"
ADDRESS_CORRECTED = "Address corrected"


def received(line_count: int, units_ordered: int) -> str:
    return f"imported, {lines(line_count)}, {units(units_ordered)}"


def acknowledged(accepted: int, ordered: int) -> str:
    return f"{accepted} of {units(ordered)} accepted"


def line_short(line_id: int, sku: str, short: int, reason: Reason) -> str:
    return f"Line {line_id} ({sku}): {units(short)} not fulfilled — {reason.describe()}"


def line_canceled(line_id: int, sku: str, quantity: int, reason: Reason) -> str:
    return f"Line {line_id} ({sku}): {units(quantity)} — {reason.describe()}"


def canceled(all_zero: bool, dropped: Sequence[tuple[int, str]]) -> str:
    """``all_zero``: R4 (every line validated to 0); ``dropped``: (slip, tracking number)
    of the slips whose tracking the cancellation drops."""
    detail = "every line validated to 0" if all_zero else ""
    if dropped:
        numbers = ", ".join(f"slip {slip} {number}" for slip, number in dropped)
        detail = (detail + "; " if detail else "") + f"tracking dropped: {numbers}"
    return detail


def slips(units_per_slip: Sequence[int]) -> str:
    """A slip plan: "2 slips — #1: 2 units, #2: 2 units"."""
    summary = ", ".join(f"#{n}: {units(u)}" for n, u in enumerate(units_per_slip, start=1))
    return f"{plural(len(units_per_slip), 'slip')} — {summary}"


def tracking_saved(slip: int, carrier: str | None, number: str) -> str:
    return f"Slip {slip}: {carrier} {number}"


def tracking_changed(slip: int, old_number: str, carrier: str | None, number: str) -> str:
    return f"Slip {slip}: {old_number} → {carrier} {number}"


def tracking_removed(slip: int, number: str) -> str:
    return f"Slip {slip} removed with tracking {number}"


def invoiced(invoice_number: str, total: object, currency: str, units_billed: int) -> str:
    return f"{invoice_number}: {total} {currency} for {units(units_billed)}"


def completed(sla_label: str) -> str:
    return f"SLA {sla_label}"


def address_corrected(old: str, new: str) -> str:
    return f"{old} → {new}"
