"""The named workflow writes (``acknowledge``, ``cancel``, ``save_slips`` ...) that callers
use, written once over ``act``: each builds its action record (``domain.actions``) and
hands it to the store's one way of running an action. SqliteStore runs it in a
transaction, RemoteStore posts it to the server; both inherit these methods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from dropship_tui.domain.actions import (
    Acknowledge,
    AnswerCancellation,
    Action,
    Cancel,
    Complete,
    CorrectAddress,
    GenerateInvoice,
    Reopen,
    RequestCancellation,
    SaveSlips,
    SaveTracking,
    SetPackageStatus,
)

from dropship_tui.domain.models import Order, Reason, ShipTo
from dropship_tui.domain.package_status import PackageStatus


class NamedActions:
    """Mixin: the ``OrderStore`` writes, given ``act(po_number, version, action)``.

    The records are built with ``model_construct``: what a caller passes is judged by
    the rule, with the rule's message (a quantity of "x" is "must be a whole number from
    0 to 5", not a validation error); the server validates request bodies itself."""

    def act(self, po_number: int, version: int | None, action: Action) -> Order:  # pragma: no cover
        raise NotImplementedError

    def acknowledge(
        self,
        po_number: int,
        version: int | None,
        validated: Mapping[int, int],
        reasons: Mapping[int, Reason],
        reason_all: Reason | None = None,
    ) -> Order:
        action = Acknowledge.model_construct(validated=dict(validated), reasons=dict(reasons), reason_all=reason_all)
        return self.act(po_number, version, action)

    def cancel(self, po_number: int, version: int | None, reason: Reason) -> Order:
        return self.act(po_number, version, Cancel.model_construct(reason=reason))

    def save_slips(self, po_number: int, version: int | None, plan: Sequence[Mapping[int, int]]) -> Order:
        return self.act(po_number, version, SaveSlips.model_construct(plan=[dict(slip) for slip in plan]))

    def save_tracking(
        self,
        po_number: int,
        version: int | None,
        slip_number: int,
        tracking_number: str,
        carrier: str | None = None,
    ) -> Order:
        action = SaveTracking.model_construct(slip_number=slip_number, tracking_number=tracking_number, carrier=carrier)
        return self.act(po_number, version, action)

    def generate_invoice(self, po_number: int, version: int | None) -> Order:
        return self.act(po_number, version, GenerateInvoice())

    def complete(self, po_number: int, version: int | None) -> Order:
        return self.act(po_number, version, Complete())

    def correct_address(self, po_number: int, version: int | None, ship_to: ShipTo) -> Order:
        return self.act(po_number, version, CorrectAddress.model_construct(ship_to=ship_to))

    def reopen(self, po_number: int, version: int | None, reason: Reason) -> Order:
        return self.act(po_number, version, Reopen.model_construct(reason=reason))

    def request_cancellation(self, po_number: int, version: int | None, reason: Reason) -> Order:
        return self.act(po_number, version, RequestCancellation.model_construct(reason=reason))

    def answer_cancellation(
        self, po_number: int, version: int | None, accept: bool, reason: Reason | None = None
    ) -> Order:
        return self.act(po_number, version, AnswerCancellation.model_construct(accept=accept, reason=reason))

    def set_package_status(
        self,
        po_number: int,
        version: int | None,
        slip_number: int,
        status: PackageStatus,
        at: datetime,
        *,
        note: str = "",
        source: str = "",
    ) -> Order:
        action = SetPackageStatus.model_construct(
            slip_number=slip_number, status=status, at=at, note=note, source=source
        )
        return self.act(po_number, version, action)
