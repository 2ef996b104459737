"""The dashboard driven through the real app (``App.run_test`` + Pilot) on a real SQLite
store (``tui_support``): tiles, search as you type, filters, sort, opening orders, hostile
names, remapped keys, the help screen and the command palette."""

from __future__ import annotations


import factories
import pytest
from textual.screen import Screen
from tui_support import CUSTOMERS, RARE_SKU, make_app, screen_text, settle

from dropship_tui.domain.models import SlaStatus, Stage
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.modals.help import HelpScreen
from dropship_tui.store.base import OrderQuery
from dropship_tui.tui.widgets.order_list import OrderList
from dropship_tui.tui.widgets.stage_tiles import StageTile

SIZE = (120, 36)

# Async tests run on anyio's pytest plugin (installed with httpx), on asyncio only.
pytestmark = pytest.mark.anyio



def rows(app) -> list:
    """Every row the list currently shows the result of (the sample has 30: one page)."""
    lst = app.screen.query_one(OrderList)
    return [lst.row(i) for i in range(lst.total)]


def pos(app) -> list[int]:
    return [r.po_number for r in rows(app)]


async def type_search(pilot, text: str) -> None:
    await pilot.press(*[c if c != " " else "space" for c in text])
    await pilot.pause(0.25)  # the debounce
    await settle(pilot)


