"""The invoice PDF (R8), drawn from the ``Invoice`` record exactly as stored: one row per
billed line (accepted quantity × contracted price, amounts as the record has them; no
price is recomputed here and the retail price is never printed), subtotal and total on
the last page, "Page n of N" on every page.

Bill to: the Invoice record has no retailer, so it comes from the caller (``bill_to``,
a ``Retailer``: name and address lines), which the CLI and TUI take from the store's
retailer setting (``billing.bill_to``); without one it is ``DEFAULT_BILL_TO``. Its
text is drawn as strings, never parsed as markup.
"""

from __future__ import annotations

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from dropship_tui.domain.billing import bill_to as default_bill_to
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import Invoice, Order, Retailer, money_text
from dropship_tui.domain.words import lines, units
from dropship_tui.documents import layout, text
from dropship_tui.documents.layout import MARGIN, Column, Output, Table
from dropship_tui.documents.text import Paper

TOTALS_H = 64.0


def render_invoice(order_or_invoice: Order | Invoice, out: Output, paper: str,
                   bill_to: Retailer | None = None) -> int:
    """Write the invoice PDF on ``paper`` ("letter" or "a4"); returns the number of
    pages. An order must already have its invoice generated (``store.generate_invoice``):
    documents only render."""
    invoice = _invoice_of(order_or_invoice)
    size = text.paper(paper)
    with layout.open_canvas(out, size, f"Invoice {invoice.invoice_number}") as canvas:
        return _InvoiceDoc(canvas, size, invoice, bill_to or default_bill_to(None)).draw()


def _invoice_of(value: Order | Invoice) -> Invoice:
    if isinstance(value, Invoice):
        return value
    if value.invoice is None:
        raise WorkflowError(f"PO {value.po_number} has no invoice yet; generate it first")
    return value.invoice


