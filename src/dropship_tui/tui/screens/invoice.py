"""The invoice (R8/R9): shown as the PDF will print it; save the PDF; Done completes the
order and returns to the dashboard."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from dropship_tui.domain import billing
from dropship_tui.domain.models import Order, Retailer, Stage
from dropship_tui.store.base import Store
from dropship_tui.domain.words import DASH, local_time
from dropship_tui.tui.messages import BackToDashboard, OpenShipping
from dropship_tui.tui.printing import write_invoice_pdf
from dropship_tui.tui.screens.order_screen import OrderScreen, order_title
from dropship_tui.tui.widgets.invoice_view import invoice_head, invoice_table, invoice_totals
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.widgets.step_indicator import StepIndicator
from dropship_tui.tui.widgets.key_footer import KeyFooter


class InvoiceScreen(OrderScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="invoice.back",
                tooltip="Back to the packing slips: tracking stays editable until Done (a completed order: the orders)"),
        Binding("p,ctrl+o", "save_pdf", "Save PDF", id="invoice.save_pdf", tooltip="Write the invoice as a PDF file"),
        Binding("ctrl+s,d", "done", "Done", id="invoice.done",
                tooltip="Mark the order Completed and go back to the orders"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="invoice.reload",
                tooltip="Read the order again (after someone else changed it)"),
    ]
    CSS_PATH = "../styles/fulfillment.tcss"
    retailer: Retailer | None = None
    """The store's retailer (Bill to), read with the order."""

    def fetch(self, store: Store) -> Any:
        return store.get_order(self.po_number), store.retailer()

    async def loaded(self, result: Any) -> None:
        order, self.retailer = result
        await super().loaded(order)

    def compose(self) -> ComposeResult:
        with Vertical(id="step-top"):
            yield Static(Text(f"PO {self.po_number}  ·  loading…"), id="title")
            yield StepIndicator(3, done=2, extra="Invoice", id="steps")
        with VerticalScroll(id="invoice-body"):
            with Horizontal(id="invoice-head"):
                yield Static("", id="invoice-from")
                yield Static("", id="invoice-to")
                yield Static("", id="invoice-meta")
            yield Static("", id="invoice-rows")
            yield Static("", id="invoice-totals")
            yield Note("", id="status")
            with Horizontal(classes="actions"):
                yield Button("Done — complete the order  ctrl+s", variant="success", id="invoice-done", compact=True)
                yield Button("Save PDF  p", id="invoice-pdf", compact=True)
        yield KeyFooter()

    def show_order(self, order: Order) -> None:
        self.query_one("#title", Static).update(order_title(order, "Invoice"))
        invoice = order.invoice
        if invoice is None:
            self.query_one("#status", Static).update(
                Text(f"PO {order.po_number} has no invoice yet; generate it in step 2", style="bold red")
            )
            return
        sender, ship_to, meta = invoice_head(invoice, billing.bill_to(self.retailer, self.app.config.bill_to_name))
        self.query_one("#invoice-from", Static).update(sender)
        self.query_one("#invoice-to", Static).update(ship_to)
        self.query_one("#invoice-meta", Static).update(meta)
        self.query_one("#invoice-rows", Static).update(invoice_table(invoice))
        self.query_one("#invoice-totals", Static).update(invoice_totals(invoice))
        done = self.query_one("#invoice-done", Button)
        if order.stage is Stage.COMPLETED:
            done.display = False
            self.query_one("#status", Static).update(
                Text(f"PO {order.po_number} was completed {local_time(order.completed_at, missing=DASH)}", style="green")
            )
            self.query_one("#invoice-pdf", Button).focus()
        else:
            done.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "invoice-done":
            self.action_done()
        elif event.button.id == "invoice-pdf":
            self.action_save_pdf()

    def action_back(self) -> None:
        """Back to step 2 while the order is open: its slips are fixed by the invoice, but
        R7 lets tracking numbers change until completion. A completed order has nothing
        left to edit: back to where it was opened from."""
        order = self.order
        if order is not None and order.stage is Stage.IN_PROGRESS:
            self.post_message(OpenShipping(order))
            return
        self.app.pop_screen()

    def action_save_pdf(self) -> None:
        order = self.order
        if order is None or order.invoice is None:
            return
        config = self.app.config
        self.query_one("#status", Static).update(Text("Writing the invoice PDF…", style="dim"))
        web = self.app.is_web
        self.call_store(lambda store: write_invoice_pdf(store, order, config, web), self.show_invoice_saved)

    def action_done(self) -> None:
        order = self.order
        if order is None:
            return
        if order.stage is Stage.COMPLETED:
            self.post_message(BackToDashboard())
            return
        self.query_one("#status", Static).update(Text("Completing…", style="dim"))
        self.call_store(
            lambda store: store.complete(order.po_number, order.version),
            self._completed,
            write=True,
        )

    def _completed(self, order: Order) -> None:
        self.order = order
        self.post_message(BackToDashboard(order))  # the dashboard says so, on its row

