"""The dashboard's order list: a virtual list over any number of orders.

It never holds more than a window of rows. It is a Line API ``ScrollView`` (the approach
of Textualize/toolong): ``virtual_size`` is the row count, ``render_line(y)`` returns the
``Strip`` of one screen line, and rows come in pages of ``PAGE_SIZE`` from
``store.list_orders(query, offset=..., limit=...)`` fetched by thread workers that post a
message back. At most ``MAX_PAGES`` pages are kept (least recently used go first), and
rendered strips are kept in a small LRU cache. A row that is not loaded yet renders as a
dim placeholder. The store is never called on the UI thread (``workers.StoreWorkers``).

A query change (search, filter, sort) starts a worker that counts the matching orders and
fetches the first page; the list keeps showing the old result until both arrive, then
swaps in one repaint. Every result carries the generation it was asked for, so a result
that arrives after a newer query is dropped.

Rows are drawn by ``order_rows`` (user data is never parsed as markup). Moving the cursor
repaints just the old and the new cursor lines.

Marks: ``marks`` is a set of PO numbers (the dashboard's, kept across queries); a marked
row shows ``●`` in its first cell (and is bold), so it reads without colour.
"""

from __future__ import annotations

from collections import OrderedDict

from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.models import OrderSummary
from dropship_tui.store.base import OrderQuery
from dropship_tui.tui.widgets import order_pages
from dropship_tui.tui.widgets.order_pages import PAGE_SIZE, Count, Page, Reset, exact_po_index
from dropship_tui.tui.widgets.order_rows import (
    COMPONENT_CSS,
    COMPONENTS,
    Column,
    columns_for,
    header_strip,
    message_strip,
    row_strip,
    row_styles,
)
from dropship_tui.tui.workers import StoreWorkers

MAX_PAGES = 6
"""So the list holds at most ``MAX_PAGES * PAGE_SIZE`` (384) rows, whatever the store's size."""


