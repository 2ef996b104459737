"""The dashboard's filters line: stage, SLA, sort, the search, how many orders match and
how many are marked (active filters in reverse video: not colour alone)."""

from __future__ import annotations

from rich.text import Text

from dropship_tui.domain.models import Order
from dropship_tui.domain.words import plural, terminal_text
from dropship_tui.store.base import OrderQuery
from dropship_tui.tui.widgets.order_list import OrderList
from dropship_tui.tui.widgets.order_rows import columns_for, sla_words

SORT_TITLES = {c.key: c.title for c in columns_for(120)}


def filters_text(q: OrderQuery, lst: OrderList, total: int | None = None) -> Text:
    """The line for query ``q`` as ``lst`` shows it; ``total``: the count just arrived."""
    text = Text(no_wrap=True, overflow="ellipsis")

    def part(label: str, value: str, active: bool) -> None:
        if text:
            text.append("  ")
        text.append(f"{label} ", style="dim")
        text.append(value, style="bold reverse" if active else "bold")

    part("Stage", q.stage.label if q.stage else "All", q.stage is not None)
    part("SLA", sla_words(q.sla) if q.sla else "All", q.sla is not None)
    part("Sort", f"{SORT_TITLES[q.sort]} {'▼' if q.descending else '▲'}", False)
    if q.vendor_code is not None:
        part("Vendor", terminal_text(q.vendor_code), True)
    if q.location_code is not None:
        part("Location", terminal_text(q.location_code), True)
    if q.package_exception:
        part("Packages", "⚠ exceptions only", True)
    if q.search:
        part("Search", f"“{terminal_text(q.search)}”", True)
    showing = lst.loaded and lst.query == q and not lst.pending
    if total is None and showing and not lst.counting:
        total = lst.total
    if total is not None:
        text.append("  ·  ", style="dim")
        text.append(plural(total, "order", grouped=True))
    elif showing and lst.counting:
        text.append("  ·  ", style="dim")
        text.append(f"{lst.total:,}+ orders, counting…", style="dim")
    if lst.marks:
        text.append("  ·  ", style="dim")
        text.append(f"● {len(lst.marks):,} marked", style="bold reverse")
    return text


def landing_text(order: Order, before: OrderQuery, after: OrderQuery) -> str:
    """The toast when the dashboard lands on an order that moved on: its new stage, and
    what of the filters changed so it shows."""
    changed = []
    if after.stage != before.stage:
        changed.append(f"the stage filter is now {order.stage.label}")
    if after.search != before.search:
        changed.append("the search is cleared")
    if after.sla != before.sla:
        changed.append("the SLA filter is cleared")
    said = f"PO {order.po_number} is {order.stage.label}"
    return said + (f" ({', '.join(changed)}, so it shows)" if changed else "")
