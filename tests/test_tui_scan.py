"""Keys as fast typists and barcode scanners send them, through the real app.

A scanner (or a terminal delivering a burst) hands the app many keys at once. Pilot's
``press`` waits for each key to be handled; ``burst`` posts them all before any is
handled, as the terminal driver does. Real SQLite store in ``tmp_path``.
"""

from __future__ import annotations

import factories
import pytest
from textual import events
from tui_support import make_app, screen_text, settle

from dropship_tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def burst(app, *keys: str) -> None:
    """Post every key to the app at once, as the terminal driver does for a burst."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def to_step_2(pilot) -> PrepareShipmentsScreen:
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PrepareShipmentsScreen)
    return pilot.app.screen


# --- the bug: backspace then a digit, typed quickly ------------------------------------


async def test_slip_count_backspace_then_digit_in_one_burst(tmp_path):
    """Default 1, backspace then 2 in one burst: the field shows 2 and no error (the
    backspace used to run after the 2, leaving an empty field saying 'must be from 1
    to 10' while the grid showed 2 slips)."""
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await to_step_2(pilot)
        burst(app, "backspace", "2")
        await settle(pilot)
        assert screen.query_one("#slip-count").value == "2"
        assert screen.count == 2
        text = screen_text(app)
        assert "Number of packing slips (1–10): 2" in text
        assert "must be from 1 to 10" not in text
        # And back: the cursor is after the 2 now.
        burst(app, "backspace", "3", "left", "backspace", "right")
        await settle(pilot)
        assert screen.query_one("#slip-count").value == "3"
        assert screen.count == 3


async def test_grid_cell_backspace_then_digit_in_one_burst(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await to_step_2(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("tab", "tab")  # slip 2's cell of the line
        await settle(pilot)
        assert app.focused.id == "cell-1-2"
        burst(app, "backspace", "1", "backspace", "2")
        await settle(pilot)
        assert screen.query_one("#cell-1-2").value == "2"
        assert screen.cells[(1, 2)] == "2"


async def test_ack_quantity_backspace_then_digit_in_one_burst(tmp_path):
    app = make_app(tmp_path, orders=[factories.order()])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AcknowledgeScreen)
        burst(app, "backspace", "4")
        await settle(pilot)
        assert screen.query_one("#qty-1").value == "4"
        assert "SKU-123 4 of 5" in screen_text(app)
