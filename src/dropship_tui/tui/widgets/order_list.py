"""The dashboard's order list: a virtual list over any number of orders.

It never holds more than a window of rows. It is a Line API ``ScrollView`` (the approach
of Textualize/toolong): ``virtual_size`` is the row count, ``render_line(y)`` returns the
``Strip`` of one screen line, and rows come in pages of ``PAGE_SIZE`` from
``store.list_orders(query, offset=..., limit=...)`` fetched by thread workers that post a
message back. At most ``MAX_PAGES`` pages are kept (least recently used go first), and
rendered strips are kept in a small LRU cache. A row that is not loaded yet renders as a
dim placeholder. The store is never called on the UI thread.

A query change (search, filter, sort) starts a worker that counts the matching orders and
fetches the first page; the list keeps showing the old result until both arrive, then
swaps in one repaint. Every result carries the generation it was asked for, so a result
that arrives after a newer query is dropped.

Cells are built as ``Segment``s from plain strings: user data is never parsed as markup.
Moving the cursor repaints just the old and the new cursor lines.

Marks: ``marks`` is a set of PO numbers (the dashboard's, kept across queries); a marked
row shows ``●`` in its first cell (and is bold), so it reads without colour.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dropship_tui.domain.models import OrderSummary, SlaStatus, Stage
from dropship_tui.tui.keymap import bindings, bindings_with_prefix
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.tui.widgets.safe import plain

PAGE_SIZE = 64
MAX_PAGES = 6
"""So the list holds at most 384 rows, whatever the store's size."""

COUNT_DELAY = 0.3
"""Seconds a search waits, rows already on screen, before counting its matches."""

SLA_SYMBOL = {SlaStatus.ON_TIME: "✓", SlaStatus.AT_RISK: "▲", SlaStatus.OVERDUE: "✗"}


_STAGE_COMPONENT = {stage: f"order-list--stage-{stage.value.replace('_', '-')}" for stage in Stage}
_SLA_COMPONENT = {status: f"order-list--sla-{status.value.replace('_', '-')}" for status in SlaStatus}


def sla_words(status: SlaStatus) -> str:
    """The SLA status as a symbol and words: never colour alone."""
    return f"{SLA_SYMBOL[status]} {status.label}"


def progress_bar(percent: int, cells: int = 5) -> str:
    percent = max(0, min(100, percent))
    full = round(percent * cells / 100)
    return "█" * full + "░" * (cells - full) + f" {percent:>3}%"


def local_time(value: datetime, narrow: bool = False) -> str:
    """An instant in the local time zone (the ``TZ`` of the terminal session)."""
    local = value.astimezone()
    return local.strftime("%m-%d %H:%M" if narrow else "%Y-%m-%d %H:%M")


