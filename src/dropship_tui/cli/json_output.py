"""Printing for machines (``--json``): keys are the spec's record names in snake_case,
Decimals strings, times ISO-8601 UTC. No terminal library is involved, so a scripted
``--json`` call does not pay for one."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from dropship_tui.domain import sla
from dropship_tui.domain.packages import package_status
from dropship_tui.domain.models import ActivityEntry, Order, OrderSummary, SlaStatus
from dropship_tui.domain.words import UNSAFE

# JSON escapes C0 controls by itself; with ensure_ascii=False (names stay readable) it
# would write DEL, the C1 controls (an 8-bit CSI) and the bidi overrides raw, which a
# terminal showing the output interprets. They are written as \uXXXX escapes: the same
# JSON value, nothing raw on the screen.
_ESCAPED = {c: f"\\u{c:04x}" for c in sorted(UNSAFE | {0x2028, 0x2029}) if c >= 0x20}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default).translate(_ESCAPED)


def print_json(data: Any) -> None:
    sys.stdout.write(_dumps(data) + "\n")


def print_json_list(items: Iterable[Any]) -> None:
    """A JSON list written item by item (same text as ``print_json`` of the list)."""
    write = sys.stdout.write
    first = True
    for item in items:
        body = _dumps(item)
        write(("[\n" if first else ",\n") + "  " + body.replace("\n", "\n  "))
        first = False
    write("[]\n" if first else "\n]\n")


def summary_json(summary: OrderSummary) -> dict[str, Any]:
    return summary.model_dump(mode="json")


def order_json(
    order: Order,
    sla_status: SlaStatus,
    activity: Sequence[ActivityEntry] | None = None,
) -> dict[str, Any]:
    """The whole record plus what is derived from it (sla_status, progress, customer
    name, units) and, when given, the activity newest first."""
    data = order.model_dump(mode="json")
    data["sla_status"] = sla_status.value
    data["progress"] = sla.progress(order)
    data["customer_name"] = order.customer_name
    data["units_ordered"] = order.units_ordered
    data["units_accepted"] = order.units_accepted
    for line in data["lines"]:
        line["quantity_canceled"] = order.canceled_quantity(line["line_id"])
    for slip, record in zip(data["slips"], order.slips):
        slip["units"] = sum(slip["lines"].values())
        status, since = package_status(record)  # R16: pending / shipped derived too
        slip["status"], slip["status_at"] = status.value, since.isoformat() if since else None
    if activity is not None:
        data["activity"] = [entry.model_dump(mode="json") for entry in activity]
    return data
