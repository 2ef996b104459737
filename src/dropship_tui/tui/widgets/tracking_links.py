"""The Shipping tab's tracking links, one line per slip under its table: a URL is longer
than any table column can be at 80 or 120 columns, so it gets a line of its own and folds
onto the next when it is longer still (never cut). User data, so ``Text``, never markup."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from dropship_tui.domain.models import Order
from dropship_tui.domain.words import terminal_text


def tracking_links(order: Order) -> Text:
    """"Slip 1 of 2  https://..." per slip with a tracking URL (linked in terminals that
    follow links); empty when no slip has one."""
    text = Text(overflow="fold")
    slips = [s for s in order.slips if s.tracking_url]
    for i, slip in enumerate(slips):
        text.append(f"Slip {slip.number} of {len(order.slips)}  ", style="dim")
        text.append(terminal_text(slip.tracking_url), style=Style(link=slip.tracking_url, underline=True))
        if i < len(slips) - 1:
            text.append("\n")
    return text
