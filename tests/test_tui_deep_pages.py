"""Issue 16 item 2 in the dashboard: a scrollbar jump to the middle of a filtered,
sorted or searched list shows the rows the store has at that offset, and the pages a
jump shows and prefetches are read together (one read per run of neighbouring pages).
The real app on a real demo store file (fixed seed and clock), driven by Pilot."""

from __future__ import annotations

import pytest

from factories import NOW
from tui_support import settle

from dropship_tui.config import Config
from dropship_tui.domain.models import SlaStatus
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.sqlite.store import SqliteStore
from dropship_tui.tui.app import DropshipApp
from dropship_tui.tui.widgets import order_pages
from dropship_tui.tui.widgets.order_list import OrderList

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    from dropship_tui.store.demo.builder import build_demo

    path = tmp_path_factory.mktemp("jump") / "demo.db"
    build_demo(path, orders=3_000, seed=2, now=NOW, fast=True)
    return path


def test_runs_of_neighbouring_pages():
    assert order_pages.runs(set()) == []
    assert order_pages.runs({7, 3, 4, 5, 9, 10}) == [(3, 3), (7, 1), (9, 2)]


@pytest.mark.parametrize("query", [
    OrderQuery(sla=SlaStatus.ON_TIME, sort=SortKey.CUSTOMER, descending=True),
    OrderQuery(sort=SortKey.PROGRESS),
    OrderQuery(search="1", sort=SortKey.SLA, descending=True),
], ids=["on-time-customer-desc", "progress", "search-sla-desc"])
async def test_a_scrollbar_jump_to_the_middle_shows_the_rows_at_that_offset(demo_path, monkeypatch, query):
    reads: list[tuple[int, int]] = []
    real = order_pages.read_pages

    def counted(store, q, first, count, total):
        reads.append((first, count))
        return real(store, q, first, count, total)

    monkeypatch.setattr(order_pages, "read_pages", counted)
    store = SqliteStore(demo_path, user="jordan", clock=lambda: NOW)
    app = DropshipApp(store, Config())
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            lst = app.screen.query_one(OrderList)
            lst.set_query(query)
            for _ in range(40):
                await pilot.pause(0.05)
                if lst.query == query and not lst.counting and not lst.pending:
                    break
            total = store.count_orders(query)
            assert lst.total == total > 500
            reads.clear()
            middle = total // 2
            lst.scroll_to(y=middle, animate=False)
            for _ in range(40):
                await pilot.pause(0.05)
                if all(lst.row(i) is not None for i in range(middle, middle + lst.visible_rows)):
                    break
            await settle(pilot)
            top = int(lst.scroll_offset.y)
            assert top == middle
            expected = store.list_orders(query, offset=top, limit=lst.visible_rows)
            assert [lst.row(top + i).po_number for i in range(lst.visible_rows)] == [r.po_number for r in expected]
            # the pages on screen and those prefetched around them: neighbours, read at once
            assert any(count > 1 for _, count in reads), reads
            assert len(reads) <= 2, reads
    finally:
        store.close()
