"""What a screen asks of navigation: it posts one of these (they bubble up to the app)
and ``navigation.Navigation`` picks the screen. Screens never import one another."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.message import Message

from dropship_tui.domain.models import Order
from dropship_tui.services.batch_acknowledge import BatchOutcome
from dropship_tui.store.base import OrderQuery


class OpenOrder(Message):
    """Show the detail of PO ``po_number`` on top of the current screen."""

    def __init__(self, po_number: int) -> None:
        super().__init__()
        self.po_number = po_number


class Fulfil(Message):
    """Open the fulfillment step the order is at, on top of the current screen (a toast
    says so when there is nothing left to fulfil)."""

    def __init__(self, order: Order) -> None:
        super().__init__()
        self.order = order


class ShowOrder(Message):
    """The order moved on under the screen that posts this: show it where it is now (its
    fulfillment step, else its detail), in place of that screen."""

    def __init__(self, order: Order) -> None:
        super().__init__()
        self.order = order


class BackToDashboard(Message):
    """Leave every order screen (detail and fulfillment) for the dashboard; with
    ``order``, the dashboard shows that order's row under the cursor (after Done, say)."""

    def __init__(self, order: Order | None = None) -> None:
        super().__init__()
        self.order = order


class OpenShipping(Message):
    """From the invoice back to step 2, in place of the invoice: tracking stays editable
    until the order is completed (R7)."""

    def __init__(self, order: Order) -> None:
        super().__init__()
        self.order = order


class OpenBatchAcknowledge(Message):
    """Review the New orders among ``pos`` for one batch acknowledgement. ``query`` is
    the dashboard's (to say how many of them it hides, when ``marked``)."""

    def __init__(self, pos: Sequence[int], query: OrderQuery, marked: bool) -> None:
        super().__init__()
        self.pos = list(pos)
        self.query = query
        self.marked = marked


class BatchDone(Message):
    """A batch acknowledgement ran: show its outcome in place of the review."""

    def __init__(self, outcome: BatchOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class BatchAcknowledged(Message):
    """The outcome was read: back to the dashboard, which unmarks the orders done (the
    refused ones stay marked)."""

    def __init__(self, succeeded: Iterable[int]) -> None:
        super().__init__()
        self.succeeded = set(succeeded)


class OrdersChanged(Message):
    """The dashboard's live poll saw these orders change in the store (another terminal,
    an import, the server). It posts this to every screen above it: an order screen
    showing one of them says so before the user types over it (issue 13 item 12)."""

    def __init__(self, po_numbers: Iterable[int]) -> None:
        super().__init__()
        self.po_numbers = frozenset(po_numbers)
