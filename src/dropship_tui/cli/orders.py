"""Reading orders: ``orders`` (the dashboard list), ``show PO`` and ``activity PO``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Group
from rich.text import Text

from dropship_tui.domain import sla
from dropship_tui.domain.models import Order, SlaStatus, Stage, money
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.cli import output
from dropship_tui.cli.common import add_command, non_negative, open_store, po_number

PAGE = 5000
TABLE_MAX = 1000
"""Longer listings are streamed as plain fixed-width lines instead of a table."""

_STAGES = {s.value.replace("_", "-"): s for s in Stage}
_SLAS = {s.value.replace("_", "-"): s for s in SlaStatus}
_SORTS = {k.value.replace("_", "-"): k for k in SortKey}


def _choice(table: dict[str, Any], what: str):  # type: ignore[no-untyped-def]
    def parse(text: str) -> Any:
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        if key not in table:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {text!r}; use one of {', '.join(table)}"
            )
        return table[key]

    parse.__name__ = what
    return parse


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "orders",
        "list orders (filter, search, sort)",
        description="List vendor orders like the dashboard: PO, order number, customer, "
        "order date, stage, SLA status, progress.",
    )
    p.add_argument("--stage", type=_choice(_STAGES, "stage"), metavar="|".join(_STAGES))
    p.add_argument("--sla", type=_choice(_SLAS, "SLA status"), metavar="|".join(_SLAS))
    p.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help="PO number, order number, customer name or SKU",
    )
    p.add_argument(
        "--sort",
        type=_choice(_SORTS, "sort column"),
        default=SortKey.PO_NUMBER,
        metavar="|".join(_SORTS),
    )
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument(
        "--limit",
        type=non_negative,
        default=50,
        metavar="N",
        help="show at most N orders (default 50; 0 = all)",
    )
    p.set_defaults(func=run_orders)

    p = add_command(
        subparsers,
        "show",
        "everything about one order",
        description="Summary, ship-to, vendor and location, lines, canceled items, packing "
        "slips with tracking, invoice, SLA and progress. --json adds the activity.",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    p.set_defaults(func=run_show)

    p = add_command(subparsers, "activity", "an order's activity log, newest first")
    p.add_argument("po", type=po_number, metavar="PO")
    p.set_defaults(func=run_activity)


# --- orders ---------------------------------------------------------------------------


def _pages(store: Any, query: OrderQuery, wanted: int):  # type: ignore[no-untyped-def]
    """The first ``wanted`` matching summaries, a page at a time."""
    done = 0
    while done < wanted:
        page = store.list_orders(query, offset=done, limit=min(PAGE, wanted - done))
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
    with open_store(args) as store:
        total = store.count_orders(query)
        wanted = args.limit or total
        if args.json:
            # Streamed page by page: `--limit 0 --json` on a million orders stays flat.
            output.print_json_list(
                output.summary_json(row) for page in _pages(store, query, wanted) for row in page
            )
            return 0
        if wanted > TABLE_MAX:
            write = sys.stdout.write
            for line in output.orders_plain(
                row for page in _pages(store, query, wanted) for row in page
            ):
                write(line + "\n")
            return 0
        rows = [row for page in _pages(store, query, wanted) for row in page]
    out = output.console()
    if not rows:
        out.print(output.plain("No orders match." if _filtered(query) else "No orders yet.", style="dim"))
        return 0
    out.print(output.orders_table(rows))
    if len(rows) < total:
        out.print(
            Text(f"{len(rows)} of {total} orders shown; use --limit N (0 = all) for more", style="dim")
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
            output.print_json(output.order_json(order, status, activity))
            return 0
        vendor = _maybe(store.vendor, order.vendor_code)
        location = _maybe(store.location, order.location_code)
    output.console().print(order_view(order, status, vendor, location, activity))
    return 0


def _maybe(getter: Any, code: str) -> Any:
    try:
        return getter(code)
    except Exception:
        return None


def _spaced(block: Any) -> tuple[Text, Any]:
    return Text(""), block


def _kv(t: Any, label: str, value: str | Text) -> None:
    t.add_row(output.plain(label, style="bold"), value if isinstance(value, Text) else output.plain(value))


def order_view(order: Order, status: SlaStatus, vendor: Any, location: Any, activity: list) -> Group:
    """The order detail as printable blocks (every value from the data is plain Text)."""
    blocks: list[Any] = []
    title = output.text(
        (f"PO {order.po_number}", "bold"),
        "  order ",
        order.order_number,
        "  ",
        output.stage_text(order.stage),
        "  SLA ",
        output.sla_text(status),
        f"  {sla.progress(order)} %",
    )
    blocks.append(title)

    summary = output.table("", "", title=None)
    summary.show_header = False
    _kv(summary, "Order date", output.local_time(order.order_date))
    if order.requested_ship_date:
        _kv(summary, "Ship by", output.local_time(order.requested_ship_date))
    _kv(summary, "Shipping method", order.shipping_method)
    units = f"{order.units_ordered} ordered"
    if order.acknowledged:
        units += f", {order.units_accepted} accepted"
    _kv(summary, "Units", units)
    vendor_name = f"{vendor.name} ({vendor.code})" if vendor else order.vendor_code
    _kv(summary, "Vendor", vendor_name)
    loc_name = f"{location.name} ({location.code})" if location else order.location_code
    _kv(summary, "Location", loc_name)
    ship = order.ship_to
    who = ", ".join(p for p in (ship.full_name, ship.company) if p)
    _kv(summary, "Ship to", Text("\n".join(output.clean(p) for p in [who, *ship.address.lines()])))
    contact = "  ".join(p for p in (ship.phone, ship.email) if p)
    if contact:
        _kv(summary, "Contact", contact)
    blocks.extend(_spaced(summary))

    acked = order.acknowledged or order.stage is Stage.CANCELED
    lines = output.table(
        ("Line", "right"),
        "SKU",
        "Vendor SKU",
        "UPC",
        "Description",
        ("Ordered", "right"),
        ("Accepted", "right"),
        ("Canceled", "right"),
        ("Price", "right"),
        ("Amount", "right"),
        title="Items",
    )
    total = 0
    for line in order.lines:
        accepted = line.quantity_accepted if acked else None
        billed = accepted if accepted is not None else line.quantity_ordered
        amount = money(line.billing_price * billed)
        total += amount
        lines.add_row(
            output.plain(str(line.line_id)),
            output.plain(line.sku),
            output.plain(line.vendor_sku),
            output.plain(line.upc),
            output.plain(line.description),
            output.plain(str(line.quantity_ordered)),
            Text("" if accepted is None else str(accepted)),
            output.plain(str(order.canceled_quantity(line.line_id) or "")),
            output.plain(str(line.billing_price)),
            output.plain(str(amount)),
        )
    lines.add_row(*[Text("")] * 8, output.plain("Total", style="bold"), Text(f"{money(total)} {order.currency}", style="bold"))
    blocks.extend(_spaced(lines))

    if order.canceled_items:
        canceled = output.table(("Line", "right"), ("Qty", "right"), "Reason", "When", "By", title="Canceled items")
        for item in order.canceled_items:
            canceled.add_row(
                output.plain(str(item.line_id)),
                output.plain(str(item.quantity)),
                output.plain(item.reason.describe()),
                output.plain(output.local_time(item.at)),
                output.plain(item.by),
            )
        blocks.extend(_spaced(canceled))

    if order.slips:
        slips = output.table(("Slip", "right"), "Contents", "Carrier", "Tracking number", "Tracking URL", title="Shipping")
        for slip in order.slips:
            contents = ", ".join(f"line {lid} × {n}" for lid, n in slip.lines.items())
            slips.add_row(
                Text(f"{slip.number} of {len(order.slips)}"),
                output.plain(contents),
                output.plain(slip.carrier or ""),
                output.plain(slip.tracking_number or "(none yet)", style="" if slip.tracking_number else "dim"),
                output.plain(slip.tracking_url or ""),
            )
        blocks.extend(_spaced(slips))

    if order.invoice:
        inv = order.invoice
        blocks.extend(
            _spaced(
                output.text(
                    ("Invoice ", "bold"),
                    inv.invoice_number,
                    f"  issued {output.local_time(inv.issued_at)}  total ",
                    (f"{inv.total} {inv.currency}", "bold"),
                )
            )
        )

    if activity:
        blocks.extend(_spaced(output.plain("Activity", style="italic")))
        blocks.append(output.activity_table(activity[:10]))
        if len(activity) > 10:
            blocks.append(Text(f"… {len(activity) - 10} older entries: dropship-tui activity {order.po_number}", style="dim"))
    return Group(*blocks)


# --- activity ---------------------------------------------------------------------------


def run_activity(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.get_order(args.po)  # an unknown PO is refused, not shown as "no activity"
        entries = store.activity(args.po)
    if args.json:
        output.print_json([e.model_dump(mode="json") for e in entries])
        return 0
    if not entries:
        output.console().print(Text(f"PO {args.po} has no activity yet.", style="dim"))
        return 0
    output.console().print(output.activity_table(entries))
    return 0
