"""The workflow actions as records: what a person asks of one order, by name.

Each action is a small frozen record holding what the user gave (quantities and reasons,
a slip plan, a tracking number...) whose ``apply`` runs its rule from ``workflow``. So
every store runs any action the same way (``Store.act``: one transaction, the version
guard, the activity), the server serves each one at ``POST /orders/{po}/{name}`` from this
table, and the remote store posts it there. Adding an action is its rule, its record
here, and the key or command that asks for it; no store, client or route changes.

The fields carry the bounds of what a request may hold (a tracking number of at most 200
characters, at most 100 slips in a plan); whether the values make sense for the order is
the rule's call, with the rule's message.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Protocol

from pydantic import Field

from dropship_tui.domain import workflow
from dropship_tui.domain.change import Change, Ctx, require
from dropship_tui.domain.models import Order, Reason, Record, ShipTo, UtcDatetime, Vendor
from dropship_tui.domain.package_status import PACKAGE_NOTE_MAX, PackageStatus

TEXT_MAX = 200


class Env(Protocol):
    """What an action may need from the store it runs in, inside its transaction."""

    def vendor(self, code: str) -> Vendor: ...

    def next_invoice_number(self) -> str: ...


class Action(Record):
    """One workflow action on one order."""

    name: ClassVar[str]
    """Its name in URLs and logs (``POST /orders/82/cancel``)."""
    may_cancel: ClassVar[bool] = False
    """Whether it can cancel the order (``cancels`` then says whether it would)."""
    by_retailer: ClassVar[bool] = False
    """Asked by the retailer (the operator), not the vendor: the server lets only the
    operator ask it, and only vendor users ask the others."""

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:  # pragma: no cover - abstract
        raise NotImplementedError

    def cancels(self, order: Order) -> bool:
        """Would this action cancel ``order``? (The server lets only admins cancel.)"""
        return False


class Acknowledge(Action):
    """Step 1 (R2-R5): the validated quantities and the reasons of the short lines."""

    name: ClassVar[str] = "acknowledge"
    may_cancel: ClassVar[bool] = True
    validated: dict[int, int] = Field(default_factory=dict)
    reasons: dict[int, Reason] = Field(default_factory=dict)
    reason_all: Reason | None = None

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.acknowledge(order, self.validated, self.reasons, ctx, reason_all=self.reason_all)

    def cancels(self, order: Order) -> bool:
        return workflow.would_cancel(order, self.validated)  # R4


class AcknowledgeInFull(Action):
    """Step 1 for a batch: every line accepted as ordered (stock ignored)."""

    name: ClassVar[str] = "acknowledge_in_full"

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.acknowledge(order, workflow.prefill_quantities(order), {}, ctx)


class Cancel(Action):
    """R10."""

    name: ClassVar[str] = "cancel"
    may_cancel: ClassVar[bool] = True
    reason: Reason

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.cancel(order, self.reason, ctx)

    def cancels(self, order: Order) -> bool:
        return True


class SaveSlips(Action):
    """R6: slip n (1-based position) -> {line_id: units}."""

    name: ClassVar[str] = "slips"
    plan: Annotated[list[dict[int, int]], Field(max_length=100)]

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.save_slips(order, self.plan, ctx)


class SaveTracking(Action):
    """R7: one slip's tracking number (and the carrier, for a number no format knows)."""

    name: ClassVar[str] = "tracking"
    slip_number: int
    tracking_number: Annotated[str, Field(max_length=TEXT_MAX)]
    carrier: Annotated[str | None, Field(max_length=TEXT_MAX)] = None

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.save_tracking(order, self.slip_number, self.tracking_number, ctx, carrier=self.carrier)


class GenerateInvoice(Action):
    """R8: the invoice, numbered by the store."""

    name: ClassVar[str] = "invoice"

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        require(workflow.invoice_problem(order))  # refused before a number is taken
        return workflow.generate_invoice(order, env.vendor(order.vendor_code), env.next_invoice_number(), ctx)


class Complete(Action):
    """R9."""

    name: ClassVar[str] = "complete"

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.complete(order, ctx)


class CorrectAddress(Action):
    """R14."""

    name: ClassVar[str] = "address"
    ship_to: ShipTo

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.correct_address(order, self.ship_to, ctx)


class Reopen(Action):
    """R15: back to New, undoing the acknowledgement (not once invoiced)."""

    name: ClassVar[str] = "reopen"
    reason: Reason

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.reopen(order, self.reason, ctx)


class SetPackageStatus(Action):
    """R16: a reported status of one slip's package, with the time of the event."""

    name: ClassVar[str] = "package"
    slip_number: int
    status: PackageStatus
    at: UtcDatetime
    note: Annotated[str, Field(max_length=PACKAGE_NOTE_MAX)] = ""
    source: Annotated[str, Field(max_length=TEXT_MAX)] = ""

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.set_package_status(
            order, self.slip_number, self.status, self.at, ctx, note=self.note, source=self.source
        )


class RequestCancellation(Action):
    """The retailer asks the vendor to cancel the order, with a reason."""

    name: ClassVar[str] = "cancel_request"
    by_retailer: ClassVar[bool] = True
    reason: Reason

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.request_cancellation(order, self.reason, ctx)


class AnswerCancellation(Action):
    """The vendor accepts the retailer's cancellation request (the order is canceled) or
    rejects it, saying why."""

    name: ClassVar[str] = "cancel_answer"
    may_cancel: ClassVar[bool] = True
    accept: bool
    reason: Reason | None = None

    def apply(self, order: Order, ctx: Ctx, env: Env) -> Change:
        return workflow.answer_cancellation(order, self.accept, self.reason, ctx)

    def cancels(self, order: Order) -> bool:
        return self.accept


ACTIONS: dict[str, type[Action]] = {
    cls.name: cls
    for cls in (
        Acknowledge, Cancel, SaveSlips, SaveTracking, GenerateInvoice, Complete, CorrectAddress,
        Reopen, SetPackageStatus, RequestCancellation, AnswerCancellation,
    )
}
"""Every action a user may ask for by name (the batch's ``AcknowledgeInFull`` is the
batch route's own)."""
