"""How the dashboard's order list draws a row: its columns for a width, and the ``Strip``
of the header, of one order and of the "nothing matches" line.

Cells are built as ``Segment``s from plain strings (user data through
``domain.words.terminal_text``): user data is never parsed as markup. ``styles`` is the
list's table of Rich styles by component name, worked out once per theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from dropship_tui.domain.models import OrderSummary, SlaStatus, Stage
from dropship_tui.domain.words import local_time, terminal_text
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.tui.widgets.progress import progress_bar
from dropship_tui.tui.widgets.safe import fit_cells, fit_words

SLA_SYMBOL = {SlaStatus.ON_TIME: "✓", SlaStatus.AT_RISK: "▲", SlaStatus.OVERDUE: "✗"}

STAGE_COMPONENT = {stage: f"order-list--stage-{stage.value.replace('_', '-')}" for stage in Stage}
SLA_COMPONENT = {status: f"order-list--sla-{status.value.replace('_', '-')}" for status in SlaStatus}

COMPONENTS = {
    "order-list--header",
    "order-list--header-sorted",
    "order-list--cursor",
    "order-list--placeholder",
    "order-list--empty",
    "order-list--po",
    "order-list--stage-new",
    "order-list--stage-in-progress",
    "order-list--stage-completed",
    "order-list--stage-canceled",
    "order-list--sla-on-time",
    "order-list--sla-at-risk",
    "order-list--sla-overdue",
    "order-list--progress",
    "order-list--mark",
}
"""The list's component classes: one style per part of a row."""

COMPONENT_CSS = """
    OrderList > .order-list--header { text-style: bold; background: $panel; color: $foreground; }
    OrderList > .order-list--header-sorted { text-style: bold underline; background: $panel; color: $accent; }
    OrderList > .order-list--cursor { background: $block-cursor-blurred-background; text-style: bold; }
    OrderList:focus > .order-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    OrderList > .order-list--placeholder { color: $text-disabled; }
    OrderList > .order-list--empty { color: $text-muted; text-style: italic; }
    OrderList > .order-list--po { text-style: bold; }
    OrderList > .order-list--stage-new { color: $primary; }
    OrderList > .order-list--stage-in-progress { color: $warning; }
    OrderList > .order-list--stage-completed { color: $success; }
    OrderList > .order-list--stage-canceled { color: $text-muted; }
    OrderList > .order-list--sla-on-time { color: $success; }
    OrderList > .order-list--sla-at-risk { color: $warning; text-style: bold; }
    OrderList > .order-list--sla-overdue { color: $error; text-style: bold; }
    OrderList > .order-list--progress { color: $accent; }
    OrderList > .order-list--mark { color: $accent; text-style: bold; }
    """


def row_styles(widget: Widget) -> dict[str, Style]:
    """The Rich style of every component (and of a plain and a cursor row) of ``widget``."""
    base = widget.rich_style
    cursor = base + widget.get_component_rich_style("order-list--cursor", partial=True)
    if getattr(widget.app, "no_color", False):
        cursor += Style(reverse=True)  # no background colour to show it with
    styles = {"base": base, "cursor": cursor}
    for name in COMPONENTS:
        styles[name] = base + widget.get_component_rich_style(name, partial=True)
    styles["header"] = widget.get_component_rich_style("order-list--header")
    styles["header-sorted"] = widget.get_component_rich_style("order-list--header-sorted")
    return styles


def sla_words(status: SlaStatus) -> str:
    """The SLA status as a symbol and words: never colour alone."""
    return f"{SLA_SYMBOL[status]} {status.label}"


def progress_cells(percent: int, cells: int) -> str:
    full, empty = progress_bar(percent, cells)
    return f"{full}{empty} {max(0, min(100, percent)):>3}%"


@dataclass(frozen=True)
class Column:
    key: SortKey | None
    """The sort the column's title names (None: a column the list does not sort by)."""
    title: str
    width: int
    right: bool = False
    name: str = ""
    """Which value of a row the column shows (``row_values``); default: the sort key's."""

    @property
    def field(self) -> str:
        return self.name or (self.key.value if self.key is not None else "")


EXTRA_COLUMNS = ("retailer_po", "vendor", "location")
"""Columns shown only when they tell rows apart (``OrderList.extra_columns``): the
retailer's PO once any listed order has one, the vendor for the operator (or a store of
several vendors), the location for a vendor of several warehouses (issue 14 items 4-5)."""


CUSTOMER_MIN = 8
"""The customer column's least width: below it, columns are dropped (``DROP_ORDER``)."""

DROP_ORDER = (SortKey.PROGRESS, SortKey.ORDER_NUMBER, SortKey.ORDER_DATE)
"""Below about 70 cells (60x20) the least needed columns go first, whole: the progress
bar (the stage says most of it), the operator's order number, then the order date. PO,
customer, stage and SLA always stay."""


