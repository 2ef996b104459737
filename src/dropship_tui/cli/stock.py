"""Stock levels: ``stock import FILE.csv [--full]`` and ``stock show``.

Local stores only (the server has no stock routes): ``--api`` is refused before anything
is opened. The import is one transaction, all rows or none. The reservations made by
acknowledging orders are shown beside on hand; see docs/cli.md "Stock levels"."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.cli import bad_rows, json_output
from dropship_tui.cli.common import UsageError, add_action, add_command, open_store
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.words import plural


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "stock",
        description="Stock on hand per vendor SKU and location. Acknowledging an order "
        "reserves its accepted units; available = on hand - reserved.",
    )
    sub = p.add_subparsers(dest="stock_command", metavar="ACTION")
    sub.required = True

    q = add_action(
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

    q = add_action(sub, "show", "list stock levels: on hand, reserved, available")
    q.add_argument("--search", default="", metavar="TEXT", help="part of a vendor SKU, or a UPC / product code")
    q.add_argument("--location", default=None, metavar="CODE", help="only this location")
    q.set_defaults(func=run_show)


def _local_only(args: argparse.Namespace) -> None:
    if getattr(args, "api", None):
        raise UsageError("stock works on a local store only (not with --api)")


def run_import(args: argparse.Namespace) -> int:
    from dropship_tui.services.stock_import import import_stock

    _local_only(args)
    with open_store(args) as store:
        try:
            report = import_stock(store, args.file, full=args.full)
        except InvalidInputError as exc:
            raise bad_rows.refusal(args, exc) from None
    if args.json:
        json_output.print_json({"imported": True, **report.to_json()})
    else:
        from dropship_tui.cli import output

        message = (
            f"Stock imported from {args.file}: {plural(report.rows, 'row')} — {report.added} added, "
            f"{report.updated} updated, {report.unchanged} unchanged"
        )
        if args.full:
            message += f", {report.zeroed} not in the file set to 0"
        output.console().print(output.text(message))
    return 0


def run_show(args: argparse.Namespace) -> int:
    _local_only(args)
    with open_store(args) as store:
        if args.location:
            store.location(args.location)  # an unknown code is refused (exit 1)
        levels = store.stock_levels(args.search, args.location)
    if args.json:
        json_output.print_json(
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
    from dropship_tui.cli import output

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
