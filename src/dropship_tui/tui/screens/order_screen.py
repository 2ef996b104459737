"""What every order screen shares: the base of the detail, the two fulfillment steps and
the invoice.

- ``OrderScreen``: loads one order by PO number in a store worker (``workers``), reloads
  on request (after a ``ConflictError``) while the subclass keeps what the user typed,
  shows a refusal inline, and cancels the order (R10) through the cancel modal.
- ``OrderScreen`` also hears the dashboard's live poll (``OrdersChanged``): when its order
  was changed by someone else it says who and what, inline and as a toast, before the user
  types over it (a save on the old version is refused by the store all the same).
- ``StepScreen``: a fulfillment step (acknowledgement, prepare shipments), with the keys
  both steps have.

Where a screen goes next is for navigation to decide: a screen posts a message
(``BackToDashboard``, ``ShowOrder`` ...) and never imports another screen.
"""

from __future__ import annotations

import inspect
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
from dropship_tui.tui.keymap import key_of
from dropship_tui.tui.messages import BackToDashboard, OrdersChanged
from dropship_tui.tui.modals.cancel import CancelModal
from dropship_tui.tui.modals.confirm import ConfirmModal
from dropship_tui.tui.modals.reopen import ReopenModal
from dropship_tui.tui.printing import Written, hand_over
from dropship_tui.tui.widgets.note import error_text
from dropship_tui.tui.workers import StoreWorkers


def order_title(order: Order, step: str = "") -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"PO {order.po_number}", style="bold")
    if order.retailer_po_number:  # issue 10: the retailer's own number, as its 850 gave it
        text.append(f"  ·  Retailer PO {terminal_text(str(order.retailer_po_number))}")
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
        self.stale: str | None = None
        """The notice shown since the live poll saw the order change elsewhere (None:
        the order shown is the store's)."""

    NARROW = 100
    """Below this width the screens drop secondary columns (UPC, vendor SKU)."""

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < self.NARROW, "-narrow")
        self.reload()

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < self.NARROW, "-narrow")

    def reload(self) -> None:
        self.call_store(self.fetch, self._fetched, self.load_failed)

    async def settled(self) -> None:
        """Returns once the screen has no rebuild under way: navigation leaves a screen only
        then (``OrderDetailScreen`` rebuilds itself after each read)."""

    async def _fetched(self, result: Any) -> None:
        self.forget_stale()  # read again: the notice that it changed elsewhere goes
        shown = self.loaded(result)
        if inspect.isawaitable(shown):
            await shown

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

    def forget_stale(self) -> None:
        """The order is read again: the notice that it changed elsewhere goes."""
        if self.stale is not None:
            self.stale = None
            self.clear_status()

    def on_orders_changed(self, message: OrdersChanged) -> None:
        """The live poll saw this order change: read its version and newest activity
        (who, what) and say so when it is newer than the one shown. Only the screen in
        front: one covered by another (the detail under the steps) reads the order again
        when it comes back, and would otherwise take the user's own save above it for
        someone else's."""
        if self.order is None or self.po_number not in message.po_numbers or self.app.screen is not self:
            return
        po = self.po_number
        self.call_store(lambda store: (store.get_order(po).version, store.activity(po)[:1]),
                        lambda found: self._changed_elsewhere(*found), lambda error: None,
                        group="order-changed", exclusive=True)

    def _changed_elsewhere(self, version: int, newest: list[Any]) -> None:
        if self.order is None or self.busy or version <= self.order.version or self.app.screen is not self:
            return  # our own save (on its way or done), already read again, or covered since
        what = terminal_text(newest[0].action) if newest else ""
        who = f" by {terminal_text(newest[0].user)}: {what[:1].lower()}{what[1:]}" if newest else ""
        self.stale = f"PO {self.po_number} was changed{who} — press {self.reload_key()} to reload"
        text = Text(f"⚠ {self.stale}", style="bold yellow")
        try:
            self.query_one("#status", Static).update(text)
        except Exception:
            pass
        self.notify(self.stale, severity="warning", timeout=8)

    def reload_key(self) -> str:
        """The first key of this screen's reload binding as the user sees it (their
        keymap wins)."""
        for cls in type(self).__mro__:
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.action == "reload" and binding.id:
                    return key_of(self.app, binding.id)
        return "ctrl+r"  # pragma: no cover - every order screen binds reload

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
        """The dashboard lands on it, saying "PO … is Canceled" (and which filter it
        changed so the row shows), as after Done."""
        self.order = order
        self.post_message(BackToDashboard(order))

    def action_reopen(self) -> None:
        """R15, after the modal's warning; the refusal (New, invoiced) is the domain's."""
        order = self.order
        if order is None:
            return
        problem = workflow.reopen_problem(order)
        if problem:
            self.show_error(WorkflowError(problem))
            return

        def chosen(reason: Any) -> None:
            if reason is not None:
                self.call_store(
                    lambda store: store.reopen(order.po_number, order.version, reason),
                    self.order_reopened,
                    write=True,
                )

        self.app.push_screen(ReopenModal(order), chosen)

    def order_reopened(self, order: Order) -> None:
        """Back to New: the dashboard lands on its row, saying "PO … is New" (and which
        filter it changed so the row shows); step 1 is ``f`` from there."""
        self.order = order
        self.post_message(BackToDashboard(order))

    def show_invoice_saved(self, result: tuple[Written, str]) -> None:
        """Where the invoice PDF went (in a browser: its download) and the printer's answer."""
        written, printed = result
        path = hand_over(self.app, written)
        text = Text("✓ Invoice saved to ", style="green")
        text.append(path, style="bold")
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
        Binding("f6", "reopen", "Reopen", show=False, id="step.reopen",
                tooltip="Undo the acknowledgement: back to New (warns first; not once invoiced)"),
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
