"""Printing for people: rich tables and lines in which every piece of user data is a
``rich.text.Text`` (never markup), sanitised by ``words.terminal_text``: a customer called
``[bold]Ann[/]`` prints exactly that. Commands import this module only on the way to
printing for a person (``--json`` goes through ``json_output``), as rich takes a while to
import.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dropship_tui.domain.models import ActivityEntry, OrderSummary, SlaStatus, Stage
from dropship_tui.domain.words import local_time, terminal_text
from dropship_tui.tui.widgets.safe import fit_cells


def console() -> Console:
    # No highlighting or emoji: what the data says is what is printed. Piped output is
    # given room so a table does not wrap at 80 columns (scripts want --json anyway).
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, emoji=False, markup=False, width=width)


def plain(value: object, style: str = "") -> Text:
    """User data as a ``Text``: printed literally (never markup), control characters
    neutralised."""
    return Text(terminal_text(value), style=style)


def text(*parts: str | Text | tuple[str, str]) -> Text:
    """Plain text from pieces; a piece ``(value, style)`` is styled, never parsed."""
    return Text.assemble(
        *(
            p if isinstance(p, Text) else (terminal_text(p[0]), p[1]) if isinstance(p, tuple) else terminal_text(p)
            for p in parts
        )
    )


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



ORDER_COLUMNS = (
    ("PO", 10, True),
    ("Order", 12, False),
    ("Customer", 28, False),
    ("Order date", 16, False),
    ("Stage", 11, False),
    ("SLA", 7, False),
    ("Progress", 8, True),
)


def _cells(values: Sequence[str]) -> str:
    parts = []
    for (_, width, right), value in zip(ORDER_COLUMNS, values):
        value = terminal_text(value)
        parts.append(value.rjust(width) if right else fit_cells(value, width))
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
