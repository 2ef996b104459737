"""The real app on a PostgreSQL store (issue 11): the dashboard of the sample store, its
search and an acknowledgement from the keyboard read and write the same as on SQLite."""

from __future__ import annotations

import pytest

import factories
from dropship_tui.store.postgres.store import PostgresStore
from tui_support import advance_sample, clock, make_app, sample_orders, screen_text, settle

pytestmark = pytest.mark.anyio


def pg_store(url: str) -> PostgresStore:
    store = PostgresStore(url, user="jordan", clock=clock)
    store.add_vendor(factories.vendor())
    store.add_location(factories.location())
    store.import_orders(sample_orders())
    advance_sample(store)
    return store


async def dashboard(app, search: str = "") -> str:
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        if search:
            await pilot.press("/")
            await pilot.press(*search)
            await pilot.press("enter")
            await settle(pilot)
        return screen_text(app)


async def test_the_dashboard_reads_the_same_on_both_engines(tmp_path, pg_url):
    sqlite_screen = await dashboard(make_app(tmp_path))
    pg_screen = await dashboard(make_app(tmp_path, store=pg_store(pg_url)))
    assert "1001" in pg_screen and pg_screen == sqlite_screen


async def test_a_search_reads_the_same_on_both_engines(tmp_path, pg_url):
    sqlite_screen = await dashboard(make_app(tmp_path), "ann")
    pg_screen = await dashboard(make_app(tmp_path, store=pg_store(pg_url)), "ann")
    assert "Anna Leroy" in pg_screen and "Bob Stone" not in pg_screen and pg_screen == sqlite_screen
