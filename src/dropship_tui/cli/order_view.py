"""``show PO`` for a person: the order detail as rich blocks (every value from the data
is plain ``Text``, never markup). Amounts and totals are the domain's (R8), as the invoice
will bill them."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from dropship_tui.cli import output
from dropship_tui.domain import sla, workflow
from dropship_tui.domain.models import ActivityEntry, Location, Order, SlaStatus, Vendor
from dropship_tui.domain.words import local_time, terminal_text


def _spaced(block: Any) -> tuple[Text, Any]:
    return Text(""), block


def _kv(t: Table, label: str, value: str | Text) -> None:
    t.add_row(output.plain(label, style="bold"), value if isinstance(value, Text) else output.plain(value))


def order_view(
    order: Order,
    status: SlaStatus,
    vendor: Vendor | None,
    location: Location | None,
    activity: list[ActivityEntry],
) -> Group:
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
    _kv(summary, "Order date", local_time(order.order_date))
    if order.requested_ship_date:
        _kv(summary, "Ship by", local_time(order.requested_ship_date))
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
    _kv(summary, "Ship to", Text("\n".join(terminal_text(p) for p in [who, *ship.address.lines()])))
    contact = "  ".join(p for p in (ship.phone, ship.email) if p)
    if contact:
        _kv(summary, "Contact", contact)
    blocks.extend(_spaced(summary))

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
    for line in order.lines:
        accepted = line.quantity_accepted
        amount = workflow.line_amount(line, workflow.billable_quantity(order, line))
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
    _, total = workflow.order_total(order)
    lines.add_row(*[Text("")] * 8, output.plain("Total", style="bold"), Text(f"{total} {order.currency}", style="bold"))
    blocks.extend(_spaced(lines))

    if order.canceled_items:
        canceled = output.table(("Line", "right"), ("Qty", "right"), "Reason", "When", "By", title="Canceled items")
        for item in order.canceled_items:
            canceled.add_row(
                output.plain(str(item.line_id)),
                output.plain(str(item.quantity)),
                output.plain(item.reason.describe()),
                output.plain(local_time(item.at)),
                output.plain(item.by),
            )
        blocks.extend(_spaced(canceled))

    request = order.cancel_request
    if request is not None:
        said = f"{request.status.value}: {request.reason.describe()}, asked by {request.requested_by} {local_time(request.requested_at)}"
        if request.answered_by:
            said += f"; answered by {request.answered_by} {local_time(request.answered_at)}"
        if request.answer is not None:
            said += f" ({request.answer.describe()})"
        blocks.extend(_spaced(output.text(("Cancellation request ", "bold"), output.plain(said))))

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
                    f"  issued {local_time(inv.issued_at)}  total ",
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
