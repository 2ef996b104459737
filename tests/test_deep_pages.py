"""Issue 16 items 2-3: any page of any filter x sort x search, read through the covering
page indexes (no search), a walk in order, the set of matches or the kept positions (a
search), is the same page; ``orders --offset N`` reads one over the command line and
over the API. A real demo store file (fixed seed and clock), a real server."""

from __future__ import annotations

import sqlite3

import pytest

from factories import NOW
from test_remote_support import fresh_backend, live_server  # noqa: F401

from dropship_tui import cli
from dropship_tui.domain.models import SlaStatus, Stage
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.sqlite import queries, search
from dropship_tui.store.sqlite.rows import STAGE_RANK, name_key
from dropship_tui.store.sqlite.store import SqliteStore

ORDERS = 2_000
PAGE = 64


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    from dropship_tui.store.demo.builder import build_demo

    path = tmp_path_factory.mktemp("deep") / "demo.db"
    build_demo(path, orders=ORDERS, seed=1, now=NOW, fast=True)
    return path


@pytest.fixture
def store(demo_path):
    s = SqliteStore(demo_path, user="jordan", clock=lambda: NOW)
    yield s
    s.close()


SORT_KEYS = {
    SortKey.PO_NUMBER: lambda r: (r.po_number,),
    SortKey.ORDER_NUMBER: lambda r: (r.order_number, r.po_number),
    SortKey.CUSTOMER: lambda r: (name_key(r.customer_name), r.po_number),
    SortKey.ORDER_DATE: lambda r: (r.order_date, r.po_number),
    SortKey.STAGE: lambda r: (STAGE_RANK[r.stage], r.po_number),
    SortKey.PROGRESS: lambda r: (r.progress, r.po_number),
}
FILTERS = [
    {},
    {"stage": Stage.IN_PROGRESS},
    {"sla": SlaStatus.AT_RISK},
    {"sla": SlaStatus.ON_TIME},
    {"stage": Stage.NEW, "sla": SlaStatus.OVERDUE},
    {"vendor_code": "MYSTIC"},
]


def offsets(total: int) -> list[int]:
    return sorted({0, 1, 37, total // 2, max(0, total - PAGE), max(0, total - 1), total, total + 5})


def pos(rows) -> list[int]:
    return [r.po_number for r in rows]


@pytest.mark.parametrize("sort", list(SORT_KEYS))
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "all")
def test_every_page_of_a_filtered_sorted_list_is_the_sorted_list_cut_there(store, sort, filters):
    every = store.list_orders(OrderQuery(), limit=ORDERS * 2)
    assert len(every) == ORDERS

    def kept(r) -> bool:
        return all(getattr(r, "sla_status" if k == "sla" else k) == v for k, v in filters.items())

    for descending in (False, True):
        expected = pos(sorted((r for r in every if kept(r)), key=SORT_KEYS[sort], reverse=descending))
        query = OrderQuery(sort=sort, descending=descending, **filters)
        assert store.count_orders(query) == len(expected)
        for offset in offsets(len(expected)):
            assert pos(store.list_orders(query, offset=offset, limit=PAGE)) == expected[offset:offset + PAGE], offset


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "all")
def test_the_sla_sort_pages_join_up_in_status_order(store, filters):
    for descending in (False, True):
        query = OrderQuery(sort=SortKey.SLA, descending=descending, **filters)
        whole = store.list_orders(query, limit=ORDERS * 2)
        assert len(whole) == store.count_orders(query)
        ranks = [(SlaStatus.ON_TIME, SlaStatus.AT_RISK, SlaStatus.OVERDUE).index(r.sla_status) for r in whole]
        assert ranks == sorted(ranks, reverse=descending)
        for offset in offsets(len(whole)):
            assert pos(store.list_orders(query, offset=offset, limit=PAGE)) == pos(whole[offset:offset + PAGE])


