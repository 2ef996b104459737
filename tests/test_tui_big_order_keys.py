"""What keeps a key on a 200-line order to one frame (issue 13 item 9): the real app on a
real SQLite store. ``benchmarks/tui.py --big-order`` measures the time; this checks what
the speed rests on, as the user sees it:

* an edit reaches the screen in the key's own turn, so the first frame after a digit
  already shows its whole result (the field, the row's Problem column, the warning), not
  the field alone with the rest a frame period later;
* on a long order the notes under the rows keep their rows (the cursor line's refusal,
  the short warning; step 2's plan problems), so a digit that makes a line invalid, short
  or valid again moves nothing on screen (each move was a relayout of the whole screen);
* the rows still take the room the rest of the screen leaves, at 80x24 too, with the scan
  field and the buttons on screen.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

import factories
from tui_support import make_app, screen_lines, settle

from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio

LINES = 200

PLACES = ("#ack-lines", "#line-problem", "#scan-row", "#short-warning", "#status", "#ack-confirm")
"""Step 1's widgets from the rows down: where they are says whether a key moved them."""


def big_order():
    return factories.order(po=82, lines=[factories.line(i, qty=5, sku=f"SKU-{i}") for i in range(1, LINES + 1)])


@asynccontextmanager
async def on_step_1(tmp_path, size=(120, 36)):
    app = make_app(tmp_path, orders=[big_order()])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(AcknowledgeScreen(82))
        await settle(pilot)
        yield pilot, app


@asynccontextmanager
async def on_step_2(tmp_path, order, size=(120, 36)):
    """Step 2 of ``order`` (PO 82), acknowledged in full."""
    app = make_app(tmp_path, orders=[order])
    app.store.acknowledge(82, None, {line.line_id: line.quantity_ordered for line in order.lines}, {})
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(PrepareShipmentsScreen(82))
        await settle(pilot)
        yield pilot, app


def places(app, selectors=PLACES):
    return {selector: app.screen.query_one(selector).region for selector in selectors}


async def test_the_first_frame_after_a_digit_shows_all_it_did(tmp_path):
    async with on_step_1(tmp_path) as (pilot, app):
        frames: list[list[str]] = []
        display = app._display

        def spy(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                frames.append(screen_lines(app))

        app._display = spy
        await pilot.press("3")
        await settle(pilot)
        assert frames, "the digit was never painted"
        first = "\n".join(frames[0])
        row = next(line for line in frames[0] if "SKU-1 " in line)
        assert "3" in row.split("SKU-1")[-1] and "2 units short" in row
        assert "1 line is short" in first and "SKU-1 3 of 5" in first


async def test_a_long_orders_notes_keep_their_rows_as_a_line_goes_invalid_short_and_valid(tmp_path):
    async with on_step_1(tmp_path) as (pilot, app):
        screen = app.screen
        before = places(app)
        await pilot.press("down", "9")  # 9 of 5 (the field selects its text on a move)
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "✗ Line 2 (SKU-2): validated quantity" in text
        assert screen.grid.field.has_class("-invalid-qty")
        assert places(app) == before
        await pilot.press("backspace", "backspace", "4")  # 4 of 5: short, with the warning
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "✗ Line 2" not in text and "1 line is short" in text and "SKU-2 4 of 5" in text
        assert places(app) == before
        await pilot.press("plus")  # 5 of 5: nothing short, the warning's rows stay blank
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "short" not in text
        assert places(app) == before
        assert screen.fields[2] == "5" and screen.problems == {}


async def test_a_long_order_at_80x24_keeps_the_scan_field_and_the_buttons_on_screen(tmp_path):
    async with on_step_1(tmp_path, size=(80, 24)) as (pilot, app):
        await pilot.press("9")
        await settle(pilot)
        lines = screen_lines(app)
        box = app.screen.query_one("#ack-lines").region
        assert box.height >= 3
        for selector in ("#scan-row", "#ack-confirm", "#line-problem"):
            region = app.screen.query_one(selector).region
            assert region.height and region.bottom <= 23, selector  # above the footer
        assert any("Acknowledge order" in line for line in lines[:-1])
        assert any("validated quantity" in line for line in lines)


async def test_a_short_order_keeps_no_rows_for_its_notes(tmp_path):
    """The reserved rows are a long order's: a two-line order's notes take room only while
    they say something (as before), and its rows take only their own height."""
    order = factories.order(po=82, lines=[factories.line(1, qty=5), factories.line(2, qty=3)])
    app = make_app(tmp_path, orders=[order])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(AcknowledgeScreen(82))
        await settle(pilot)
        screen = app.screen
        assert not screen.query_one("#line-problem").display
        assert not screen.query_one("#short-warning").display
        assert screen.query_one("#ack-lines").region.height == 2
        await pilot.press("9")
        await settle(pilot)
        assert screen.query_one("#line-problem").display


async def test_step_2_keeps_the_rows_of_its_first_plan_problems(tmp_path):
    """The problems' four rows (three listed, then how many more) are there before the
    first one, so the status line and the buttons under them never move as they come."""
    async with on_step_2(tmp_path, big_order()) as (pilot, app):
        screen = app.screen
        screen.grid.field.focus()
        await settle(pilot)
        problems = screen.query_one("#plan-problems")
        assert problems.size.height == 4 and str(problems.content) == ""
        below = places(app, ("#plan-problems", "#status", "#save-slips", "#tracking-section"))
        for n in range(1, 6):
            await pilot.press(str(n % 4 + 1), "down")
            await settle(pilot)
            assert places(app, tuple(below)) == below
        assert problems.content.plain.split("\n")[-1] == "… and 2 more (the Placed column shows each line)"


async def test_step_2_of_a_four_line_order_keeps_no_rows_for_problems(tmp_path):
    """A usual order's step 2 has no blank rows under its lines: at 80x24 four of them
    pushed the tracking fields down (found trying the demo in tmux). Its problems take a
    row each while there are any."""
    order = factories.order(po=82, lines=[factories.line(i, qty=2, sku=f"SKU-{i}") for i in range(1, 5)])
    async with on_step_2(tmp_path, order, size=(80, 24)) as (pilot, app):
        problems = app.screen.query_one("#plan-problems")
        assert problems.size.height == 0
        app.screen.grid.field.focus()
        await pilot.press("9")
        await settle(pilot)
        assert problems.size.height >= 1 and "SKU-1" in problems.content.plain
