"""How the scorecard screen shows a ``domain.scorecard.Scorecard``: the columns of the
vendors' table (each with its sort value), the one-vendor card, the weekly sparkline.

Figures come from the domain untouched; this module only writes them: a rate as a
percentage, hours with one decimal, and "—" for a figure over no orders (the domain's
None, never 0). Vendor codes and reason codes are user data: they go in as ``Text``,
through ``terminal_text``, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from dropship_tui.domain.models import ReasonCode, Stage
from dropship_tui.domain.scorecard import Scorecard
from dropship_tui.domain.words import terminal_text

NONE = "—"
"""A figure over no orders."""

BLOCKS = "▂▃▄▅▆▇█"
"""Sparkline levels of a week with orders; a week without any is ``▁`` (so one order
still stands out from none)."""


def rate_text(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:.1f}%"


def number_text(value: float | None) -> str:
    return NONE if value is None else f"{value:,.1f}"


def hours_text(value: float | None) -> str:
    return NONE if value is None else f"{number_text(value)} h"


def sparkline(weeks: Sequence[int]) -> str:
    """One cell per week, scaled to the busiest week of this vendor."""
    top = max(weeks, default=0)
    if top == 0:
        return "▁" * len(weeks)
    return "".join("▁" if n == 0 else BLOCKS[min(len(BLOCKS) - 1, (n * len(BLOCKS) - 1) // top)] for n in weeks)


def canceled_units(card: Scorecard) -> int:
    return sum(card.canceled_units_by_reason.values())


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Scorecard], Any]
    """What the column sorts by (None sorts last, either way round)."""
    text: Callable[[Scorecard], str]
    numeric: bool = True


def _figure(name: str, shown: Callable[[Any], str]) -> tuple[Callable[[Scorecard], Any], Callable[[Scorecard], str]]:
    return (lambda c: getattr(c, name)), (lambda c: shown(getattr(c, name)))


COLUMNS: tuple[Column, ...] = (
    Column("vendor", "Vendor", lambda c: c.vendor_code.casefold(), lambda c: terminal_text(c.vendor_code), numeric=False),
    Column("orders", "Orders", lambda c: c.orders, lambda c: f"{c.orders:,}"),
    Column("fill", "Fill\nrate", *_figure("fill_rate", rate_text)),
    Column("ack_on_time", "On-time\nack", *_figure("on_time_acknowledgement_rate", rate_text)),
    Column("ship_on_time", "On-time\nship", *_figure("on_time_ship_rate", rate_text)),
    Column("cancel", "Cancel\nrate", *_figure("cancel_rate", rate_text)),
    Column("ack_median", "Ack h\nmedian", *_figure("hours_to_acknowledge_median", number_text)),
    Column("ack_p90", "Ack h\np90", *_figure("hours_to_acknowledge_p90", number_text)),
    Column("ship_median", "Ship h\nmedian", *_figure("hours_to_ship_median", number_text)),
    Column("ship_p90", "Ship h\np90", *_figure("hours_to_ship_p90", number_text)),
    Column("canceled_units", "Cut\nunits", canceled_units, lambda c: f"{canceled_units(c):,}"),
    Column("weeks", "Orders\nby week", lambda c: sum(c.orders_by_week), lambda c: sparkline(c.orders_by_week), numeric=False),
)
"""The vendors' table, left to right (two-line headers: twelve columns fit 120 cells);
``o`` sorts by each in turn."""


def sorted_cards(cards: Sequence[Scorecard], key: str, reverse: bool) -> list[Scorecard]:
    """The cards by column ``key``, ties by code (as the vendor column sorts, ignoring
    case); vendors without the figure last, by code, whichever way round."""
    column = next(c for c in COLUMNS if c.key == key)
    known = [c for c in cards if column.value(c) is not None]
    unknown = [c for c in cards if column.value(c) is None]
    known.sort(key=lambda c: (column.value(c), c.vendor_code.casefold()), reverse=reverse)
    return known + sorted(unknown, key=lambda c: c.vendor_code.casefold())


def header(column: Column, sort_key: str, reverse: bool) -> Text:
    """A column's header, with ▲/▼ on the sorted one (as the dashboard's)."""
    mark = (" ▼" if reverse else " ▲") if column.key == sort_key else ""
    return Text(column.header + mark, style="bold" if mark else "", justify="right" if column.numeric else "left")


def cells(card: Scorecard) -> list[Text]:
    """One table row: every cell a ``Text`` (a vendor code is never markup)."""
    row = []
    for column in COLUMNS:
        style = "dim" if column.text(card) == NONE else ""
        row.append(Text(column.text(card), style=style, justify="right" if column.numeric else "left"))
    row[0].stylize("bold")
    return row


def _reason_label(code: str) -> str:
    try:
        return ReasonCode(code).label
    except ValueError:
        return terminal_text(code)


def card_table(card: Scorecard) -> Table:
    """One vendor's card: every figure by name, then the stages, the canceled units by
    reason and the weeks."""
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column("Figure", style="bold", no_wrap=True)
    table.add_column("Value")
    stages = "  ".join(f"{Stage(s).label} {n:,}" for s, n in card.orders_by_stage.items())
    reasons = "  ".join(f"{_reason_label(r)} {n:,}" for r, n in card.canceled_units_by_reason.items()) or NONE
    weeks = f"{sparkline(card.orders_by_week)}  {' '.join(map(str, card.orders_by_week))}"
    rows = [
        ("Orders", f"{card.orders:,}"),
        ("By stage", stages),
        ("Fill rate", rate_text(card.fill_rate)),
        ("On-time acknowledgement", rate_text(card.on_time_acknowledgement_rate)),
        ("On-time shipping", rate_text(card.on_time_ship_rate)),
        ("Cancel rate", rate_text(card.cancel_rate)),
        ("Hours to acknowledge", f"median {hours_text(card.hours_to_acknowledge_median)}"
                                 f"   p90 {hours_text(card.hours_to_acknowledge_p90)}"),
        ("Hours to ship", f"median {hours_text(card.hours_to_ship_median)}   p90 {hours_text(card.hours_to_ship_p90)}"),
        ("Canceled units by reason", reasons),
        ("Orders by week", weeks),
    ]
    for name, value in rows:
        table.add_row(Text(name), Text(value, style="dim" if value == NONE else ""))
    return table