def columns_for(width: int, extras: frozenset[str] | set[str] = frozenset()) -> list[Column]:
    """The column layout for a list ``width`` cells wide: the customer column takes the
    rest; narrow terminals get a shorter date and progress bar. ``extras``: which of
    ``EXTRA_COLUMNS`` to show (each is dropped again when the customer column would get
    narrower than 8, then the columns of ``DROP_ORDER``)."""
    narrow = width < 100
    cols = [
        Column(SortKey.PO_NUMBER, "PO", 8 if narrow else 10),
        Column(SortKey.ORDER_NUMBER, "Order #", 8 if narrow else 10),
    ]
    if "retailer_po" in extras:
        cols.append(Column(None, "Retailer PO", 10 if narrow else 12, name="retailer_po"))
    cols.append(Column(SortKey.CUSTOMER, "Customer", 0))
    if "vendor" in extras:
        cols.append(Column(None, "Vendor", 8 if narrow else 10, name="vendor"))
    if "location" in extras:
        cols.append(Column(None, "Location", 10 if narrow else 12, name="location"))
    cols += [
        Column(SortKey.ORDER_DATE, "Ordered", 11 if narrow else 16),
        Column(SortKey.STAGE, "Stage", 11),
        Column(SortKey.SLA, "SLA", 9),
        Column(SortKey.PROGRESS, "Progress", 8 if narrow else 10),
    ]
    fixed = sum(c.width for c in cols) + len(cols)  # one space before each column
    if width - fixed < CUSTOMER_MIN and extras:  # too narrow for them all: the last extra goes first
        keep = [e for e in EXTRA_COLUMNS if e in extras]
        return columns_for(width, frozenset(keep[:-1]))
    for key in DROP_ORDER:
        if width - fixed >= CUSTOMER_MIN:
            break
        cols = [c for c in cols if c.key is not key]
        fixed = sum(c.width for c in cols) + len(cols)
    customer = max(CUSTOMER_MIN, width - fixed)
    return [Column(c.key, c.title, customer) if c.key is SortKey.CUSTOMER else c for c in cols]


def header_strip(cols: list[Column], query: OrderQuery, styles: dict[str, Style], width: int) -> Strip:
    base = styles["header"]
    segments = []
    for col in cols:
        title = col.title
        style = base
        if col.key is query.sort:
            title += " ▼" if query.descending else " ▲"
            style = styles["header-sorted"]
        segments.append(Segment(" ", base))
        segments.append(Segment(fit_words(title, col.width, col.right), style))
    return Strip(segments).adjust_cell_length(width, base)


def message_strip(message: str, styles: dict[str, Style], width: int) -> Strip:
    return Strip([Segment(fit_cells(" " + terminal_text(message), width), styles["order-list--empty"])], width)


def row_strip(
    summary: OrderSummary | None,
    cols: list[Column],
    styles: dict[str, Style],
    width: int,
    is_cursor: bool,
    marked: bool = False,
) -> Strip:
    """One order's line (``summary`` None: a row not loaded yet, a dim placeholder)."""
    base = styles["cursor"] if is_cursor else styles["base"]
    if summary is None:
        style = base if is_cursor else styles["order-list--placeholder"]
        return Strip([Segment(" " + fit_cells("…", cols[0].width), style)]).adjust_cell_length(width, base)
    narrow = next((c.width < 16 for c in cols if c.key is SortKey.ORDER_DATE), False)
    cells = {
        "po_number": (str(summary.po_number), "order-list--po"),
        "order_number": (terminal_text(summary.order_number), None),
        "retailer_po": (terminal_text(summary.retailer_po_number or ""), None),
        "customer": (terminal_text(summary.customer_name), None),
        "vendor": (terminal_text(summary.vendor_code), None),
        "location": (terminal_text(summary.location_code), None),
        "order_date": (local_time(summary.order_date, "%m-%d %H:%M" if narrow else "%Y-%m-%d %H:%M"), None),
        "stage": (summary.stage.label, STAGE_COMPONENT[summary.stage]),
        "sla": (sla_words(summary.sla_status), SLA_COMPONENT[summary.sla_status]),
        "progress": (progress_cells(summary.progress, 3 if narrow else 5), "order-list--progress"),
    }
    values = [cells[c.field] for c in cols]
    # cells of one style are joined into one segment: fewer segments, less work for
    # every later stage of the frame
    segments = []
    run: list[str] = []
    run_style = base
    used = 0
    lead, lead_style = " ", base
    if marked:
        lead = "●"
        lead_style = base if is_cursor else styles["order-list--mark"]
        base_text = styles["order-list--po"] if not is_cursor else base
    for i, (col, (text, component)) in enumerate(zip(cols, values)):
        # the cursor row is one colour pair: a stage or SLA colour on the cursor
        # background could vanish (the words and symbols still say it all)
        style = styles[component] if component is not None and not is_cursor else base
        if marked and not is_cursor and component is None:
            style = base_text  # a marked row is bold
        gap = (lead, lead_style) if i == 0 else (" ", base)
        for piece, piece_style in (gap, (fit_words(text, col.width, col.right), style)):
            if piece_style is not run_style:
                if run:
                    segments.append(Segment("".join(run), run_style))
                run, run_style = [piece], piece_style
            else:
                run.append(piece)
        used += col.width + 1
    segments.append(Segment("".join(run), run_style))
    if used == width:  # every cell was fitted to its column: the length is known
        return Strip(segments, width)
    return Strip(segments).adjust_cell_length(width, base)
