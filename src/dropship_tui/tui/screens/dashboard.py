"""The dashboard (SPEC "The screens"): stage tiles, the order list, search, filters, sort.

Everything the screen asks of the store runs in thread workers; the list itself
(``widgets.order_list.OrderList``) fetches pages of rows on demand, so a store of a
million orders opens as fast as one of ten.

Keys (defaults; each has a binding id the config's ``[keymap]`` can remap, see
``keymap.py``): ``/`` search, ``s`` cycle the stage filter, ``l`` cycle the SLA filter,
``1``-``5`` pick a stage tile, ``o`` sort by the next column, ``O`` reverse, ``P N C D S L
G`` sort by a column (again: reverse), ``enter`` open, ``f`` fulfil, ``r`` refresh,
``esc`` clear the marks, then the search, then the filters.

Marks (k9s style): ``space`` marks/unmarks the cursor's order and moves down,
``shift+up/down`` extend the marks, ``*`` (or ``ctrl+a``) marks every order the current
filter and search show (up to ``MARK_LIMIT``, read page by page in a worker). The marks
are a set of PO numbers, so they survive filter and search changes; the filters line says
how many are marked. The batch actions — ``A`` acknowledge (``screens/batch_ack.py``) and
``ctrl+o`` print the packing slips as one PDF — apply to the marked orders, or to the
cursor's order when none are marked, and say how many of them the filter hides.
"""

from __future__ import annotations

import gc

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from dropship_tui.domain.models import SlaStatus, Stage
from dropship_tui.tui.keymap import bindings
from dropship_tui.store.base import OrderQuery, SortKey, StageCounts
from dropship_tui.tui.widgets.order_list import OrderList, columns_for, sla_words
from dropship_tui.tui.widgets.safe import plain
from dropship_tui.tui.widgets.stage_tiles import StageTiles

MARK_LIMIT = 1000
"""Mark-all marks at most this many orders (the message says so when it stops there)."""

SEARCH_DEBOUNCE = 0.15
"""Seconds of quiet typing before a search runs."""

STAGE_CYCLE: list[Stage | None] = [None, Stage.NEW, Stage.IN_PROGRESS, Stage.COMPLETED, Stage.CANCELED]
SLA_CYCLE: list[SlaStatus | None] = [None, SlaStatus.ON_TIME, SlaStatus.AT_RISK, SlaStatus.OVERDUE]
SORT_CYCLE: list[SortKey] = [c.key for c in columns_for(120)]
SORT_TITLES = {c.key: c.title for c in columns_for(120)}

_FROZEN = False