def test_a_deep_sla_page_skips_parts_by_their_counted_sizes_and_reads_from_the_nearer_end(store):
    """Every offset around each part's edges and middle (where the read turns to the
    part's far end) gives the page the whole list has there."""
    for filters in FILTERS:
        for descending in (False, True):
            query = OrderQuery(sort=SortKey.SLA, descending=descending, **filters)
            whole = pos(store.list_orders(query, limit=ORDERS * 2))
            with store.reading() as conn:
                size = store._sla_sizes(conn, query, queries.to_us(NOW))
                assert size is not None
                sizes = [size(i) for i in range(len(queries._sla_layout(query)))]
            assert sum(sizes) == len(whole), filters
            edges, at = set(), 0
            for n in sizes:
                edges |= {at, at + n // 2, at + n // 2 + 1, at + n - 3, at + n}
                at += n
            for offset in sorted(o for o in edges if o >= 0):
                got = pos(store.list_orders(query, offset=offset, limit=7))
                assert got == whole[offset:offset + 7], (filters, descending, offset)


NAMES = [
    ("Mia", "Moore"), ("Ann", "Moore"), ("Ann", "Miller"), ("Zoë", "Müller"), ("Ωμέγα", "Martin"),
    ("北京", "Ma"), ("[bold]Ann[/]", "Lee"), ("Max", "Lee"), ("Bob", "Mason"), ("<b>&amp;", "Mmm"),
    ("Émile", "Zola"), ("Mathéo", "Mbappé"), ("Ольга", "Иванова"), ("[0]", "Marx"),
]


def test_a_customer_sorted_search_merged_from_its_parts_is_the_sorted_set_of_matches(tmp_path):
    """``search.by_customer`` (customers named with the term, each last name with it, the
    rest) against the set of matches sorted: ties on one name, a PO matching on both its
    names (once), the term as a SKU, filters, both directions, pages across parts."""
    import factories as f

    s = SqliteStore(tmp_path / "names.db", user="jordan", clock=lambda: NOW)
    s.add_vendor(f.vendor())
    s.add_location(f.location())
    orders = [
        f.order(po, first_name=NAMES[po % len(NAMES)][0], last_name=NAMES[po % len(NAMES)][1], hours_old=po % 50)
        for po in range(1, 120)
    ]
    orders.append(f.order(500, lines=[f.line(sku="M")], first_name="Zed", last_name="Quill"))
    s.import_orders(orders)
    order = s.get_order(3)
    s.acknowledge(3, order.version, {ln.line_id: ln.quantity_ordered for ln in order.lines}, {})
    now_us = queries.to_us(NOW)
    try:
        for term in ("M", "m", "mo", "Ma", "ann", "北", "[", "zz"):
            for filters in ({}, {"stage": Stage.NEW}, {"sla": SlaStatus.ON_TIME}, {"vendor_code": "MYSTIC"}):
                for descending in (False, True):
                    query = OrderQuery(search=term, sort=SortKey.CUSTOMER, descending=descending, **filters)
                    where, params = s._where(query.model_copy(update={"search": ""}), now_us)
                    with s.reading() as conn:
                        expected = s._page(conn, query, 0, 1000, now_us, "set")
                        merged = search.by_customer(conn, term, where, params, descending, len(expected) + 5)
                    assert merged == expected, (term, filters, descending)
                    for offset in (0, 1, 4, len(expected) - 2):
                        got = pos(s.list_orders(query, offset=max(0, offset), limit=5))
                        assert got == expected[max(0, offset):max(0, offset) + 5], (term, filters, offset)
        # (the SKU match came through the "rest" part: Zed Quill is named with no M)
        assert 500 in pos(s.list_orders(OrderQuery(search="M", sort=SortKey.CUSTOMER), limit=1000))
    finally:
        s.close()


def test_the_last_name_index_replaces_the_old_one(demo_path):
    conn = sqlite3.connect(demo_path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        plan = " ".join(r[-1] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT customer_key, po_number FROM orders INDEXED BY orders_last_customer "
            "WHERE last_key = 'moore' ORDER BY customer_key DESC, po_number DESC LIMIT 64"))
    finally:
        conn.close()
    assert "orders_last_customer" in names and "orders_last_name" not in names
    assert "COVERING INDEX orders_last_customer" in plan and "TEMP B-TREE" not in plan


def terms(store) -> list[str]:
    line = store.get_order(7).lines[0]
    return ["M", "ann", "a", "Παπα", "[", line.sku, line.vendor_sku or "x", "7", "zzzq"]


@pytest.mark.parametrize("sort", list(SortKey))
def test_a_search_reads_the_same_pages_walked_from_its_matches_or_from_kept_positions(store, demo_path, sort, monkeypatch):
    for term in terms(store):
        for descending in (False, True):
            query = OrderQuery(search=term, sort=sort, descending=descending)
            # a fresh store each time: nothing kept from an earlier read
            walked = SqliteStore(demo_path, clock=lambda: NOW)
            monkeypatch.setattr(search, "SCAN_BUDGET", 10.0)
            first = {o: pos(walked.list_orders(query, offset=o, limit=PAGE)) for o in (0, 1, 100)}
            monkeypatch.setattr(search, "SCAN_BUDGET", 0.0)  # every walk gives way at once
            assert {o: pos(walked.list_orders(query, offset=o, limit=PAGE)) for o in first} == first, term
            whole = pos(walked.list_orders(query, limit=ORDERS * 2))
            walked.close()
            for o, page in first.items():
                assert page == whole[o:o + PAGE], (term, o)
            # kept positions: built with the count, then pages are slices of them
            assert store.count_orders(query) == len(whole), term
            for offset in offsets(len(whole)):
                assert pos(store.list_orders(query, offset=offset, limit=PAGE)) == whole[offset:offset + PAGE]


def test_a_deep_page_of_a_search_builds_its_positions_without_a_count(demo_path, monkeypatch):
    monkeypatch.setattr(queries, "DEEP", 50)
    s = SqliteStore(demo_path, clock=lambda: NOW)
    query = OrderQuery(search="a", sort=SortKey.CUSTOMER, descending=True)
    whole = pos(s.list_orders(query, limit=ORDERS * 2))
    assert len(whole) > 60
    assert s.positions_cache.get(s.connection, query, 0) is None
    assert pos(s.list_orders(query, offset=60, limit=PAGE)) == whole[60:60 + PAGE]
    assert s.positions_cache.get(s.connection, query, 0) is not None
    s.close()


def test_kept_positions_follow_a_write(tmp_path):
    from dropship_tui.store.demo.builder import build_demo

    path = tmp_path / "small.db"
    build_demo(path, orders=300, seed=3, now=NOW, fast=True)
    s = SqliteStore(path, user="jordan", clock=lambda: NOW)
    other = SqliteStore(path, user="sam", clock=lambda: NOW)
    query = OrderQuery(search="1", stage=Stage.NEW)
    try:
        before = s.count_orders(query)
        new = pos(s.list_orders(query, limit=1000))
        assert before == len(new) > 2
        # a write through this store object ...
        order = s.get_order(new[0])
        s.acknowledge(order.po_number, order.version, {ln.line_id: ln.quantity_ordered for ln in order.lines}, {})
        assert s.count_orders(query) == before - 1
        assert pos(s.list_orders(query, limit=1000)) == new[1:]
        # ... and through another connection (another program on the same file)
        order = other.get_order(new[1])
        other.acknowledge(order.po_number, order.version, {ln.line_id: ln.quantity_ordered for ln in order.lines}, {})
        assert s.count_orders(query) == before - 2
        assert pos(s.list_orders(query, limit=1000)) == new[2:]
    finally:
        s.close()
        other.close()


def test_a_walk_given_way_leaves_the_connection_usable(store, monkeypatch):
    monkeypatch.setattr(search, "SCAN_BUDGET", 0.0)
    conn = store.connection
    with pytest.raises(search.OverBudget):
        with search.within(conn, 0.0):
            conn.execute("SELECT count(*) FROM orders a, orders b").fetchone()
    assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == ORDERS
    assert len(store.list_orders(OrderQuery(search="M", sort=SortKey.CUSTOMER), limit=10)) == 10


def test_a_deep_page_steps_through_a_covering_index(demo_path):
    conn = sqlite3.connect(demo_path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"orders_page_po", "orders_page_customer", "orders_page_order_number",
                "orders_page_progress", "orders_page_stage"} <= names
        plan = " ".join(r[-1] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT po_number FROM orders INDEXED BY orders_page_customer "
            "WHERE sla_at_risk_at <= 1 AND sla_overdue_at > 1 ORDER BY customer_key DESC, po_number DESC "
            "LIMIT 64 OFFSET 1000"))
    finally:
        conn.close()
    assert "COVERING INDEX orders_page_customer" in plan and "TEMP B-TREE" not in plan


