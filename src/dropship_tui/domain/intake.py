"""Orders coming in: only brand-new ones, each starting its log with "Order received"."""

from __future__ import annotations

from dropship_tui.domain import activity
from dropship_tui.domain.change import Ctx, entry
from dropship_tui.domain.models import ActivityEntry, Order, Stage


def import_problems(order: Order) -> list[str]:
    """Why ``order`` cannot be imported: an import brings orders in as the operator sends
    them (New, version 1, nothing done yet); any later state comes from the actions."""
    found: list[str] = []
    if order.stage is not Stage.NEW:
        found.append(f"stage is {order.stage.value}, not new")
    if order.version != 1:
        found.append(f"version is {order.version}, not 1")
    if order.acknowledged_at is not None:
        found.append("already acknowledged")
    if any(line.quantity_accepted is not None for line in order.lines):
        found.append("has accepted quantities")
    if order.canceled_items:
        found.append("has canceled items")
    if order.slips:
        found.append("has packing slips")
    if order.invoice is not None:
        found.append("has an invoice")
    if order.completed_at is not None:
        found.append("has a completion time")
    if order.canceled_at is not None:
        found.append("has a cancellation time")
    if order.final_sla_status is not None:
        found.append("has a final SLA status")
    return found


def received_entry(order: Order, ctx: Ctx) -> ActivityEntry:
    """The activity entry an imported order starts with."""
    return entry(ctx, activity.RECEIVED, activity.received(len(order.lines), order.units_ordered))
