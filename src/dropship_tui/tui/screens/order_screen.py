"""What every order screen shares, and ``fulfillment_screen_for`` (the dashboard's ``f``).

- ``StoreCalls``: every store call runs in a thread worker (the store may be remote over a
  slow link) and posts its result back to the UI thread; a ``DomainError`` comes back as
  a message for the screen to show inline. Calls are serialised, so a store object is
  never used by two threads at once.
- ``OrderScreen``: loads one order by PO number, reloads on ``ctrl+r`` (after a
  ``ConflictError``) while the subclass keeps what the user typed.
- The binding ids of every order screen are registered with ``keymap`` here, so the help
  screen, the command palette and the user's keymap know them.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from dropship_tui.domain.errors import ConflictError, DomainError
from dropship_tui.domain.models import Order, Stage

if TYPE_CHECKING:
    from dropship_tui.store.base import Store

try:  # the shared registry of remappable actions (help screen, palette, config keymap)
    from dropship_tui.tui import keymap as _keymap
except Exception:  # pragma: no cover - the registry is optional for these screens
    _keymap = None  # type: ignore[assignment]


def _bind(
    binding_id: str,
    key: str,
    action: str,
    description: str,
    *,
    show: bool = True,
    priority: bool = False,
    help: str = "",
) -> Binding:
    if _keymap is not None and hasattr(_keymap, "Action") and hasattr(_keymap, "ACTIONS"):
        try:
            _keymap.ACTIONS.setdefault(
                binding_id,
                _keymap.Action(binding_id, key, action, description, show=show, priority=priority, help=help),
            )
        except Exception:  # pragma: no cover
            pass
    return Binding(key, action, description, show=show, priority=priority, id=binding_id, tooltip=help)


# --- binding ids of the order screens -------------------------------------------------

QTY_MORE = _bind("qty.more", "plus,equals_sign", "nudge(1)", "+1", show=False, help="One more (quantity fields)")
QTY_LESS = _bind("qty.less", "minus", "nudge(-1)", "-1", show=False, help="One fewer (quantity fields)")

ORDER_BINDINGS = [
    _bind("order.back", "escape", "back", "Back", help="Back to the previous screen"),
    _bind("order.fulfil", "f", "fulfil", "Fulfil", help="Start or continue fulfillment of this order"),
    _bind("order.cancel", "x", "cancel_order", "Cancel order", help="Cancel the order with a reason"),
    _bind("order.address", "a", "correct_address", "Correct address",
          help="Correct the ship-to address (until packing slips are saved)"),
    _bind("order.save_invoice", "p", "save_invoice", "Save invoice PDF", help="Write the invoice as a PDF file"),
    _bind("order.reload", "r,ctrl+r", "reload", "Reload", help="Read the order again from the store"),
    _bind("order.next_tab", "right_square_bracket", "next_tab", "Next tab", show=False, help="Next tab"),
    _bind("order.prev_tab", "left_square_bracket", "prev_tab", "Previous tab", show=False, help="Previous tab"),
]

STEP_BINDINGS = [
    _bind("step.back", "escape", "back", "Back", help="Leave fulfillment; nothing unsaved is written"),
    _bind("step.cancel", "ctrl+x", "cancel_order", "Cancel order", priority=True,
          help="Cancel the order with a reason"),
    _bind("step.reload", "ctrl+r", "reload", "Reload", help="Read the order again, keeping what you typed"),
]

ACK_BINDINGS = [
    _bind("ack.confirm", "ctrl+s", "acknowledge", "Acknowledge order",
          help="Acknowledge with the validated quantities (asks for reasons when short)"),
]

REASON_BINDINGS = [
    _bind("reason.confirm", "ctrl+s", "confirm", "Confirm", help="Confirm the acknowledgement with these reasons"),
    _bind("reason.back", "escape", "back", "Back", help="Back to the quantities"),
]

SHIP_BINDINGS = [
    _bind("ship.save_slips", "ctrl+s", "save_slips", "Save slips", help="Save the packing slips as allocated"),
    _bind("ship.print", "ctrl+o", "print_slips", "Print slips", help="Write the packing slips PDF (and print it)"),
    _bind("ship.invoice", "ctrl+g", "generate_invoice", "Generate invoice",
          help="Generate the invoice once every slip is tracked"),
]
SHIP_TRACKING = _bind("ship.save_tracking", "enter", "save_tracking", "Save tracking",
                      help="Save the tracking number of this slip")

INVOICE_BINDINGS = [
    _bind("invoice.back", "escape", "back", "Back", help="Back to the packing slips"),
    _bind("invoice.save_pdf", "p,ctrl+o", "save_pdf", "Save PDF", help="Write the invoice as a PDF file"),
    _bind("invoice.done", "ctrl+s,d", "done", "Done", help="Mark the order Completed and go back to the orders"),
]

CANCEL_BINDINGS = [
    _bind("cancel.confirm", "ctrl+s", "confirm", "Cancel the order", help="Cancel the order with this reason"),
    _bind("cancel.back", "escape", "back", "Keep the order", help="Close without canceling"),
]

ADDRESS_BINDINGS = [
    _bind("address.save", "ctrl+s", "save", "Save address", help="Save the corrected ship-to address"),
    _bind("address.back", "escape", "back", "Back", help="Close without changing the address"),
]


class Note(Static):
    """A message line that takes no room while it is empty."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.display = bool(getattr(content, "plain", content))

    def update(self, content: Any = "", **kwargs: Any) -> None:
        super().update(content, **kwargs)
        self.display = bool(getattr(content, "plain", content))


