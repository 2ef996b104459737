"""The CSV exports (issue 14 item 4): ``dropship-tui orders … --csv`` (every column of the
dashboard list plus vendor, location and retailer PO, one row per order), ``report sla``
and ``report canceled-items``. Their rows are defined once here, so a store's fast path
(one streamed query) and the page-by-page path (a remote store) give the same rows:
names as they are (a CSV reader gets them back exactly), times in ISO 8601 UTC, stages,
statuses and reasons as their codes."""

from __future__ import annotations

from datetime import datetime

from dropship_tui.domain.models import Order, OrderSummary, SlaStatus

COLUMNS = (
    "po_number", "order_number", "retailer_po_number", "vendor_code", "location_code",
    "customer_name", "order_date", "stage", "sla_status", "progress", "total_units",
)

Row = tuple[int, str, str, str, str, str, str, str, str, int, int]


def row(r: OrderSummary) -> Row:
    return (r.po_number, r.order_number, r.retailer_po_number or "", r.vendor_code, r.location_code,
            r.customer_name, r.order_date.isoformat(), r.stage.value, r.sla_status.value, r.progress,
            r.total_units)


# --- report sla, report canceled-items ------------------------------------------------

SLA_COLUMNS = ("po_number", "order_number", "vendor_code", "location_code", "stage",
               "sla_status", "at_risk_at", "overdue_at")
"""``report sla``: the open orders at risk or overdue now, overdue first, then New before
In progress, then by PO."""
CANCELED_COLUMNS = ("po_number", "order_number", "vendor_code", "line_id", "sku", "quantity",
                    "reason_code", "reason_text", "at", "by")
"""``report canceled-items``: every canceled line of the orders dated in a period, by order
date then PO, in the order's own order."""


def sla_row(order: Order, status: SlaStatus, marks: tuple[datetime, datetime] | None) -> tuple:
    at_risk, overdue = (m.isoformat() for m in marks) if marks else ("", "")
    return (order.po_number, order.order_number, order.vendor_code, order.location_code, order.stage.value,
            status.value, at_risk, overdue)


def canceled_rows(order: Order) -> list[tuple]:
    skus = {line.line_id: line.sku for line in order.lines}
    return [(order.po_number, order.order_number, order.vendor_code, item.line_id, skus.get(item.line_id, ""),
             item.quantity, item.reason_code.value, item.reason_text, item.at.isoformat(), item.by)
            for item in order.canceled_items]
