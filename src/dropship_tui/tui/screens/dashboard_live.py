"""The dashboard's view of a store that others write to (issue 13 items 11-12): the
live poll, the new-order announcement, the package-exception label, the tracking import.

Every ``Config.live_seconds`` a worker asks ``store.changes_since(token)`` (SQLite: two
primary-key lookups; remote: a GET revalidated by its ETag, a 304 while nothing
changed). Only when the token moved are the counts, the visible page and the exceptions
read and repainted, so an idle dashboard writes 0 bytes. New orders (the total grew)
are announced once, with the bell when the config says ``bell = true``. The orders that
changed are posted (``OrdersChanged``) to the screens above the dashboard, so an order
open in the detail or a step says so before the user types over it. A failed poll
waits twice as long before the next (up to ``BACKOFF_MAX``) and says so once."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.words import plural
from dropship_tui.store.base import OrderQuery, StageCounts, Store, StoreChanges
from dropship_tui.tui.messages import OrdersChanged
from dropship_tui.tui.modals.tracking_import import TrackingImportModal
from dropship_tui.tui.widgets.exceptions_label import ExceptionsLabel
from dropship_tui.tui.widgets.order_pages import find_row

BACKOFF_MAX = 60.0
"""Seconds: the longest wait between polls while the store keeps failing."""


class LiveDashboard(Screen):
    BINDINGS = [
        Binding("e", "next_exception", "Exceptions", show=False, id="dashboard.next_exception",
                tooltip="Go to the next order with a package in exception"),
    ]

    live_token: int | None = None
    """The store's change token as last seen (None: not looked yet)."""
    _live_timer: Timer | None = None
    _live_delay: float = 0.0
    _live_failing = False

    # what the dashboard itself provides
    counts: StageCounts | None
    query_state: OrderQuery

    def start_live(self) -> None:
        """The first look (the token and the exceptions now), then every ``live_seconds``."""
        self._live_delay = self.app.config.live_seconds
        self.poll_changes()

    def poll_changes(self) -> None:
        """One look at the store, in a worker (tests call it instead of waiting)."""
        token = self.live_token
        self.call_store(lambda store: self._live_read(store, token), self._live_seen, self._live_failed,  # type: ignore[attr-defined]
                        group="dashboard-live", exclusive=True)

    @staticmethod
    def _live_read(store: Store, token: int | None) -> tuple[StoreChanges, StageCounts | None, list[int] | None]:
        changes = store.changes_since(token)
        if token is not None and changes.token == token:
            return changes, None, None  # nothing new: nothing else read, nothing repainted
        counts = store.counts() if token is not None else None
        return changes, counts, store.package_exceptions()

    def _live_seen(self, result: tuple[StoreChanges, StageCounts | None, list[int] | None]) -> None:
        changes, counts, exceptions = result
        first = self.live_token is None
        self.live_token = changes.token
        self._live_failing = False
        self._live_delay = self.app.config.live_seconds
        if exceptions is not None:
            self.query_one(ExceptionsLabel).show(exceptions)
        if changes.po_numbers and not first:
            # an order open above the dashboard says so (the screens themselves never poll)
            for screen in self.app.screen_stack:
                if screen is not self:
                    screen.post_message(OrdersChanged(changes.po_numbers))
        if counts is not None and not first:
            before = self.counts
            self._show_counts(counts)  # type: ignore[attr-defined]
            self.order_list.set_query(self.query_state, keep_cursor=True)  # type: ignore[attr-defined]
            new = counts.total - before.total if before is not None else 0
            if new > 0:
                self.notify(f"{plural(new, 'new order', grouped=True)}", timeout=6)
                if self.app.config.bell:
                    self.app.bell()
        self._next_poll()

    def _live_failed(self, error: DomainError) -> None:
        if not self._live_failing:
            self.notify(f"Could not look for changes: {error.message} (trying again)", severity="warning")
        self._live_failing = True
        self._live_delay = min(max(self._live_delay, 1.0) * 2, BACKOFF_MAX)
        self._next_poll()

    def _next_poll(self) -> None:
        if self._live_timer is not None:
            self._live_timer.stop()
        if self._live_delay > 0:
            self._live_timer = self.set_timer(self._live_delay, self.poll_changes)

    # --- package exceptions --------------------------------------------------------

    def action_next_exception(self) -> None:
        """The cursor on the next order (by PO, after the cursor's) with a package in
        exception; the filters give way if they hide it, as after Done."""
        pos = self.query_one(ExceptionsLabel).pos
        if not pos:
            self.notify("No package is in exception.", timeout=3)
            return
        current = self.order_list.current  # type: ignore[attr-defined]
        after = [po for po in pos if current is None or po > current.po_number]
        po = (after or pos)[0]
        tries = [self.query_state, OrderQuery(vendor_code=self.query_state.vendor_code)]

        def find(store: Any) -> Any:
            found = find_row(self.app, tries, po)
            with store.lock:
                return store.get_order(po), found

        self.call_store(find, lambda result: self._landed(*result),  # type: ignore[attr-defined]
                        group="dashboard-land", exclusive=True, per_step=True)

    # --- tracking import -----------------------------------------------------------

    def action_import_tracking(self) -> None:
        """ctrl+t: the tracking CSV import; the rows reload after applied rows."""
        def done(applied: int | None) -> None:
            if applied:
                self.refresh_orders()  # type: ignore[attr-defined]

        self.app.push_screen(TrackingImportModal(), done)
