"""Step 2's allocation grid (lines x packing slips) and what it says about a plan: each
line's placed units against its accepted ones, and the package summary. The screen keeps
the typed cells; these build the rows and the words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Static

from dropship_tui.domain.models import Line, Order
from dropship_tui.domain.words import terminal_text, units
from dropship_tui.tui.widgets.key_order import QtyField

DENSE = 6
"""Above this many slips the grid's headers and cells get narrower."""


def grid_rows(lines: Sequence[Line], count: int, cells: Mapping[tuple[int, int], str], current: int | None) -> list[Horizontal]:
    """The header and one row per line: a quantity field per slip (``#cell-LINE-SLIP``)
    and the line's placed label (``#placed-LINE``); ``current``: the package being packed
    by scan, marked in the header."""
    rows = [
        Horizontal(
            Static(Text("Line"), classes="g-product"),
            Static(Text("Accepted", justify="right"), classes="g-num wide-only"),
            Static(Text("Acc", justify="right"), classes="g-num narrow-only"),
            *(
                Static(
                    Text(f"Slip {n}" if count <= DENSE else f"#{n}"),
                    classes="g-cell g-head-cell" + (" -current" if n == current else ""),
                    id=f"head-{n}",
                )
                for n in range(1, count + 1)
            ),
            Static(Text("Placed"), classes="g-placed"),
            classes="grid-row grid-head",
        )
    ]
    for line in lines:
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(terminal_text(line.sku), style="bold")
        label.append("  " + terminal_text(line.description))
        rows.append(
            Horizontal(
                Static(label, classes="g-product"),
                Static(Text(str(line.quantity_accepted), justify="right"), classes="g-num"),
                *(
                    QtyField(
                        cells.get((line.line_id, n), "0"),
                        maximum=line.quantity_accepted,
                        id=f"cell-{line.line_id}-{n}",
                        classes="g-cell",
                        column=f"slip{n}",
                    )
                    for n in range(1, count + 1)
                ),
                Static("", id=f"placed-{line.line_id}", classes="g-placed"),
                classes="grid-row",
            )
        )
    return rows


def placed_text(placed: int, accepted: int, short: bool) -> Text:
    """A line's placed units of its accepted ones (``short``: the narrow wording)."""
    if placed == accepted:
        return Text(f"{placed}/{accepted} ✓" if short else f"{placed} of {accepted} ✓", style="green")
    if placed < accepted:
        gap = accepted - placed
        return Text(f"{placed}/{accepted} −{gap}" if short else f"{placed} of {accepted}: {gap} unplaced", style="bold yellow")
    over = placed - accepted
    return Text(f"{placed}/{accepted} +{over}" if short else f"{placed} of {accepted}: {over} too many", style="bold red")


def plan_summary(order: Order, plan: Sequence[Mapping[int, int]], saved: list[dict[int, int]] | None) -> Text:
    """Each package's units and contents, then whether the plan is the saved one."""
    summary = Text()
    for n, slip in enumerate(plan, start=1):
        if n > 1:
            summary.append("\n")
        summary.append(f"Packing slip {n}: ", style="bold")
        summary.append(units(sum(slip.values())))
        contents = [f"{terminal_text(order.line(lid).sku)} ×{q}" for lid, q in slip.items() if q]
        if contents:
            summary.append("  (" + ", ".join(contents) + ")", style="dim")
    if saved is not None:
        same = saved == [{k: v for k, v in s.items() if v} for s in plan]
        summary.append(
            "\nSaved ✓" if same else "\nChanged — not saved yet (ctrl+s)",
            style="bold green" if same else "bold yellow",
        )
    else:
        summary.append("\nNot saved yet (ctrl+s)", style="bold yellow")
    return summary
