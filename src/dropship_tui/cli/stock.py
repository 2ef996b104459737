"""Stock levels: ``stock import FILE.csv [--full]`` and ``stock show``.

Local stores only (``SqliteStore``): the import is one transaction there, all rows or
none. The reservations made by acknowledging orders are shown beside on hand; see
docs/cli.md "Stock levels"."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.services import csv_imports
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.cli import output
from dropship_tui.cli.common import UsageError, add_command, open_store


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "stock",
        "import or show stock levels (local store)",
        description="Stock on hand per vendor SKU and location. Acknowledging an order "
        "reserves its accepted units; available = on hand - reserved.",
    )
    sub = p.add_subparsers(dest="stock_command", metavar="ACTION")
    sub.required = True

    q = add_command(
        sub,
        "import",
        "set stock on hand from a CSV file (all rows or none)",
        description="Columns (header row, any order, any case): vendor_sku (or upc), "
        "location_code, quantity_on_hand (or on_hand). Only the file's SKUs change, unless "
        "--full: then, at each location the file names, every other SKU with stock "
        "recorded is set to 0. A bad row refuses the whole file, naming every bad line.",
    )
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument(
        "--full",
        action="store_true",
        help="the file is the whole stock of its locations: SKUs not in it go to 0",
    )
    q.set_defaults(func=run_import)

    q = add_command(sub, "show", "list stock levels: on hand, reserved, available")
    q.add_argument("--search", default="", metavar="TEXT", help="part of a vendor SKU, or a UPC / product code")
    q.add_argument("--location", default=None, metavar="CODE", help="only this location")
    q.set_defaults(func=run_show)


def _local(store: Any) -> Any:
    if not hasattr(store, "import_stock"):
        raise UsageError("stock works on a local store only (not with --api)")
    return store


def run_import(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        _local(store)
        try:
            report = csv_imports.import_stock(store, args.file, full=args.full)
        except InvalidInputError as exc:
            bad = [p for p in exc.problems if p.startswith("line ")]
            if not bad:
                raise
            if args.json:
                output.print_json({"imported": False, "problems": bad})
            else:
                out = output.console()
                for problem in bad:
                    out.print(output.text(("bad", "bold red"), " ", problem))
            what = bad[0] if len(bad) == 1 else f"{len(bad)} bad rows"
            raise InvalidInputError(f"{args.file}: {what}; nothing imported") from None
    if args.json:
        output.print_json({"imported": True, **report.to_json()})
    else:
        message = (
            f"Stock imported from {args.file}: {output.plural(report.rows, 'row')} — {report.added} added, "
            f"{report.updated} updated, {report.unchanged} unchanged"
        )
        if args.full:
            message += f", {report.zeroed} not in the file set to 0"
        output.console().print(output.text(message))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        _local(store)
        if args.location:
            store.location(args.location)  # an unknown code is refused (exit 1)
        levels = store.stock_levels(args.search, args.location)
    if args.json:
        output.print_json(
            [
                {
                    "vendor_sku": s.vendor_sku,
                    "location_code": s.location_code,
                    "on_hand": s.on_hand,
                    "reserved": s.reserved,
                    "available": s.available,
                }
                for s in levels
            ]
        )
        return 0
    out = output.console()
    if not levels:
        out.print(output.text("No stock levels" + (" match." if args.search else " recorded.")))
        return 0
    t = output.table("Vendor SKU", "Location", ("On hand", "right"), ("Reserved", "right"), ("Available", "right"))
    for s in levels:
        t.add_row(
            output.plain(s.vendor_sku),
            output.plain(s.location_code),
            output.plain(str(s.on_hand)),
            output.plain(str(s.reserved)),
            output.plain(str(s.available), "bold red" if s.available < 0 else ""),
        )
    out.print(t)
    return 0