def _freeze_startup_heap() -> None:
    """Once the first rows are on screen, move every object alive so far (modules,
    Textual's widgets and styles, the store) out of the garbage collector's sight
    (``gc.freeze``): a full collection then walks only what was made since, instead of
    pausing a keystroke for 50-75 ms every so often (seen on the search benchmark)."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.collect()
        gc.freeze()


def empty_store_text(db_option: str = "") -> Text:
    """What an empty store shows instead of an empty grid: how to get orders in.
    ``db_option`` (`` --db PATH``) names this store when it is not the default one."""
    text = Text()
    text.append("This store has no orders yet.\n\n", style="bold")
    for intro, command in (
        ("Load demo data into it (sample orders in every stage):", f"dropship-tui demo{db_option}"),
        ("Import purchase orders from a file:", f"dropship-tui import FILE.json{db_option}"),
        ("Or try everything on a throwaway store:", "dropship-tui --demo"),
    ):
        text.append(intro + "\n")
        text.append("    " + command + "\n\n", style="bold")
    text.append("Then press r here to refresh, or q to quit.", style="italic")
    return text


class SearchBox(Input):
    """The search field: as you type, the list narrows (debounced).

    Enter (or down) hands the focus to the list at once, not via a message, and a key
    that arrives after that in the same burst (a fast "/1017⏎⏎") goes on to the widget
    that has the focus now, so it acts on the list instead of landing in the box.
    """

    BINDINGS = bindings("search.done", "search.cancel")

    def __init__(self, *, on_done, on_cancel, **kwargs) -> None:
        super().__init__(**kwargs)
        self._on_done = on_done
        self._on_cancel = on_cancel

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.prevent_default()
            event.stop()
            focused.post_message(events.Key(event.key, event.character))

    def action_submit(self) -> None:
        self._on_done()

    def action_search_done(self) -> None:
        self._on_done()

    def action_search_cancel(self) -> None:
        self._on_cancel()


class DashboardScreen(Screen):
    CSS_PATH = "../styles/dashboard.tcss"
    AUTO_FOCUS = "#orders"
    """The list has the focus from the start (before its rows arrive: a focus change
    later would repaint the whole list once more)."""

    BINDINGS = bindings(
        "dashboard.search",
        "dashboard.open",
        "dashboard.fulfil",
        "dashboard.stage",
        "dashboard.sla",
        "dashboard.sort",
        "dashboard.reverse",
        "dashboard.refresh",
        "dashboard.back",
        "dashboard.tile_all",
        "dashboard.tile_new",
        "dashboard.tile_in_progress",
        "dashboard.tile_completed",
        "dashboard.tile_canceled",
        "dashboard.sort_po",
        "dashboard.sort_order_number",
        "dashboard.sort_customer",
        "dashboard.sort_date",
        "dashboard.sort_stage",
        "dashboard.sort_sla",
        "dashboard.sort_progress",
        "dashboard.import_tracking",
    )
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

    # --- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield StageTiles(id="tiles")
        yield Static(id="filters", markup=False)
        yield SearchBox(
            on_done=self._search_done,
            on_cancel=self._clear_search,
            placeholder="Search: PO number, order number, customer name or SKU",
            id="search",
            select_on_focus=False,
        )
        with Vertical(id="body"):
            yield OrderList(id="orders")
            yield Static(empty_store_text(getattr(self.app, "db_option", "")), id="empty")
        yield Footer()

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
        label = getattr(self.app, "store_label", "")
        if label:
            title.append("  ·  ")
            title.append(plain(label), style="dim")
        self.query_one("#title", Static).update(title)
        self.search_box.cursor_blink = not getattr(self.app, "low_bandwidth", False) and not self.app.is_headless
        self._show_filters()
        self.refresh_orders(keep_cursor=False)

    LIST_ACTIONS = frozenset(
        {"start_search", "open_order", "fulfil", "cycle_stage", "cycle_sla", "cycle_sort", "reverse_sort", "tile", "sort",
         "mark", "mark_range", "mark_all", "batch_acknowledge", "batch_print"}
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An empty store has nothing to search, filter, sort or open: those keys leave
        the footer until orders arrive."""
        if action in self.LIST_ACTIONS and self.counts is not None and self.counts.total == 0:
            return False
        return True

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

    @work(thread=True, group="dashboard-counts", exclusive=True, exit_on_error=False)
    def _load_counts(self) -> None:
        lock = getattr(self.app, "store_lock", None)
        try:
            if lock is not None:
                with lock:
                    counts = self.app.store.counts()
            else:
                counts = self.app.store.counts()
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Could not read the counts: {exc}", severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_counts, counts)

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
        q = self.query_state
        text = Text(no_wrap=True, overflow="ellipsis")

        def part(label: str, value: str, active: bool) -> None:
            if text:
                text.append("  ")
            text.append(f"{label} ", style="dim")
            text.append(value, style="bold reverse" if active else "bold")

        part("Stage", q.stage.label if q.stage else "All", q.stage is not None)
        part("SLA", sla_words(q.sla) if q.sla else "All", q.sla is not None)
        part("Sort", f"{SORT_TITLES[q.sort]} {'▼' if q.descending else '▲'}", False)
        if q.search:
            part("Search", f"“{plain(q.search)}”", True)
        lst = self.order_list
        showing = lst.loaded and lst.query == q and not lst.pending
        if total is None and showing and not lst.counting:
            total = lst.total
        if total is not None:
            text.append("  ·  ", style="dim")
            text.append(f"{total:,} order{'s' if total != 1 else ''}")
        elif showing and lst.counting:
            text.append("  ·  ", style="dim")
            text.append(f"{lst.total:,}+ orders, counting…", style="dim")
        if lst.marks:
            text.append("  ·  ", style="dim")
            text.append(f"● {len(lst.marks):,} marked", style="bold reverse")
        if text != self._filters_text:  # same words: no repaint
            self._filters_text = text
            # one line of a fixed height: no layout (a layout re-renders the whole screen)
            self.query_one("#filters", Static).update(text, layout=False)

    def on_order_list_loaded(self, message: OrderList.Loaded) -> None:
        _freeze_startup_heap()
        self._show_filters(message.total)
        if self._deferred is not None and not self.order_list.pending:
            deferred, self._deferred = self._deferred, None
            deferred()

    def on_order_list_failed(self, message: OrderList.Failed) -> None:
        self.notify(f"Could not read the orders: {message.error}", severity="error", markup=False)

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
        elif q.stage is not None or q.sla is not None:
            self._set_query(stage=None, sla=None)
        else:
            self.notify("Nothing to clear. Press q to quit.", timeout=2)

    def action_refresh_orders(self) -> None:
        self.refresh_orders()

    def action_import_tracking(self) -> None:
        """ctrl+t: the tracking CSV import; the rows reload after applied rows."""
        from dropship_tui.tui.modals.tracking_import import TrackingImportModal

        def done(applied: int | None) -> None:
            if applied:
                self.refresh_orders()

        self.app.push_screen(TrackingImportModal(), done)

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
        if po is None:
            return
        try:
            from dropship_tui.tui.screens.order_detail import OrderDetailScreen
        except ImportError:
            self.notify("The order detail screen is not available in this build.", severity="warning")
            return
        self.app.push_screen(OrderDetailScreen(po))

    def action_fulfil(self) -> None:
        if self._wait_for_results(self.action_fulfil):
            return
        po = self._current_po()
        if po is None:
            return
        try:
            from dropship_tui.tui.screens.order_screen import fulfillment_screen_for
        except ImportError:
            self.notify("The fulfillment screens are not available in this build.", severity="warning")
            return
        self._open_fulfillment(po, fulfillment_screen_for)

    @work(thread=True, group="dashboard-open", exclusive=True, exit_on_error=False)
    def _open_fulfillment(self, po: int, screen_for) -> None:
        lock = getattr(self.app, "store_lock", None)
        try:
            if lock is not None:
                with lock:
                    order = self.app.store.get_order(po)
            else:
                order = self.app.store.get_order(po)
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Could not open PO {po}: {exc}", severity="error", markup=False)
            return

        def push() -> None:
            try:
                screen = screen_for(order)
            except Exception as exc:  # e.g. a finished order has no fulfillment step
                self.notify(str(exc), severity="warning", markup=False)
                return
            if screen is None:
                self.notify(f"PO {po} is {order.stage.label.lower()}: nothing left to fulfil.")
                return
            self.app.push_screen(screen)

        self.app.call_from_thread(push)

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

    @work(thread=True, group="dashboard-mark-all", exclusive=True, exit_on_error=False)
    def _mark_all(self, query: OrderQuery) -> None:
        pos: list[int] = []
        more = False
        try:
            while len(pos) < MARK_LIMIT:
                want = min(500, MARK_LIMIT - len(pos))
                with self.app.store_lock:  # released between pages: other reads go on
                    page = self.app.store.list_orders(query, offset=len(pos), limit=want)
                pos.extend(s.po_number for s in page)
                if len(page) < want:
                    break
            else:
                with self.app.store_lock:
                    more = bool(self.app.store.list_orders(query, offset=len(pos), limit=1))
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Could not mark the orders: {exc}", severity="error", markup=False)
            return

        def done() -> None:
            self.marks.update(pos)
            self.order_list.refresh_marks()
            self._show_filters()
            if more:
                self.notify(
                    f"Marked the first {len(pos):,} orders shown: the limit of one mark-all is {MARK_LIMIT:,}.",
                    severity="warning",
                )
            else:
                self.notify(f"Marked {len(pos):,} order{'s' if len(pos) != 1 else ''} ({len(self.marks):,} in all).", timeout=3)

        self.app.call_from_thread(done)

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
        if not pos:
            return
        from dropship_tui.tui.screens.batch_ack import BatchAckScreen

        self.app.push_screen(BatchAckScreen(pos, self.query_state, marked=bool(self.marks)))

    def action_batch_print(self) -> None:
        if self._wait_for_results(self.action_batch_print):
            return
        pos = self.batch_targets()
        if not pos:
            return
        self.notify(f"Writing the packing slips of {len(pos):,} order{'s' if len(pos) != 1 else ''}…", timeout=3)
        self._batch_print(pos, self.query_state)

    @work(thread=True, group="dashboard-print", exclusive=True, exit_on_error=False)
    def _batch_print(self, pos: list[int], query: OrderQuery) -> None:
        from dropship_tui.config import resolve_paper_size
        from dropship_tui.services.documents import batch_print

        app = self.app
        try:
            with app.store_lock:
                done = batch_print(
                    app.store, pos, resolve_paper_size(app.config),
                    query=query if self.marks else None,
                    print_command=getattr(app.config, "print_command", None),
                )
        except Exception as exc:
            app.call_from_thread(self.notify, f"Could not write the packing slips: {exc}", severity="error", markup=False)
            return
        what = f"{done.printed:,} marked order{'s' if done.printed != 1 else ''}" + (
            f" ({done.hidden:,} hidden by the filter)" if done.hidden else "")
        if done.path is not None:
            message = f"Packing slips of {what}: {done.pages} page{'s' if done.pages != 1 else ''} in {done.path}"
        else:
            message = f"No packing slips written: none of the {len(pos):,} orders has saved slips."
        if done.skipped:
            listed = ", ".join(str(po) for po in done.skipped[:20]) + (" …" if len(done.skipped) > 20 else "")
            message += f"\nSkipped (no saved slips): {listed}"
        if done.printer is not None:
            message += f"\nPrinter: {done.printer}"
        self.last_print = (done.path, done.skipped)
        app.call_from_thread(self.notify, message, timeout=12, markup=False,
                             severity="information" if done.path is not None else "warning")