# --- orders --offset ----------------------------------------------------------------------


def test_orders_offset_on_the_command_line(demo_path, capsys):
    import json

    args = ["--db", str(demo_path), "orders", "--sort", "customer", "--desc", "--json"]
    assert cli.main([*args, "--limit", "0"]) == 0
    whole = [r["po_number"] for r in json.loads(capsys.readouterr().out)]
    assert cli.main([*args, "--offset", "1000", "--limit", "5"]) == 0
    assert [r["po_number"] for r in json.loads(capsys.readouterr().out)] == whole[1000:1005]
    assert cli.main([*args, "--offset", "1998", "--limit", "0"]) == 0
    assert [r["po_number"] for r in json.loads(capsys.readouterr().out)] == whole[1998:]
    assert cli.main(["--db", str(demo_path), "orders", "--offset", "5000"]) == 0
    assert "No orders past the first 5,000: the list has 2,000." in capsys.readouterr().out


@pytest.mark.parametrize("value", ["-1", "x", "2147483648", "1e3"])
def test_a_bad_offset_is_a_usage_error(demo_path, capsys, value):
    assert cli.main(["--db", str(demo_path), "orders", f"--offset={value}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--offset" in err[0]


def test_offset_with_csv_is_a_usage_error(demo_path, capsys):
    assert cli.main(["--db", str(demo_path), "orders", "--offset", "5", "--csv"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--offset" in err[0]


def test_orders_offset_over_the_api(live_server, tmp_path, monkeypatch, capsys):
    import json

    import factories as f

    backend = fresh_backend(live_server, tmp_path / "server.db")
    backend.store.import_orders([f.order(po) for po in range(100, 140)])
    monkeypatch.setenv("DROPSHIP_TUI_TOKEN", backend.tokens["jordan"])
    assert cli.main(["--api", backend.url, "orders", "--offset", "30", "--limit", "4", "--json"]) == 0
    assert [r["po_number"] for r in json.loads(capsys.readouterr().out)] == [130, 131, 132, 133]
    assert cli.main(["--api", backend.url, "orders", "--desc", "--offset", "38", "--json"]) == 0
    got = [r["po_number"] for r in json.loads(capsys.readouterr().out)]
    assert got[-2:] == [101, 100] and 139 not in got


def test_the_step_keeps_an_analyzed_store_analyzed(demo_path, tmp_path):
    """A store with statistics gets them for the page indexes too (else SQLite takes an
    index it knows nothing of as very selective and sorts a whole stage for 64 rows)."""
    import shutil

    from dropship_tui.store.sqlite import page_indexes, schema

    path = tmp_path / "before.db"
    shutil.copy(demo_path, path)
    conn = sqlite3.connect(path)
    for name in page_indexes.PAGE_INDEX.values():
        conn.execute(f"DROP INDEX {name}")
    conn.execute(f"PRAGMA user_version = {schema.MIGRATIONS.index(page_indexes.step)}")
    conn.commit()
    assert conn.execute("SELECT count(*) FROM sqlite_stat1 WHERE idx LIKE 'orders_page_%'").fetchone()[0] == 0
    conn.close()
    SqliteStore(path, clock=lambda: NOW).close()  # migrates
    conn = sqlite3.connect(path)
    try:
        analyzed = {r[0] for r in conn.execute("SELECT idx FROM sqlite_stat1 WHERE idx LIKE 'orders_page_%'")}
        assert analyzed == set(page_indexes.PAGE_INDEX.values())
        plan = " ".join(r[-1] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT po_number FROM orders WHERE stage_rank = 1 "
            "ORDER BY order_date DESC, po_number DESC LIMIT 64"))
    finally:
        conn.close()
    assert "orders_stage_order_date_sla" in plan and "TEMP B-TREE" not in plan
