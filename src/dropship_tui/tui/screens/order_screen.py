"""What every order screen shares: the base of the detail, the two fulfillment steps and
the invoice.

- ``OrderScreen``: loads one order by PO number in a store worker (``workers``), reloads
  on request (after a ``ConflictError``) while the subclass keeps what the user typed,
  shows a refusal inline, and cancels the order (R10) through the cancel modal.
- ``StepScreen``: a fulfillment step (acknowledgement, prepare shipments), with the keys
  both steps have.

Where a screen goes next is for navigation to decide: a screen posts a message
(``BackToDashboard``, ``ShowOrder`` ...) and never imports another screen.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import DomainError, WorkflowError
from dropship_tui.domain.models import Order
from dropship_tui.domain.words import terminal_text
from dropship_tui.store.base import Store
from dropship_tui.tui.messages import BackToDashboard
from dropship_tui.tui.modals.cancel import CancelModal
from dropship_tui.tui.modals.confirm import ConfirmModal
from dropship_tui.tui.widgets.note import error_text
from dropship_tui.tui.workers import StoreWorkers


def order_title(order: Order, step: str = "") -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"PO {order.po_number}", style="bold")
    text.append(f"  ·  Order {terminal_text(order.order_number)}  ·  ")
    text.append(terminal_text(order.customer_name) or "—")
    if step:
        text.append(f"  ·  {step}", style="bold")
    return text


class OrderScreen(StoreWorkers, Screen):
    """A screen about one order: loads it in a worker, reloads on request."""

    def __init__(self, po_number: int, order: Order | None = None) -> None:
        super().__init__()
        self.po_number = po_number
        self.order: Order | None = order

    NARROW = 100
    """Below this width the screens drop secondary columns (UPC, vendor SKU)."""

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < self.NARROW, "-narrow")
        self.reload()

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < self.NARROW, "-narrow")

    def reload(self) -> None:
        self.call_store(self.fetch, self.loaded, self.load_failed)

    def fetch(self, store: Store) -> Any:
        """Runs in the worker thread: everything the screen shows."""
        return store.get_order(self.po_number)

    async def loaded(self, result: Any) -> None:
        self.order = result
        shown = self.show_order(result)
        if inspect.isawaitable(shown):
            await shown

    def load_failed(self, error: DomainError) -> None:
        self.show_error(error)

    def show_error(self, error: DomainError) -> None:
        """A refusal is shown inline (the screen's ``#status`` line, where the action
        buttons are) and as a toast."""
        try:
            self.query_one("#status", Static).update(error_text(error))
        except Exception:
            pass
        self.notify(error.message, severity="error", timeout=6)

    def clear_status(self) -> None:
        try:
            self.query_one("#status", Static).update("")
        except Exception:
            pass

    def show_order(self, order: Order) -> None:  # pragma: no cover - every screen overrides
        raise NotImplementedError

    def action_reload(self) -> None:
        self.reload()
        self.notify(f"PO {self.po_number} reloaded", timeout=2)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_cancel_order(self) -> None:
        order = self.order
        if order is None:
            return
        problem = workflow.cancel_problem(order)
        if problem:
            self.show_error(WorkflowError(problem))
            return

        def chosen(reason: Any) -> None:
            if reason is None:
                return
            self.call_store(
                lambda store: store.cancel(order.po_number, order.version, reason),
                self.order_canceled,
                write=True,
            )

        self.app.push_screen(CancelModal(order), chosen)

    def order_canceled(self, order: Order) -> None:
        self.notify(f"PO {order.po_number} canceled")
        self.order = order
        self.post_message(BackToDashboard())

    def show_invoice_saved(self, result: tuple[Path, str]) -> None:
        """Where the invoice PDF went (and the printer's answer)."""
        path, printed = result
        text = Text("✓ Invoice saved to ", style="green")
        text.append(str(path), style="bold")
        if printed:
            text.append(f" — {printed}")
        self.query_one("#status", Static).update(text)
        self.notify(f"Invoice PDF: {path}")


class StepScreen(OrderScreen):
    """A fulfillment step: the keys of step 1 and step 2 alike."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="step.back", tooltip="Leave fulfillment (asks first when something typed is not saved)"),
        Binding("ctrl+x", "cancel_order", "Cancel order", priority=True, id="step.cancel",
                tooltip="Cancel the order with a reason"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="step.reload", tooltip="Read the order again, keeping what you typed"),
    ]

    def unsaved_changes(self) -> str | None:  # pragma: no cover - both steps override
        return None

    def action_back(self) -> None:
        """Leave the step, but ask first (as quitting does) when typed quantities, scans
        or packing slips would be lost."""
        lost = self.unsaved_changes()
        if not lost:
            self.app.pop_screen()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(ConfirmModal(f"Leave and lose {lost}?"), answered)
