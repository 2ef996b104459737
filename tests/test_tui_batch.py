"""Batch acknowledgement through the real app on a real SQLite store: orders changed by
another connection between marking and confirming are refused alone (the others go
through, nothing of the refused one is written), short lines across orders all need a
reason before confirming, quantities are edited in place, and the result screen."""

from __future__ import annotations

import pytest
from tui_support import clock, make_app, screen_text, settle

from dropship_tui.domain.models import Reason, ReasonCode, Stage
from dropship_tui.tui.screens.batch_ack import BatchAckScreen
from dropship_tui.tui.screens.batch_result import BatchResultScreen
from dropship_tui.tui.modals.batch_reason import BatchReasonModal
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.widgets.order_list import OrderList

SIZE = (120, 36)

pytestmark = pytest.mark.anyio



async def mark(pilot, *pos: int) -> None:
    app = pilot.app
    app.screen.query_one(OrderList).marks.update(pos)
    app.screen._show_filters()
    await pilot.pause()


async def test_an_order_changed_elsewhere_is_refused_alone(tmp_path):
    app = make_app(tmp_path)
    store = app.store
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, 1001, 1002, 1013, 1014)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, BatchAckScreen)
        assert "Acknowledge 4 marked orders?" in screen_text(app)

        # Meanwhile, on another connection to the same file: 1002 gets a new address
        # (still New, a new version) and 1014 is acknowledged.
        other = SqliteStore(tmp_path / "store.db", user="sam", clock=clock)
        before = other.get_order(1002)
        moved = other.correct_address(1002, None, before.ship_to.model_copy(update={"phone": "+1 555 0199"}))
        o14 = other.get_order(1014)
        other.acknowledge(1014, None, {ln.line_id: ln.quantity_ordered for ln in o14.lines}, {})
        acked_14 = other.get_order(1014)

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BatchResultScreen)
        outcome = app.screen.outcome
        assert set(outcome.succeeded) == {1001, 1013}
        assert set(outcome.failed) == {1002, 1014}
        assert "changed by someone else" in outcome.failed[1002]
        assert "already in progress" in outcome.failed[1014]
        text = screen_text(app)
        assert "✓ 2 orders acknowledged" in text and "✗ 2 refused" in text
        assert "1002" in text and "1014" in text

        # the two went through; the refused ones are exactly as the other user left them
        for po in (1001, 1013):
            assert store.get_order(po).stage is Stage.IN_PROGRESS
        assert other.get_order(1002) == moved and moved.stage is Stage.NEW
        assert other.get_order(1014) == acked_14
        other.close()

        # done: back to the dashboard; the done ones are unmarked, the refused stay
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one(OrderList).marks == {1002, 1014}


async def test_short_lines_across_orders_all_need_a_reason(tmp_path):
    app = make_app(tmp_path)
    store = app.store
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, 1001, 1002)
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BatchAckScreen)
        # 1001: line 1 (1 ordered) -> 0; line 2 (2 ordered) -> 1 with "-"; 1002 line 1 (2) -> 1
        await pilot.press("0", "down", "minus", "down", "1")
        await pilot.pause()
        assert screen.values == {(1001, 1): 0, (1001, 2): 1, (1002, 1): 1}
        assert "3 short lines in 2 orders" in screen_text(app)
        await pilot.press("9")  # more than ordered: refused, the value stays
        assert screen.values[(1002, 1)] == 1

        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, BatchReasonModal)
        assert len(modal.keys) == 3
        assert "3 lines still need a reason" in screen_text(app)
        await pilot.press("ctrl+s")  # refused: nothing written
        await settle(pilot)
        assert app.screen is modal
        assert store.get_order(1001).stage is Stage.NEW

        # apply "other" to all: refused while its text is empty
        modal.query_one("#breason-all").value = ReasonCode.OTHER
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        assert "'other' needs a text" in " ".join(str(n.message) for n in app._notifications)
        modal.query_one("#breason-all-text").value = "supplier late"
        await pilot.pause()
        # override the last line (1002) with its own reason
        table = modal.query_one("#breason-lines")
        table.move_cursor(row=2)
        await pilot.pause()
        modal.query_one("#breason-one").value = ReasonCode.DAMAGED
        await pilot.pause()
        assert "All reasons provided" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BatchResultScreen)
        assert set(app.screen.outcome.succeeded) == {1001, 1002}

    o1, o2 = store.get_order(1001), store.get_order(1002)
    assert o1.stage is Stage.IN_PROGRESS and o2.stage is Stage.IN_PROGRESS
    assert {(c.line_id, c.quantity, c.reason) for c in o1.canceled_items} == {
        (1, 1, Reason(code=ReasonCode.OTHER, text="supplier late")),
        (2, 1, Reason(code=ReasonCode.OTHER, text="supplier late")),
    }
    assert [(c.line_id, c.quantity, c.reason_code) for c in o2.canceled_items] == [(1, 1, ReasonCode.DAMAGED)]


async def test_stock_on_hand_prefills_and_esc_writes_nothing(tmp_path):
    app = make_app(tmp_path)
    store = app.store
    order = store.get_order(1016)  # 4 x SKU-100 and 2 x SKU-201
    if not hasattr(store, "set_stock"):
        pytest.skip("this store cannot set stock")
    store.set_stock(order.lines[0].vendor_sku, order.location_code, 3)
    first = store.get_order(1019)  # 2 lines: the first one with no stock at all
    store.set_stock(first.lines[0].vendor_sku, first.location_code, 0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, 1016, 1019)
        await pilot.press("A")
        await settle(pilot)
        assert app.screen.values[(1016, 1)] == 3
        assert app.screen.values[(1019, 1)] == 0 and app.screen.values[(1019, 2)] == 2
        assert "2 short lines in 2 orders" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert store.get_order(1016).stage is Stage.NEW and store.get_order(1019).stage is Stage.NEW


class FailOnce:
    """The store's lock, failing the first time it is taken once armed (a store that
    breaks in the middle of the batch write)."""

    def __init__(self, lock) -> None:
        self.lock = lock
        self.armed = False

    def __enter__(self):
        if self.armed:
            self.armed = False
            raise RuntimeError("the disk went away")
        return self.lock.__enter__()

    def __exit__(self, *exc):
        return self.lock.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self.lock, name)


async def test_a_failed_batch_write_can_be_confirmed_again(tmp_path):
    app = make_app(tmp_path)
    store = app.store
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await mark(pilot, 1001, 1013)
        await pilot.press("A")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BatchAckScreen)
        failing = FailOnce(store._lock)
        store._lock = failing
        failing.armed = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and not screen.busy
        assert "Could not acknowledge the orders" in " ".join(str(n.message) for n in app._notifications)
        assert store.get_order(1001).stage is Stage.NEW

        await pilot.press("ctrl+s")  # the failure did not leave the screen saving for ever
        await settle(pilot)
        assert isinstance(app.screen, BatchResultScreen)
        assert set(app.screen.outcome.succeeded) == {1001, 1013}
