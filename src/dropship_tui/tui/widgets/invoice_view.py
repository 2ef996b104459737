"""The invoice as text, laid out as its PDF prints it: the head (from, ship to, the
invoice's facts), the rows and the totals. The invoice screen and the order detail's
Invoice tab show it alike."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from dropship_tui.domain import billing
from dropship_tui.domain.models import Invoice, Retailer, money_text
from dropship_tui.domain.words import local_time, terminal_text, units


def _block(title: str, lines: list[str]) -> Text:
    text = Text()
    text.append(title + "\n", style="bold underline")
    text.append("\n".join(terminal_text(line) for line in lines if line))
    return text


def invoice_head(invoice: Invoice, bill_to: Retailer) -> tuple[Text, Text, Text]:
    """(From, Ship to, the facts with Bill to: the retailer's name and address lines; the
    stand-in name is marked "(not set)")."""
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
        ("Bill to", bill_to.name),
        *(("", line) for line in bill_to.address),
        ("Currency", invoice.currency),
    ):
        meta.append(f"{label:<9}", style="dim")
        meta.append(terminal_text(value) + "\n")
        if label == "Bill to" and billing.bill_to_unset(bill_to):
            meta.append(" " * 9 + "(not set)\n", style="dim")  # docs/cli.md: settings retailer
    return _block("From", from_lines), _block("Ship to", to_lines), meta


def _amount_width(invoice: Invoice) -> int:
    """One width for the Amount column of the rows and of the totals under them, so every
    amount ends and starts in the same column at any terminal width."""
    amounts = [money_text(r.amount) for r in invoice.rows] + [money_text(invoice.subtotal), money_text(invoice.total)]
    return max(len("Amount"), *(len(a) for a in amounts))


def invoice_table(invoice: Invoice) -> Table:
    table = Table(expand=True, show_edge=False, header_style="bold", pad_edge=False)
    table.add_column("SKU", no_wrap=True)
    table.add_column("Vendor SKU", no_wrap=True)
    table.add_column("Description", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Qty", justify="right")
    table.add_column("Unit price", justify="right")
    table.add_column("Amount", justify="right", min_width=_amount_width(invoice), no_wrap=True)
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


def invoice_totals(invoice: Invoice) -> Table:
    """Subtotal and total under the rows' Amount column (both tables fill the width and
    end with an Amount column of one width), labels to their left."""
    table = Table(expand=True, show_edge=False, show_header=False, box=None, pad_edge=False)
    table.add_column("label", ratio=1, justify="right", no_wrap=True)
    table.add_column("amount", justify="right", min_width=_amount_width(invoice), no_wrap=True)
    count = Text(f"{units(sum(r.quantity for r in invoice.rows))}    ", style="dim")
    table.add_row(count.append("Subtotal", style="not dim"), Text(money_text(invoice.subtotal)))
    table.add_row(Text(f"Total {terminal_text(invoice.currency)}", style="bold"),
                  Text(money_text(invoice.total), style="bold"))
    return table
