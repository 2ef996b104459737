"""The PDFs the screens write, with the user's config (paper size, the invoice's bill-to
name, the print command): each call runs inside a store worker, renders with
``services.documents`` into the documents folder and prints when a print command is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from dropship_tui.config import Config, resolve_paper_size
from dropship_tui.domain.models import Order
from dropship_tui.domain.words import plural
from dropship_tui.services import documents
from dropship_tui.services.documents import BatchPrint
from dropship_tui.store.base import OrderQuery, Store


def write_packing_slips(store: Store, order: Order, config: Config) -> tuple[Path, str]:
    return documents.write_packing_slips(store, order, resolve_paper_size(config), config.print_command)


def write_invoice_pdf(order: Order, config: Config) -> tuple[Path, str]:
    return documents.write_invoice_pdf(order, resolve_paper_size(config), config.bill_to_name, config.print_command)


def batch_print(store: Store, pos: Sequence[int], config: Config, query: OrderQuery | None) -> BatchPrint:
    """The packing slips of ``pos`` as one PDF (``query``: the filter the marks were made
    under, to say how many of them it hides)."""
    return documents.batch_print(store, pos, resolve_paper_size(config), query=query,
                                 print_command=config.print_command)


def batch_print_message(pos: Sequence[int], done: BatchPrint) -> str:
    """What a batch print wrote (or why nothing), what it skipped, what the printer said."""
    what = plural(done.printed, "marked order", grouped=True) + (
        f" ({done.hidden:,} hidden by the filter)" if done.hidden else "")
    if done.path is not None:
        message = f"Packing slips of {what}: {plural(done.pages, 'page')} in {done.path}"
    else:
        message = ("No packing slips written: the order has no saved slips." if len(pos) == 1
                   else f"No packing slips written: none of the {len(pos):,} orders has saved slips.")
    if done.skipped:
        listed = ", ".join(str(po) for po in done.skipped[:20]) + (" …" if len(done.skipped) > 20 else "")
        message += f"\nSkipped (no saved slips): {listed}"
    if done.printer is not None:
        message += f"\nPrinter: {done.printer}"
    return message
