"""Documents from the command line: ``packing-slips``, and the PDF of ``invoice``.

    dropship-tui packing-slips PO [--out FILE.pdf] [--print]
    dropship-tui packing-slips --stage in-progress [--search TEXT] [--out FILE.pdf] [--print]
    dropship-tui invoice PO --pdf [FILE.pdf] [--print]

Without ``--out``/a ``--pdf`` file, PDFs go to ``<Documents>/dropship-tui/`` as
``PO-82-packing-slips.pdf`` / ``PO-82-invoice.pdf``; the path is printed. ``--print``
sends the file to the system printer (``print_command`` from the config, else CUPS
``lp``); the PDF is written either way, and a failed or impossible print is exit 1 with
a one-line reason on stderr. ``--paper letter|a4`` overrides the config (which defaults
from the locale).

``invoice`` is defined with the workflow (``workflow.py``: it generates the invoice
record); with a PDF option it runs ``run_invoice_pdf``: an order already invoiced is just
rendered, one not yet invoiced is invoiced first (R8 decides whether it may be).

Heavy imports (reportlab) happen only when a document is made, so ``--help`` stays quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import PROG, UsageError, add_command, open_store
from dropship_tui.cli.values import STAGES, paper, po_number, stage
from dropship_tui.domain import billing
from dropship_tui.domain.errors import InvalidInputError, WorkflowError
from dropship_tui.domain.models import Order
from dropship_tui.domain.words import one_line, plural, units


def add_print_options(p: argparse.ArgumentParser) -> None:
    """``--print`` and ``--paper``, for every command that writes a PDF."""
    p.add_argument("--print", dest="print_", action="store_true",
                   help="also send the PDF to the printer (config print_command, else CUPS lp)")
    p.add_argument("--paper", type=paper, metavar="letter|a4",
                   help="paper size (default: paper_size in the config, else from the locale)")


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "packing-slips",
        description="Write packing slips as a PDF: one page per slip (no prices), with "
        "barcodes of the PO number and tracking number. Give a PO, or --stage (and "
        "--search) for one PDF with the slips of every matching order in PO order; orders "
        "without saved slips are skipped.",
    )
    p.add_argument("po", type=po_number, nargs="?", metavar="PO")
    p.add_argument("--stage", type=stage, metavar="STAGE",
                   help=f"batch: every order in this stage ({', '.join(STAGES)})")
    p.add_argument("--search", default="", metavar="TEXT",
                   help="batch: only orders matching (PO, order number, customer, SKU)")
    p.add_argument("--out", metavar="FILE.pdf",
                   help="where to write (default: <Documents>/dropship-tui/PO-N-packing-slips.pdf)")
    add_print_options(p)
    p.set_defaults(func=run_packing_slips)


# --- config -------------------------------------------------------------------------


def _settings(args: argparse.Namespace) -> tuple[Any, str]:
    from dropship_tui.config import load_config, resolve_paper_size

    config = load_config()
    return config, args.paper or resolve_paper_size(config)


def _deliver(args: argparse.Namespace, config: Any, path: Path, data: dict[str, Any], message: str) -> int:
    """Print the outcome (and send to the printer when asked); the exit code."""
    code = 0
    if args.print_:
        from dropship_tui.documents.delivery import print_pdf

        result = print_pdf(path, config.print_command)
        data["printed"] = result.ok
        data["print_message"] = result.message
        if result.ok:
            message += f"; {result.message}"
        else:
            code = 1
    if args.json:
        json_output.print_json(data)
    else:
        print(message)
    if code:
        print(f"{PROG}: {one_line(data['print_message'])}", file=sys.stderr)
    return code


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A file that cannot be written is a refusal naming the path (exit 1), not a crash."""
    try:
        yield
    except OSError as exc:
        raise InvalidInputError(f"Cannot write {path}: {exc.strerror or exc}") from None


# --- packing slips --------------------------------------------------------------------


