"""R10 (and R4's cancellation): every unit not yet canceled becomes a canceled item."""

from __future__ import annotations

from collections.abc import Mapping

from dropship_tui.domain import activity, sla
from dropship_tui.domain.change import Change, Ctx, commit, entry, invoiced_problem, open_problem, require
from dropship_tui.domain.models import CanceledItem, Line, Order, Reason, Stage
from dropship_tui.domain.reasons import reason_message


def remaining_units(order: Order, line: Line) -> int:
    """The units of ``line`` not canceled yet (what the shipment still carries)."""
    return max(0, line.quantity_ordered - order.canceled_quantity(line.line_id))


def units_to_cancel(order: Order) -> int:
    """How many units cancelling the order now would cancel."""
    return sum(remaining_units(order, line) for line in order.lines)


def cancel_problem(order: Order) -> str | None:
    """Why the order cannot be canceled now (R10), or None. Refused once invoiced: the
    retailer has been billed for the units."""
    return open_problem(order, "be canceled") or invoiced_problem(order, "be canceled")


def canceled_item(line_id: int, quantity: int, reason: Reason, ctx: Ctx) -> CanceledItem:
    return CanceledItem(
        line_id=line_id,
        quantity=quantity,
        reason_code=reason.code,
        reason_text=reason.text.strip(),
        at=ctx.now,
        by=ctx.user,
    )


def cancel(order: Order, reason: Reason, ctx: Ctx) -> Change:
    require(cancel_problem(order), reason_message(reason))
    return cancel_all(order, ctx, {line.line_id: reason for line in order.lines}, all_zero=False)


def cancel_all(order: Order, ctx: Ctx, reasons: Mapping[int, Reason], *, all_zero: bool) -> Change:
    """Cancel every remaining unit, each line with its reason (``all_zero``: R4)."""
    canceled = list(order.canceled_items)
    lines = []
    for line in order.lines:
        remaining = remaining_units(order, line)
        if remaining > 0:
            reason = reasons[line.line_id]
            canceled.append(canceled_item(line.line_id, remaining, reason, ctx))
            lines.append(entry(ctx, activity.LINE_CANCELED, activity.line_canceled(line.line_id, line.sku, remaining, reason)))
    dropped = [(s.number, s.tracking_number) for s in order.slips if s.tracking_number]
    entries = [entry(ctx, activity.CANCELED, activity.canceled(all_zero, dropped)), *lines]
    final = sla.sla_status(order, ctx.sla_policy, ctx.now, ctx.thresholds)
    return commit(
        order,
        entries,
        lines=tuple(line.model_copy(update={"quantity_accepted": 0}) for line in order.lines),
        canceled_items=tuple(canceled),
        slips=(),
        stage=Stage.CANCELED,
        canceled_at=ctx.now,
        final_sla_status=final,
    )
