"""Issue 14 item 5 and issue 13 item 11 as dashboard filters: ``OrderQuery.location_code``
and ``OrderQuery.package_exception``, and the search by location code, on a real SQLite
store and over a real server (the same answers, counts and pages alike)."""

from __future__ import annotations

import sqlite3

import pytest

import factories as f
from tui_support import dhl_tracking
from test_remote_support import fixed_clock, fresh_backend, live_server, seed  # noqa: F401

from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.domain.models import SlaStatus, Stage
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.sqlite.store import SqliteStore

WH1, WH2 = "MYSTIC-WH1", "MYSTIC-WH2"


def fill(store) -> None:
    """POs 1-4 at WH1, 5-7 at WH2 (MYSTIC); 8 at OTHER-WH1; PO 2 and PO 6 have a package
    in exception, PO 3 a delivered one."""
    store.add_location(f.location(WH2, "MYSTIC"))
    orders = [f.order(po=po, location_code=WH1 if po <= 4 else WH2) for po in range(1, 8)]
    orders.append(f.order(po=8, vendor_code="OTHER", location_code="OTHER-WH1"))
    store.import_orders(orders)
    for po, status in ((2, PackageStatus.EXCEPTION), (6, PackageStatus.EXCEPTION), (3, PackageStatus.DELIVERED)):
        full = {ln.line_id: ln.quantity_ordered for ln in store.get_order(po).lines}
        store.acknowledge(po, None, full, {})
        store.save_slips(po, None, [full])
        store.save_tracking(po, None, 1, dhl_tracking(po), "DHL")
        store.set_package_status(po, None, 1, status, f.NOW)


@pytest.fixture(params=["sqlite", "remote"])
def store(request, tmp_path):
    if request.param == "sqlite":
        local = SqliteStore(tmp_path / "local.db", user="jordan", clock=fixed_clock)
        seed(local)
        fill(local)
        yield local
        local.close()
    else:
        backend = fresh_backend(request.getfixturevalue("live_server"), tmp_path / "server.db")
        fill(backend.store)
        remote = backend.remote("otto")  # the operator: every vendor's orders
        yield remote
        remote.close()


def pos(store, query: OrderQuery) -> list[int]:
    rows = store.list_orders(query, offset=0, limit=50)
    assert store.count_orders(query) == len(rows)
    return [r.po_number for r in rows]


def test_the_location_filter(store):
    assert pos(store, OrderQuery(location_code=WH2)) == [5, 6, 7]
    assert pos(store, OrderQuery(location_code=WH1, stage=Stage.IN_PROGRESS)) == [2, 3]
    assert sorted(pos(store, OrderQuery(location_code=WH1, sort=SortKey.SLA))) == [1, 2, 3, 4]
    assert pos(store, OrderQuery(location_code=WH2, sla=SlaStatus.ON_TIME)) == [5, 6, 7]
    assert pos(store, OrderQuery(location_code="NOWHERE")) == []
    rows = store.list_orders(OrderQuery(location_code=WH2), offset=0, limit=5)
    assert {r.location_code for r in rows} == {WH2}


def test_the_package_exception_filter(store):
    assert pos(store, OrderQuery(package_exception=True)) == [2, 6]
    assert pos(store, OrderQuery(package_exception=True, location_code=WH2)) == [6]
    assert pos(store, OrderQuery(package_exception=True, stage=Stage.NEW)) == []
    assert pos(store, OrderQuery(package_exception=True, search="1")) == []  # PO 1 has none


def test_search_by_location_code(store):
    assert pos(store, OrderQuery(search=WH2)) == [5, 6, 7]
    assert pos(store, OrderQuery(search=WH2.lower())) == [5, 6, 7]
    assert pos(store, OrderQuery(search="OTHER-WH1")) == [8]


def test_the_operator_filters_by_vendor(store):
    assert pos(store, OrderQuery(vendor_code="OTHER")) == [8]
    assert pos(store, OrderQuery(vendor_code="MYSTIC", location_code=WH1)) == [1, 2, 3, 4]


def test_the_location_filter_is_indexed(tmp_path):
    local = SqliteStore(tmp_path / "local.db", user="jordan", clock=fixed_clock)
    seed(local)
    local.close()
    conn = sqlite3.connect(tmp_path / "local.db")
    plan = " ".join(row[-1] for row in conn.execute(
        "EXPLAIN QUERY PLAN SELECT po_number FROM orders WHERE location_code = ? ORDER BY po_number LIMIT 50",
        (WH1,)))
    conn.close()
    assert "orders_location" in plan and "TEMP B-TREE" not in plan
