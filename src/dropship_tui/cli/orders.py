"""Reading orders: ``orders`` (the dashboard list), ``show PO`` and ``activity PO``.

What scripts call most, so ``--json`` stays off rich: the people's output (``output``,
``order_view``) is imported on the way to printing it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_command, open_store
from dropship_tui.cli.values import SLAS, STAGES, choice, non_negative, option_names, po_number, sla_status, stage
from dropship_tui.domain.models import PO_MAX, OrderSummary
from dropship_tui.store.base import OrderQuery, OrderStore, SortKey

PAGE = 5000
TABLE_MAX = 1000
"""Longer listings are streamed as plain fixed-width lines instead of a table."""

SORTS = option_names(SortKey)


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "orders",
        description="List vendor orders like the dashboard: PO, order number, customer, "
        "order date, stage, SLA status, progress.",
    )
    p.add_argument("--stage", type=stage, metavar="|".join(STAGES))
    p.add_argument("--sla", type=sla_status, metavar="|".join(SLAS))
    p.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help="PO number, order number, customer name or SKU",
    )
    p.add_argument(
        "--sort",
        type=choice(SORTS, "sort column"),
        default=SortKey.PO_NUMBER,
        metavar="|".join(SORTS),
    )
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument(
        "--limit",
        type=non_negative,
        default=50,
        metavar="N",
        help="show at most N orders (default 50; 0 = all)",
    )
    p.add_argument(
        "--offset",
        type=offset,
        default=0,
        metavar="N",
        help="skip the first N orders of the list (for scripts reading it page by page)",
    )
    p.add_argument("--csv", action="store_true", help="CSV with every column plus vendor, location and retailer PO (streamed)")
    p.set_defaults(func=run_orders)

    p = add_command(
        subparsers,
        "show",
        description="Summary, ship-to, vendor and location, lines, canceled items, packing "
        "slips with tracking, invoice, SLA and progress. --json adds the activity.",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    p.set_defaults(func=run_show)

    p = add_command(subparsers, "activity")
    p.add_argument("po", type=po_number, metavar="PO")
    p.set_defaults(func=run_activity)


# --- orders ---------------------------------------------------------------------------


OFFSET_MAX = PO_MAX
"""The largest ``--offset`` (a list never holds more orders than there are PO numbers)."""


def offset(text: str) -> int:
    """``--offset``: a whole number from 0 to ``OFFSET_MAX`` (else a usage error)."""
    value = non_negative(text)
    if value > OFFSET_MAX:
        raise argparse.ArgumentTypeError(f"--offset must be at most {OFFSET_MAX:,}, not {text!r}")
    return value


def _pages(store: OrderStore, query: OrderQuery, wanted: int, start: int = 0) -> Iterator[list[OrderSummary]]:
    """The first ``wanted`` matching summaries from row ``start`` on, a page at a time
    (each page from its offset: the store reads any page in constant time)."""
    done = 0
    while done < wanted:
        page = store.list_orders(query, offset=start + done, limit=min(PAGE, wanted - done))
        if not page:
            return
        done += len(page)
        yield page


def run_orders(args: argparse.Namespace) -> int:
    query = OrderQuery(
        stage=args.stage,
        sla=args.sla,
        search=args.search.strip(),
        sort=args.sort,
        descending=args.desc,
    )
    start = getattr(args, "offset", 0)
    if start and getattr(args, "csv", False):
        raise UsageError("--offset does not apply to --csv (the CSV export is the whole list from its first row)")
    with open_store(args) as store:
        if getattr(args, "csv", False):
            from dropship_tui.cli import csv_export

            csv_export.write_orders(store, query, args.limit)
            return 0
        total = store.count_orders(query)
        wanted = args.limit or max(0, total - start)
        if args.json:
            # Streamed page by page: `--limit 0 --json` on a million orders stays flat.
            json_output.print_json_list(
                json_output.summary_json(row) for page in _pages(store, query, wanted, start) for row in page
            )
            return 0
        from dropship_tui.cli import output

        if wanted > TABLE_MAX:
            write = sys.stdout.write
            for line in output.orders_plain(
                row for page in _pages(store, query, wanted, start) for row in page
            ):
                write(line + "\n")
            return 0
        rows = [row for page in _pages(store, query, wanted, start) for row in page]
    out = output.console()
    if not rows and start and total:
        out.print(output.plain(f"No orders past the first {start:,}: the list has {total:,}.", style="dim"))
        return 0
    if not rows:
        out.print(output.plain("No orders match." if _filtered(query) else "No orders yet.", style="dim"))
        return 0
    out.print(output.orders_table(rows))
    if start:
        out.print(output.plain(f"orders {start + 1:,}-{start + len(rows):,} of {total:,} shown", style="dim"))
    elif len(rows) < total:
        out.print(
            output.plain(f"{len(rows)} of {total} orders shown; use --limit N (0 = all) for more", style="dim")
        )
    return 0


def _filtered(query: OrderQuery) -> bool:
    return bool(query.stage or query.sla or query.search)


# --- show -------------------------------------------------------------------------------


def run_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        order = store.get_order(args.po)
        status = store.sla_status(order)
        activity = store.activity(args.po)
        if args.json:
            data = json_output.order_json(order, status, activity)
            data["edi"] = [  # issue 10: the EDI documents exchanged for it
                {"set": d.set_id, "control_number": d.control_number, "direction": d.direction,
                 "when": (d.sent_at or d.created_at).isoformat(), "status": d.status.value}
                for d in store.edi_documents(args.po)
            ]
            json_output.print_json(data)
            return 0
        vendor = _maybe(store.vendor, order.vendor_code)
        location = _maybe(store.location, order.location_code)
    from dropship_tui.cli import output
    from dropship_tui.cli.order_view import order_view

    output.console().print(order_view(order, status, vendor, location, activity))
    return 0


def _maybe(getter: Any, code: str) -> Any:
    try:
        return getter(code)
    except Exception:
        return None


# --- activity ---------------------------------------------------------------------------


def run_activity(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.get_order(args.po)  # an unknown PO is refused, not shown as "no activity"
        entries = store.activity(args.po)
    if args.json:
        json_output.print_json([e.model_dump(mode="json") for e in entries])
        return 0
    from dropship_tui.cli import output

    if not entries:
        output.console().print(output.plain(f"PO {args.po} has no activity yet.", style="dim"))
        return 0
    output.console().print(output.activity_table(entries))
    return 0
