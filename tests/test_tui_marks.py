"""Marks on the dashboard (k9s conventions) through the real app on a real store: space,
shift+down/up, mark-all of the current filter, esc, marks kept across filter changes, the
● on marked rows and the count in the filters line, the count a batch action confirms
(with how many the filter hides), and batch print of the marked orders."""

from __future__ import annotations

import pytest
from tui_support import make_app, screen_lines, screen_text, settle

from dropship_tui.tui.screens.batch_ack import BatchAckScreen
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.widgets.order_list import OrderList

SIZE = (120, 36)

pytestmark = pytest.mark.anyio



def marks(app) -> set[int]:
    return set(app.screen.query_one(OrderList).marks)


def row_line(app, po: int) -> str:
    return next(line for line in screen_lines(app) if line[1:].startswith(str(po)))


async def test_space_marks_and_moves_down_shift_extends_esc_clears(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(OrderList)
        await pilot.press("space")
        assert marks(app) == {1001} and lst.cursor == 1
        await pilot.press("space")
        assert marks(app) == {1001, 1002} and lst.cursor == 2
        await pilot.press("up", "space")  # unmark
        assert marks(app) == {1001} and lst.cursor == 2
        await pilot.press("shift+down", "shift+down")
        assert marks(app) == {1001, 1003, 1004, 1005} and lst.cursor == 4
        await pilot.press("shift+up")
        assert lst.cursor == 3
        await pilot.pause()
        # visibly marked, not by colour alone, and counted
        assert row_line(app, 1001).startswith("●1001")
        assert row_line(app, 1002).startswith(" 1002")
        assert "● 4 marked" in screen_text(app)
        # esc clears the marks first, and only them
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert marks(app) == set()
        assert "marked" not in screen_text(app)
        assert app.screen.query_state.stage is not None  # the filter is still on
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_state.stage is None


async def test_mark_all_marks_the_whole_filter_and_survives_filter_changes(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 20)) as pilot:  # most rows scrolled out of view
        await settle(pilot)
        await pilot.press("2")  # New: 20 orders
        await settle(pilot)
        await pilot.press("asterisk")
        await settle(pilot)
        new = {1001, 1002} | set(range(1013, 1031))
        assert marks(app) == new
        assert "● 20 marked" in screen_text(app)
        await pilot.press("1")  # all stages: the marks stay
        await settle(pilot)
        assert marks(app) == new
        assert row_line(app, 1001).startswith("●") and row_line(app, 1003).startswith(" ")
        await pilot.press("ctrl+a")  # the other key: everything shown now
        await settle(pilot)
        assert len(marks(app)) == 30


async def test_mark_all_stops_at_the_limit_and_says_so(tmp_path, monkeypatch):
    from dropship_tui.tui.screens import dashboard
    monkeypatch.setattr(dashboard, "MARK_LIMIT", 7)
    app = make_app(tmp_path)
    said = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.screen, "notify", lambda message, **kw: said.append(message))
        await pilot.press("asterisk")
        await settle(pilot)
        assert marks(app) == set(range(1001, 1008))
        assert any("first 7" in m and "limit" in m for m in said)


async def test_the_batch_confirmation_names_the_count_and_the_hidden_ones(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # 1001, 1002 (New), 1003 (In progress: skipped), 1013 (New)
        await pilot.press("space", "space", "space")
        app.screen.query_one(OrderList).marks.add(1013)
        # a search that shows 1001 (and 1027) only
        await pilot.press("slash", "a", "n", "n")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "● 4 marked" in screen_text(app)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, BatchAckScreen)
        text = screen_text(app)
        assert "Acknowledge 3 marked orders (2 hidden by the filter)?" in text
        assert "1 marked order skipped" in text and "1003 (In progress, not New)" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert len(marks(app)) == 4  # nothing written, nothing unmarked


async def test_without_marks_a_batch_action_takes_the_cursor_order(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "A")
        await settle(pilot)
        assert isinstance(app.screen, BatchAckScreen)
        assert app.screen.pos == [1002]
        assert "Acknowledge 1 order?" in screen_text(app)


async def test_batch_print_writes_one_pdf_and_lists_the_skipped(tmp_path, monkeypatch):
    from dropship_tui.documents import delivery

    monkeypatch.setattr(delivery, "default_dir", lambda: tmp_path / "docs")
    app = make_app(tmp_path)
    said = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        monkeypatch.setattr(screen, "notify", lambda message, **kw: said.append(message))
        # 1004 has no slips; 1005-1008 have
        screen.query_one(OrderList).marks.update({1004, 1005, 1006, 1007, 1008})
        await pilot.press("ctrl+o")
        await settle(pilot)
        path, skipped = screen.last_print
        assert skipped == [1004]
        assert path == tmp_path / "docs" / "packing-slips.pdf" and path.read_bytes().startswith(b"%PDF")
        assert any(str(path) in m and "Skipped (no saved slips): 1004" in m and "4 marked orders" in m for m in said)