def _fit(text: str, width: int, right: bool = False) -> str:
    """``text`` as exactly ``width`` cells (wide characters count 2; a cut ends in …)."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if length < width:
        pad = " " * (width - length)
        return pad + text if right else text + pad
    return text


def _exact_po_index(query: OrderQuery, page: int, rows: list[OrderSummary]) -> int | None:
    """The index of the row whose PO number is exactly the search, when it is in ``rows``."""
    search = query.search.strip()
    if not search.isdigit():
        return None
    for i, row in enumerate(rows):
        if row.po_number == int(search):
            return page * PAGE_SIZE + i
    return None


@dataclass(frozen=True)
class Column:
    key: SortKey
    title: str
    width: int
    right: bool = False


def columns_for(width: int) -> list[Column]:
    """The column layout for a list ``width`` cells wide: the customer column takes the
    rest; narrow terminals get a shorter date and progress bar."""
    narrow = width < 100
    cols = [
        Column(SortKey.PO_NUMBER, "PO", 8 if narrow else 10),
        Column(SortKey.ORDER_NUMBER, "Order #", 8 if narrow else 10),
        Column(SortKey.CUSTOMER, "Customer", 0),
        Column(SortKey.ORDER_DATE, "Ordered", 11 if narrow else 16),
        Column(SortKey.STAGE, "Stage", 11),
        Column(SortKey.SLA, "SLA", 9),
        Column(SortKey.PROGRESS, "Progress", 8 if narrow else 10),
    ]
    fixed = sum(c.width for c in cols) + len(cols)  # one space before each column
    customer = max(8, width - fixed)
    return [Column(c.key, c.title, customer) if c.key is SortKey.CUSTOMER else c for c in cols]


class OrderList(ScrollView, can_focus=True):
    """A virtual, keyboard-driven list of ``OrderSummary`` rows with a fixed header."""

    BINDINGS = [
        *bindings_with_prefix("list."),
        # marks and batch actions: list keys (not typed into the search box), run by the
        # dashboard screen (``screen.mark`` ...)
        *bindings(
            "dashboard.mark",
            "dashboard.mark_down",
            "dashboard.mark_up",
            "dashboard.mark_all",
            "dashboard.batch_ack",
            "dashboard.batch_print",
        ),
    ]

    COMPONENT_CLASSES = {
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

    DEFAULT_CSS = """
    OrderList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        overflow-y: scroll;  /* always there: a result that fits would otherwise hide it,
                                and that re-lays and re-renders the whole screen */
    }
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

    # --- messages ------------------------------------------------------------------

    class Highlighted(Message):
        """The cursor moved to another row (``summary`` is None while not loaded)."""

        def __init__(self, order_list: OrderList, index: int, summary: OrderSummary | None) -> None:
            super().__init__()
            self.order_list = order_list
            self.index = index
            self.summary = summary

    class Selected(Message):
        """Enter on a loaded row."""

        def __init__(self, order_list: OrderList, summary: OrderSummary) -> None:
            super().__init__()
            self.order_list = order_list
            self.summary = summary

    class Loaded(Message):
        """A query's first rows arrived; ``total`` is None while the count is still
        running (a second ``Loaded`` follows with it)."""

        def __init__(self, order_list: OrderList, query: OrderQuery, total: int | None) -> None:
            super().__init__()
            self.order_list = order_list
            self.query = query
            self.total = total

    class Failed(Message):
        def __init__(self, order_list: OrderList, error: str) -> None:
            super().__init__()
            self.order_list = order_list
            self.error = error

    class _Reset(Message):
        def __init__(self, generation: int, query: OrderQuery, total: int, exact: bool, page: int, rows: list[OrderSummary], cursor: int) -> None:
            super().__init__()
            self.generation = generation
            self.query = query
            self.total = total
            self.exact = exact
            self.page = page
            self.rows = rows
            self.cursor = cursor

    class _Count(Message):
        def __init__(self, generation: int, total: int) -> None:
            super().__init__()
            self.generation = generation
            self.total = total

    class _Page(Message):
        def __init__(self, generation: int, page: int, rows: list[OrderSummary]) -> None:
            super().__init__()
            self.generation = generation
            self.page = page
            self.rows = rows

    # --- state ---------------------------------------------------------------------

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.query = OrderQuery()
        self.total = 0
        self.loaded = False
        """True once the first rows arrived."""
        self.counting = False
        """The rows are shown, the count of the query is still running (``total`` is a
        lower bound until it arrives)."""
        self.cursor = 0
        self.empty_message = "No orders match. Press esc to clear the search and filters."
        self._generation = 0
        self._shown_generation = 0
        self._epoch = 0
        """Changes whenever the rows shown change (the key of the rendered strips)."""
        self._pages: OrderedDict[int, list[OrderSummary]] = OrderedDict()
        self._pending: set[int] = set()
        self._strips: LRUCache[tuple, Strip] = LRUCache(256)
        self._columns_cache: tuple[int, list[Column]] | None = None
        self._style_cache: dict[str, Style] | None = None
        self._lock = threading.Lock()
        self.fetches = 0
        """Pages fetched so far (for tests and benchmarks)."""
        self.marks: set[int] = set()
        """PO numbers of the marked orders (whatever the query shows)."""

    @property
    def store(self):
        return self.app.store

    @property
    def cached_rows(self) -> int:
        """How many rows the list holds right now (a window, never the whole store)."""
        return sum(len(rows) for rows in self._pages.values())

    @property
    def columns(self) -> list[Column]:
        width = self.scrollable_content_region.width or self.size.width
        if self._columns_cache is None or self._columns_cache[0] != width:
            self._columns_cache = (width, columns_for(width))
        return self._columns_cache[1]

    @property
    def visible_rows(self) -> int:
        """Data rows on screen (the first line is the header)."""
        return max(1, self.scrollable_content_region.height - 1)

    def row(self, index: int) -> OrderSummary | None:
        """The row at ``index`` if loaded (touching its page in the LRU)."""
        page, pos = divmod(index, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            return None
        self._pages.move_to_end(page)
        return rows[pos] if pos < len(rows) else None

    @property
    def pending(self) -> bool:
        """A new query was asked for and its result has not arrived yet."""
        return self._generation != self._shown_generation

    @property
    def current(self) -> OrderSummary | None:
        return self.row(self.cursor) if self.total else None

    # --- queries -------------------------------------------------------------------

    def set_query(self, query: OrderQuery, *, keep_cursor: bool = False) -> None:
        """Show ``query``'s result (counted and first page fetched off the UI thread)."""
        self._generation += 1
        generation = self._generation
        cursor = self.cursor if keep_cursor else 0
        known = None
        if not keep_cursor and self.loaded and not self.counting and not self.pending:
            # a new sort of the same rows: same count
            if query.model_copy(update={"sort": self.query.sort, "descending": self.query.descending}) == self.query:
                known = self.total
        self.run_worker(
            lambda: self._load(generation, query, cursor, known),
            thread=True,
            group="order-list-reset",
            exit_on_error=False,
        )

    def reload(self) -> None:
        """Fetch the count and the rows again, keeping the cursor where it is."""
        self.set_query(self.query, keep_cursor=True)

    def _call(self, fn, *args, **kwargs):
        # Store calls from the list are serialized: a page fetch and a count never run
        # on the same store connection at once.
        with self._lock:
            return fn(*args, **kwargs)

    def _rows(self, query: OrderQuery, page: int, total: int | None) -> list[OrderSummary]:
        """One page of rows. Past the middle of a known total the page is read from the
        other end (the reversed sort, a small offset) and turned around: SQLite walks
        every row it skips, so "end" and the last pages cost what the first ones do."""
        offset = page * PAGE_SIZE
        if total is not None and total > PAGE_SIZE and offset > total // 2:
            limit = min(PAGE_SIZE, total - offset)
            if limit <= 0:
                return []
            reverse = query.model_copy(update={"descending": not query.descending})
            rows = self._call(self.store.list_orders, reverse, offset=total - offset - limit, limit=limit)
            return rows[::-1]
        return self._call(self.store.list_orders, query, offset=offset, limit=PAGE_SIZE)

    def _load(self, generation: int, query: OrderQuery, cursor: int, known: int | None = None) -> None:
        """A new query: its first page first (on screen at once), then the count. A
        reload that keeps a deep cursor counts first, to read the cursor's page."""
        try:
            if cursor < PAGE_SIZE:
                rows = self._rows(query, 0, None)
                if generation != self._generation:
                    return
                if len(rows) < PAGE_SIZE:  # the whole result: no count needed
                    self.post_message(self._Reset(generation, query, len(rows), True, 0, rows, min(cursor, max(0, len(rows) - 1))))
                    return
                if known is not None:  # re-sorted: the count did not change
                    self.post_message(self._Reset(generation, query, known, True, 0, rows, cursor))
                    return
                self.post_message(self._Reset(generation, query, len(rows), False, 0, rows, cursor))
                if query.search.strip():
                    # counting a search scans many rows: wait until the typing pauses
                    # (a newer keystroke makes this count unnecessary)
                    time.sleep(COUNT_DELAY)
                    if generation != self._generation:
                        return
                total = self._call(self.store.count_orders, query)
                if generation == self._generation:
                    self.post_message(self._Count(generation, total))
                return
            total = self._call(self.store.count_orders, query)
            if generation != self._generation:
                return
            cursor = max(0, min(cursor, total - 1))
            page = cursor // PAGE_SIZE
            rows = self._rows(query, page, total) if total else []
        except Exception as exc:  # a broken store must not kill the app
            self.post_message(self.Failed(self, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self._Reset(generation, query, total, True, page, rows, cursor))

    def _fetch(self, generation: int, query: OrderQuery, page: int, total: int | None) -> None:
        try:
            if generation != self._generation:
                return
            rows = self._rows(query, page, total)
        except Exception as exc:
            self.post_message(self.Failed(self, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self._Page(generation, page, rows))

    def on_order_list__reset(self, message: _Reset) -> None:
        message.stop()
        if message.generation != self._generation:
            return  # a newer query is on its way
        unchanged = (
            self.loaded
            and message.exact
            and not self.counting
            and message.query == self.query
            and message.total == self.total
            and message.cursor == self.cursor
            and self._pages.get(message.page) == message.rows
        )
        self.query = message.query
        self.total = message.total
        self.counting = not message.exact
        self.loaded = True
        self._shown_generation = message.generation
        self._pages.clear()
        self._pending.clear()
        if message.rows:
            self._pages[message.page] = message.rows
        if unchanged:
            # a reload (r, back from another screen) that found the same rows: nothing
            # to repaint; other pages are read again when they come into view
            pass
        else:
            self._epoch += 1
            self._strips.clear()
            self.cursor = message.cursor
            exact = _exact_po_index(message.query, message.page, message.rows)
            if exact is not None:  # "/82": land on PO 82, not on order number 82 above it
                self.cursor = exact
            self._set_rows(self.total + 1)
            self._scroll_cursor_into_view(center=False)
            self.refresh()
        self.post_message(self.Loaded(self, self.query, None if self.counting else self.total))
        self.post_message(self.Highlighted(self, self.cursor, self.current))

    def on_order_list__count(self, message: _Count) -> None:
        message.stop()
        if message.generation != self._generation or message.generation != self._shown_generation:
            return
        self.counting = False
        if message.total != self.total:
            self.total = message.total
            self.cursor = min(self.cursor, max(0, self.total - 1))
            self._set_rows(self.total + 1)
        self.post_message(self.Loaded(self, self.query, self.total))

    def on_order_list__page(self, message: _Page) -> None:
        message.stop()
        self._pending.discard(message.page)
        if message.generation != self._shown_generation or message.generation != self._generation:
            return
        self._pages[message.page] = message.rows
        self._pages.move_to_end(message.page)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        # repaint just the lines of that page that are on screen
        first = message.page * PAGE_SIZE
        top = int(self.scroll_offset.y)
        start = max(first, top)
        end = min(first + PAGE_SIZE, top + self.visible_rows)
        if start < end:
            self._strips.clear()
            self._refresh_rows(start, end - start)
        if first <= self.cursor < first + PAGE_SIZE:
            self.post_message(self.Highlighted(self, self.cursor, self.current))

    def _prefetch_around(self, index: int) -> None:
        """Ask for the pages a screen above and below ``index`` before they are shown,
        so paging and scrolling rarely wait for the store."""
        rows = self.visible_rows
        for near in (index - rows, index + rows):
            if 0 <= near < self.total and not self.counting:
                self._want(near // PAGE_SIZE)

    def _want(self, page: int) -> None:
        if page in self._pending or page in self._pages:
            return
        self._pending.add(page)
        generation, query = self._generation, self.query
        total = None if self.counting else self.total
        self.fetches += 1
        self.run_worker(
            lambda: self._fetch(generation, query, page, total),
            thread=True,
            group="order-list-page",
            exit_on_error=False,
        )

    # --- rendering -----------------------------------------------------------------

    def _set_rows(self, height: int) -> None:
        """Set the virtual height (rows + header). ``virtual_size`` is a layout reactive:
        setting it re-lays and re-renders the whole screen (~20 ms, the bulk of a search
        keystroke). The scrollbar is always shown (``overflow-y: scroll``), so only the
        scrollbar and the scroll range change: that is all that is updated."""
        new = Size(self.virtual_size.width, height)
        if new == self.virtual_size:
            return
        window = self.scrollable_content_region.height
        if (
            self.is_mounted
            and window > 0
            and self.show_vertical_scrollbar
            and self.styles.overflow_y == "scroll"
        ):
            self.set_reactive(OrderList.virtual_size, new)
            self._scroll_update(new)
            if self.scroll_y > self.max_scroll_y:
                self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
            self.vertical_scrollbar.refresh()
        else:
            self.virtual_size = new

    def refresh_marks(self, index: int | None = None) -> None:
        """Repaint after the marks changed: one row, or every row on screen."""
        if index is not None:
            self._refresh_rows(index)
        else:
            self.refresh()

    def _refresh_rows(self, index: int, count: int = 1) -> None:
        y = index + 1 - int(self.scroll_offset.y)
        self.refresh(Region(0, y, self.size.width, count))

    def _forget_rendering(self) -> None:
        self._strips.clear()
        self._style_cache = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_rendering()

    def on_resize(self, event: events.Resize) -> None:
        self._forget_rendering()
        self.virtual_size = Size(event.size.width, self.total + 1)
        self.call_after_refresh(self._scroll_cursor_into_view)

    def on_focus(self) -> None:
        # only the cursor row looks different with and without focus
        self._forget_rendering()
        if self.loaded and self.total:
            self._refresh_rows(self.cursor)

    def on_blur(self) -> None:
        self._forget_rendering()
        if self.loaded and self.total:
            self._refresh_rows(self.cursor)

    def _styles(self) -> dict[str, Style]:
        """Every Rich style a row needs, worked out once per theme / focus change (asking
        Textual for a widget's style is costly enough to matter 36 times a frame)."""
        if self._style_cache is None:
            base = self.rich_style
            cursor = base + self.get_component_rich_style("order-list--cursor", partial=True)
            if getattr(self.app, "no_color", False):
                cursor += Style(reverse=True)  # no background colour to show it with
            styles = {"base": base, "cursor": cursor}
            for name in self.COMPONENT_CLASSES:
                styles[name] = base + self.get_component_rich_style(name, partial=True)
            styles["header"] = self.get_component_rich_style("order-list--header")
            styles["header-sorted"] = self.get_component_rich_style("order-list--header-sorted")
            self._style_cache = styles
        return self._style_cache

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header_strip(width)
        index = int(self.scroll_offset.y) + y - 1
        if not self.loaded or index >= self.total:
            if self.loaded and self.total == 0 and y == 1:
                return self._message_strip(self.empty_message, width)
            return Strip.blank(width, self._styles()["base"])
        summary = self.row(index)
        if summary is None:
            self._want(index // PAGE_SIZE)
        if y == 1 or y == self.visible_rows:
            self._prefetch_around(index)
        is_cursor = index == self.cursor
        marked = summary is not None and summary.po_number in self.marks
        key = (self._epoch, index, width, is_cursor, summary is not None, marked)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._row_strip(summary, width, is_cursor, marked)
            self._strips[key] = strip
        return strip

    def _header_strip(self, width: int) -> Strip:
        styles = self._styles()
        base = styles["header"]
        segments = []
        for col in self.columns:
            title = col.title
            style = base
            if col.key is self.query.sort:
                title += " ▼" if self.query.descending else " ▲"
                style = styles["header-sorted"]
            segments.append(Segment(" ", base))
            segments.append(Segment(_fit(title, col.width, col.right), style))
        return Strip(segments).adjust_cell_length(width, base)

    def _message_strip(self, message: str, width: int) -> Strip:
        return Strip([Segment(_fit(" " + plain(message), width), self._styles()["order-list--empty"])], width)

    def _row_strip(self, summary: OrderSummary | None, width: int, is_cursor: bool, marked: bool = False) -> Strip:
        styles = self._styles()
        base = styles["cursor"] if is_cursor else styles["base"]
        cols = self.columns
        if summary is None:
            style = base if is_cursor else styles["order-list--placeholder"]
            return Strip([Segment(" " + _fit("…", cols[0].width), style)]).adjust_cell_length(width, base)
        narrow = cols[3].width < 16
        values = (
            (str(summary.po_number), "order-list--po"),
            (plain(summary.order_number), None),
            (plain(summary.customer_name), None),
            (local_time(summary.order_date, narrow), None),
            (summary.stage.label, _STAGE_COMPONENT[summary.stage]),
            (sla_words(summary.sla_status), _SLA_COMPONENT[summary.sla_status]),
            (progress_bar(summary.progress, 3 if narrow else 5), "order-list--progress"),
        )
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
            for piece, piece_style in (gap, (_fit(text, col.width, col.right), style)):
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

    # --- cursor --------------------------------------------------------------------

    def _scroll_cursor_into_view(self, center: bool = False) -> bool:
        """Scroll so the cursor row is visible; True if the list scrolled."""
        top = int(self.scroll_offset.y)
        rows = self.visible_rows
        new_top = top
        if self.cursor < top:
            new_top = self.cursor
        elif self.cursor >= top + rows:
            new_top = self.cursor - rows + 1
        if center and new_top != top:
            new_top = max(0, self.cursor - rows // 2)
        if new_top != top:
            self.scroll_to(y=new_top, animate=False, immediate=True)
            return True
        return False

    def move_cursor(self, index: int) -> None:
        if not self.total:
            return
        index = max(0, min(index, self.total - 1))
        old = self.cursor
        if index == old:
            return
        self.cursor = index
        if not self._scroll_cursor_into_view():
            # only the two lines that changed are repainted
            self._refresh_rows(old)
            self._refresh_rows(index)
        self.post_message(self.Highlighted(self, index, self.current))

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self.visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self.visible_rows)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.total - 1)

    def action_select(self) -> None:
        summary = self.current
        if summary is not None:
            self.post_message(self.Selected(self, summary))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # a mouse wheel / scrollbar drag moves the view: keep the cursor on screen
        top = int(new_value)
        if self.total and not (top <= self.cursor < top + self.visible_rows):
            old = self.cursor
            self.cursor = max(top, min(self.cursor, top + self.visible_rows - 1, self.total - 1))
            if old != self.cursor:
                self.post_message(self.Highlighted(self, self.cursor, self.current))
