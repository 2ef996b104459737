"""Issue 16 item 2: a deep page of one stage with an SLA filter too is read through that
stage's own index range when the index holds the SLA marks (``orders_stage_progress_sla``
for the progress sort: ``stage_progress_index``), and is the same page as the Python sort
of the whole list. A real demo store file (fixed seed and clock)."""

from __future__ import annotations

import sqlite3

import pytest

from factories import NOW
from test_deep_pages import SORT_KEYS, demo_path, offsets, pos  # noqa: F401
from test_store_migrations import make_v1_store

from dropship_tui.domain.models import SlaStatus, Stage
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.sqlite import queries
from dropship_tui.store.sqlite.store import SqliteStore

PAGE = 16


def index_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


@pytest.mark.parametrize("stage", [Stage.NEW, Stage.IN_PROGRESS])
@pytest.mark.parametrize("sla", list(SlaStatus))
def test_every_deep_page_of_a_stage_and_sla_list_is_the_sorted_list_cut_there(demo_path, monkeypatch, stage, sla):  # noqa: F811
    # Every offset counts as deep: the pages are read through the stage indexes that
    # hold the SLA marks (and the page indexes for the others).
    monkeypatch.setattr(queries, "DEEP", 0)
    with SqliteStore(demo_path, clock=lambda: NOW) as store:
        every = store.list_orders(OrderQuery(), limit=10_000)
        kept = [r for r in every if r.stage is stage and r.sla_status is sla]
        assert kept, "the demo store has such orders"
        for sort, key in SORT_KEYS.items():
            for descending in (False, True):
                expected = pos(sorted(kept, key=key, reverse=descending))
                query = OrderQuery(stage=stage, sla=sla, sort=sort, descending=descending)
                for offset in offsets(len(expected)):
                    got = pos(store.list_orders(query, offset=offset, limit=PAGE))
                    assert got == expected[offset:offset + PAGE], (sort, descending, offset)


def test_the_progress_sort_of_one_stage_reads_its_covering_range(demo_path):  # noqa: F811
    conn = sqlite3.connect(demo_path)
    try:
        names = index_names(conn)
        plan = " ".join(r[-1] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT po_number FROM orders INDEXED BY orders_stage_progress_sla "
            "WHERE stage_rank = 0 AND sla_overdue_at <= 1 AND vendor_code = 'MYSTIC' "
            "ORDER BY progress DESC, po_number DESC LIMIT 64 OFFSET 1000"))
    finally:
        conn.close()
    assert "orders_stage_progress_sla" in names and "orders_stage_progress" not in names
    assert "COVERING INDEX orders_stage_progress_sla" in plan and "TEMP B-TREE" not in plan


def test_an_old_store_gets_the_wider_index_instead_of_the_old_one(tmp_path):
    path = tmp_path / "old.db"
    make_v1_store(path)
    with SqliteStore(path, clock=lambda: NOW) as store:
        names = index_names(store.connection)
        query = OrderQuery(stage=Stage.NEW, sort=SortKey.PROGRESS, descending=True)
        assert [s.stage for s in store.list_orders(query)] == [Stage.NEW]
    assert "orders_stage_progress_sla" in names and "orders_stage_progress" not in names
