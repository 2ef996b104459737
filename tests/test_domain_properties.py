"""Property tests: whatever acknowledgement and slip plan the rules accept, no unit is lost
or counted twice, and the invoice total is the Decimal sum of accepted x contracted."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings, strategies as st

import factories as f
from dropship_tui.domain import workflow as wf
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import Reason, ReasonCode

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)


@st.composite
def orders(draw):
    n = draw(st.integers(1, 6))
    lines = [
        f.line(i, draw(st.integers(1, 12)), f"SKU-{i}", contracted=str(draw(prices)))
        for i in range(1, n + 1)
    ]
    return f.order(lines=lines)


@st.composite
def plans(draw, order):
    """A slip plan that is usually valid: each accepted unit dropped into a random slip,
    sometimes with a unit removed or added so the refusals are exercised too."""
    count = draw(st.integers(1, 10))
    plan = [dict() for _ in range(count)]
    for line in order.lines:
        for _ in range(line.quantity_accepted or 0):
            slot = draw(st.integers(0, count - 1))
            plan[slot][line.line_id] = plan[slot].get(line.line_id, 0) + 1
    if draw(st.booleans()) and draw(st.booleans()):
        victim = draw(st.sampled_from(order.lines))
        slot = draw(st.integers(0, count - 1))
        plan[slot][victim.line_id] = plan[slot].get(victim.line_id, 0) + draw(st.sampled_from([-1, 1]))
    return plan


def conserved(order):
    for line in order.lines:
        assert line.quantity_ordered == (line.quantity_accepted or 0) + order.canceled_quantity(line.line_id)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_no_unit_lost_or_counted_twice(data):
    order = data.draw(orders())
    validated = {line.line_id: data.draw(st.integers(0, line.quantity_ordered)) for line in order.lines}
    reason = Reason(code=data.draw(st.sampled_from([c for c in ReasonCode if c is not ReasonCode.OTHER])))
    order = wf.acknowledge(order, validated, {}, f.ctx(), reason_all=reason).order
    conserved(order)
    if not order.acknowledged:  # R4: everything validated to 0
        assert all(v == 0 for v in validated.values())
        return
    plan = data.draw(plans(order))
    problems = wf.slip_plan_problems(order, plan)
    try:
        order = wf.save_slips(order, plan, f.ctx()).order
    except WorkflowError:
        assert problems
        return
    assert not problems
    conserved(order)
    for line in order.lines:
        assert sum(s.lines.get(line.line_id, 0) for s in order.slips) == line.quantity_accepted
    for slip in order.slips:
        order = wf.save_tracking(order, slip.number, f"TRK{slip.number:04d}", f.ctx(), carrier="Courier").order
    order = wf.generate_invoice(order, f.vendor(), "INV-P", f.ctx()).order
    expected = sum(
        (line.contracted_price * line.quantity_accepted for line in order.lines if line.quantity_accepted),
        start=Decimal(0),
    )
    assert order.invoice.total == expected
    assert all(isinstance(r.amount, Decimal) for r in order.invoice.rows)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_cancel_at_any_point_cancels_exactly_the_remaining_units(data):
    order = data.draw(orders())
    if data.draw(st.booleans()):
        validated = {line.line_id: data.draw(st.integers(1, line.quantity_ordered)) for line in order.lines}
        order = wf.acknowledge(order, validated, {}, f.ctx(), reason_all=Reason(code=ReasonCode.DAMAGED)).order
    order = wf.cancel(order, Reason(code=ReasonCode.OTHER, text="customer asked"), f.ctx()).order
    conserved(order)
    assert all(line.quantity_accepted == 0 for line in order.lines)
