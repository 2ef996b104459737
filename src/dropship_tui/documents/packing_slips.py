"""Packing slips: one page per slip (a slip with very many lines continues on further
pages). No prices anywhere.

Each page shows the vendor and ship-from location, the ship-to contact, the PO number
(with a Code128 barcode) and the operator order number, "Package n of N", the shipping
method, the carrier and tracking number with its barcode once saved, then every line in
this package (SKU, vendor SKU, UPC, description, units in this package, and ordered /
shipped in all packages / canceled), then the units that are not coming and why, so a
customer opening any one box understands what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from reportlab.lib.colors import black
from reportlab.pdfgen.canvas import Canvas

from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import Location, Order, PackingSlip, Stage, Vendor
from dropship_tui.domain.words import units
from dropship_tui.documents import delivery, layout, text
from dropship_tui.documents.layout import MARGIN, Column, Output, Table
from dropship_tui.documents.text import Paper


class SlipJob(NamedTuple):
    """What one order's slips need: the store gives ``store.vendor(order.vendor_code)``
    and ``store.location(order.location_code)``."""

    order: Order
    vendor: Vendor
    location: Location


def slips_problem(order: Order) -> str | None:
    """Why an order has no packing slips to print yet, or None."""
    if not order.slips:
        if order.stage is Stage.CANCELED:
            return f"PO {order.po_number} is canceled; it has no packing slips"
        return f"PO {order.po_number} has no packing slips saved yet (save them in step 2 first)"
    return None


def render_packing_slips(
    jobs: Iterable[SlipJob | tuple[Order, Vendor, Location]],
    out: Output,
    paper: str,
) -> int:
    """Every slip of every order into one PDF on ``paper`` ("letter" or "a4"); returns
    the number of pages.

    A list or tuple is printed in PO order. Any other iterable (a generator reading the
    store page by page) is consumed lazily, one order at a time, and must already be in
    PO order: 500 orders never sit in memory together. An order without saved slips is
    refused (``WorkflowError``); a batch should leave those out (``slips_problem``).
    """
    if isinstance(jobs, (list, tuple)):
        jobs = sorted(jobs, key=lambda job: job[0].po_number)
    size = text.paper(paper)
    pages = 0
    first = True
    with layout.open_canvas(out, size, "Packing slips") as canvas:
        for job in jobs:
            order, vendor, location = job
            problem = slips_problem(order)
            if problem:
                raise WorkflowError(problem)
            if first:
                canvas.setTitle(f"PO {order.po_number} packing slips")
                first = False
            for slip in sorted(order.slips, key=lambda s: s.number):
                pages += _SlipPage(canvas, size, order, vendor, location, slip).draw()
        if first:
            raise WorkflowError("No packing slips to print")
    return pages


def render_order_slips(order: Order, vendor: Vendor, location: Location, out: Output,
                       paper: str) -> int:
    """All slips of one order; returns the number of pages."""
    return render_packing_slips([SlipJob(order, vendor, location)], out, paper)


class _SlipPage:
    def __init__(self, canvas: Canvas, paper: Paper, order: Order, vendor: Vendor,
                 location: Location, slip: PackingSlip) -> None:
        self.c = canvas
        self.paper = paper
        self.order = order
        self.vendor = vendor
        self.location = location
        self.slip = slip
        self.count = len(order.slips)
        self.package = f"Package {slip.number} of {self.count}"
        self.width = paper.width - 2 * MARGIN
        self.pages = 0

    # --- page frame -------------------------------------------------------------
    def _footer(self) -> None:
        c = self.c
        c.setFillColor(layout.GREY)
        msg = f"PO {self.order.po_number} · Order {self.order.order_number} · {self.package}"
        if self.pages > 1:
            msg += f" · continued, page {self.pages}"
        text.draw_fit(c, MARGIN, MARGIN - 4, msg, self.width, 7.5)
        c.setFillColor(black)

    def _new_page(self) -> float:
        """Finish the current page and start a continuation page; returns y."""
        self._footer()
        self.c.showPage()
        self.pages += 1
        top = self.paper.height - MARGIN
        text.draw(self.c, MARGIN, top - 14, "PACKING SLIP (continued)", 13, bold=True)
        text.draw(self.c, MARGIN + self.width, top - 14, self.package, 13, bold=True, align="right")
        text.draw(self.c, MARGIN, top - 30, f"PO {self.order.po_number}", 9, bold=True)
        return top - 44

    def draw(self) -> int:
        c = self.c
        order = self.order
        self.pages = 1
        top = self.paper.height - MARGIN
        left = MARGIN
        right = MARGIN + self.width

        # Title band: title and package on the left, the PO barcode on the right.
        text.draw(c, left, top - 18, "PACKING SLIP", 18, bold=True)
        text.draw(c, left, top - 40, self.package, 15, bold=True)
        layout.barcode(c, right, top - 40, str(order.po_number), self.width * 0.45, height=36,
                       label=f"PO {order.po_number}", align="right")
        y = top - 62
        layout.rule(c, left, right, y, black, 1)
        y -= 14

        # Three columns: from, ship to, order.
        col = self.width / 3
        ship_to = order.ship_to
        from_lines = [(self.vendor.name, True), (self.location.name, False)]
        from_lines += [(ln, False) for ln in self.location.address.lines()]
        contact = self.vendor.contact
        from_lines += [(contact.phone, False), (contact.email, False)]
        y1 = layout.block(c, left, y, col - 10, "Ship from", from_lines)

        to_lines = [(ship_to.full_name, True), (ship_to.company, not ship_to.full_name)]
        to_lines += [(ln, False) for ln in ship_to.address.lines()]
        to_lines += [(ship_to.phone, False)]
        y2 = layout.block(c, left + col, y, col - 10, "Ship to", to_lines)

        pairs = [
            ("PO number", str(order.po_number)),
            *([("Retailer PO", order.retailer_po_number)] if order.retailer_po_number else []),
            ("Order no.", order.order_number),
            ("Order date", order.order_date.strftime("%Y-%m-%d")),
            ("Ship via", order.shipping_method or "—"),
            ("Package", f"{self.slip.number} of {self.count}"),
        ]
        if self.slip.tracking_number:
            pairs.append(("Carrier", self.slip.carrier or "—"))
            pairs.append(("Tracking", self.slip.tracking_number))
        y3 = layout.block(c, left + 2 * col, y, col, "Order", [])
        y3 = layout.kv_block(c, left + 2 * col, y3 + 4, col, pairs, size=8.5, label_width=54)
        y = min(y1, y2, y3) - 4

        if self.slip.tracking_number:
            y -= 40
            used = layout.barcode(c, right, y, self.slip.tracking_number, self.width * 0.6, height=32,
                                  label=f"{self.slip.carrier or 'Tracking'} {self.slip.tracking_number}",
                                  align="right")
            c.setFillColor(layout.GREY)
            text.draw(c, right - used - 6, y + 12, "TRACKING NUMBER", 7, bold=True, align="right")
            c.setFillColor(black)
            y -= 18
        else:
            y -= 4

        # The lines in this package.
        y = self._section_title(y, f"In this package ({units(self.slip.units)})")
        table = Table(c, left, self._columns())
        rows = []
        for line_id, in_package in sorted(self.slip.lines.items()):
            line = order.line(line_id)
            rows.append([
                line.sku, line.vendor_sku, line.upc, line.description, str(in_package),
                str(line.quantity_ordered), str(line.quantity_accepted or 0),
                str(order.canceled_quantity(line_id)),
            ])
        y = table.rows(y, rows, self._new_page)

        # What is not coming, and why.
        if order.canceled_items:
            y -= 14
            if y - 60 < MARGIN + layout.FOOTER:
                y = self._new_page()
            y = self._section_title(y, "Not shipped")
            cols = [
                Column("SKU", self.width * 0.2, code=True),
                Column("Description", self.width * 0.36, wrap=True),
                Column("Qty", self.width * 0.08, "right"),
                Column("Reason", self.width * 0.36, wrap=True, max_lines=12),
            ]
            rows = []
            for item in order.canceled_items:
                line = order.line(item.line_id)
                rows.append([line.sku, line.description, str(item.quantity), item.reason.describe()])
            Table(c, left, cols).rows(y, rows, self._new_page)

        if self.count > 1:
            c.setFillColor(layout.GREY)
            text.draw(c, left, MARGIN + 10,
                      f"This order ships in {self.count} packages; the other items are in the other packages.", 7.5)
            c.setFillColor(black)
        self._footer()
        c.showPage()
        return self.pages

    def _section_title(self, y: float, title: str) -> float:
        text.draw(self.c, MARGIN, y - 10, title, 10, bold=True)
        return y - 16

    def _columns(self) -> list[Column]:
        w = self.width
        nums = [
            Column("In this", 46, "right", title2="package"),
            Column("Ordered", 42, "right"),
            Column("Shipped", 42, "right", title2="(all pkgs)"),
            Column("Canceled", 44, "right"),
        ]
        rest = w - sum(c.width for c in nums)
        return [
            Column("SKU", rest * 0.2, code=True),
            Column("Vendor SKU", rest * 0.2, code=True),
            Column("UPC", rest * 0.22, code=True),
            Column("Description", rest * 0.38, wrap=True, max_lines=4),
            *nums,
        ]


def default_name(po_numbers: Sequence[int] | int) -> str:
    if isinstance(po_numbers, int):
        return delivery.slips_filename(po_numbers)
    return "packing-slips.pdf"
