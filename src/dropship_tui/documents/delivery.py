"""Where documents go once rendered: the default folder, the system printer, and the
store-backed helpers the CLI and the TUI share (which only read the store, or ask it to
generate the invoice record, which is the domain's call; nothing here decides a rule)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
import os
from pathlib import Path
from typing import Any

import platformdirs

from dropship_tui.config import Config
from dropship_tui.domain.models import Order
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.documents.packing_slips import SlipJob, slips_problem

APP_DIR = "dropship-tui"


DOCUMENTS_ENV = "DROPSHIP_TUI_DOCUMENTS"


def default_dir() -> Path:
    """``$DROPSHIP_TUI_DOCUMENTS``, else ``<Documents>/dropship-tui`` (created when a file
    is written there). ``--demo`` points it at a ``demo`` subfolder so a demo invoice
    never overwrites a real PO's PDF of the same number."""
    override = os.environ.get(DOCUMENTS_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_documents_path() / APP_DIR


def slips_filename(po_number: int) -> str:
    return f"PO-{po_number}-packing-slips.pdf"


def invoice_filename(po_number: int) -> str:
    return f"PO-{po_number}-invoice.pdf"


def output_path(explicit: str | Path | None, default_name: str) -> Path:
    """An explicit path as given (``~`` expanded; an existing folder gets the default
    name inside it), else the default folder + name."""
    if explicit is not None and str(explicit).strip():
        path = Path(explicit).expanduser()
        return path / default_name if path.is_dir() else path
    return default_dir() / default_name


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    message: str


def print_command(config: Config | None = None) -> list[str] | None:
    """The command that prints a PDF (the file is appended): the configured
    ``print_command``, else CUPS ``lp`` when installed, else None."""
    if config is not None and config.print_command:
        return shlex.split(config.print_command)
    lp = shutil.which("lp")
    return [lp] if lp else None


def print_pdf(path: Path, config: Config | None = None, timeout: float = 60) -> PrintResult:
    """Send ``path`` to the printer. Never raises for a missing or failing printer: the
    result says what happened, in words for the person at the keyboard."""
    command = print_command(config)
    if command is None:
        return PrintResult(
            False,
            f"not printed: no printing system found (CUPS 'lp' is not installed and no "
            f"print_command is configured); the PDF is at {path}",
        )
    try:
        done = subprocess.run(
            [*command, str(path)], capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        return PrintResult(False, f"not printed: {command[0]} not found; the PDF is at {path}")
    except subprocess.TimeoutExpired:
        return PrintResult(False, f"not printed: {command[0]} did not answer in {timeout:g} s; the PDF is at {path}")
    if done.returncode != 0:
        why = " ".join((done.stderr or done.stdout or "").split()) or f"exit status {done.returncode}"
        return PrintResult(False, f"not printed: {command[0]} failed: {why}; the PDF is at {path}")
    said = " ".join((done.stdout or "").split())
    return PrintResult(True, f"sent to the printer{': ' + said if said else ''}")


def slip_jobs(store: Any, orders: Iterable[Order]) -> Iterator[SlipJob]:
    """(order, vendor, location) for each order, vendors and locations read once."""
    vendors: dict[str, Any] = {}
    locations: dict[str, Any] = {}
    for order in orders:
        if order.vendor_code not in vendors:
            vendors[order.vendor_code] = store.vendor(order.vendor_code)
        if order.location_code not in locations:
            locations[order.location_code] = store.location(order.location_code)
        yield SlipJob(order, vendors[order.vendor_code], locations[order.location_code])


def orders_with_slips(store: Any, query: OrderQuery, skipped: list[int] | None = None,
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
