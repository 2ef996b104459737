"""Cancellation requests (issue 14 item 2), as in a fulfillment-service model: the
retailer (the operator) asks the vendor to cancel an order; the vendor accepts it, and
the order is canceled with the request's reason (R10, so not once invoiced), or rejects
it with a reason of its own (the units are already on their way, say). One request waits
at a time; each step is logged in the order's activity.
"""

from __future__ import annotations

from dropship_tui.domain.cancellation import cancel, cancel_problem
from dropship_tui.domain.change import Change, Ctx, commit, entry, require
from dropship_tui.domain.models import CancelRequest, CancelRequestStatus, Order, Reason
from dropship_tui.domain.reasons import reason_message

REQUESTED = "Cancellation requested"
ACCEPTED = "Cancellation request accepted"
REJECTED = "Cancellation request rejected"


def pending(order: Order) -> CancelRequest | None:
    """The request waiting for the vendor's answer, if any."""
    request = order.cancel_request
    return request if request is not None and request.status is CancelRequestStatus.PENDING else None


def request_problem(order: Order) -> str | None:
    """Why the retailer cannot ask to cancel ``order`` now, or None."""
    if pending(order) is not None:
        return f"PO {order.po_number} already has a cancellation request waiting for the vendor's answer"
    return cancel_problem(order)


def answer_problem(order: Order, accept: bool) -> str | None:
    """Why the vendor cannot answer now (nothing waits; an accepted request must still be
    a cancellation R10 allows), or None."""
    if pending(order) is None:
        return f"PO {order.po_number} has no cancellation request waiting for an answer"
    if accept:
        problem = cancel_problem(order)
        if problem:
            return f"{problem}: reject the request instead, saying why"
    return None


def request_cancellation(order: Order, reason: Reason, ctx: Ctx) -> Change:
    require(request_problem(order), reason_message(reason))
    request = CancelRequest(reason=reason, requested_at=ctx.now, requested_by=ctx.user)
    return commit(order, [entry(ctx, REQUESTED, f"by the retailer: {reason.describe()}")], cancel_request=request)


def answer_cancellation(order: Order, accept: bool, reason: Reason | None, ctx: Ctx) -> Change:
    """Accept: cancel with the request's reason. Reject: ``reason`` says why (required)."""
    require(answer_problem(order, accept))
    request = pending(order)
    assert request is not None
    answered = {"answered_at": ctx.now, "answered_by": ctx.user}
    if accept:
        canceled = cancel(order, request.reason, ctx)
        done = request.model_copy(update={**answered, "status": CancelRequestStatus.ACCEPTED})
        new = canceled.order.model_copy(update={"cancel_request": done})
        entries = (entry(ctx, ACCEPTED, request.reason.describe()), *canceled.activity)
        return Change(Order.model_validate(new.model_dump()), entries)
    require(reason_message(reason))
    assert reason is not None
    done = request.model_copy(update={**answered, "status": CancelRequestStatus.REJECTED, "answer": reason})
    return commit(order, [entry(ctx, REJECTED, reason.describe())], cancel_request=done)
