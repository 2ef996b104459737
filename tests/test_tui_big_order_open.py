"""Step 2 opening with the order navigation hands it (issue 13 item 9: a 200-line order
under 150 ms; the time is ``benchmarks/tui.py --big-order``'s to measure): its first frame
already shows the order (not "loading…" and a second full layout), with the focus on its
first field (not on the scrolled body first); the order is still read again as it opens,
so a newer version from the store replaces the one handed over. Real app, real SQLite."""

from __future__ import annotations

import pytest

import factories
from tui_support import make_app, screen_text, settle

from dropship_tui.tui.navigation import fulfillment_screen
from dropship_tui.tui.screens.prepare_shipments import PrepareShipmentsScreen

pytestmark = pytest.mark.anyio

LINES = 30


def big_order_app(tmp_path):
    lines = [factories.line(i, qty=5, sku=f"SKU-{i}").model_copy(update={"description": f"[bold]Ann[/] {i}"})
             for i in range(1, LINES + 1)]
    app = make_app(tmp_path, orders=[factories.order(po=82, lines=lines)])
    app.store.acknowledge(82, None, {line.line_id: 5 for line in lines}, {})
    return app


def first_frames(app, screen) -> list[tuple[int, bool, object]]:
    """Spy on the frames sent to the terminal: for each one made while ``screen`` is in
    front, its grid's rows, whether its field is there and what has the focus."""
    seen: list[tuple[int, bool, object]] = []
    original = app._display

    def spy(shown, renderable) -> None:
        original(shown, renderable)
        if renderable is not None and app.screen is screen:
            seen.append((screen.grid.rows, screen.grid.field is not None, screen.focused))

    app._display = spy
    return seen


async def test_step_2_shows_the_handed_order_in_its_first_frame(tmp_path):
    app = big_order_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = fulfillment_screen(app.store.get_order(82))
        assert isinstance(screen, PrepareShipmentsScreen)
        frames = first_frames(app, screen)
        app.push_screen(screen)
        await settle(pilot)
        rows, field, focused = frames[0]
        assert rows == LINES and field
        assert focused is screen.query_one("#slip-count")  # never the body first
        text = screen_text(app)
        assert "loading" not in text and "Step 2 of 2" in text
        assert "[bold]Ann[/] 1" in text  # a description is text, never markup


async def test_step_2_still_reads_the_order_again_as_it_opens(tmp_path):
    app = big_order_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        handed = app.store.get_order(82)
        # saved elsewhere after the order was read: two slips, a newer version
        plan = [{1: 5}, {line.line_id: 5 for line in handed.lines if line.line_id != 1}]
        saved = app.store.save_slips(82, handed.version, plan)
        app.push_screen(fulfillment_screen(handed))
        await settle(pilot)
        screen = app.screen
        assert screen.order.version == saved.version
        assert screen.query_one("#slip-count").value == "2"
        assert screen.query_one("#track-1") is not None and screen.query_one("#track-2") is not None
        assert app.focused is screen.query_one("#track-1")


async def test_opening_a_step_restyles_no_whole_screen(tmp_path):
    """The mount styles every widget once; neither the first resume nor the first focus
    (on the scrolled body, then off it) styles them all again (about 25 ms each)."""
    app = big_order_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        restyled: list[int] = []
        original = app.stylesheet.update_nodes

        def counting(nodes, animate=False):
            nodes = list(nodes)
            restyled.append(len(nodes))
            return original(nodes, animate=animate)

        app.stylesheet.update_nodes = counting
        screen = fulfillment_screen(app.store.get_order(82))
        app.push_screen(screen)
        await settle(pilot)
        widgets = len(list(screen.walk_children(with_self=True)))
        assert restyled and max(restyled) < 5 < widgets
