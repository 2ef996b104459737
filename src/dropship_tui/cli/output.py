"""Printing for people and machines.

People get rich tables and lines in which every piece of user data is a ``rich.text.Text``
(never markup): a customer called ``[bold]Ann[/]`` prints exactly that. Machines get JSON
(``--json``) whose keys are the spec's record names in snake_case, Decimals as strings,
times as ISO-8601 UTC.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dropship_tui.domain import sla
from dropship_tui.cli.common import clean
from dropship_tui.domain.models import ActivityEntry, Order, OrderSummary, SlaStatus, Stage


def console() -> Console:
    # No highlighting or emoji: what the data says is what is printed. Piped output is
    # given room so a table does not wrap at 80 columns (scripts want --json anyway).
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, emoji=False, markup=False, width=width)


def plain(value: object, style: str = "") -> Text:
    """User data as a ``Text``: printed literally (never markup), control characters
    neutralised."""
    return Text(clean(value), style=style)


def text(*parts: str | Text | tuple[str, str]) -> Text:
    """Plain text from pieces; a piece ``(value, style)`` is styled, never parsed."""
    return Text.assemble(
        *(
            p if isinstance(p, Text) else (clean(p[0]), p[1]) if isinstance(p, tuple) else clean(p)
            for p in parts
        )
    )


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")


def print_json_list(items: Iterable[Any]) -> None:
    """A JSON list written item by item (same text as ``print_json`` of the list)."""
    write = sys.stdout.write
    first = True
    for item in items:
        body = json.dumps(item, indent=2, ensure_ascii=False, default=_default)
        write(("[\n" if first else ",\n") + "  " + body.replace("\n", "\n  "))
        first = False
    write("[]\n" if first else "\n]\n")


# --- records as JSON ------------------------------------------------------------------


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
    for slip in data["slips"]:
        slip["units"] = sum(slip["lines"].values())
    if activity is not None:
        data["activity"] = [entry.model_dump(mode="json") for entry in activity]
    return data


# --- words --------------------------------------------------------------------------


def units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


_STAGE_STYLE = {
    Stage.NEW: "bold cyan",
    Stage.IN_PROGRESS: "yellow",
    Stage.COMPLETED: "green",
    Stage.CANCELED: "dim",
}
_SLA_STYLE = {
    SlaStatus.ON_TIME: "green",
    SlaStatus.AT_RISK: "yellow",
    SlaStatus.OVERDUE: "bold red",
}


def stage_text(stage: Stage) -> Text:
    return plain(stage.label, style=_STAGE_STYLE[stage])


def sla_text(status: SlaStatus) -> Text:
    return plain(status.label, style=_SLA_STYLE[status])


# --- tables -------------------------------------------------------------------------


def table(*columns: str | tuple[str, str], title: str | None = None) -> Table:
    """A table whose headers are ours; ``(header, "right")`` right-aligns numbers."""
    t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False, header_style="bold")
    for column in columns:
        name, justify = column if isinstance(column, tuple) else (column, "left")
        t.add_column(name, justify=justify)  # type: ignore[arg-type]
    return t


def orders_table(rows: Iterable[OrderSummary]) -> Table:
    t = table(
        ("PO", "right"), "Order", "Customer", "Order date", "Stage", "SLA", ("Progress", "right")
    )
    for row in rows:
        t.add_row(
            plain(str(row.po_number)),
            plain(row.order_number),
            plain(row.customer_name),
            plain(local_time(row.order_date)),
            stage_text(row.stage),
            sla_text(row.sla_status),
            plain(f"{row.progress} %"),
        )
    return t


def fit(value: str, width: int) -> str:
    """``value`` cut (with …) or padded to ``width`` terminal cells (CJK counts double)."""
    if cell_len(value) > width:
        value = set_cell_size(value, width - 1) + "…"
    return set_cell_size(value, width)


ORDER_COLUMNS = (("PO", 10, True), ("Order", 12, False), ("Customer", 28, False), ("Order date", 16, False), ("Stage", 11, False), ("SLA", 7, False), ("Progress", 8, True))


def _cells(values: Sequence[str]) -> str:
    parts = []
    for (_, width, right), value in zip(ORDER_COLUMNS, values):
        value = clean(value)
        parts.append(value.rjust(width) if right else fit(value, width))
    return "  ".join(parts).rstrip()


def orders_plain(rows: Iterable[OrderSummary]) -> Iterable[str]:
    """The order list as fixed-width lines, produced as the rows arrive (for listings
    too long for a table: constant memory, and ``| head`` answers at once)."""
    yield _cells([name for name, _, _ in ORDER_COLUMNS])
    yield _cells(["-" * width for _, width, _ in ORDER_COLUMNS])
    for row in rows:
        yield _cells(
            [
                str(row.po_number),
                row.order_number,
                row.customer_name,
                local_time(row.order_date),
                row.stage.label,
                row.sla_status.label,
                f"{row.progress} %",
            ]
        )


def activity_table(entries: Iterable[ActivityEntry]) -> Table:
    t = table("When", "Who", "What", "Details")
    for entry in entries:
        t.add_row(
            plain(local_time(entry.at)), plain(entry.user), plain(entry.action), plain(entry.details)
        )
    return t
