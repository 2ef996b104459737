"""Issue 13 item 12, last point: an order open in the detail or a step screen that someone
else changes meanwhile says so (who, what, how to reload) as soon as the dashboard's live
poll sees it, before the user types over it; a save on the old version stays refused.
The "someone else" is a second SqliteStore connection on the same file (another terminal)."""

from __future__ import annotations

import pytest

import factories
from tui_support import clock, dhl_tracking, make_app, screen_text, settle

from dropship_tui.domain.models import Reason, ReasonCode
from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio


def said(app) -> list[str]:
    return [n.message for n in app._notifications]


def dashboard(app) -> DashboardScreen:
    return next(s for s in app.screen_stack if isinstance(s, DashboardScreen))


def other_terminal(tmp_path) -> SqliteStore:
    return SqliteStore(tmp_path / "store.db", user="ann", clock=clock)


def packed_app(tmp_path):
    """PO 82 acknowledged with two packing slips: step 2 (tracking) is next."""
    app = make_app(tmp_path, orders=[factories.order(), factories.order(po=83)])
    store = app.store
    store.acknowledge(82, None, {1: 4}, {1: Reason(code=ReasonCode.DAMAGED)})
    store.save_slips(82, None, [{1: 2}, {1: 2}])
    return app


async def test_the_detail_says_who_changed_the_open_order_and_how_to_reload(tmp_path):
    app = packed_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(OrderDetailScreen(82))
        await settle(pilot)
        dashboard(app).poll_changes()  # nothing changed yet: no notice
        await settle(pilot)
        assert "was changed" not in screen_text(app) and not said(app)

        other = other_terminal(tmp_path)
        other.save_tracking(82, None, 1, dhl_tracking(1), "DHL")
        other.close()
        assert "was changed" not in screen_text(app)  # not polled yet
        dashboard(app).poll_changes()
        await settle(pilot)
        notice = "PO 82 was changed by ann: tracking number saved — press r to reload"
        assert notice in said(app)
        assert "⚠ " + notice in screen_text(app)  # inline too, after the toast is gone

        app.clear_notifications()
        await pilot.press("r")
        await settle(pilot)
        assert "was changed" not in screen_text(app)
        assert app.screen.order.slips[0].tracking_number == dhl_tracking(1)


async def test_a_change_to_another_order_says_nothing(tmp_path):
    app = packed_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(OrderDetailScreen(82))
        await settle(pilot)
        other = other_terminal(tmp_path)
        other.acknowledge(83, None, {1: 4}, {1: Reason(code=ReasonCode.DAMAGED)})
        other.close()
        dashboard(app).poll_changes()
        await settle(pilot)
        assert not [m for m in said(app) if "was changed" in m]


async def test_step_2_warns_before_typing_and_a_save_on_the_old_version_is_refused(tmp_path):
    app = packed_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(PrepareShipmentsScreen(82, app.store.get_order(82)))
        await settle(pilot)
        step = app.screen
        other = other_terminal(tmp_path)
        other.save_tracking(82, None, 2, dhl_tracking(2), "DHL")
        other.close()
        dashboard(app).poll_changes()
        await settle(pilot)
        notice = "PO 82 was changed by ann: tracking number saved — press ^r to reload"
        assert notice in said(app)
        assert step.stale == notice
        # typing over it anyway: the store refuses the save on the old version
        order = step.order
        with pytest.raises(Exception) as refused:
            app.store.save_tracking(82, order.version, 1, dhl_tracking(1), "DHL")
        assert "changed" in str(refused.value).lower()
        app.clear_notifications()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert step.stale is None and "was changed" not in screen_text(app)
        assert step.order.version == app.store.get_order(82).version


async def test_our_own_save_is_not_announced_as_someone_elses(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(OrderDetailScreen(82))
        await settle(pilot)
        await pilot.press("x")  # cancel the order from the detail, with a reason
        await settle(pilot)
        app.screen.dismiss(Reason(code=ReasonCode.OUT_OF_STOCK))
        await settle(pilot)
        assert app.store.get_order(82).canceled_at is not None
        dashboard(app).poll_changes()
        await settle(pilot)
        assert not [m for m in said(app) if "was changed" in m]


async def test_the_poll_runs_under_an_open_order_on_its_own(tmp_path):
    """The dashboard's timer keeps running while the detail covers it."""
    app = make_app(tmp_path, orders=[factories.order()], live_seconds=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(OrderDetailScreen(82))
        await settle(pilot)
        other = other_terminal(tmp_path)
        other.cancel(82, None, Reason(code=ReasonCode.OUT_OF_STOCK))
        other.close()
        for _ in range(100):
            await pilot.pause(0.05)
            if any("was changed by ann" in m for m in said(app)):
                break
        assert any(m.startswith("PO 82 was changed by ann: ") for m in said(app))


async def test_the_users_own_acknowledgement_is_not_taken_for_someone_elses(tmp_path):
    """The detail stays open under the steps: the user's own save on step 1, seen by the
    poll, must not make the covered detail say the order "was changed by" them (it reads
    the order again when it comes back to the front)."""
    app = make_app(tmp_path, orders=[factories.order(), factories.order(po=83)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dashboard(app).poll_changes()  # the first look takes the token
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("ctrl+s")  # acknowledged in full: step 2 opens
        await settle(pilot)
        assert isinstance(app.screen, PrepareShipmentsScreen)
        dashboard(app).poll_changes()
        await settle(pilot)
        assert not [m for m in said(app) if "was changed" in m]
        await pilot.press("escape")  # back on the detail: read again, no notice
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        assert "In progress" in screen_text(app) and "was changed" not in screen_text(app)