# --- store calls off the UI thread -----------------------------------------------------

_STORE_LOCK = threading.Lock()


class StoreCalls:
    """Mixin for screens: ``call_store(fn, done, failed)`` runs ``fn(store)`` in a thread
    worker and calls ``done(result)`` or ``failed(error)`` on the UI thread."""

    busy: bool = False

    def call_store(
        self,
        fn: Callable[["Store"], Any],
        done: Callable[[Any], None],
        failed: Callable[[DomainError], None] | None = None,
        *,
        write: bool = False,
    ) -> bool:
        if write:
            if self.busy:
                self.notify("Still saving the last change…", severity="warning")  # type: ignore[attr-defined]
                return False
            self.busy = True
        self._store_worker(fn, done, failed, write)
        return True

    @work(thread=True, group="store")
    def _store_worker(self, fn, done, failed, write) -> None:  # type: ignore[no-untyped-def]
        app = self.app  # type: ignore[attr-defined]
        try:
            with getattr(app, "store_lock", None) or _STORE_LOCK:
                result = fn(app.store)
        except DomainError as exc:
            app.call_from_thread(self._store_finished, failed or self.show_error, exc, write)
        except Exception as exc:  # an unexpected failure must not kill a user's session
            error = DomainError(f"Unexpected error: {type(exc).__name__}: {exc}")
            app.call_from_thread(self._store_finished, failed or self.show_error, error, write)
        else:
            app.call_from_thread(self._store_finished, done, result, write)

    async def _store_finished(self, callback: Callable[[Any], Any], value: Any, write: bool) -> None:
        if write:
            self.busy = False
        if not self.is_attached:  # type: ignore[attr-defined]
            return
        result = callback(value)
        if inspect.isawaitable(result):
            await result

    def show_error(self, error: DomainError) -> None:
        self.notify(error.message, severity="error")  # type: ignore[attr-defined]


def error_text(error: DomainError) -> Text:
    """The inline text of a refusal: the message, then each problem on its own line."""
    text = Text(style="bold red")
    if isinstance(error, ConflictError):
        text.append(error.message)
        text.append(" — press ctrl+r to reload (what you typed is kept)", style="red")
        return text
    if len(error.problems) > 1:
        text.append("\n".join(f"• {p}" for p in error.problems))
    else:
        text.append(error.message)
    return text


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """UTC instants are stored; people read local time."""
    return value.astimezone().strftime(fmt) if value else "—"


def plain(value: object) -> str:
    """A data value as one line of printable text (control characters dropped). Always
    wrap the result in ``Text``: it is never markup."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(" " if ch in "\t\n\r" else ch for ch in text if ch.isprintable() or ch in "\t\n\r")


def order_title(order: Order, step: str = "") -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"PO {order.po_number}", style="bold")
    text.append(f"  ·  Order {plain(order.order_number)}  ·  ")
    text.append(plain(order.customer_name) or "—")
    if step:
        text.append(f"  ·  {step}", style="bold")
    return text


def units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


class OrderScreen(StoreCalls, Screen):
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

    def fetch(self, store: "Store") -> Any:
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
        from dropship_tui.tui.modals.cancel import CancelModal

        order = self.order
        if order is None:
            return
        if not order.stage.is_open:
            self.show_error(DomainError(f"PO {order.po_number} is {order.stage.label.lower()}; it can no longer be canceled"))
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
        self.back_to_dashboard()

    def back_to_dashboard(self) -> None:
        """Pop every order screen (detail and fulfillment) back to the dashboard."""
        app = self.app
        while len(app.screen_stack) > 1 and isinstance(app.screen, OrderScreen):
            app.pop_screen()


def fulfillment_screen_for(order: Order) -> Screen | None:
    """The fulfillment screen for the order's state: step 1 while New, step 2 while In
    progress without an invoice, the invoice once generated (also, read-only, once
    Completed); None for a canceled order (nothing left to fulfil)."""
    from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
    from dropship_tui.tui.screens.invoice import InvoiceScreen
    from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

    if order.stage is Stage.NEW:
        return AcknowledgeScreen(order.po_number, order)
    if order.invoice is not None and order.stage in (Stage.IN_PROGRESS, Stage.COMPLETED):
        return InvoiceScreen(order.po_number, order)
    if order.stage is Stage.IN_PROGRESS:
        return PrepareShipmentsScreen(order.po_number, order)
    return None


def current_screen_for(order: Order) -> Screen:
    """Where an order screen goes when the order moved on under it: its fulfillment step,
    or the detail when nothing is left to fulfil."""
    screen = fulfillment_screen_for(order)
    if screen is None:
        from dropship_tui.tui.screens.order_detail import OrderDetailScreen

        screen = OrderDetailScreen(order.po_number)
    return screen
