"""R12 (SLA status) and R13 (progress), written once for stores, CLI, server and TUI.

The store keeps each open order's two SLA instants (``sla_marks``) as indexed columns, so
the dashboard can filter "Overdue" over a million orders without computing anything per
row; ``sla_status`` is the same comparison done in Python.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from dropship_tui.domain.models import (
    DEFAULT_SLA_POLICY,
    Location,
    LocationGroup,
    Order,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
    Stage,
)

T = TypeVar("T", datetime, int)


def resolve_policy(location: Location | None, group: LocationGroup | None) -> SlaPolicy:
    """The location's own policy, else its location group's, else the defaults."""
    if location is not None and location.sla_policy is not None:
        return location.sla_policy
    if group is not None and group.sla_policy is not None:
        return group.sla_policy
    return DEFAULT_SLA_POLICY


def sla_window(order: Order, policy: SlaPolicy) -> tuple[datetime, datetime] | None:
    """(start, due) of the phase the order is in: acknowledging while New, shipping while
    In progress. Both are counted from the order date. None for a finished order."""
    if order.stage is Stage.NEW:
        return order.order_date, order.order_date + timedelta(hours=policy.hours_to_acknowledge)
    if order.stage is Stage.IN_PROGRESS:
        return order.order_date, order.order_date + timedelta(hours=policy.hours_to_ship)
    return None


def sla_marks(
    order: Order, policy: SlaPolicy, thresholds: SlaThresholds = SlaThresholds()
) -> tuple[datetime, datetime] | None:
    """(at_risk_at, overdue_at): the instants the open order turns At risk and Overdue."""
    window = sla_window(order, policy)
    if window is None:
        return None
    start, due = window
    allowed = due - start
    return (
        start + allowed * float(thresholds.at_risk),
        start + allowed * float(thresholds.overdue),
    )


def status_at(now: T, marks: tuple[T, T]) -> SlaStatus:
    """The R12 comparison itself. Generic so the store can run it on its indexed
    microsecond columns and get exactly the answer its SQL filters give."""
    at_risk_at, overdue_at = marks
    if now >= overdue_at:
        return SlaStatus.OVERDUE
    if now >= at_risk_at:
        return SlaStatus.AT_RISK
    return SlaStatus.ON_TIME


def sla_status(
    order: Order,
    policy: SlaPolicy,
    now: datetime,
    thresholds: SlaThresholds = SlaThresholds(),
) -> SlaStatus:
    if order.final_sla_status is not None:
        return order.final_sla_status
    marks = sla_marks(order, policy, thresholds)
    if marks is None:  # a finished order stored without its final status
        return SlaStatus.ON_TIME
    return status_at(now, marks)


def progress(order: Order) -> int:
    """R13: 0 New, 25 acknowledged, 50 slips saved, 75 every slip tracked, 100 Completed.
    A canceled order shows 25 % if it had been acknowledged, else 0 %: cancelling drops
    its packing slips (their units are canceled), so slip progress is not kept."""
    if order.stage is Stage.COMPLETED:
        return 100
    if order.all_slips_tracked:
        return 75
    if order.slips:
        return 50
    if order.acknowledged:
        return 25
    return 0
