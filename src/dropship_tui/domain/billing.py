"""R8 (invoice) and R9 (done): what a line bills, the invoice, and completion."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from dropship_tui.domain import activity, sla
from dropship_tui.domain.change import Change, Ctx, commit, entry, invoiced_problem, require, step2_problem
from dropship_tui.domain.models import Invoice, InvoiceRow, Line, Order, Retailer, Stage, Vendor, money

DEFAULT_BILL_TO = "Retailer"
"""Who an invoice is billed to when nobody says (see ``bill_to``): the operator (the
retailer that placed the purchase order). The seeds never name the operator, so no store
record can stand in for it; the store setting (``settings retailer``) is the fix."""


def bill_to(retailer: Retailer | None, configured_name: str | None = None) -> Retailer:
    """R8's Bill to: the store's retailer setting; else the user's config ``bill_to_name``
    (older setups kept it there); else ``DEFAULT_BILL_TO``."""
    if retailer is not None:
        return retailer
    name = (configured_name or "").strip()
    return Retailer(name=name if name and name.isprintable() else DEFAULT_BILL_TO)


def bill_to_unset(retailer: Retailer) -> bool:
    """Is this the stand-in name (the screen then says how to set the real one)?"""
    return retailer.name == DEFAULT_BILL_TO and not retailer.address


def line_amount(line: Line, quantity: int) -> Decimal:
    """R8: ``quantity`` units at the contracted price (the line's unit price only when
    none exists), rounded to the cent as an invoice row is."""
    return money(line.billing_price * quantity)


def billable_quantity(order: Order, line: Line) -> int:
    """The units of a line the order bills as it stands: the accepted quantity once
    acknowledged (0 once canceled), the ordered quantity before."""
    if order.acknowledged or order.stage is Stage.CANCELED:
        return line.quantity_accepted or 0
    return line.quantity_ordered


def order_total(order: Order) -> tuple[int, Decimal]:
    """(units, amount) the order bills as it stands, at contracted prices."""
    count, total = 0, Decimal(0)
    for line in order.lines:
        n = billable_quantity(order, line)
        count += n
        total += line_amount(line, n)
    return count, money(total)


def build_invoice(order: Order, vendor: Vendor, invoice_number: str, issued_at: datetime) -> Invoice:
    rows = []
    for line in order.lines:
        qty = line.quantity_accepted or 0
        if qty <= 0:
            continue
        rows.append(
            InvoiceRow(
                line_id=line.line_id,
                sku=line.sku,
                vendor_sku=line.vendor_sku,
                description=line.description,
                quantity=qty,
                unit_price=line.billing_price,
                amount=line_amount(line, qty),
            )
        )
    subtotal = money(sum((r.amount for r in rows), start=Decimal(0)))
    return Invoice(
        invoice_number=invoice_number,
        issued_at=issued_at,
        po_number=order.po_number,
        order_number=order.order_number,
        vendor=vendor,
        ship_to=order.ship_to,
        rows=tuple(rows),
        subtotal=subtotal,
        total=subtotal,
        currency=order.currency,
        retailer_po_number=order.retailer_po_number,
    )


def invoice_problem(order: Order) -> str | None:
    """Why the invoice cannot be generated yet (R8), or None."""
    problem = step2_problem(order, "be invoiced") or invoiced_problem(order, "be invoiced again")
    if problem:
        return problem
    if not order.slips:
        return f"PO {order.po_number} needs its packing slips saved before the invoice"
    untracked = [str(s.number) for s in order.slips if not s.tracking_number]
    if untracked:
        noun = "slip" if len(untracked) == 1 else "slips"
        return f"PO {order.po_number} needs a tracking number on {noun} {', '.join(untracked)} before the invoice"
    return None


def generate_invoice(order: Order, vendor: Vendor, invoice_number: str, ctx: Ctx) -> Change:
    require(invoice_problem(order))
    invoice = build_invoice(order, vendor, invoice_number, ctx.now)
    details = activity.invoiced(invoice_number, invoice.total, invoice.currency, order.units_accepted)
    return commit(order, [entry(ctx, activity.INVOICED, details)], invoice=invoice)


def complete_problem(order: Order) -> str | None:
    """Why the order cannot be marked Completed now (R9), or None."""
    if order.stage is Stage.COMPLETED:
        return f"PO {order.po_number} is already completed"
    problem = step2_problem(order, "be completed")
    if problem is None and order.invoice is None:
        problem = f"PO {order.po_number} needs its invoice generated before it is done"
    return problem


def complete(order: Order, ctx: Ctx) -> Change:
    require(complete_problem(order))
    final = sla.sla_status(order, ctx.sla_policy, ctx.now, ctx.thresholds)
    return commit(
        order,
        [entry(ctx, activity.COMPLETED, activity.completed(final.label))],
        stage=Stage.COMPLETED,
        completed_at=ctx.now,
        final_sla_status=final,
    )
