"""The invoice (R8/R9): shown as the PDF will print it; save the PDF; Done completes the
order and returns to the dashboard.

Also the two document writers the order screens share (packing slips, invoice PDF):
they run inside a store worker (reading the vendor and location there), render with
``documents`` into the default documents folder and print when a print command is
configured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Static

from dropship_tui.domain.models import Invoice, Order, Stage, money_text
from dropship_tui.tui.widgets.step_indicator import StepIndicator
from dropship_tui.tui.screens.order_screen import Note, INVOICE_BINDINGS, OrderScreen, local_time, order_title, plain


# --- document writers (called in a worker thread) ----------------------------------------


def _paper(config: Any) -> str:
    from dropship_tui.config import resolve_paper_size

    return resolve_paper_size(config)


def write_packing_slips(store: Any, order: Order, config: Any) -> tuple[Path, str]:
    from dropship_tui.services import documents

    return documents.write_packing_slips(store, order, _paper(config), getattr(config, "print_command", None))


def write_invoice_pdf(order: Order, config: Any) -> tuple[Path, str]:
    from dropship_tui.services import documents

    bill_to = getattr(config, "bill_to_name", None)
    return documents.write_invoice_pdf(order, _paper(config), bill_to, getattr(config, "print_command", None))


# --- the invoice as text --------------------------------------------------------------------


def _block(title: str, lines: list[str]) -> Text:
    text = Text()
    text.append(title + "\n", style="bold underline")
    text.append("\n".join(plain(line) for line in lines if line))
    return text


def invoice_head(invoice: Invoice, bill_to: str) -> tuple[Text, Text, Text]:
    vendor = invoice.vendor
    from_lines = [vendor.name, *vendor.address.lines(), vendor.billing_email or vendor.contact.email]
    ship = invoice.ship_to
    to_lines = [ship.full_name, ship.company, *ship.address.lines()]
    meta = Text()
    meta.append("INVOICE\n", style="bold reverse")
    for label, value in (
        ("Invoice", invoice.invoice_number),
        ("Date", local_time(invoice.issued_at, "%Y-%m-%d")),
        ("PO", str(invoice.po_number)),
        ("Order", invoice.order_number),
        ("Bill to", bill_to),
        ("Currency", invoice.currency),
    ):
        meta.append(f"{label:<9}", style="dim")
        meta.append(plain(value) + "\n")
    return _block("From", from_lines), _block("Ship to", to_lines), meta


def invoice_table(invoice: Invoice) -> Table:
    table = Table(expand=True, show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("SKU", no_wrap=True)
    table.add_column("Vendor SKU", no_wrap=True)
    table.add_column("Description", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Qty", justify="right")
    table.add_column("Unit price", justify="right")
    table.add_column("Amount", justify="right")
    for row in invoice.rows:
        table.add_row(
            Text(plain(row.sku)),
            Text(plain(row.vendor_sku)),
            Text(plain(row.description)),
            Text(str(row.quantity)),
            Text(f"{money_text(row.unit_price)}"),
            Text(f"{money_text(row.amount)}"),
        )
    return table


def invoice_totals(invoice: Invoice) -> Text:
    units = sum(r.quantity for r in invoice.rows)
    text = Text(justify="right")
    text.append(f"{units} unit{'s' if units != 1 else ''}    ", style="dim")
    text.append(f"Subtotal {money_text(invoice.subtotal)}\n")
    text.append(f"Total {money_text(invoice.total)} {plain(invoice.currency)}", style="bold")
    return text


class InvoiceScreen(OrderScreen):
    BINDINGS = INVOICE_BINDINGS
    CSS_PATH = "../styles/fulfillment.tcss"

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
        yield Footer()

    def show_order(self, order: Order) -> None:
        self.query_one("#title", Static).update(order_title(order, "Invoice"))
        invoice = order.invoice
        if invoice is None:
            self.query_one("#status", Static).update(
                Text(f"PO {order.po_number} has no invoice yet; generate it in step 2", style="bold red")
            )
            return
        bill_to = getattr(getattr(self.app, "config", None), "bill_to_name", "") or "Retailer"
        sender, ship_to, meta = invoice_head(invoice, bill_to)
        self.query_one("#invoice-from", Static).update(sender)
        self.query_one("#invoice-to", Static).update(ship_to)
        self.query_one("#invoice-meta", Static).update(meta)
        self.query_one("#invoice-rows", Static).update(invoice_table(invoice))
        self.query_one("#invoice-totals", Static).update(invoice_totals(invoice))
        done = self.query_one("#invoice-done", Button)
        if order.stage is Stage.COMPLETED:
            done.display = False
            self.query_one("#status", Static).update(
                Text(f"PO {order.po_number} was completed {local_time(order.completed_at)}", style="green")
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
        # Back from the invoice goes to the dashboard (step 2 can no longer change slips).
        self.app.pop_screen()

    def action_save_pdf(self) -> None:
        order = self.order
        if order is None or order.invoice is None:
            return
        config = getattr(self.app, "config", None)
        self.query_one("#status", Static).update(Text("Writing the invoice PDF…", style="dim"))
        self.call_store(lambda store: write_invoice_pdf(order, config), self._saved)

    def _saved(self, result: tuple[Path, str]) -> None:
        show_invoice_saved(self, result)

    def action_done(self) -> None:
        order = self.order
        if order is None:
            return
        if order.stage is Stage.COMPLETED:
            self.back_to_dashboard()
            return
        self.query_one("#status", Static).update(Text("Completing…", style="dim"))
        self.call_store(
            lambda store: store.complete(order.po_number, order.version),
            self._completed,
            write=True,
        )

    def _completed(self, order: Order) -> None:
        self.order = order
        self.notify(f"PO {order.po_number} completed")
        self.back_to_dashboard()


def show_invoice_saved(screen: Any, result: tuple[Path, str]) -> None:
    """Where the invoice PDF went (and the printer's answer), on the screen that saved it."""
    path, printed = result
    text = Text("✓ Invoice saved to ", style="green")
    text.append(str(path), style="bold")
    if printed:
        text.append(f" — {printed}")
    screen.query_one("#status", Static).update(text)
    screen.notify(f"Invoice PDF: {path}")
