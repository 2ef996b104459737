"""What every workflow action shares: who acts and when (``Ctx``), what an action returns
(``Change``), and R1's guards, which say what has to happen first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import (
    DEFAULT_SLA_POLICY,
    ActivityEntry,
    Order,
    SlaPolicy,
    SlaThresholds,
    Stage,
)


@dataclass(frozen=True)
class Ctx:
    """Who acts and when; the SLA policy lets finishing actions freeze the SLA status."""

    user: str
    now: datetime
    sla_policy: SlaPolicy = DEFAULT_SLA_POLICY
    thresholds: SlaThresholds = field(default_factory=SlaThresholds)


@dataclass(frozen=True)
class Change:
    """An action's result: the new order (version bumped) and the entries to append."""

    order: Order
    activity: tuple[ActivityEntry, ...]


def entry(ctx: Ctx, action: str, details: str = "") -> ActivityEntry:
    return ActivityEntry(at=ctx.now, user=ctx.user, action=action, details=details)


def commit(order: Order, entries: list[ActivityEntry], **changes: object) -> Change:
    new = order.model_copy(update={**changes, "version": order.version + 1})
    # Round-trip through validation so a rule can never produce an invalid record.
    return Change(Order.model_validate(new.model_dump()), tuple(entries))


# --- R1: what has to happen first ---------------------------------------------------


def open_problem(order: Order, action: str) -> str | None:
    if order.stage is Stage.COMPLETED:
        return f"PO {order.po_number} is completed; it can no longer {action}"
    if order.stage is Stage.CANCELED:
        return f"PO {order.po_number} is canceled; it can no longer {action}"
    return None


def step2_problem(order: Order, action: str) -> str | None:
    problem = open_problem(order, action)
    if problem is None and order.stage is Stage.NEW:
        problem = f"PO {order.po_number} must be acknowledged (step 1) before it can {action}"
    return problem


def invoiced_problem(order: Order, action: str) -> str | None:
    if order.invoice is not None:
        return (
            f"PO {order.po_number} is already invoiced ({order.invoice.invoice_number}); "
            f"it can no longer {action}"
        )
    return None


def require(*problems: str | None) -> None:
    """Raise the first problem (a refusal), if any."""
    for problem in problems:
        if problem:
            raise WorkflowError(problem)
