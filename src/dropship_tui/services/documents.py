"""Documents from the store: packing slips of one order or of many (batch printing), and
the invoice PDF. Shared by the CLI and the TUI; the TUI calls these in a worker thread.

Nothing here decides a rule: the invoice record exists before it can be printed
(``store.generate_invoice``), and an order without saved slips is skipped
(``packing_slips.slips_problem``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dropship_tui.documents import delivery
from dropship_tui.documents.invoice import render_invoice
from dropship_tui.documents.packing_slips import SlipJob, default_name, render_packing_slips, slips_problem
from dropship_tui.domain.models import Order, Retailer
from dropship_tui.services.batch import hidden_by
from dropship_tui.store.base import OrderQuery, SortKey, Store


def slip_jobs(store: Store, orders: Iterable[Order]) -> Iterator[SlipJob]:
    """(order, vendor, location) for each order, vendors and locations read once."""
    vendors: dict[str, object] = {}
    locations: dict[str, object] = {}
    for order in orders:
        if order.vendor_code not in vendors:
            vendors[order.vendor_code] = store.vendor(order.vendor_code)
        if order.location_code not in locations:
            locations[order.location_code] = store.location(order.location_code)
        yield SlipJob(order, vendors[order.vendor_code], locations[order.location_code])  # type: ignore[arg-type]


def orders_with_slips(store: Store, query: OrderQuery, skipped: list[int] | None = None,
                      page_size: int = 200) -> Iterator[Order]:
    """Every order matching ``query`` that has saved slips, in PO order, read page by
    page (a batch of 500 never sits in memory at once). POs without slips are appended
    to ``skipped``."""
    query = query.model_copy(update={"sort": SortKey.PO_NUMBER, "descending": False})
    offset = 0
    while True:
        page = store.list_orders(query, offset=offset, limit=page_size)
        if not page:
            return
        offset += len(page)
        for summary in page:
            order = store.get_order(summary.po_number)
            if slips_problem(order):
                if skipped is not None:
                    skipped.append(order.po_number)
                continue
            yield order
        if len(page) < page_size:
            return


def _print(path: Path, print_command: str | None) -> str:
    """Printed only when a print command is configured; the printer's answer, or ""."""
    if not print_command:
        return ""
    return delivery.print_pdf(path, print_command).message


def write_packing_slips(store: Store, order: Order, paper: str, print_command: str | None = None) -> tuple[Path, str]:
    """The packing slips PDF of one order in the documents folder (printed when a print
    command is configured): (path, the printer's answer or "")."""
    path = delivery.output_path(None, delivery.slips_filename(order.po_number))
    path.parent.mkdir(parents=True, exist_ok=True)
    render_packing_slips(slip_jobs(store, [order]), path, paper=paper)
    return path, _print(path, print_command)


def write_invoice_pdf(order: Order, paper: str, bill_to: Retailer | None = None,
                      print_command: str | None = None) -> tuple[Path, str]:
    """The invoice PDF of an invoiced order in the documents folder: (path, printer's answer or "")."""
    path = delivery.output_path(None, delivery.invoice_filename(order.po_number))
    path.parent.mkdir(parents=True, exist_ok=True)
    render_invoice(order, path, paper, bill_to=bill_to)
    return path, _print(path, print_command)


@dataclass
class BatchPrint:
    """What printing the packing slips of many orders did."""

    path: Path | None = None
    """The PDF written (None when no order had saved slips)."""
    pages: int = 0
    printed: int = 0
    """Orders whose slips are in the PDF."""
    skipped: list[int] = field(default_factory=list)
    """POs without saved slips (left out)."""
    hidden: int = 0
    """How many of the printed orders the dashboard's filter hides."""
    printer: str | None = None
    """The printer's answer (None: not sent to a printer)."""


def batch_print(store: Store, pos: Sequence[int], paper: str, *, query: OrderQuery | None = None,
                print_command: str | None = None) -> BatchPrint:
    """The packing slips of ``pos`` as one PDF in PO order; orders without saved slips
    are skipped. ``query`` (the dashboard's view of marked orders) counts how many of
    them it hides."""
    result = BatchPrint()
    hidden = hidden_by(store, query, pos) if query is not None else set()
    orders = []
    for po in pos:
        order = store.get_order(po)
        if slips_problem(order):
            result.skipped.append(po)
        else:
            orders.append(order)
    if not orders:
        return result
    name = default_name([o.po_number for o in orders]) if len(orders) > 1 else delivery.slips_filename(orders[0].po_number)
    result.path = delivery.output_path(None, name)
    result.path.parent.mkdir(parents=True, exist_ok=True)
    result.pages = render_packing_slips(slip_jobs(store, orders), result.path, paper=paper)
    result.printed = len(orders)
    result.hidden = len(hidden - set(result.skipped))
    if print_command:
        result.printer = delivery.print_pdf(result.path, print_command).message
    return result
