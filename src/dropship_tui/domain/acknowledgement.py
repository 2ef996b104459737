"""R2-R5: step 1, the acknowledgement. The questions a screen asks while the user types
(``quantity_problem``, ``short_lines``, ``lines_missing_reason``, ``would_cancel``) are
the very checks ``acknowledge`` makes."""

from __future__ import annotations

from collections.abc import Mapping

from dropship_tui.domain import activity
from dropship_tui.domain.cancellation import cancel_all, canceled_item
from dropship_tui.domain.change import Change, Ctx, commit, entry, open_problem, require
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import Line, Order, Reason, Stage
from dropship_tui.domain.reasons import reason_problem
from dropship_tui.domain.words import lines as count_lines


def still_need_reason(n: int) -> str:
    """R3's count of short lines without a reason: "1 line still needs a reason"."""
    return f"{count_lines(n)} still {'needs' if n == 1 else 'need'} a reason"


def prefill_quantities(order: Order, stock: Mapping[str, int] | None = None) -> dict[int, int]:
    """R2: validated quantity prefilled with the ordered quantity, or with stock on hand
    (keyed by vendor SKU) when that is lower and known."""
    result = {}
    for line in order.lines:
        qty = line.quantity_ordered
        if stock is not None and line.vendor_sku in stock:
            qty = max(0, min(qty, stock[line.vendor_sku]))
        result[line.line_id] = qty
    return result


def quantity_problem(line: Line, value: int | str | None) -> str | None:
    """Why a typed validated quantity is not acceptable, or None."""
    try:
        qty = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        qty = None
    if qty is None or isinstance(value, bool) or qty < 0 or qty > line.quantity_ordered:
        return f"must be a whole number from 0 to {line.quantity_ordered}"
    return None


def validated_quantity(line: Line, validated: Mapping[int, int]) -> int:
    """A line's validated quantity: as given, else the quantity ordered (taken in full)."""
    return validated.get(line.line_id, line.quantity_ordered)


def shortfall(line: Line, validated: Mapping[int, int]) -> int:
    """R3: how many units of ``line`` the validated quantity leaves unfulfilled."""
    return line.quantity_ordered - validated_quantity(line, validated)


def short_lines(order: Order, validated: Mapping[int, int]) -> list[Line]:
    """R3: the lines validated below the quantity ordered (drives the warning banner)."""
    return [line for line in order.lines if shortfall(line, validated) > 0]


def would_cancel(order: Order, validated: Mapping[int, int]) -> bool:
    """R4: would acknowledging with these quantities cancel the order (every line at 0)?"""
    return all(validated_quantity(line, validated) == 0 for line in order.lines)


def effective_reasons(
    order: Order,
    validated: Mapping[int, int],
    reasons: Mapping[int, Reason],
    reason_all: Reason | None = None,
) -> dict[int, Reason | None]:
    """Each short line's reason: its own, else the "apply to all" one."""
    return {
        line.line_id: reasons.get(line.line_id) or reason_all
        for line in short_lines(order, validated)
    }


def lines_missing_reason(
    order: Order,
    validated: Mapping[int, int],
    reasons: Mapping[int, Reason],
    reason_all: Reason | None = None,
) -> dict[int, str]:
    """line_id -> what is missing, for every short line without a complete reason."""
    out = {}
    for line_id, reason in effective_reasons(order, validated, reasons, reason_all).items():
        problem = reason_problem(reason)
        if problem:
            out[line_id] = problem
    return out


def acknowledge(
    order: Order,
    validated: Mapping[int, int],
    reasons: Mapping[int, Reason],
    ctx: Ctx,
    reason_all: Reason | None = None,
) -> Change:
    """Step 1. Lines missing from ``validated`` are taken in full. Every line short needs
    a reason (its own or ``reason_all``). All lines at 0 cancels the order instead (R4)."""
    if order.stage is Stage.IN_PROGRESS:
        raise WorkflowError(f"PO {order.po_number} is already acknowledged")
    require(open_problem(order, "be acknowledged"))

    known = {line.line_id for line in order.lines}
    unknown = sorted(set(validated) - known)
    if unknown:
        raise WorkflowError(f"PO {order.po_number} has no line {', '.join(map(str, unknown))}")
    problems = []
    for line in order.lines:
        problem = quantity_problem(line, validated_quantity(line, validated))
        if problem:
            problems.append(f"Line {line.line_id} ({line.sku}): validated quantity {problem}")
    if problems:
        raise WorkflowError("; ".join(problems), problems)

    missing = lines_missing_reason(order, validated, reasons, reason_all)
    if missing:
        problems = [f"Line {lid} ({order.line(lid).sku}) {what}" for lid, what in missing.items()]
        raise WorkflowError(f"{still_need_reason(len(missing))}: " + "; ".join(problems), problems)

    chosen = effective_reasons(order, validated, reasons, reason_all)
    if would_cancel(order, validated):
        return cancel_all(order, ctx, {lid: r for lid, r in chosen.items() if r}, all_zero=True)

    qty = {line.line_id: validated_quantity(line, validated) for line in order.lines}
    entries = [entry(ctx, activity.ACKNOWLEDGED, activity.acknowledged(sum(qty.values()), order.units_ordered))]
    canceled = list(order.canceled_items)
    for line in order.lines:
        short = shortfall(line, qty)
        if short:
            reason = chosen[line.line_id]
            assert reason is not None
            canceled.append(canceled_item(line.line_id, short, reason, ctx))
            entries.append(entry(ctx, activity.LINE_SHORT, activity.line_short(line.line_id, line.sku, short, reason)))
    lines = tuple(line.model_copy(update={"quantity_accepted": qty[line.line_id]}) for line in order.lines)
    return commit(
        order,
        entries,
        lines=lines,
        canceled_items=tuple(canceled),
        stage=Stage.IN_PROGRESS,
        acknowledged_at=ctx.now,
    )
