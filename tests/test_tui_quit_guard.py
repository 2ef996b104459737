"""q never throws away typed work without asking (packing slips, acknowledgement)."""

from __future__ import annotations

import pytest

import factories
from tui_support import make_app, screen_text, settle

from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.modals.confirm import ConfirmModal
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio


async def open_screen(pilot, screen) -> None:
    await settle(pilot)
    pilot.app.push_screen(screen)
    await settle(pilot)


async def test_quit_with_unsaved_slips_asks_and_no_keeps_the_work(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    app.store.acknowledge(82, None, {1: 5}, {})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, PrepareShipmentsScreen(82))
        app.screen.set_focus(None)
        await pilot.press("q")  # nothing typed yet: the prefilled plan is not work to lose
        await settle(pilot)
        assert not app.is_running  # quit at once
    app = make_app(tmp_path / "again", orders=[factories.order()])
    app.store.acknowledge(82, None, {1: 5}, {})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, PrepareShipmentsScreen(82))
        app.screen.query_one("#slip-count").focus()
        await pilot.press("2")
        await settle(pilot)
        app.screen.set_focus(None)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question == "Quit and lose the packing slips of PO 82 you have not saved?"
        assert "Quit and lose" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PrepareShipmentsScreen) and app.is_running
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running


async def test_quit_with_typed_quantities_asks(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await open_screen(pilot, AcknowledgeScreen(82))
        await pilot.press("4")
        await settle(pilot)
        app.screen.set_focus(None)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert app.screen.question == "Quit and lose the quantities you typed for PO 82?"