class OrderList(StoreWorkers, ScrollView, can_focus=True):
    """A virtual, keyboard-driven list of ``OrderSummary`` rows with a fixed header."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False, id="list.up", tooltip="Previous order"),
        Binding("down", "cursor_down", "Down", show=False, id="list.down", tooltip="Next order"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up", tooltip="One page up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down", tooltip="One page down"),
        Binding("home", "first", "First", show=False, id="list.home", tooltip="First order"),
        Binding("end", "last", "Last", show=False, id="list.end", tooltip="Last order"),
        # marks and batch actions: list keys (not typed into the search box), run by the
        # dashboard screen (``screen.mark`` ...)
        Binding("space", "screen.mark", "Mark", show=False, id="dashboard.mark",
                tooltip="Mark or unmark the order under the cursor (and move down)"),
        Binding("shift+down", "screen.mark_range(1)", "Mark down", show=False, id="dashboard.mark_down",
                tooltip="Extend the marks to the next order"),
        Binding("shift+up", "screen.mark_range(-1)", "Mark up", show=False, id="dashboard.mark_up",
                tooltip="Extend the marks to the previous order"),
        Binding("asterisk,ctrl+a", "screen.mark_all", "Mark all", show=False, id="dashboard.mark_all",
                tooltip="Mark every order the current filter and search show (up to 1,000)"),
        Binding("A", "screen.batch_acknowledge", "Ack marked", show=False, id="dashboard.batch_ack",
                tooltip="Acknowledge the marked New orders (or the one under the cursor) in one review"),
        Binding("ctrl+o", "screen.batch_print", "Print slips", show=False, id="dashboard.batch_print",
                tooltip="Write (and print) the packing slips of the marked orders as one PDF"),
    ]

    COMPONENT_CLASSES = COMPONENTS

    DEFAULT_CSS = """
    OrderList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        overflow-y: scroll;  /* always there: a result that fits would otherwise hide it,
                                and that re-lays and re-renders the whole screen */
    }
    """ + COMPONENT_CSS

    # --- messages ------------------------------------------------------------------

    class Highlighted(Message):
        """The cursor moved to another row (``summary`` is None while not loaded)."""

        def __init__(self, order_list: OrderList, index: int, summary: OrderSummary | None) -> None:
            super().__init__()
            self.order_list = order_list
            self.index = index
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
        self._wanted: set[int] = set()  # pages asked for while painting, read after it together
        self._strips: LRUCache[tuple, Strip] = LRUCache(256)
        self._columns_cache: tuple[int, frozenset[str], list[Column]] | None = None
        self.extra_columns: frozenset[str] = frozenset()
        """Which of ``order_rows.EXTRA_COLUMNS`` are shown (the dashboard decides vendor
        and location; the retailer's PO comes once a listed order has one)."""
        self._style_cache: dict[str, Style] | None = None
        self.fetches = 0
        """Pages fetched so far (for tests and benchmarks)."""
        self.marks: set[int] = set()
        """PO numbers of the marked orders (whatever the query shows)."""

    @property
    def cached_rows(self) -> int:
        """How many rows the list holds right now (a window, never the whole store)."""
        return sum(len(rows) for rows in self._pages.values())

    @property
    def columns(self) -> list[Column]:
        width = self.scrollable_content_region.width or self.size.width
        if self._columns_cache is None or self._columns_cache[:2] != (width, self.extra_columns):
            self._columns_cache = (width, self.extra_columns, columns_for(width, self.extra_columns))
        return self._columns_cache[2]

    def show_columns(self, extras: frozenset[str]) -> None:
        """Show these extra columns (one repaint, only when they change)."""
        if extras != self.extra_columns:
            self.extra_columns = extras
            self._epoch += 1
            self._strips.clear()
            self.refresh()

    def _notice_retailer_po(self, rows: list[OrderSummary]) -> None:
        # the column stays once shown: columns coming and going while scrolling would jar
        if "retailer_po" not in self.extra_columns and any(r.retailer_po_number for r in rows):
            self.show_columns(self.extra_columns | {"retailer_po"})

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
        self.call_store(
            lambda store: order_pages.first_rows(store, generation, query, cursor, known, self._outdated),
            self._arrived,
            self._failed,
            group="order-list-reset",
        )

    def reload(self) -> None:
        """Fetch the count and the rows again, keeping the cursor where it is."""
        self.set_query(self.query, keep_cursor=True)

    def _outdated(self, generation: int) -> bool:
        return generation != self._generation

    def _arrived(self, result: Reset | Count | Page | None) -> None:
        if isinstance(result, Reset):
            self._show_reset(result)
        elif isinstance(result, Count):
            self._show_count(result)
        elif isinstance(result, Page):
            self._show_page(result)
        elif isinstance(result, list):
            for page in result:
                self._show_page(page)

    def _failed(self, error: DomainError) -> None:  # a broken store must not kill the app
        self.post_message(self.Failed(self, error.message))

    def _show_reset(self, result: Reset) -> None:
        if result.generation != self._generation:
            return  # a newer query is on its way
        unchanged = (
            self.loaded
            and result.exact
            and not self.counting
            and result.query == self.query
            and result.total == self.total
            and result.cursor == self.cursor
            and self._pages.get(result.page) == result.rows
        )
        self.query = result.query
        self.total = result.total
        self.counting = not result.exact
        self.loaded = True
        self._shown_generation = result.generation
        self._pages.clear()
        self._pending.clear()
        self._wanted.clear()
        if result.rows:
            self._pages[result.page] = result.rows
            self._notice_retailer_po(result.rows)
        if unchanged:
            # a reload (r, back from another screen) that found the same rows: nothing
            # to repaint; other pages are read again when they come into view
            pass
        else:
            self._epoch += 1
            self._strips.clear()
            self.cursor = result.cursor
            exact = exact_po_index(result.query, result.page, result.rows)
            if exact is not None:  # "/82": land on PO 82, not on order number 82 above it
                self.cursor = exact
            self._set_rows(self.total + 1)
            self._scroll_cursor_into_view(center=False)
            self.refresh()
        self.post_message(self.Loaded(self, self.query, None if self.counting else self.total))
        self.post_message(self.Highlighted(self, self.cursor, self.current))
        if not result.exact:
            generation, query = result.generation, result.query
            self.call_store(
                lambda store: order_pages.count(self.app, generation, query, self._outdated),
                self._arrived,
                self._failed,
                group="order-list-count",
                per_step=True,
            )

    def _show_count(self, result: Count) -> None:
        if result.generation != self._generation or result.generation != self._shown_generation:
            return
        self.counting = False
        if result.total != self.total:
            self.total = result.total
            self.cursor = min(self.cursor, max(0, self.total - 1))
            self._set_rows(self.total + 1)
        self.post_message(self.Loaded(self, self.query, self.total))

    def _show_page(self, result: Page) -> None:
        self._pending.discard(result.page)
        if result.generation != self._shown_generation or result.generation != self._generation:
            return
        self._pages[result.page] = result.rows
        self._pages.move_to_end(result.page)
        self._notice_retailer_po(result.rows)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        # repaint just the lines of that page that are on screen
        first = result.page * PAGE_SIZE
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
        self.fetches += 1
        if not self._wanted:
            self.call_later(self._fetch_wanted)
        self._wanted.add(page)

    def _fetch_wanted(self) -> None:
        """Each run of neighbouring pages in one read (a jump's pages and prefetches: one walk)."""
        wanted, self._wanted = self._wanted, set()
        generation, query = self._generation, self.query
        total = None if self.counting else self.total
        for first, count in order_pages.runs(wanted & self._pending):
            self.call_store(
                lambda store, first=first, count=count: order_pages.pages(
                    store, generation, query, first, count, total, self._outdated
                ),
                self._arrived,
                self._failed,
                group="order-list-page",
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
            self._style_cache = row_styles(self)
        return self._style_cache

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return header_strip(self.columns, self.query, self._styles(), width)
        index = int(self.scroll_offset.y) + y - 1
        if not self.loaded or index >= self.total:
            if self.loaded and self.total == 0 and y == 1:
                return message_strip(self.empty_message, self._styles(), width)
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
            strip = row_strip(summary, self.columns, self._styles(), width, is_cursor, marked)
            self._strips[key] = strip
        return strip

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

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # a mouse wheel / scrollbar drag moves the view: keep the cursor on screen
        top = int(new_value)
        if self.total and not (top <= self.cursor < top + self.visible_rows):
            old = self.cursor
            self.cursor = max(top, min(self.cursor, top + self.visible_rows - 1, self.total - 1))
            if old != self.cursor:
                self.post_message(self.Highlighted(self, self.cursor, self.current))
