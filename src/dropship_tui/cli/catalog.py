"""``sku-mappings import FILE.csv [--full]`` / ``sku-mappings list`` and ``setup-log``.

A mapping ties a catalog product code to the vendor's SKU, UPC and contracted price. The
import is all rows or none, naming every bad line (like ``stock import``); with
``--full`` the file is the vendor's whole set and mappings it lacks are removed. Both
work on a local store and against the server (``--api``). See docs/cli.md "Setup"."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.cli import bad_rows, json_output
from dropship_tui.cli.common import add_action, add_command, open_store
from dropship_tui.cli.values import positive
from dropship_tui.domain.errors import InvalidInputError


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "sku-mappings", description="Catalog product code -> the vendor's SKU, UPC and contracted price.")
    sub = p.add_subparsers(dest="mappings_command", metavar="ACTION")
    sub.required = True
    q = add_action(
        sub, "import", "add or change SKU mappings from a CSV file (all rows or none)",
        description="Columns (header row, any order, any case): vendor_code (or --vendor), "
        "product_code, vendor_sku, upc (optional), contracted_price, currency (optional, "
        "default USD). A bad row refuses the whole file, naming every bad line.",
    )
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument("--vendor", default=None, metavar="CODE", help="the vendor of rows without a vendor_code")
    q.add_argument("--full", action="store_true", help="the file is the vendor's whole set: mappings not in it are removed")
    q.set_defaults(func=run_import)
    q = add_action(sub, "list", "a vendor's SKU mappings")
    q.add_argument("--vendor", required=True, metavar="CODE")
    q.set_defaults(func=run_list)

    p = add_command(subparsers, "setup-log", description="Who changed which vendor, location, group or mapping, and how (old -> new), newest first.")
    p.add_argument("--vendor", default=None, metavar="CODE", help="only this vendor's records")
    p.add_argument("--limit", type=positive, default=50, metavar="N")
    p.set_defaults(func=run_setup_log)


def run_import(args: argparse.Namespace) -> int:
    from dropship_tui.services.sku_mapping_import import import_mappings

    with open_store(args) as store:
        try:
            report = import_mappings(store, args.file, vendor_code=args.vendor, full=args.full)
        except InvalidInputError as exc:
            raise bad_rows.refusal(args, exc) from None
    counts = {"added": report.added, "changed": report.changed, "unchanged": report.unchanged, "removed": report.removed}
    if args.json:
        json_output.print_json({"imported": True, **counts})
        return 0
    from dropship_tui.cli import output

    output.console().print(output.plain(
        "SKU mappings: " + ", ".join(f"{n} {what}" for what, n in counts.items())
    ))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        mappings = store.sku_mappings(args.vendor)
    if args.json:
        json_output.print_json([m.model_dump(mode="json") for m in mappings])
        return 0
    from dropship_tui.cli import output

    t = output.table("Product", "Vendor SKU", "UPC", ("Price", "right"), "Currency")
    for m in mappings:
        t.add_row(*(output.plain(c) for c in (m.product_code, m.vendor_sku, m.upc, f"{m.contracted_price:.2f}", m.currency)))
    output.console().print(t)
    return 0


def run_setup_log(args: argparse.Namespace) -> int:
    from dropship_tui.domain.setup import change_summary

    with open_store(args) as store:
        entries = store.setup_log(args.vendor, args.limit)
    if args.json:
        json_output.print_json([{**e.model_dump(mode="json"), "summary": change_summary(e)} for e in entries])
        return 0
    from dropship_tui.cli import output
    from dropship_tui.domain.words import local_time

    t = output.table("When", "Who", "What", "Code", "Change")
    for e in entries:
        t.add_row(*(output.plain(c) for c in (local_time(e.at), e.user, e.kind.replace("_", " "), e.code, change_summary(e))))
    output.console().print(t)
    return 0
