"""R15: reopen, the undo of an acknowledgement.

An In progress order without an invoice goes back to New: its accepted quantities, packing
slips and tracking numbers are dropped and the canceled items the acknowledgement made are
reversed, so it can be acknowledged again from scratch. Nothing is deleted from the
record of what happened: the activity gets one entry for the reopening (with the reason)
and one for each thing it undid, in words a person can read back later. The store
releases the order's stock reservations in the same transaction (the stage goes back to
New). Once invoiced the retailer has been billed, so reopening is refused, saying what to
do instead.
"""

from __future__ import annotations

from dropship_tui.domain.change import Change, Ctx, commit, entry, require
from dropship_tui.domain.models import Order, Reason, Stage
from dropship_tui.domain.reasons import reason_message
from dropship_tui.domain.words import plural, units

REOPENED = "Order reopened"
ACK_UNDONE = "Acknowledgement undone"
SHORT_REVERSED = "Canceled units restored"
SLIP_DROPPED = "Packing slip dropped"


def reopen_problem(order: Order) -> str | None:
    """Why ``order`` cannot be reopened now (R15), or None."""
    po = order.po_number
    if order.stage is Stage.NEW:
        return f"PO {po} is New: it is not acknowledged, so there is nothing to reopen"
    if order.stage is Stage.COMPLETED:
        return f"PO {po} is completed; it can no longer be reopened"
    if order.stage is Stage.CANCELED:
        return f"PO {po} is canceled; it can no longer be reopened"
    if order.invoice is not None:
        return (
            f"PO {po} is already invoiced ({order.invoice.invoice_number}), so it can no "
            "longer be reopened: the retailer has been billed for the accepted units. "
            "Tracking stays editable until Done; for units that will not ship, complete "
            "the order and settle the difference with the retailer (a return or credit)"
        )
    return None


def reopen_losses(order: Order) -> list[str]:
    """What reopening ``order`` would drop, one phrase each (the TUI's warning)."""
    out = [f"the acknowledgement ({order.units_accepted} of {units(order.units_ordered)} accepted)"]
    if order.canceled_items:
        out.append(f"{units(sum(c.quantity for c in order.canceled_items))} canceled, restored")
    if order.slips:
        out.append(plural(len(order.slips), "packing slip"))
    tracked = [s.tracking_number for s in order.slips if s.tracking_number]
    if tracked:
        out.append(f"{plural(len(tracked), 'tracking number')} ({', '.join(t for t in tracked if t)})")
    return out


def reopen(order: Order, reason: Reason, ctx: Ctx) -> Change:
    """R15: back to New with ``reason``; every undone part recorded in the activity."""
    require(reopen_problem(order), reason_message(reason))
    entries = [
        entry(ctx, REOPENED, f"back to New — {reason.describe()}"),
        entry(ctx, ACK_UNDONE, f"{order.units_accepted} of {units(order.units_ordered)} had been accepted"),
    ]
    for item in order.canceled_items:
        sku = order.line(item.line_id).sku
        entries.append(entry(
            ctx, SHORT_REVERSED,
            f"Line {item.line_id} ({sku}): {units(item.quantity)} — was {item.reason.describe()}",
        ))
    for slip in order.slips:
        tracking = f", tracking {slip.carrier or ''} {slip.tracking_number}" if slip.tracking_number else ""
        entries.append(entry(ctx, SLIP_DROPPED, f"Slip {slip.number}: {units(slip.units)}{tracking}".replace("  ", " ")))
    return commit(
        order,
        entries,
        lines=tuple(line.model_copy(update={"quantity_accepted": None}) for line in order.lines),
        canceled_items=(),
        slips=(),
        stage=Stage.NEW,
        acknowledged_at=None,
    )
