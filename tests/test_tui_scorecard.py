"""The vendor scorecard screen (issue 14 item 3) on the hand-built store of
``test_scorecard`` (known answers for every figure): one vendor's card, every vendor side
by side and sorted, the period keys, an empty period's "—", the loading title, and a
vendor user over the real server who sees its own card only."""

from __future__ import annotations

from datetime import timedelta

import pytest

import factories as f
from test_remote_support import fresh_backend, live_server  # noqa: F401
from test_scorecard import NOW, build
from tui_support import make_app, screen_text, settle

from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.screens.dashboard import DashboardScreen
from dropship_tui.tui.screens.scorecard import ScorecardScreen

SIZE = (120, 36)
HOSTILE = "[bold]Ann[/]"

pytestmark = pytest.mark.anyio


def scorecard_store(path, *vendors: str) -> SqliteStore:
    """MYSTIC with ``build``'s six orders, and ``vendors`` with none."""
    clock = [NOW]
    store = SqliteStore(path, user="jordan", clock=lambda: clock[0])
    store.add_vendor(f.vendor())
    store.add_location(f.location())
    for i, code in enumerate(vendors):
        store.add_vendor(f.vendor(code))
        store.add_location(f.location(f"WH-{i}", code))
    build(store, clock)
    return store


async def open_scorecard(pilot) -> ScorecardScreen:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ScorecardScreen)
    return screen


def card_lines(app) -> dict[str, str]:
    """The card's figures as shown: name -> value."""
    found = {}
    for line in screen_text(app).splitlines():
        name, _, value = line.strip().partition("  ")
        if value.strip():
            found[name] = value.strip()
    return found