class _InvoiceDoc:
    def __init__(self, canvas: Canvas, paper: Paper, invoice: Invoice, bill_to: Retailer) -> None:
        self.c = canvas
        self.paper = paper
        self.inv = invoice
        self.bill_to = bill_to
        self.width = paper.width - 2 * MARGIN
        self.top = paper.height - MARGIN
        self.bottom = MARGIN + layout.FOOTER
        w = self.width
        nums = [
            Column("Qty", 36, "right"),
            Column("Unit price", 64, "right"),
            Column("Amount", 72, "right"),
        ]
        rest = w - 24 - sum(c.width for c in nums)
        self.columns = [
            Column("#", 24, "right"),
            Column("SKU", rest * 0.25, code=True),
            Column("Vendor SKU", rest * 0.25, code=True),
            Column("Description", rest * 0.5, wrap=True, max_lines=4),
            *nums,
        ]

    def _cells(self, row) -> list[str]:
        return [
            str(row.line_id), row.sku, row.vendor_sku, row.description, str(row.quantity),
            money_text(row.unit_price), money_text(row.amount),
        ]

    # --- pagination (known before drawing, for "Page n of N") ----------------------
    def _paginate(self, table: Table, first_table_top: float, next_table_top: float) -> list[list[list[str]]]:
        rows = [self._cells(r) for r in self.inv.rows]
        heights = [table.row_height(table.row_lines(cells)) for cells in rows]
        pages: list[list[int]] = [[]]
        y = first_table_top - layout.HEADER_H
        for i, h in enumerate(heights):
            if y - h < self.bottom:
                pages.append([])
                y = next_table_top - layout.HEADER_H
            pages[-1].append(i)
            y -= h
        if y - TOTALS_H < self.bottom:
            # The totals do not fit under the last row: carry the last row over with them
            # (never a page with totals alone when a row can keep them company).
            if len(pages[-1]) > 1:
                pages.append([pages[-1].pop()])
            else:
                pages.append([])
        return [[rows[i] for i in page] for page in pages]

    def draw(self) -> int:
        table = Table(self.c, MARGIN, self.columns, bottom=self.bottom)
        first_top = self._first_header(dry_run=True)
        next_top = self.top - 46
        pages = self._paginate(table, first_top, next_top)
        total = len(pages)
        for n, rows in enumerate(pages, start=1):
            y = self._first_header() if n == 1 else self._continuation_header(n, total)
            y = table.header(y)
            for cells in rows:
                y = table.row(y, cells)
            if not self.inv.rows and n == 1:
                text.draw(self.c, MARGIN + 3, y - 12, "No billable lines", 9)
                y -= 18
            if n == total:
                self._totals(y)
            self._footer(n, total)
            self.c.showPage()
        return total

    def _first_header(self, dry_run: bool = False) -> float:
        """Draw the first page's header (vendor, invoice facts, bill-to, ship-to);
        returns where the table starts. ``dry_run`` measures without drawing."""
        c = self.c
        inv = self.inv
        v = inv.vendor
        left, right = MARGIN, MARGIN + self.width
        half = self.width / 2
        top = self.top

        vendor_lines = [(ln, False) for ln in v.address.lines()]
        if v.contact.name:
            vendor_lines.append((f"Contact: {v.contact.name}", False))
        phone_email = " · ".join(p for p in (v.contact.phone, v.contact.email) if p)
        if phone_email:
            vendor_lines.append((phone_email, False))
        if v.billing_email:
            vendor_lines.append((f"Billing: {v.billing_email}", False))
        pairs = [
            ("Invoice no.", inv.invoice_number),
            ("Invoice date", inv.issued_at.strftime("%Y-%m-%d")),
            ("PO number", str(inv.po_number)),
            *([("Retailer PO", inv.retailer_po_number)] if inv.retailer_po_number else []),
            ("Order no.", inv.order_number),
            ("Currency", inv.currency),
        ]
        st = inv.ship_to
        ship_lines = [(st.full_name, True), (st.company, not st.full_name)]
        ship_lines += [(ln, False) for ln in st.address.lines()]
        ship_lines += [(st.phone, False), (st.email, False)]
        bill_lines = [(self.bill_to.name, True), *((line, False) for line in self.bill_to.address)]

        vendor_parts = [
            part for ln, bold in vendor_lines for part in text.wrap(ln, half - 10, 9, bold, max_lines=4)
        ]
        if dry_run:  # the same arithmetic as the drawing below
            y = min(top - 34 - 12 * len(vendor_parts), top - 42 - 13 * len(pairs)) - 16
            shown = max(layout.block_lines(ship_lines, half - 10), layout.block_lines(bill_lines, half - 10))
            return y - 13 - 12 * shown - 4

        text.draw_fit(c, left, top - 16, v.name, half - 10, 16, bold=True)
        y_left = top - 34
        for part in vendor_parts:
            text.draw_fit(c, left, y_left, part, half - 10, 9)
            y_left -= 12
        text.draw(c, right, top - 18, "INVOICE", 22, bold=True, align="right")
        y_right = layout.kv_block(c, left + half + 40, top - 42, half - 40, pairs, size=9, label_width=70)
        y = min(y_left, y_right) - 2
        layout.rule(c, left, right, y, black, 1)
        y -= 14
        y1 = layout.block(c, left, y, half - 10, "Bill to", bill_lines)
        y2 = layout.block(c, left + half, y, half - 10, "Ship to", ship_lines)
        return min(y1, y2) - 4

    def _continuation_header(self, n: int, total: int) -> float:
        c = self.c
        inv = self.inv
        text.draw_fit(c, MARGIN, self.top - 14, inv.vendor.name, self.width / 2, 12, bold=True)
        text.draw(c, MARGIN + self.width, self.top - 14, f"INVOICE {inv.invoice_number}", 12,
                  bold=True, align="right")
        c.setFillColor(layout.GREY)
        text.draw(c, MARGIN, self.top - 28, f"PO {inv.po_number} · Order {inv.order_number} · continued", 8.5)
        c.setFillColor(black)
        return self.top - 46

    def _totals(self, y: float) -> None:
        c = self.c
        inv = self.inv
        right = MARGIN + self.width
        x_label = right - 230
        y -= 16
        text.draw(c, x_label, y, "Subtotal", 9.5)
        text.draw(c, right - 3, y, f"{money_text(inv.subtotal)} {inv.currency}", 9.5, align="right")
        y -= 8
        layout.rule(c, x_label, right, y, black, 0.8)
        y -= 16
        text.draw(c, x_label, y, "Total", 12, bold=True)
        text.draw(c, right - 3, y, f"{money_text(inv.total)} {inv.currency}", 12, bold=True, align="right")
        y -= 14
        c.setFillColor(layout.GREY)
        billed = sum(r.quantity for r in inv.rows)
        text.draw(c, right - 3, y, f"{lines(len(inv.rows))}, {units(billed)} billed at contracted prices",
                  7.5, align="right")
        c.setFillColor(black)

    def _footer(self, n: int, total: int) -> None:
        c = self.c
        c.setFillColor(layout.GREY)
        text.draw_fit(c, MARGIN, MARGIN - 4,
                      f"Invoice {self.inv.invoice_number} · PO {self.inv.po_number} · {self.inv.vendor.name}",
                      self.width - 90, 7.5)
        c.setFillColor(black)
        text.draw(c, MARGIN + self.width, MARGIN - 4, f"Page {n} of {total}", 8, bold=True, align="right")
