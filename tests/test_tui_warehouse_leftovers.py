"""Issue 13's leftovers in the app: the "Other" text boxes are bordered fields Tab reaches
in order, and the columns, totals and tracking URL fit (the real app on a real SQLite
store, driven by keys)."""

from __future__ import annotations

import pytest

import factories
from textual.widgets import TabbedContent
from tui_support import CUSTOMERS, dhl_tracking, make_app, screen_lines, screen_text, settle

from dropship_tui.tui.modals.batch_reason import BatchReasonModal
from dropship_tui.tui.modals.reason import ReasonModal
from dropship_tui.tui.screens.acknowledge import AcknowledgeScreen
from dropship_tui.tui.screens.batch_ack import BatchAckScreen
from dropship_tui.tui.screens.order_detail import OrderDetailScreen
from dropship_tui.tui.widgets.line_grid import GridColumn, place
from dropship_tui.tui.widgets.order_rows import columns_for
from dropship_tui.tui.widgets.safe import fit_words

pytestmark = pytest.mark.anyio


def two_short_lines():
    return factories.order(82, lines=[factories.line(1, 5, "SKU-1"), factories.line(2, 3, "SKU-2")])


async def tab_ids(pilot, count: int) -> list[str]:
    seen = []
    for _ in range(count):
        await pilot.press("tab")
        await settle(pilot)
        seen.append(pilot.app.screen.focused.id)
    return seen


def bordered(widget) -> bool:
    return widget.display and widget.outer_size.height == 3 and widget.styles.border_top[0] not in ("", "none")


async def test_the_other_text_is_a_bordered_field_next_in_the_tab_order(tmp_path):
    app = make_app(tmp_path, orders=[two_short_lines()])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(AcknowledgeScreen(82))
        await settle(pilot)
        await pilot.press("backspace", "4", "down", "backspace", "2", "ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ReasonModal) and modal.focused.id == "reason-all"
        await pilot.press("7")  # Other for every line: its text is next
        await settle(pilot)
        assert modal.focused.id == "reason-all-text"
        assert bordered(modal.focused) and bordered(modal.query_one("#reason-text-1"))
        # from the text for all, Tab visits each line's reason and then its text, in order
        assert await tab_ids(pilot, 5) == ["reason-1", "reason-text-1", "reason-2", "reason-text-2", "reason-confirm"]
        await pilot.press("shift+tab")
        await settle(pilot)
        assert modal.focused.id == "reason-text-2"
        await pilot.press(*"lost")
        modal.query_one("#reason-text-1").value = "broken"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [(c.line_id, c.reason.text) for c in app.store.get_order(82).canceled_items] == [(1, "broken"), (2, "lost")]


async def test_the_batch_other_texts_are_bordered_fields_next_in_the_tab_order(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(BatchAckScreen([1001, 1002], marked=False))
        await settle(pilot)
        app.screen.table.move_cursor(row=2)
        await pilot.press("0", "ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, BatchReasonModal) and modal.focused.id == "breason-all"
        await pilot.press("7")
        await settle(pilot)
        assert modal.focused.id == "breason-all-text" and bordered(modal.focused)
        assert await tab_ids(pilot, 2) == ["breason-lines", "breason-one"]
        await pilot.press("7")
        await settle(pilot)
        assert modal.focused.id == "breason-one-text" and bordered(modal.focused)
        await pilot.press("shift+tab")
        await settle(pilot)
        assert modal.focused.id == "breason-one"


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_shipping_tab_shows_each_tracking_url_whole(tmp_path, size):
    app = make_app(tmp_path, orders=[factories.order()])
    store = app.store
    store.acknowledge(82, None, {}, {})
    store.save_slips(82, None, [{1: 3}, {1: 2}])
    store.save_tracking(82, None, 1, dhl_tracking(1), "DHL")
    store.save_tracking(82, None, 2, "[b]x-1", "Local <b>&amp;")  # no URL: not listed
    url = store.get_order(82).slip(1).tracking_url
    assert url is not None and len(url) > 90
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(OrderDetailScreen(82))
        await settle(pilot)
        app.screen.query_one("#tabs", TabbedContent).active = "tab-shipping"
        await settle(pilot)
        lines = screen_lines(app)
        start = next(i for i, line in enumerate(lines) if line.strip().startswith("Slip 1 of 2"))
        joined = "".join(line.strip() for line in lines[start : start + 3])
        assert joined.startswith("Slip 1 of 2") and url in joined  # folded, never cut
        assert "[B]X-1" in screen_text(app) and "Slip 2 of 2  http" not in screen_text(app)


# --- 60x20: whole words, and the least needed columns go first ---------------------------


def test_a_long_text_loses_whole_words_and_a_long_word_is_cut():
    assert fit_words("Bob Stone", 8) == "Bob…    "
    assert fit_words("✓ On time", 7) == "✓ On…  "
    assert fit_words("北京 上海", 5) == "北京…"  # wide characters count 2
    assert fit_words("Supercalifragilistic", 8) == "Superca…"  # one word: nothing else to do
    assert fit_words("Ann Lee", 8, right=True) == " Ann Lee"


def test_the_dashboard_drops_progress_then_order_number_below_70_cells():
    keys = lambda width: [c.title for c in columns_for(width)]  # noqa: E731
    assert keys(80) == ["PO", "Order #", "Customer", "Ordered", "Stage", "SLA", "Progress"]
    assert keys(60) == ["PO", "Customer", "Ordered", "Stage", "SLA"]
    assert keys(44) == ["PO", "Customer", "Stage", "SLA"]
    assert all(sum(c.width + 1 for c in columns_for(w)) <= w for w in (60, 50, 44))


def test_the_line_grid_drops_its_droppable_columns_highest_first():
    columns = [GridColumn("product", "Product"), GridColumn("sku", "SKU", 10),
               GridColumn("vsku", "Vendor SKU", 10, drop=1), GridColumn("upc", "UPC", 12, drop=2),
               GridColumn("qty", "Qty", 9, field=True)]
    widths = lambda width: [w for _, w in place(columns, width)]  # noqa: E731
    assert widths(80) == [80 - 2 - 46, 10, 10, 12, 9]
    assert widths(50) == [50 - 2 - 33, 10, 10, 0, 9]  # UPC goes first
    assert widths(40) == [40 - 2 - 22, 10, 0, 0, 9]  # then the vendor SKU; fields never


@pytest.mark.anyio
async def test_at_60x20_the_dashboard_and_step_1_cut_no_word(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("PO"))
        assert lines[head].split() == ["PO", "▲", "Customer", "Ordered", "Stage", "SLA"]
        for line, (first, last) in zip(lines[head + 1 : head + 9], CUSTOMERS):
            assert f"{first} {last}" in line and ("✓ On time" in line or "▲ At risk" in line or "✗ Overdue" in line)
        assert "In…" in lines[2] and "In pr" not in lines[2]  # a tile too narrow: whole words
        app.push_screen(AcknowledgeScreen(1001))
        await settle(pilot)
        lines = screen_lines(app)
        head = next(line for line in lines if "Validated" in line)
        assert head.split() == ["Product", "SKU", "Ord", "Validated"]  # UPC, then vendor SKU, went
        rows = [line for line in lines if "SKU-100" in line or "SKU-200" in line]
        assert rows and all("Trail shoe… " in row for row in rows)