async def test_tiles_show_the_stage_counts(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        counts = {t.id: t.count for t in app.screen.query(StageTile)}
        assert counts == {
            "tile-total": 30,
            "tile-new": 20,
            "tile-in_progress": 6,
            "tile-completed": 2,
            "tile-canceled": 2,
        }
        text = screen_text(app)
        assert "30 orders" in text
        assert "In progress" in text and "Completed" in text and "Canceled" in text


async def test_list_shows_every_column(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Customer" in line)
        for title in ("PO ▲", "Order #", "Customer", "Ordered", "Stage", "SLA", "Progress"):
            assert title in header
        row = next(line for line in lines if "1009" in line)
        # PO, order number, customer, local (UTC) order date, stage, SLA in words, progress
        assert "1046" in row and "Ivan Petrov" in row and "2026-11-23 12:30" in row
        assert "Completed" in row and "✓ On time" in row and "█████ 100%" in row
        overdue = next(line for line in lines if line.lstrip().startswith("1015"))
        assert "✗ Overdue" in overdue and "New" in overdue and "░░░░░   0%" in overdue


async def test_search_narrows_as_you_type(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused.id == "search"
        await type_search(pilot, "an")
        assert {r.customer_name for r in rows(app)} >= {"Ann Lee", "Anna Leroy"}
        await type_search(pilot, "n")  # "ann": a customer-name prefix
        assert pos(app) == [1001, 1027]
        await type_search(pilot, "a")  # "anna"
        assert pos(app) == [1027]
        assert "Search “anna”" in screen_text(app)
        # enter keeps the search and moves to the list
        await pilot.press("enter")
        assert isinstance(app.focused, OrderList)
        # esc clears it
        await pilot.press("escape")
        await settle(pilot)
        assert len(pos(app)) == 30
        assert not app.screen.query_one("#search").display


@pytest.mark.parametrize(
    "term, expected",
    [("1017", [1017]), ("1054", [1017]), (RARE_SKU, [1017]), ("sam k", [1019]), ("zzz-nobody", [])],
    ids=["po", "order-number", "sku", "customer-two-words", "nothing"],
)
async def test_search_by_po_order_number_customer_or_sku(tmp_path, term, expected):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_search(pilot, term)
        assert pos(app) == expected
        if not expected:
            assert "No orders match" in screen_text(app)


async def test_a_po_number_search_lands_on_that_po_not_on_an_order_number_above_it(tmp_path):
    # PO 45 has operator order number 82 (factories: order number = PO + 37), so "82"
    # matches PO 45 by order number and PO 82 exactly; sorted by PO, 45 comes first.
    app = make_app(tmp_path, orders=[factories.order(po=45), factories.order(po=82)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_search(pilot, "82")
        assert pos(app) == [45, 82]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(OrderList).current.po_number == 82


async def test_stage_and_sla_filters(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert len(rows(app)) == 20 and all(r.stage is Stage.NEW for r in rows(app))
        assert "Stage New" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert len(rows(app)) == 6 and all(r.stage is Stage.IN_PROGRESS for r in rows(app))
        # a tile key jumps straight to a stage
        await pilot.press("5")
        await settle(pilot)
        assert pos(app) == [1011, 1012]
        await pilot.press("1")
        await settle(pilot)
        assert len(rows(app)) == 30
        # SLA: on time, at risk, overdue, all
        seen = {}
        for status in (SlaStatus.ON_TIME, SlaStatus.AT_RISK, SlaStatus.OVERDUE):
            await pilot.press("l")
            await settle(pilot)
            got = rows(app)
            assert got and all(r.sla_status is status for r in got)
            assert f"SLA {status.label}" in screen_text(app).replace("✓ ", "").replace("▲ ", "").replace("✗ ", "")
            seen[status] = len(got)
        assert sum(seen.values()) == 30
        # both at once
        await pilot.press("2")
        await settle(pilot)
        assert all(r.stage is Stage.NEW and r.sla_status is SlaStatus.OVERDUE for r in rows(app))
        expected = app.store.count_orders(OrderQuery(stage=Stage.NEW, sla=SlaStatus.OVERDUE))
        assert len(rows(app)) == expected > 0
        # esc clears the filters
        await pilot.press("escape")
        await settle(pilot)
        assert len(rows(app)) == 30
        assert "Stage All  SLA All" in screen_text(app)


async def test_sort_by_column_and_reverse_on_second_press(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pos(app) == list(range(1001, 1031))
        await pilot.press("P")  # PO again: reversed
        await settle(pilot)
        assert pos(app) == list(range(1030, 1000, -1))
        assert "PO ▼" in screen_text(app)
        await pilot.press("C")
        await settle(pilot)
        names = [r.customer_name for r in rows(app)]
        assert names == sorted(names, key=str.casefold)
        assert "Customer ▲" in screen_text(app)
        await pilot.press("C")
        await settle(pilot)
        assert [r.customer_name for r in rows(app)] == sorted(names, key=str.casefold, reverse=True)
        assert "Customer ▼" in screen_text(app)
        await pilot.press("D")
        await settle(pilot)
        dates = [r.order_date for r in rows(app)]
        assert dates == sorted(dates)
        # o cycles to the next column, O reverses
        await pilot.press("o")
        await settle(pilot)
        assert "Stage ▲" in screen_text(app)
        await pilot.press("O")
        await settle(pilot)
        assert "Stage ▼" in screen_text(app)


async def test_cursor_moves_and_stays_on_screen(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(OrderList)
        assert lst.cursor == 0
        await pilot.press("down", "down")
        assert lst.current.po_number == 1003
        await pilot.press("end")
        await settle(pilot)
        assert lst.current.po_number == 1030
        assert lst.scroll_offset.y > 0
        assert "1030" in screen_text(app)
        await pilot.press("home")
        assert lst.current.po_number == 1001 and lst.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert lst.cursor == lst.visible_rows


HOSTILE = factories.HOSTILE_NAMES + ["\x1b[31mred", "Tab\tand\nnewline"]


async def test_hostile_customer_names_display_literally(tmp_path):
    orders = [factories.order(po=2000 + i, first_name=name, last_name="") for i, name in enumerate(HOSTILE)]
    app = make_app(tmp_path, orders)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for name in factories.HOSTILE_NAMES:
            assert name in text, name
        assert "[31mred" in text and "\x1b" not in text  # the escape is dropped, not run
        assert "Tab and newline" in text
        svg = app.export_screenshot()
        assert "Ωμέγα" in svg
        # searching for one of them and opening the help do not crash either
        await pilot.press("slash")
        await type_search(pilot, "[bold]")
        assert pos(app) == [2000]
        assert "Search “[bold]”" in screen_text(app)
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_empty_store_explains_how_to_get_orders(tmp_path):
    app = make_app(tmp_path, orders=[])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "dropship-tui demo" in text
        assert "dropship-tui import FILE.json" in text
        assert not app.screen.query_one(OrderList).display
        # an order arrives; r shows it
        app.store.import_orders([factories.order(po=5)])
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one(OrderList).display
        assert pos(app) == [5]


async def test_returning_to_the_dashboard_refreshes_it(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(Screen())
        app.store.acknowledge(1001, None, {1: 1}, {})  # another screen changed an order
        app.pop_screen()
        await settle(pilot)
        counts = {t.id: t.count for t in app.screen.query(StageTile)}
        assert counts["tile-new"] == 19 and counts["tile-in_progress"] == 7
        assert rows(app)[0].stage is Stage.IN_PROGRESS


async def test_keys_can_be_remapped_in_the_config(tmp_path):
    app = make_app(tmp_path, keymap={"dashboard.search": "ctrl+f", "dashboard.stage": "t"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert not app.screen.query_one("#search").display
        await pilot.press("t")
        await settle(pilot)
        assert all(r.stage is Stage.NEW for r in rows(app))
        await pilot.press("ctrl+f")
        assert app.focused.id == "search"
        await pilot.press("escape", "question_mark")
        text = screen_text(app)
        assert "^f" in text and "dashboard.search" in text
        assert "Footer" not in text
        line = next(l for l in text.splitlines() if "dashboard.stage" in l)
        assert " t " in line


async def test_help_lists_every_binding_of_the_screen(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[3] for row in app.screen.rows}
        for ident in DashboardScreen.BINDINGS:
            assert ident.id in ids
        for ident in ("list.down", "list.page_down", "app.quit", "app.help"):
            assert ident in ids
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_command_palette_lists_the_screen_actions(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Search (/)" in titles and "Fulfil (f)" in titles and "Stage (s)" in titles
        # running one from the palette does what the key does
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Stage (s)")
        await command.callback()
        await settle(pilot)
        assert all(r.stage is Stage.NEW for r in rows(app))


async def test_low_bandwidth_turns_animation_and_blink_off(tmp_path):
    app = make_app(tmp_path, low_bandwidth=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.animation_level == "none"
        assert app.screen.query_one("#search").cursor_blink is False


async def test_enter_opens_the_order_detail(tmp_path):
    from dropship_tui.tui.screens.order_detail import OrderDetailScreen

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        assert app.screen.po_number == 1002


async def test_f_starts_fulfillment_of_the_order_under_the_cursor(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, DashboardScreen)
        assert "1001" in screen_text(app)
        app.pop_screen()
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


def test_every_sample_customer_is_unique():
    assert len({f"{a} {b}" for a, b in CUSTOMERS}) == len(CUSTOMERS)


async def test_a_scanned_po_then_enter_opens_that_order(tmp_path):
    """A barcode scanner types "/1017⏎" and the user hits ⏎ at once: the detail of PO
    1017 opens, never the row that was under the cursor before the search ran."""
    from dropship_tui.tui.screens.order_detail import OrderDetailScreen

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "1", "0", "1", "7", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        assert app.screen.po_number == 1017


def test_docs_list_every_dashboard_key():
    from pathlib import Path

    from dropship_tui.tui.app import DropshipApp
    from dropship_tui.tui.keymap import declared_bindings
    from dropship_tui.tui.navigation import bound_classes

    docs = (Path(__file__).resolve().parents[1] / "docs" / "tui.md").read_text(encoding="utf-8")
    ours = ("app.", "dashboard.", "list.", "search.", "help.")  # other screens document their own
    ids = declared_bindings([DropshipApp, *bound_classes()])
    missing = [ident for ident in ids if ident.startswith(ours) and f"`{ident}`" not in docs]
    assert not missing, f"docs/tui.md does not list {missing}"


async def test_low_bandwidth_cursors_do_not_blink_on_other_screens(tmp_path):
    from textual.widgets import Input

    app = make_app(tmp_path, low_bandwidth=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")  # PO 1001 is New: the acknowledgement, with quantity inputs
        await settle(pilot)
        inputs = list(app.screen.query(Input))
        assert inputs and not any(i.cursor_blink for i in inputs)


async def test_an_unknown_keymap_id_is_reported(tmp_path):
    app = make_app(tmp_path, keymap={"dashbord.search": "ctrl+f"})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("dashbord.search" in m and "unknown" in m for m in messages)


def test_the_store_to_open(monkeypatch, tmp_path):
    import argparse

    from dropship_tui.cli.tui import store_path
    from dropship_tui.config import Config
    from dropship_tui.store.paths import ENV_VAR

    config = Config(default_store=str(tmp_path / "configured.db"))
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert store_path(argparse.Namespace(db=str(tmp_path / "x.db")), config) == tmp_path / "x.db"
    assert store_path(argparse.Namespace(db=None), config) == tmp_path / "configured.db"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.db"))
    assert store_path(argparse.Namespace(db=None), config) == tmp_path / "env.db"
    monkeypatch.delenv(ENV_VAR)
    assert store_path(argparse.Namespace(db=None), Config()).name == "store.db"


def test_the_demo_store_is_built_in_the_given_folder(tmp_path):
    from dropship_tui.cli.tui import build_demo_store

    store = build_demo_store(tmp_path, "jordan", orders=300)
    try:
        assert store.counts().total == 300
        assert store.path.parent == tmp_path
    finally:
        store.close()


async def test_refresh_without_changes_repaints_nothing(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(OrderList)
        await pilot.press("down", "down")
        epoch = lst._epoch
        await pilot.press("r")
        await settle(pilot)
        assert lst._epoch == epoch and lst.cursor == 2
        app.store.acknowledge(1001, None, {1: 1}, {})
        await pilot.press("r")
        await settle(pilot)
        assert lst._epoch == epoch + 1 and lst.cursor == 2
        assert rows(app)[0].stage is Stage.IN_PROGRESS
