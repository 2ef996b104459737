"""The workflow rules R1-R16 in one place to ask: every action and every question.

Each action is a pure function ``action(order, ..., ctx) -> Change``: it either raises
``WorkflowError`` (nothing changed) or returns the new order (version bumped) and the
activity entries to append. Stores call the actions inside one transaction; screens, the
CLI, the server and the importers call the questions (``would_cancel``,
``tracking_problem``, ``invoice_problem``, ``cancel_problem``, ``line_amount`` ...) to
explain what is wrong while the user is still typing, never a write to find out.

The rules live in one module per step (``acknowledgement``, ``cancellation``,
``shipping``, ``billing``, ``address``, ``intake``, ``reopen``, ``packages``); this module
is their one public face.
"""

from __future__ import annotations

from enum import StrEnum

from dropship_tui.domain.acknowledgement import (
    acknowledge,
    effective_reasons,
    lines_missing_reason,
    prefill_quantities,
    quantity_problem,
    short_lines,
    shortfall,
    still_need_reason,
    validated_quantity,
    would_cancel,
)
from dropship_tui.domain.activity import slips as slips_details
from dropship_tui.domain.address import (
    AddressGap,
    address_change_problems,
    address_correction_problem,
    address_gaps,
    address_problems,
    correct_address,
    describe_ship_to,
)
from dropship_tui.domain.billing import (
    billable_quantity,
    build_invoice,
    complete,
    complete_problem,
    generate_invoice,
    invoice_problem,
    line_amount,
    order_total,
)
from dropship_tui.domain.cancellation import cancel, cancel_problem, remaining_units, units_to_cancel
from dropship_tui.domain.change import Change, Ctx
from dropship_tui.domain.intake import import_problems, received_entry
from dropship_tui.domain.models import MAX_SLIPS, Order, Stage
from dropship_tui.domain.reasons import check_reason, reason_message, reason_problem
from dropship_tui.domain.packages import (
    STATUS_WORDS,
    package_problem,
    package_status,
    package_unchanged,
    parse_status,
    set_package_status,
)
from dropship_tui.domain.cancel_request import answer_cancellation, answer_problem, request_cancellation, request_problem
from dropship_tui.domain.reopen import reopen, reopen_losses, reopen_problem
from dropship_tui.domain.shipping import (
    SlipPlan,
    TrackingToSave,
    even_allocation,
    save_slips,
    save_tracking,
    slip_count_problem,
    slip_plan_problems,
    tracking_dropped_by,
    tracking_problem,
    tracking_taken,
    tracking_unchanged,
)


class Step(StrEnum):
    """Where fulfilling an order goes on from (the dashboard's ``f``)."""

    ACKNOWLEDGE = "acknowledge"
    PREPARE_SHIPMENTS = "prepare_shipments"
    INVOICE = "invoice"


def fulfillment_step(order: Order) -> Step | None:
    """Step 1 while New, step 2 while In progress without an invoice, the invoice once
    generated (also, read-only, once Completed); None for a canceled order (nothing left
    to fulfil)."""
    if order.stage is Stage.NEW:
        return Step.ACKNOWLEDGE
    if order.invoice is not None and order.stage in (Stage.IN_PROGRESS, Stage.COMPLETED):
        return Step.INVOICE
    if order.stage is Stage.IN_PROGRESS:
        return Step.PREPARE_SHIPMENTS
    return None


def nothing_to_fulfil(order: Order) -> str:
    """What the user is told when ``fulfillment_step`` is None."""
    return f"PO {order.po_number} is {order.stage.label.lower()}: nothing left to fulfil"


__all__ = [
    "MAX_SLIPS", "AddressGap", "Change", "Ctx", "SlipPlan", "Step", "TrackingToSave",
    "acknowledge", "address_change_problems", "address_correction_problem", "address_gaps", "address_problems",
    "billable_quantity", "build_invoice", "cancel", "cancel_problem", "check_reason",
    "complete", "complete_problem", "correct_address", "describe_ship_to",
    "effective_reasons", "even_allocation", "fulfillment_step", "generate_invoice",
    "import_problems", "invoice_problem", "line_amount", "lines_missing_reason",
    "nothing_to_fulfil", "order_total", "prefill_quantities", "quantity_problem",
    "reason_message", "reason_problem", "received_entry", "remaining_units",
    "save_slips", "save_tracking", "short_lines", "shortfall", "slip_count_problem",
    "slip_plan_problems", "slips_details", "still_need_reason", "tracking_dropped_by", "tracking_problem",
    "tracking_taken", "tracking_unchanged", "units_to_cancel", "validated_quantity",
    "would_cancel",
    # R15, R16
    "reopen", "reopen_losses", "reopen_problem",
    "STATUS_WORDS", "package_problem", "package_status", "package_unchanged", "parse_status",
    "set_package_status",
    # cancellation requests (the retailer asks, the vendor answers)
    "answer_cancellation", "answer_problem", "request_cancellation", "request_problem",
]
