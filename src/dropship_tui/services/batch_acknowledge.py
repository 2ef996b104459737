"""Batch acknowledgement as the store sees it: read the orders of one review, then
acknowledge each in its own transaction. The TUI's review screen runs both in a worker
and shows what they return; the quantities and reasons in between are the user's.

Both take the store's lock once per order, not for the whole batch: other reads (the
dashboard's pages) go on between orders, and one refusal never blocks or undoes the
others. The review's prefill is one stock read for all its orders (``prefill_all``)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from dropship_tui.domain.errors import ConflictError, DomainError
from dropship_tui.domain.models import Order, Reason, Stage
from dropship_tui.domain.words import units
from dropship_tui.services.batch import hidden_by
from dropship_tui.services.prefill import prefill_all
from dropship_tui.store.base import OrderQuery, Store


@dataclass
class BatchReview:
    """The orders of a review as read."""

    orders: list[Order] = field(default_factory=list)
    """The New ones, to acknowledge, in the order asked."""
    prefill: dict[int, dict[int, int]] = field(default_factory=dict)
    """PO -> line_id -> the validated quantity R2 starts it at (stock on hand)."""
    skipped: dict[int, str] = field(default_factory=dict)
    """PO -> why it is left out (not New, not found)."""
    hidden: int = 0
    """How many of ``orders`` the dashboard's filter or search hides."""


def read_review(store: Store, pos: Sequence[int], query: OrderQuery | None) -> BatchReview:
    """Every order of ``pos``, one at a time under the store's lock (``query``: the
    dashboard's, when the orders were marked under it, to count those it hides), then
    the prefill of all the New ones in one stock read (``prefill_all``)."""
    review = BatchReview()
    hidden: set[int] = set()
    if query is not None:
        with store.lock:
            hidden = hidden_by(store, query, pos)
    for po in pos:
        with store.lock:
            try:
                order = store.get_order(po)
            except DomainError as exc:
                review.skipped[po] = exc.message
                continue
            if order.stage is not Stage.NEW:
                review.skipped[po] = f"{order.stage.label}, not New"
                continue
        review.orders.append(order)
    with store.lock:
        review.prefill = prefill_all(store, review.orders)
    review.hidden = len({o.po_number for o in review.orders} & hidden)
    return review


class AckJob(NamedTuple):
    """One order to acknowledge: at the version it was read, with the user's quantities
    (line_id -> validated) and reasons (line_id -> reason, short lines only)."""

    po_number: int
    version: int | None
    validated: Mapping[int, int]
    reasons: Mapping[int, Reason]


@dataclass
class BatchOutcome:
    """What a batch acknowledgement did, order by order."""

    succeeded: dict[int, str] = field(default_factory=dict)
    """PO -> what happened ("acknowledged: 4 of 5 units", "canceled: every line 0")."""
    failed: dict[int, str] = field(default_factory=dict)
    """PO -> why the store refused it (nothing of it was written)."""
    skipped: dict[int, str] = field(default_factory=dict)
    """PO -> why it was left out before confirming (not New, not found)."""
    canceled: set[int] = field(default_factory=set)
    """The POs of ``succeeded`` that were canceled (every line validated to 0, R4), not
    acknowledged: shown apart, so a cancellation never reads as "done"."""
    seconds: float = 0.0


def acknowledge_all(store: Store, jobs: Sequence[AckJob], skipped: Mapping[int, str]) -> BatchOutcome:
    """Acknowledge each job in its own transaction; a refusal (or an unexpected failure)
    is that order's alone. ``skipped``: the review's, carried into the outcome."""
    outcome = BatchOutcome(skipped=dict(skipped))
    start = time.perf_counter()
    for job in jobs:
        with store.lock:
            try:
                order = store.acknowledge(job.po_number, job.version, dict(job.validated), dict(job.reasons))
            except ConflictError as exc:
                outcome.failed[job.po_number] = _conflict_reason(store, job.po_number, exc)
                continue
            except DomainError as exc:
                outcome.failed[job.po_number] = exc.message
                continue
            except Exception as exc:  # an unexpected failure: this order only
                outcome.failed[job.po_number] = f"unexpected error: {type(exc).__name__}: {exc}"
                continue
        if order.stage is Stage.CANCELED:
            outcome.succeeded[job.po_number] = "canceled: every line validated to 0"
            outcome.canceled.add(job.po_number)
        else:
            outcome.succeeded[job.po_number] = f"acknowledged: {order.units_accepted} of {units(order.units_ordered)}"
    outcome.seconds = time.perf_counter() - start
    return outcome


def _conflict_reason(store: Store, po: int, exc: ConflictError) -> str:
    """A version conflict in words: moved on by someone else, or changed but still New."""
    try:
        now = store.get_order(po)
    except Exception:
        return exc.message
    if now.stage is not Stage.NEW:
        return f"already {now.stage.label.lower()}: changed by someone else since it was read (left as it is)"
    return "changed by someone else since it was read (left untouched; review it again)"
