"""Step 2's allocation grid (lines x packing slips) and what it says about a plan: each
line's placed units against its accepted ones, and the package summary. The screen keeps
the typed cells and draws them in a ``LineGrid``; these give its columns and words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text

from dropship_tui.domain.models import Line, Order
from dropship_tui.domain.words import plural, terminal_text, units
from dropship_tui.tui.widgets.line_grid import GridColumn

DENSE = 6
"""Above this many slips the grid's headers and cells get narrower."""
CONTENTS_SHOWN = 6
"""The lines a slip's summary names; past these it counts the rest (the grid shows each):
a 200-line slip's contents wrapped over several rows, were wrapped again on every key
and grew or shrank a row (a relayout) whenever a line's count went to or from 0."""
PROBLEMS_SHOWN = 3
"""The plan's problems listed under the grid; past these, one line counts the rest (the
Placed column shows each line's): on a 200-line order the list grew or shrank a row on
most keys, and a relayout each was most of the key's time (issue 13 item 9)."""


def grid_columns(count: int, narrow: bool) -> list[GridColumn]:
    """The grid's columns for ``count`` slips: the line, its accepted units, a quantity
    field per slip (``slipN``) and its placed units."""
    dense = count > DENSE
    cell = (4 if narrow else 5) if dense else 7
    slips = [
        GridColumn(f"slip{n}", f"Slip {n}" if not dense else f"#{n}", cell, gap=2 if n == count else 1, field=True)
        for n in range(1, count + 1)
    ]
    return [
        GridColumn("product", "Line"),
        GridColumn("accepted", "Acc" if narrow else "Accepted", 4 if narrow else 9, right=True, drop=1),
        *slips,
        GridColumn("placed", "Placed", 11 if narrow else 22, drop=2),  # too narrow: it goes first
    ]


def line_label(line: Line) -> Text:
    """The grid's first column: the SKU in bold, then the description."""
    label = Text(no_wrap=True, overflow="ellipsis")
    label.append(terminal_text(line.sku), style="bold")
    label.append("  " + terminal_text(line.description))
    return label


def placed_text(placed: int, accepted: int, short: bool) -> Text:
    """A line's placed units of its accepted ones (``short``: the narrow wording)."""
    if placed == accepted:
        return Text(f"{placed}/{accepted} ✓" if short else f"{placed} of {accepted} ✓", style="green")
    if placed < accepted:
        gap = accepted - placed
        return Text(f"{placed}/{accepted} −{gap}" if short else f"{placed} of {accepted}: {gap} unplaced", style="bold yellow")
    over = placed - accepted
    return Text(f"{placed}/{accepted} +{over}" if short else f"{placed} of {accepted}: {over} too many", style="bold red")


def problems_text(problems: Sequence[str]) -> Text:
    """The plan's problems, at most ``PROBLEMS_SHOWN`` then how many more."""
    shown = [f"✗ {terminal_text(p)}" for p in problems[:PROBLEMS_SHOWN]]  # they quote SKUs
    if len(problems) > PROBLEMS_SHOWN:
        shown.append(f"… and {len(problems) - PROBLEMS_SHOWN} more (the Placed column shows each line)")
    return Text("\n".join(shown), style="bold red")


def plan_summary(order: Order, plan: Sequence[Mapping[int, int]], saved: list[dict[int, int]] | None) -> Text:
    """Each package's units and contents, then whether the plan is the saved one."""
    summary = Text()
    skus = {line.line_id: line.sku for line in order.lines}
    for n, slip in enumerate(plan, start=1):
        if n > 1:
            summary.append("\n")
        summary.append(f"Packing slip {n}: ", style="bold")
        summary.append(units(sum(slip.values())))
        placed = [(lid, q) for lid, q in slip.items() if q]
        contents = [f"{terminal_text(skus[lid])} ×{q}" for lid, q in placed[:CONTENTS_SHOWN]]
        if len(placed) > CONTENTS_SHOWN:
            contents.append(f"… and {plural(len(placed) - CONTENTS_SHOWN, 'more line', 'more lines')}")
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
