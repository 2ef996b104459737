"""A 200-line order through both steps by keys alone (issue 13 item 9): the real app on a
real SQLite store, the results read back from the store. The speed of the same screens is
``benchmarks/tui.py --big-order``'s to measure; this checks that the virtual grid edits
the right line far down the order, and what the speed-ups keep true: no stylesheet read
as a step opens and notes changed in place still grow when they need a row more."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

import factories
from tui_support import make_app, screen_text, settle

from dropship_tui.domain.models import Reason, ReasonCode, Stage
from dropship_tui.tui.modals.reason import ReasonModal
from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio

LINES = 200


@asynccontextmanager
async def on_step_2(tmp_path):
    """A 200-line order acknowledged in full, open on step 2 with its count field focused."""
    lines = [factories.line(i, qty=5, sku=f"SKU-{i}") for i in range(1, LINES + 1)]
    app = make_app(tmp_path, orders=[factories.order(po=82, lines=lines)])
    app.store.acknowledge(82, None, {line.line_id: 5 for line in lines}, {})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(PrepareShipmentsScreen(82))
        await settle(pilot)
        app.screen.grid.field.focus()
        yield pilot, app.screen


async def down(pilot, times: int) -> None:
    for _ in range(times):
        await pilot.press("down")
    await settle(pilot)


async def test_a_200_line_order_is_acknowledged_and_packed_by_keys(tmp_path):
    lines = [factories.line(i, qty=5, sku=f"SKU-{i}") for i in range(1, LINES + 1)]
    app = make_app(tmp_path, orders=[factories.order(po=82, lines=lines)])
    store = app.store
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(AcknowledgeScreen(82))
        await settle(pilot)
        screen = app.screen
        grid = screen.grid
        assert grid.rows == LINES and app.focused is grid.field and grid.cursor == (0, "qty")
        # step 1: line 1 typed down to 4, line 3 nudged to 3, line 153 (far below) to 0
        await pilot.press("4", "down", "down", "minus", "minus")
        await down(pilot, 150)
        assert grid.cursor == (152, "qty") and grid.field.row == 152
        assert "SKU-153" in screen_text(app)  # scrolled into view with its line
        await pilot.press("0", "enter")
        await settle(pilot)
        assert grid.cursor == (153, "qty")
        assert {lid: v for lid, v in screen.fields.items() if v != "5"} == {1: "4", 3: "3", 153: "0"}
        assert store.get_order(82).stage is Stage.NEW  # nothing written yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReasonModal)
        await pilot.press("1", "ctrl+s")  # Out of stock for every short line
        await settle(pilot)

        order = store.get_order(82)
        assert order.stage is Stage.IN_PROGRESS
        accepted = {line.line_id: line.quantity_accepted for line in order.lines}
        assert accepted == {**{i: 5 for i in range(1, LINES + 1)}, 1: 4, 3: 3, 153: 0}
        assert [(c.line_id, c.quantity, c.reason) for c in order.canceled_items] == [
            (1, 1, Reason(code=ReasonCode.OUT_OF_STOCK)),
            (3, 2, Reason(code=ReasonCode.OUT_OF_STOCK)),
            (153, 5, Reason(code=ReasonCode.OUT_OF_STOCK)),
        ]

        # step 2: two slips; line 1 split 1 + 3, the last line (200) all in slip 2
        screen = app.screen
        assert isinstance(screen, PrepareShipmentsScreen) and app.focused.id == "slip-count"
        await pilot.press("2", "tab")
        await settle(pilot)
        grid = screen.grid
        assert grid.rows == LINES - 1  # line 153 ships nothing
        assert app.focused is grid.field and grid.cursor == (0, "slip1")
        await pilot.press("1", "tab", "3")
        await down(pilot, LINES - 2)
        assert grid.cursor == (LINES - 2, "slip2") and f"SKU-{LINES} " in screen_text(app)
        await pilot.press("5", "shift+tab", "0")
        await settle(pilot)
        assert grid.cursor == (LINES - 2, "slip1")
        await pilot.press("ctrl+s")
        await settle(pilot)

    order = store.get_order(82)
    slips = [dict(s.lines) for s in order.slips]
    assert len(slips) == 2
    assert (slips[0].get(1), slips[1].get(1)) == (1, 3)
    assert (slips[0].get(LINES), slips[1].get(LINES)) == (None, 5)
    assert 153 not in slips[0] and 153 not in slips[1]
    for line_id, units in accepted.items():  # every accepted unit is in exactly one slip
        assert sum(s.get(line_id, 0) for s in slips) == units
    assert [e.action for e in store.activity(82)][:1] == ["Packing slips saved"]


async def test_opening_the_steps_reads_no_stylesheet(tmp_path):
    """The step screens' stylesheet and their widgets' default CSS are read as the app
    starts (``tui.step_styles``): opening step 1 or step 2 adds no source, so Textual
    neither parses every stylesheet again nor restyles every screen (a third of opening
    step 1 on a 200-line order)."""
    lines = [factories.line(i, qty=5, sku=f"SKU-{i}") for i in range(1, 4)]
    app = make_app(tmp_path, orders=[factories.order(po=82, lines=lines)])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sources = set(app.stylesheet.source)
        app.push_screen(AcknowledgeScreen(82))
        await settle(pilot)
        assert isinstance(app.screen, AcknowledgeScreen) and app.screen.grid.rows == 3
        app.pop_screen()
        app.store.acknowledge(82, None, {line.line_id: 5 for line in lines}, {})
        app.push_screen(PrepareShipmentsScreen(82))
        await settle(pilot)
        assert isinstance(app.screen, PrepareShipmentsScreen) and app.screen.grid.rows == 3
        assert set(app.stylesheet.source) == sources


async def test_the_short_warning_keeps_one_row_and_counts_the_rest(tmp_path):
    """The warning takes one row however many lines are short (it grew a row every few
    keys, each a relayout of the screen): the count first, the first SKUs, how many more.
    Each row's Problem column still says how many units it is short."""
    lines = [factories.line(i, qty=5, sku=f"SKU-{i}") for i in range(1, LINES + 1)]
    app = make_app(tmp_path, orders=[factories.order(po=82, lines=lines)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AcknowledgeScreen(82))
        await settle(pilot)
        warning = app.screen.query_one("#short-warning")
        heights = []
        for _ in range(12):
            await pilot.press("4", "down")
            await settle(pilot)
            heights.append(warning.size.height)
        assert heights == [1] * 12
        text = " ".join(screen_text(app).split())
        assert "12 lines are short" in text and "SKU-1 4 of 5" in text and "1 unit short" in text
        shown = warning.content.plain
        assert "SKU-3 4 of 5" in shown and "SKU-4 " not in shown and "and 9 more" in shown


async def test_step_2_lists_three_plan_problems_then_counts_the_rest(tmp_path):
    """A key that adds a problem on a big order changes the count line, not the height."""
    async with on_step_2(tmp_path) as (pilot, screen):
        problems = screen.query_one("#plan-problems")
        for _ in range(5):
            await pilot.press("4", "down")
        await settle(pilot)
        assert problems.content.plain.split("\n") == [
            "✗ 1 unit of SKU-1 is not on any slip",
            "✗ 1 unit of SKU-2 is not on any slip",
            "✗ 1 unit of SKU-3 is not on any slip",
            "… and 2 more (the Placed column shows each line)",
        ]
        assert problems.size.height == 4



async def test_step_2_summary_names_six_lines_of_a_slip_then_counts_the_rest(tmp_path):
    """A 200-line slip's contents took several rows, wrapped again on every key and lost or
    gained a row when a line went to or from 0 (a relayout): six, then how many more."""
    async with on_step_2(tmp_path) as (pilot, screen):
        summary = screen.query_one("#summary")
        height = summary.size.height
        assert summary.content.plain.split("\n")[0] == (
            "Packing slip 1: 1000 units  (SKU-1 ×5, SKU-2 ×5, SKU-3 ×5, SKU-4 ×5, SKU-5 ×5, SKU-6 ×5, "
            "… and 194 more lines)"
        )
        await pilot.press("0")
        await settle(pilot)
        assert summary.content.plain.split("\n")[0] == (
            "Packing slip 1: 995 units  (SKU-2 ×5, SKU-3 ×5, SKU-4 ×5, SKU-5 ×5, SKU-6 ×5, SKU-7 ×5, "
            "… and 193 more lines)"
        )
        assert summary.size.height == height
