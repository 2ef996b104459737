"""The PDFs the screens write, with the user's config (paper size, the invoice's bill-to
name, the print command): each call runs inside a store worker, renders with
``services.documents`` into the documents folder and prints when a print command is set.

In a browser (``serve --web-port``: the app's driver is Textual's web driver, so
``App.is_web``) a PDF written on the server's disk is of no use to the user: it is
rendered in memory instead and handed to the browser as a download
(``App.deliver_binary``), and nothing is kept on the server. The worker only renders
(``web=True`` gives a ``BrowserPdf``); ``hand_over`` runs on the UI thread, delivers, and
says where the PDF went, so every screen words it the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from dropship_tui.config import Config, resolve_paper_size
from dropship_tui.documents import delivery
from dropship_tui.documents.invoice import render_invoice
from dropship_tui.documents.packing_slips import render_packing_slips
from dropship_tui.domain import billing
from dropship_tui.domain.models import Order
from dropship_tui.domain.words import plural
from dropship_tui.services import documents
from dropship_tui.services.documents import BatchPrint, slip_jobs
from dropship_tui.store.base import OrderQuery, Store

PDF_MIME = "application/pdf"


@dataclass(frozen=True)
class BrowserPdf:
    """A PDF for the browser: its file name there and its bytes (never on the server's disk)."""

    name: str
    data: bytes


Written = Path | BrowserPdf
"""Where a PDF went: a file (a terminal) or the browser (web mode)."""


@dataclass
class BrowserBatch(BatchPrint):
    """A batch print in web mode: ``pdf`` is for the browser; ``path`` only names it."""

    pdf: BrowserPdf | None = None


def _in_memory(name: str, render: Callable[[BinaryIO], Any]) -> BrowserPdf:
    out = BytesIO()
    render(out)
    return BrowserPdf(name, out.getvalue())


def write_packing_slips(store: Store, order: Order, config: Config, web: bool = False) -> tuple[Written, str]:
    """(where the slips PDF went, the printer's answer or ""); in web mode nothing is printed
    on the server's printer: the browser prints its download."""
    paper = resolve_paper_size(config)
    if web:
        jobs = list(slip_jobs(store, [order]))
        return _in_memory(delivery.slips_filename(order.po_number),
                          lambda out: render_packing_slips(jobs, out, paper=paper)), ""
    return documents.write_packing_slips(store, order, paper, config.print_command)


def write_invoice_pdf(store: Store, order: Order, config: Config, web: bool = False) -> tuple[Written, str]:
    """(where the invoice PDF went, the printer's answer or ""), as ``write_packing_slips``;
    billed to the store's retailer (``billing.bill_to``)."""
    paper = resolve_paper_size(config)
    bill_to = billing.bill_to(store.retailer(), config.bill_to_name)
    if web:
        return _in_memory(delivery.invoice_filename(order.po_number),
                          lambda out: render_invoice(order, out, paper, bill_to=bill_to)), ""
    return documents.write_invoice_pdf(order, paper, bill_to, config.print_command)


def batch_print(store: Store, pos: Sequence[int], config: Config, query: OrderQuery | None,
                web: bool = False) -> BatchPrint:
    """The packing slips of ``pos`` as one PDF (``query``: the filter the marks were made
    under, to say how many of them it hides). In web mode the file the batch is rendered
    into (page by page: 500 orders never sit in memory as objects) is read back and
    removed: only its bytes go on, to the browser."""
    done = documents.batch_print(store, pos, resolve_paper_size(config), query=query,
                                 print_command=None if web else config.print_command)
    if not web or done.path is None:
        return done
    path = done.path
    try:
        pdf = BrowserPdf(path.name, path.read_bytes())
    finally:
        path.unlink(missing_ok=True)
    fields = {f.name: getattr(done, f.name) for f in dataclasses.fields(BatchPrint)}
    return BrowserBatch(**{**fields, "path": Path(path.name)}, pdf=pdf)


def hand_over(app: Any, written: Written) -> str:
    """On the UI thread: deliver a browser PDF (a download in the user's browser) and say
    where the PDF went, as the screens show it."""
    if not isinstance(written, BrowserPdf):
        return str(written)
    app.deliver_binary(BytesIO(written.data), save_filename=written.name, mime_type=PDF_MIME)
    return f"{written.name} (downloading in your browser)"


def batch_where(app: Any, done: BatchPrint) -> str:
    """``hand_over`` for a batch print: "" when it went to a file (its path says where)."""
    pdf = done.pdf if isinstance(done, BrowserBatch) else None
    return hand_over(app, pdf) if pdf is not None else ""


def batch_print_message(pos: Sequence[int], done: BatchPrint, where: str = "") -> str:
    """What a batch print wrote (or why nothing), what it skipped, what the printer said;
    ``where``: the PDF's place as ``hand_over`` says it (default: its path)."""
    what = plural(done.printed, "marked order", grouped=True) + (
        f" ({done.hidden:,} hidden by the filter)" if done.hidden else "")
    if done.path is not None:
        message = f"Packing slips of {what}: {plural(done.pages, 'page')} in {where or done.path}"
    else:
        message = ("No packing slips written: the order has no saved slips." if len(pos) == 1
                   else f"No packing slips written: none of the {len(pos):,} orders has saved slips.")
    if done.skipped:
        listed = ", ".join(str(po) for po in done.skipped[:20]) + (" …" if len(done.skipped) > 20 else "")
        message += f"\nSkipped (no saved slips): {listed}"
    if done.printer is not None:
        message += f"\nPrinter: {done.printer}"
    return message