def run_packing_slips(args: argparse.Namespace) -> int:
    if args.po is None and args.stage is None:
        raise UsageError("packing-slips needs a PO number or --stage")
    if args.po is not None and (args.stage is not None or args.search):
        raise UsageError("give a PO number or --stage/--search, not both")
    if args.search and args.stage is None:
        raise UsageError("--search goes with --stage")
    config, paper_size = _settings(args)
    from dropship_tui.documents import delivery
    from dropship_tui.services import documents as batch_documents
    from dropship_tui.documents.packing_slips import render_packing_slips, slips_problem

    with open_store(args) as store:
        if args.po is not None:
            order = store.get_order(args.po)
            problem = slips_problem(order)
            if problem:
                raise WorkflowError(problem)
            path = delivery.output_path(args.out, delivery.slips_filename(order.po_number))
            jobs = list(batch_documents.slip_jobs(store, [order]))
            with _writing(path):
                pages = render_packing_slips(jobs, path, paper=paper_size)
            pos = [order.po_number]
            skipped: list[int] = []
        else:
            from dropship_tui.store.base import OrderQuery

            query = OrderQuery(stage=args.stage, search=args.search.strip())
            name = f"packing-slips-{args.stage.value.replace('_', '-')}.pdf"
            path = delivery.output_path(args.out, name)
            skipped = []
            pos = []

            def tracked():
                for order in batch_documents.orders_with_slips(store, query, skipped):
                    pos.append(order.po_number)
                    yield order

            try:
                with _writing(path):
                    pages = render_packing_slips(batch_documents.slip_jobs(store, tracked()), path, paper=paper_size)
            except WorkflowError:
                if pos:
                    raise
                why = f"{len(skipped)} without saved slips" if skipped else "none match"
                raise WorkflowError(
                    f"No packing slips to print: no {args.stage.label} order has saved slips ({why})"
                ) from None
    data = {
        "path": str(path),
        "pages": pages,
        "paper": paper_size,
        "po_numbers": pos,
        "skipped": skipped,
    }
    if args.po is not None:
        message = f"PO {pos[0]}: {plural(pages, 'page')} of packing slips written to {path}"
    else:
        message = f"{plural(len(pos), 'order')}, {plural(pages, 'page')} of packing slips written to {path}"
        if skipped:
            message += f" ({len(skipped)} skipped without saved slips: {', '.join(map(str, skipped[:20]))}{'…' if len(skipped) > 20 else ''})"
    return _deliver(args, config, path, data, message)


# --- invoice ----------------------------------------------------------------------------


def _invoice_head(order: Order, generated: bool) -> str:
    inv = order.invoice
    assert inv is not None
    if generated:
        return (
            f"PO {order.po_number} invoiced: {inv.invoice_number}, "
            f"{units(order.units_accepted)}, total {inv.total} {inv.currency}"
        )
    return f"PO {order.po_number} invoice {inv.invoice_number}, total {inv.total} {inv.currency}"


def run_invoice_pdf(args: argparse.Namespace) -> int:
    """``invoice PO --pdf [FILE] [--print]``: invoice first if not yet, then write the PDF."""
    config, paper_size = _settings(args)
    with open_store(args) as store:
        order = store.get_order(args.po)
        generated = order.invoice is None
        if generated:
            order = store.generate_invoice(args.po, None)
        bill_to = billing.bill_to(store.retailer(), config.bill_to_name)  # the store's retailer
    inv = order.invoice
    assert inv is not None
    from dropship_tui.documents import delivery
    from dropship_tui.documents.invoice import render_invoice

    path = delivery.output_path(args.pdf, delivery.invoice_filename(order.po_number))
    with _writing(path):
        pages = render_invoice(order, path, paper=paper_size, bill_to=bill_to)
    data: dict[str, Any] = {
        "po_number": order.po_number,
        "invoice_number": inv.invoice_number,
        "generated": generated,
        "total": str(inv.total),
        "currency": inv.currency,
        "path": str(path),
        "pages": pages,
        "paper": paper_size,
    }
    message = f"{_invoice_head(order, generated)}; PDF ({plural(pages, 'page')}) written to {path}"
    return _deliver(args, config, path, data, message)
