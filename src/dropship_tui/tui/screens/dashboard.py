"""The dashboard (SPEC "The screens"): stage tiles, the order list, search, filters, sort.

Everything the screen asks of the store runs in thread workers; the list itself
(``widgets.order_list.OrderList``) fetches pages of rows on demand, so a store of a
million orders opens as fast as one of ten.

Keys (defaults; each binding has an id the config's ``[keymap]`` can remap, see
``keymap.py``): ``/`` search, ``s`` cycle the stage filter, ``l`` cycle the SLA filter,
``1``-``5`` pick a stage tile, ``o`` sort by the next column, ``O`` reverse, ``P N C D S L
G`` sort by a column (again: reverse), ``enter`` open, ``f`` fulfil, ``r`` refresh,
``esc`` clear the marks, then the search, then the filters.

Marks (k9s style): ``space`` marks/unmarks the cursor's order and moves down,
``shift+up/down`` extend the marks, ``*`` (or ``ctrl+a``) marks every order the current
filter and search show (up to ``MARK_LIMIT``, read page by page in a worker). The marks
are a set of PO numbers, so they survive filter and search changes; the filters line says
how many are marked. The batch actions — ``A`` acknowledge (``screens/batch_ack.py``, opened
by navigation) and ``ctrl+o`` print the packing slips as one PDF — apply to the marked
orders, or to the cursor's order when none are marked, and say how many of them the
filter hides.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.models import Order, SlaStatus, Stage
from dropship_tui.domain.words import plural, terminal_text
from dropship_tui.services.documents import BatchPrint
from dropship_tui.store.base import OrderQuery, SortKey, StageCounts
from dropship_tui.tui.messages import Fulfil, OpenBatchAcknowledge, OpenOrder
from dropship_tui.tui.screens.dashboard_filters import DashboardFilters
from dropship_tui.tui.screens.dashboard_live import LiveDashboard
from dropship_tui.tui.printing import batch_print, batch_print_message, batch_where
from dropship_tui.tui.startup import freeze_startup_heap
from dropship_tui.tui.widgets.empty_store import empty_store_text
from dropship_tui.tui.widgets.exceptions_label import ExceptionsLabel
from dropship_tui.tui.widgets.filters_line import filters_text, landing_text
from dropship_tui.tui.widgets.order_list import OrderList
from dropship_tui.tui.widgets.order_pages import find_row, landing_queries, shown_pos
from dropship_tui.tui.widgets.order_rows import columns_for
from dropship_tui.tui.widgets.search_box import SearchBox
from dropship_tui.tui.widgets.stage_tiles import StageTiles
from dropship_tui.tui.workers import StoreWorkers
from dropship_tui.tui.widgets.key_footer import KeyFooter

MARK_LIMIT = 1000
"""Mark-all marks at most this many orders (the message says so when it stops there)."""

SEARCH_DEBOUNCE = 0.15
"""Seconds of quiet typing before a search runs."""

STAGE_CYCLE: list[Stage | None] = [None, Stage.NEW, Stage.IN_PROGRESS, Stage.COMPLETED, Stage.CANCELED]
SLA_CYCLE: list[SlaStatus | None] = [None, SlaStatus.ON_TIME, SlaStatus.AT_RISK, SlaStatus.OVERDUE]
SORT_CYCLE: list[SortKey] = [c.key for c in columns_for(120) if c.key is not None]


class DashboardScreen(StoreWorkers, DashboardFilters, LiveDashboard):
    CSS_PATH = "../styles/dashboard.tcss"
    AUTO_FOCUS = "#orders"
    """The list has the focus from the start (before its rows arrive: a focus change
    later would repaint the whole list once more)."""

    BINDINGS = [
        Binding("slash", "start_search", "Search", priority=True, id="dashboard.search",
                tooltip="Search by PO number, order number, customer name or SKU as you type"),
        Binding("enter", "open_order", "Open", id="dashboard.open", tooltip="Open the order under the cursor"),
        Binding("f", "fulfil", "Fulfil", id="dashboard.fulfil",
                tooltip="Start or continue fulfillment of the order under the cursor"),
        Binding("s", "cycle_stage", "Stage", id="dashboard.stage",
                tooltip="Filter by stage: all, New, In progress, Completed, Canceled"),
        Binding("l", "cycle_sla", "SLA", id="dashboard.sla", tooltip="Filter by SLA: all, On time, At risk, Overdue"),
        Binding("o", "cycle_sort", "Sort", id="dashboard.sort", tooltip="Sort by the next column"),
        Binding("O", "reverse_sort", "Reverse", show=False, id="dashboard.reverse", tooltip="Reverse the sort order"),
        Binding("r", "refresh_orders", "Refresh", id="dashboard.refresh", tooltip="Reload counts and rows"),
        Binding("escape", "back", "Clear", show=False, id="dashboard.back",
                tooltip="Clear the marks, then the search, then the filters"),
        Binding("1", "tile('')", "All", show=False, id="dashboard.tile_all", tooltip="Show all stages (tile Total)"),
        Binding("2", "tile('new')", "New", show=False, id="dashboard.tile_new", tooltip="Show New orders"),
        Binding("3", "tile('in_progress')", "In progress", show=False, id="dashboard.tile_in_progress",
                tooltip="Show orders In progress"),
        Binding("4", "tile('completed')", "Completed", show=False, id="dashboard.tile_completed",
                tooltip="Show Completed orders"),
        Binding("5", "tile('canceled')", "Canceled", show=False, id="dashboard.tile_canceled",
                tooltip="Show Canceled orders"),
        Binding("P", "sort('po_number')", "Sort PO", show=False, id="dashboard.sort_po",
                tooltip="Sort by PO number (again: reverse)"),
        Binding("N", "sort('order_number')", "Sort order #", show=False, id="dashboard.sort_order_number",
                tooltip="Sort by order number (again: reverse)"),
        Binding("C", "sort('customer')", "Sort customer", show=False, id="dashboard.sort_customer",
                tooltip="Sort by customer (again: reverse)"),
        Binding("D", "sort('order_date')", "Sort date", show=False, id="dashboard.sort_date",
                tooltip="Sort by order date (again: reverse)"),
        Binding("S", "sort('stage')", "Sort stage", show=False, id="dashboard.sort_stage",
                tooltip="Sort by stage (again: reverse)"),
        Binding("L", "sort('sla')", "Sort SLA", show=False, id="dashboard.sort_sla", tooltip="Sort by SLA (again: reverse)"),
        Binding("G", "sort('progress')", "Sort progress", show=False, id="dashboard.sort_progress",
                tooltip="Sort by progress (again: reverse)"),
        Binding("ctrl+t", "import_tracking", "Import tracking", show=False, id="dashboard.import_tracking",
                tooltip="Import tracking numbers from a CSV file"),
    ]
    # the mark and batch keys are bound on the order list (see ``OrderList.BINDINGS``)

    def __init__(self) -> None:
        super().__init__()
        self.query_state = OrderQuery()
        self.counts: StageCounts | None = None
        self._search_timer: Timer | None = None
        self._deferred = None
        self._filters_text: Text | None = None
        """An open/fulfil asked for while a new search result was on its way: run when
        it arrives, so a fast "/1017⏎⏎" opens PO 1017 and never the row that was there."""
        self.last_print = None
        """(path or None, skipped POs) of the last batch print (for tests)."""
        self.opening = False
        """``f`` is reading the order to open its step: the dashboard's keys wait."""

    # --- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield StageTiles(id="tiles")
        yield Static(id="filters", markup=False)
        yield ExceptionsLabel(id="exceptions")
        yield SearchBox(
            on_done=self._search_done,
            on_cancel=self._clear_search,
            placeholder="Search: PO number, order number, customer name, SKU or location",
            id="search",
            select_on_focus=False,
        )
        with Vertical(id="body"):
            yield OrderList(id="orders")
            yield Static(empty_store_text(self.app.db_option), id="empty")
        yield KeyFooter()

    @property
    def order_list(self) -> OrderList:
        return self.query_one("#orders", OrderList)

    @property
    def search_box(self) -> SearchBox:
        return self.query_one("#search", SearchBox)

    def on_mount(self) -> None:
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(" dropship-tui ", style="bold reverse")
        title.append("  Dashboard", style="bold")
        label = self.app.store_label
        if label:
            title.append("  ·  ")
            title.append(terminal_text(label), style="dim")
        self.query_one("#title", Static).update(title)
        self.search_box.cursor_blink = not self.app.low_bandwidth and not self.app.is_headless
        self._show_filters()
        self.refresh_orders(keep_cursor=False)
        self.start_live()
        self.load_setup()

    LIST_ACTIONS = frozenset(
        {"start_search", "open_order", "fulfil", "cycle_stage", "cycle_sla", "cycle_sort", "reverse_sort", "tile", "sort",
         "mark", "mark_range", "mark_all", "batch_acknowledge", "batch_print"}
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An empty store has nothing to search, filter, sort or open: those keys leave
        the footer until orders arrive."""
        if action in self.LIST_ACTIONS and self.counts is not None and self.counts.total == 0:
            return False
        # keys typed while ``f`` opens a step are meant for it (a "4" must not pick a tile)
        return not self.opening

    # --- loading -------------------------------------------------------------------

    def refresh_orders(self, keep_cursor: bool = True) -> None:
        """Reload the stage counts and the visible rows (after a fulfillment screen
        changed an order, on ``r``, on returning to the dashboard)."""
        self._load_counts()
        if keep_cursor:
            self.order_list.set_query(self.query_state, keep_cursor=True)
        else:
            self.order_list.set_query(self.query_state)

    def on_screen_resume(self) -> None:
        if self.counts is not None:  # not the first show: something may have changed
            self.refresh_orders()

    def _load_counts(self) -> None:
        self.call_store(
            lambda store: store.counts(),
            self._show_counts,
            lambda error: self.notify(f"Could not read the counts: {error.message}", severity="error"),
            group="dashboard-counts",
            exclusive=True,
        )

    def _show_counts(self, counts: StageCounts) -> None:
        self.counts = counts
        self.query_one(StageTiles).update_counts(counts, self.query_state.stage)
        empty = counts.total == 0
        if self.order_list.display == empty:  # only on a change: a layout repaints all
            self.query_one("#empty").display = empty
            self.order_list.display = not empty
            self.refresh_bindings()

    def _set_query(self, **changes) -> None:
        self.query_state = self.query_state.model_copy(update=changes)
        self.order_list.set_query(self.query_state)
        self._show_filters()
        self.query_one(StageTiles).update_counts(None, self.query_state.stage)

    def _show_filters(self, total: int | None = None) -> None:
        text = filters_text(self.query_state, self.order_list, total)
        if text != self._filters_text:  # same words: no repaint
            self._filters_text = text
            # one line of a fixed height: no layout (a layout re-renders the whole screen)
            self.query_one("#filters", Static).update(text, layout=False)

    def on_order_list_loaded(self, message: OrderList.Loaded) -> None:
        freeze_startup_heap()  # the first rows are on screen
        self._show_filters(message.total)
        if self._deferred is not None and not self.order_list.pending:
            deferred, self._deferred = self._deferred, None
            deferred()

    def on_order_list_failed(self, message: OrderList.Failed) -> None:
        self.notify(f"Could not read the orders: {message.error}", severity="error")

    # --- search --------------------------------------------------------------------

    def action_start_search(self) -> None:
        # A priority binding: it runs before the key is passed on, so the keys typed right
        # after it in one burst ("/1017⏎") already go to the box.
        box = self.search_box
        if self.focused is box:  # "/" typed inside the search itself
            box.insert_text_at_cursor("/")
            return
        box.display = True
        # focus now, not after a refresh: keys typed in one burst ("/1017⏎" from a
        # barcode scanner or a fast typist) must land in the box, then in the list
        self.set_focus(box)
        box.cursor_position = len(box.value)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DEBOUNCE, self._apply_search)

    def _apply_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        value = self.search_box.value.strip()
        if value != self.query_state.search:
            self._set_query(search=value)

    def _search_done(self) -> None:
        self._apply_search()
        if not self.search_box.value:
            self.search_box.display = False
        self.set_focus(self.order_list)

    def _clear_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        box = self.search_box
        with box.prevent(Input.Changed):
            box.value = ""
        box.display = False
        self.set_focus(self.order_list)
        if self.query_state.search:
            self._set_query(search="")

    # --- filters and sort ----------------------------------------------------------

    def action_cycle_stage(self) -> None:
        i = STAGE_CYCLE.index(self.query_state.stage)
        self._set_query(stage=STAGE_CYCLE[(i + 1) % len(STAGE_CYCLE)])

    def action_cycle_sla(self) -> None:
        i = SLA_CYCLE.index(self.query_state.sla)
        self._set_query(sla=SLA_CYCLE[(i + 1) % len(SLA_CYCLE)])

    def action_tile(self, stage: str) -> None:
        self._set_query(stage=Stage(stage) if stage else None)

    def action_sort(self, key: str) -> None:
        sort = SortKey(key)
        if sort is self.query_state.sort:
            self._set_query(descending=not self.query_state.descending)
        else:
            self._set_query(sort=sort, descending=False)

    def action_cycle_sort(self) -> None:
        i = SORT_CYCLE.index(self.query_state.sort)
        self._set_query(sort=SORT_CYCLE[(i + 1) % len(SORT_CYCLE)], descending=False)

    def action_reverse_sort(self) -> None:
        self._set_query(descending=not self.query_state.descending)

    def action_back(self) -> None:
        q = self.query_state
        if self.order_list.marks:
            self.clear_marks()
        elif q.search or self.search_box.display:
            self._clear_search()
        elif q != OrderQuery(search=q.search, sort=q.sort, descending=q.descending):  # any filter
            self._filter(stage=None, sla=None, location_code=None, vendor_code=None, package_exception=False)
        else:
            self.notify("Nothing to clear. Press q to quit.", timeout=2)

    def action_refresh_orders(self) -> None:
        self.refresh_orders()

    # --- opening orders ------------------------------------------------------------

    def _current_po(self) -> int | None:
        summary = self.order_list.current
        if summary is None:
            if self.order_list.total:
                self.notify("That row is still loading.", timeout=2)
            else:
                self.notify("No order under the cursor.", timeout=2)
            return None
        return summary.po_number

    def _wait_for_results(self, action) -> bool:
        """True (and ``action`` deferred) while a search or filter is still running."""
        if self._search_timer is not None:
            self._apply_search()
        if self.order_list.pending:
            self._deferred = action
            return True
        return False

    def action_open_order(self) -> None:
        if self._wait_for_results(self.action_open_order):
            return
        po = self._current_po()
        if po is not None:
            self.post_message(OpenOrder(po))

    def action_fulfil(self) -> None:
        if self._wait_for_results(self.action_fulfil):
            return
        po = self._current_po()
        if po is None:
            return

        def opened(order: Order | None, error: DomainError | None = None) -> None:
            if order is not None:
                self.post_message(Fulfil(order))
            else:
                self.notify(f"Could not open PO {po}: {error.message if error else ''}", severity="error")
            self.call_after_refresh(setattr, self, "opening", False)

        self.opening = True
        self.call_store(lambda store: store.get_order(po), opened, lambda error: opened(None, error),
                        group="dashboard-open", exclusive=True)

    def land_on(self, order: Order) -> None:
        """Back from a fulfillment (Done, say): the cursor on ``order``'s row, with its new
        stage, the filters adjusted if they hide it (``order_pages.landing_queries``)."""
        tries = landing_queries(self.query_state, order)
        self.call_store(lambda store: find_row(self.app, tries, order.po_number),
                        lambda found: self._landed(order, found), group="dashboard-land", exclusive=True, per_step=True)

    def _landed(self, order: Order, found: tuple[OrderQuery, int] | None) -> None:
        query, index = found or (self.query_state, self.order_list.cursor)
        self.notify(landing_text(order, self.query_state, query))
        if found is None:
            return
        if query.search != self.query_state.search:
            with self.search_box.prevent(Input.Changed):
                self.search_box.value = ""
            self.search_box.display = False
        self.query_state = query
        self.order_list.cursor = index
        self.order_list.set_query(query, keep_cursor=True)
        self._show_filters()
        self.query_one(StageTiles).update_counts(None, query.stage)

    # --- marks ---------------------------------------------------------------------

    @property
    def marks(self) -> set[int]:
        return self.order_list.marks

    def clear_marks(self, pos=None) -> None:
        """Unmark ``pos`` (default: every order)."""
        if pos is None:
            self.marks.clear()
        else:
            self.marks.difference_update(pos)
        self.order_list.refresh_marks()
        self._show_filters()

    def action_mark(self) -> None:
        lst = self.order_list
        summary = lst.current
        if summary is None:
            self._current_po()  # says why
            return
        self.marks.symmetric_difference_update({summary.po_number})
        lst.refresh_marks(lst.cursor)
        lst.action_cursor_down()
        self._show_filters()

    def action_mark_range(self, step: int) -> None:
        lst = self.order_list
        summary = lst.current
        if summary is None:
            self._current_po()
            return
        self.marks.add(summary.po_number)
        lst.refresh_marks(lst.cursor)
        lst.move_cursor(lst.cursor + step)
        nxt = lst.current
        if nxt is not None:
            self.marks.add(nxt.po_number)
            lst.refresh_marks(lst.cursor)
        self._show_filters()

    def action_mark_all(self) -> None:
        if self._wait_for_results(self.action_mark_all):
            return
        self._mark_all(self.query_state)

    def _mark_all(self, query: OrderQuery) -> None:
        self.call_store(
            lambda store: shown_pos(self.app, query, MARK_LIMIT),
            self._marked_all,
            lambda error: self.notify(f"Could not mark the orders: {error.message}", severity="error"),
            group="dashboard-mark-all",
            exclusive=True,
            per_step=True,
        )

    def _marked_all(self, result: tuple[list[int], bool]) -> None:
        pos, more = result
        self.marks.update(pos)
        self.order_list.refresh_marks()
        self._show_filters()
        if more:
            self.notify(
                f"Marked the first {len(pos):,} orders shown: the limit of one mark-all is {MARK_LIMIT:,}.",
                severity="warning",
            )
        else:
            self.notify(f"Marked {plural(len(pos), 'order', grouped=True)} ({len(self.marks):,} in all).", timeout=3)

    def batch_targets(self) -> list[int] | None:
        """The PO numbers a batch action applies to: the marked ones, else the cursor's."""
        if self.marks:
            return sorted(self.marks)
        po = self._current_po()
        return None if po is None else [po]

    def action_batch_acknowledge(self) -> None:
        if self._wait_for_results(self.action_batch_acknowledge):
            return
        pos = self.batch_targets()
        if pos:
            self.post_message(OpenBatchAcknowledge(pos, self.query_state, marked=bool(self.marks)))

    def action_batch_print(self) -> None:
        if self._wait_for_results(self.action_batch_print):
            return
        pos = self.batch_targets()
        if not pos:
            return
        self.notify(f"Writing the packing slips of {plural(len(pos), 'order', grouped=True)}…", timeout=3)
        config, query, web = self.app.config, (self.query_state if self.marks else None), self.app.is_web
        self.call_store(
            lambda store: batch_print(store, pos, config, query, web),
            lambda done: self._printed(pos, done),
            lambda error: self.notify(f"Could not write the packing slips: {error.message}", severity="error"),
            group="dashboard-print",
            exclusive=True,
        )

    def _printed(self, pos: list[int], done: BatchPrint) -> None:
        self.last_print = (done.path, done.skipped)
        self.notify(batch_print_message(pos, done, batch_where(self.app, done)), timeout=12,
                    severity="information" if done.path is not None else "warning")
