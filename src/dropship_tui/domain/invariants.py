"""What must hold of every stored order's numbers, whatever wrote it (``dropship-tui
verify`` asks; the rules R2-R6 and R9-R10 keep it true when they write).

Once an order is acknowledged or canceled (any stage but New), each of its lines has an
accepted quantity, and ordered = accepted + canceled. Once it has packing slips, they
hold exactly the accepted units of each line (and only the order's own lines)."""

from __future__ import annotations

from dropship_tui.domain.models import Order, Stage
from dropship_tui.domain.words import units


def order_invariant_problems(order: Order) -> list[str]:
    """Each way ``order`` breaks the invariants, in words (empty: it holds)."""
    if order.stage is Stage.NEW:
        return []
    problems: list[str] = []
    known = {line.line_id for line in order.lines}
    in_slips: dict[int, int] = {}
    for slip in order.slips:
        for line_id, n in slip.lines.items():
            if line_id not in known:
                problems.append(f"packing slip {slip.number} holds line {line_id}, which the order does not have")
            in_slips[line_id] = in_slips.get(line_id, 0) + n
    for line in order.lines:
        accepted = line.quantity_accepted
        canceled = order.canceled_quantity(line.line_id)
        if accepted is None:
            problems.append(f"line {line.line_id} has no accepted quantity")
            continue
        if line.quantity_ordered != accepted + canceled:
            problems.append(
                f"line {line.line_id}: {units(line.quantity_ordered)} ordered, but "
                f"{accepted} accepted + {canceled} canceled"
            )
        if order.slips and in_slips.get(line.line_id, 0) != accepted:
            problems.append(
                f"line {line.line_id}: the packing slips hold {units(in_slips.get(line.line_id, 0))}, "
                f"not the {accepted} accepted"
            )
    return problems
