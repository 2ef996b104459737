"""A big store opens and scrolls, and the list holds only a window of rows.

The store is built once per test session with the demo fast path. Its size: 100,000
orders by default (about 10 s to build on one CI core), because a million takes minutes
to build there and the point here — the list never holds more than a few hundred rows,
whatever the store's size — does not depend on it. Run it at full size with
``DROPSHIP_TUI_SCALE_ORDERS=1000000``, or on a store you already have with
``DROPSHIP_TUI_SCALE_DB=PATH`` (``benchmarks/tui.py`` times the 1,000,000-order case).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from factories import NOW
from tui_support import screen_lines, settle

from dropship_tui.tui.app import DropshipApp
from dropship_tui.config import Config
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.widgets.order_list import MAX_PAGES, PAGE_SIZE, OrderList

pytestmark = pytest.mark.anyio

ORDERS = int(os.environ.get("DROPSHIP_TUI_SCALE_ORDERS", "100000"))
WINDOW = MAX_PAGES * PAGE_SIZE



@pytest.fixture(scope="session")
def big_store_path(tmp_path_factory) -> Path:
    existing = os.environ.get("DROPSHIP_TUI_SCALE_DB")
    if existing:
        return Path(existing)
    from dropship_tui.store.demo.builder import build_demo

    path = tmp_path_factory.mktemp("scale") / "big.db"
    started = time.perf_counter()
    build_demo(path, orders=ORDERS, seed=1, now=NOW, fast=True)
    print(f"\nbuilt a {ORDERS:,}-order store in {time.perf_counter() - started:.1f} s")
    return path


def held(lst: OrderList) -> int:
    assert lst.cached_rows <= WINDOW
    assert len(lst._strips) <= 256
    return lst.cached_rows


async def test_big_store_opens_and_scrolls_holding_a_window_of_rows(big_store_path):
    store = SqliteStore(big_store_path, user="jordan", clock=lambda: NOW)
    total = store.counts().total
    app = DropshipApp(store, Config())
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            lst = app.screen.query_one(OrderList)
            assert lst.total == total >= 50_000
            assert lst.virtual_size.height == total + 1
            assert held(lst) <= 2 * PAGE_SIZE
            for _ in range(30):
                await pilot.press("pagedown")
            await settle(pilot)
            held(lst)
            assert lst.cursor == 30 * lst.visible_rows
            assert lst.current is not None

            await pilot.press("end")
            await settle(pilot)
            held(lst)
            assert lst.cursor == total - 1
            assert lst.current.po_number == store.list_orders(
                OrderQuery(descending=True), offset=0, limit=1
            )[0].po_number
            last_line = next(line for line in reversed(screen_lines(app)) if line.strip() and "Search" not in line)
            assert str(lst.current.po_number) in last_line

            for _ in range(10):
                await pilot.press("pageup")
            await settle(pilot)
            held(lst)
            # the rows read from the far end are the same as reading forward
            index = lst.cursor
            expected = store.list_orders(OrderQuery(), offset=index, limit=1)[0]
            assert lst.current.po_number == expected.po_number

            await pilot.press("home")
            await settle(pilot)
            assert lst.current.po_number == store.list_orders(OrderQuery(), offset=0, limit=1)[0].po_number

            # a sort and a search over the whole store
            await pilot.press("D", "D")
            await settle(pilot)
            assert lst.query.sort is SortKey.ORDER_DATE and lst.query.descending
            newest = store.list_orders(lst.query, offset=0, limit=1)[0]
            assert lst.current.po_number == newest.po_number
            await pilot.press("slash", "8", "2")
            await pilot.pause(0.5)
            await settle(pilot)
            assert 0 < lst.total < total
            assert not lst.counting
            assert lst.total == store.count_orders(lst.query)
            held(lst)
            assert lst.fetches < 200  # pages on demand, never the whole store
    finally:
        store.close()
