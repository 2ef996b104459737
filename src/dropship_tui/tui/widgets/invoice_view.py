"""The invoice as text, laid out as its PDF prints it: the head (from, ship to, the
invoice's facts), the rows and the totals. The invoice screen and the order detail's
Invoice tab show it alike."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from dropship_tui.domain.models import Invoice, money_text
from dropship_tui.domain.words import local_time, terminal_text, units


def _block(title: str, lines: list[str]) -> Text:
    text = Text()
    text.append(title + "\n", style="bold underline")
    text.append("\n".join(terminal_text(line) for line in lines if line))
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
        ("Date", local_time(invoice.issued_at, "%Y-%m-%d", missing="—")),
        ("PO", str(invoice.po_number)),
        ("Order", invoice.order_number),
        ("Bill to", bill_to),
        ("Currency", invoice.currency),
    ):
        meta.append(f"{label:<9}", style="dim")
        meta.append(terminal_text(value) + "\n")
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
            Text(terminal_text(row.sku)),
            Text(terminal_text(row.vendor_sku)),
            Text(terminal_text(row.description)),
            Text(str(row.quantity)),
            Text(f"{money_text(row.unit_price)}"),
            Text(f"{money_text(row.amount)}"),
        )
    return table


def invoice_totals(invoice: Invoice) -> Text:
    text = Text(justify="right")
    text.append(f"{units(sum(r.quantity for r in invoice.rows))}    ", style="dim")
    text.append(f"Subtotal {money_text(invoice.subtotal)}\n")
    text.append(f"Total {money_text(invoice.total)} {terminal_text(invoice.currency)}", style="bold")
    return text
