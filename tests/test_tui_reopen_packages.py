"""Issue 13 items 10-11 in the app: reopen from the detail (warning first, then back to
New) and refused once invoiced saying why; the Shipping tab shows each slip's package
status."""

from __future__ import annotations

import pytest

import factories
from tui_support import assert_landed_on, dhl_tracking, make_app, screen_text, settle

from dropship_tui.domain.models import Reason, ReasonCode, Stage
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.tui.modals.reopen import ReopenModal
from dropship_tui.tui.screens.order_detail import OrderDetailScreen

pytestmark = pytest.mark.anyio


def in_progress_app(tmp_path, invoiced: bool = False):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    store.acknowledge(82, None, {1: 4}, {1: Reason(code=ReasonCode.DAMAGED)})
    store.save_slips(82, None, [{1: 2}, {1: 2}])
    store.save_tracking(82, None, 1, dhl_tracking(1), "DHL")
    if invoiced:
        store.save_tracking(82, None, 2, dhl_tracking(2), "DHL")
        store.generate_invoice(82, None)
    return app


async def open_detail(pilot):
    await settle(pilot)
    pilot.app.push_screen(OrderDetailScreen(82))
    await settle(pilot)


async def back_on_the_dashboard(pilot):
    """Until the detail is gone and the dashboard settled (reopened: back to the dashboard,
    R15). The detail also reads the order again when the modal goes: that read ending
    after the detail was left rebuilt a screen being removed, and Textual raised "No Tab
    with id" as the app went on or quit."""
    for _ in range(100):
        await settle(pilot)
        if not any(isinstance(s, OrderDetailScreen) for s in pilot.app.screen_stack):
            break
    for _ in range(5):
        await settle(pilot)
    assert not any(isinstance(s, OrderDetailScreen) for s in pilot.app.screen_stack)


async def test_reopen_from_the_detail_warns_then_goes_back_to_new(tmp_path):
    app = in_progress_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ReopenModal)
        text = screen_text(app)
        assert "This drops: the acknowledgement (4 of 5 units accepted)" in text
        assert dhl_tracking(1) in text and "2 packing slips" in text
        await pilot.press("ctrl+s")  # no reason yet: refused at the field
        await settle(pilot)
        assert isinstance(app.screen, ReopenModal) and "Choose a reason" in screen_text(app)
        await pilot.press("2", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReopenModal)
        await back_on_the_dashboard(pilot)
    order = app.store.get_order(82)
    assert order.stage is Stage.NEW and order.slips == ()
    assert "Order reopened" in [e.action for e in app.store.activity(82)]


async def test_reopen_refused_once_invoiced_saying_why(tmp_path):
    app = in_progress_app(tmp_path, invoiced=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert not isinstance(app.screen, ReopenModal)
        assert "already invoiced" in screen_text(app)
    assert app.store.get_order(82).stage is Stage.IN_PROGRESS


async def test_shipping_tab_shows_package_status(tmp_path):
    app = in_progress_app(tmp_path)
    app.store.set_package_status(82, None, 1, PackageStatus.EXCEPTION, factories.NOW)
    async with app.run_test(size=(160, 36)) as pilot:
        await open_detail(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")  # Items, Canceled, Shipping
        await settle(pilot)
        text = screen_text(app)
        assert "Package" in text and "Exception" in text and "Pending" in text


async def test_after_a_reopen_the_dashboard_lands_on_the_order_now_new(tmp_path):
    """As after Done (issue 13 item 7): the In progress filter would hide the reopened
    order, so the dashboard shows New with the cursor on it and says so."""
    app = in_progress_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # In progress
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("2", "ctrl+s")
        await back_on_the_dashboard(pilot)
        assert_landed_on(app, 82, Stage.NEW)