async def test_a_single_vendor_sees_its_own_card_with_every_figure(tmp_path):
    app = make_app(tmp_path, store=scorecard_store(tmp_path / "store.db"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scorecard(pilot)
        assert not screen.table.display  # no table for one vendor
        shown = card_lines(app)
        assert shown["Orders"] == "5"
        assert shown["By stage"] == "New 2  In progress 2  Completed 0  Canceled 1"
        assert (shown["Fill rate"], shown["On-time acknowledgement"], shown["On-time shipping"],
                shown["Cancel rate"]) == ("90.0%", "50.0%", "50.0%", "20.0%")
        assert shown["Hours to acknowledge"] == "median 5.0 h   p90 30.0 h"
        assert shown["Hours to ship"] == "median 10.0 h   p90 80.0 h"
        assert shown["Canceled units by reason"] == "Out of stock 1  Undeliverable address 5"
        assert shown["Orders by week"] == "▁▁▁█▃  0 0 0 4 1"
        assert "2026-10-25 15:00 → 2026-11-24 15:00  (30 days)" in screen_text(app)
        await pilot.press("o")  # nothing to sort
        assert screen.sort_key == "vendor"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_every_vendor_side_by_side_sorted_by_any_column(tmp_path):
    app = make_app(tmp_path, store=scorecard_store(tmp_path / "store.db", "OTHER", HOSTILE))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scorecard(pilot)
        assert screen.table.display

        def order() -> list[str]:
            return [str(screen.table.get_row_at(i)[0]) for i in range(screen.table.row_count)]

        assert order() == ["[bold]Ann[/]", "MYSTIC", "OTHER"]  # by code, case-insensitive
        text = screen_text(app)
        assert "[bold]Ann[/]" in text and "3 vendors" in text  # the code as typed, never markup
        mystic = text.splitlines()[[line.lstrip().startswith("MYSTIC") for line in text.splitlines()].index(True)]
        assert mystic.split()[1:] == ["5", "90.0%", "50.0%", "50.0%", "20.0%", "5.0", "30.0", "10.0", "80.0", "6", "▁▁▁█▃"]
        assert text.count("—") >= 2 * 9  # the two vendors without orders: every rate and hour

        await pilot.press("o")  # orders, ascending: the empty ones first (by code)
        assert screen.sort_key == "orders" and order() == ["[bold]Ann[/]", "OTHER", "MYSTIC"]
        assert "Orders ▲" in screen_text(app)
        await pilot.press("O")
        assert order() == ["MYSTIC", "OTHER", "[bold]Ann[/]"] and "Orders ▼" in screen_text(app)
        await pilot.press("o")  # fill rate: the vendors without one stay last either way
        assert screen.sort_key == "fill" and order() == ["MYSTIC", "[bold]Ann[/]", "OTHER"]
        await pilot.press("O")
        assert order() == ["MYSTIC", "[bold]Ann[/]", "OTHER"]

        # the cursor stays on its vendor through the sorts; the card below follows it
        assert screen.table.cursor_row == 1 and card_lines(app)["Fill rate"] == "—"
        await pilot.press("up")
        await pilot.pause()
        assert card_lines(app)["Fill rate"] == "90.0%" and card_lines(app)["Orders"] == "5"
        await pilot.press("down")
        await pilot.pause()
        assert card_lines(app)["Orders"] == "0" and card_lines(app)["Fill rate"] == "—"


async def test_period_keys_move_and_resize_the_period(tmp_path):
    app = make_app(tmp_path, store=scorecard_store(tmp_path / "store.db"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scorecard(pilot)
        await pilot.press("right_square_bracket")  # never past now
        await settle(pilot)
        assert screen.end == NOW and card_lines(app)["Orders"] == "5"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "2026-09-25 15:00 → 2026-10-25 15:00  (30 days)" in screen_text(app)
        assert card_lines(app)["Orders"] == "1"  # 106, 40 days old
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.end == NOW and card_lines(app)["Orders"] == "5"
        await pilot.press("d")  # 90 days
        await settle(pilot)
        assert "(90 days)" in screen_text(app) and card_lines(app)["Orders"] == "6"
        assert card_lines(app)["Orders by week"].startswith("▁" * 7)  # 13 weeks
        await pilot.press("d")  # 7 days: all but 106
        await settle(pilot)
        assert "2026-11-17 15:00 → 2026-11-24 15:00  (7 days)" in screen_text(app)
        assert card_lines(app)["Orders"] == "5" and card_lines(app)["Orders by week"] == "█  5"
        await pilot.press("d")
        await settle(pilot)
        assert screen.days == 30


async def test_an_empty_period_shows_dashes_not_zero_rates(tmp_path):
    app = make_app(tmp_path, store=scorecard_store(tmp_path / "store.db"))
    async with app.run_test(size=SIZE) as pilot:
        await open_scorecard(pilot)
        await pilot.press("left_square_bracket", "left_square_bracket")  # 60-90 days ago
        await settle(pilot)
        shown = card_lines(app)
        assert shown["Orders"] == "0"
        assert [shown[k] for k in ("Fill rate", "On-time acknowledgement", "On-time shipping", "Cancel rate",
                                   "Canceled units by reason")] == ["—"] * 5
        assert shown["Hours to ship"] == "median —   p90 —"
        assert "0.0%" not in screen_text(app)


async def test_the_figures_load_in_a_worker_under_a_loading_title(tmp_path):
    store = scorecard_store(tmp_path / "store.db")
    app = make_app(tmp_path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with store.lock:  # the worker waits for the store: the screen is up, loading
            await pilot.press("R")
            for _ in range(3):
                await pilot.pause()
            assert isinstance(app.screen, ScorecardScreen) and "loading…" in screen_text(app)
            assert "90.0%" not in screen_text(app)
        await settle(pilot)
        assert "loading…" not in screen_text(app) and card_lines(app)["Fill rate"] == "90.0%"


async def test_the_palette_opens_it_and_search_and_other_screens_do_not(tmp_path):
    app = make_app(tmp_path, store=scorecard_store(tmp_path / "store.db"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "R")  # typed into the search ("Rosa"), not the scorecard
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and app.screen.query_one("#search").value == "R"
        await pilot.press("escape")
        await settle(pilot)
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Scorecard (R)")
        await command.callback()
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert "Scorecard (R)" not in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("R")  # not from here: no second scorecard on top
        await settle(pilot)
        assert len([s for s in app.screen_stack if isinstance(s, ScorecardScreen)]) == 1


@pytest.mark.parametrize("who, codes", [("jordan", ["MYSTIC"]), ("otto", ["MYSTIC", "OTHER"])])
async def test_over_the_api_a_vendor_sees_its_card_the_operator_every_vendor(live_server, tmp_path, who, codes):
    backend = fresh_backend(live_server, tmp_path / "server.db")
    clock = [NOW]
    backend.store.clock = lambda: clock[0]
    build(backend.store, clock)
    app = make_app(tmp_path, store=backend.remote(who))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_scorecard(pilot)
        assert [c.vendor_code for c in screen.cards] == codes
        assert screen.table.display == (len(codes) > 1)
        assert "90.0%" in screen_text(app)
        assert screen.start == NOW - timedelta(days=30)
