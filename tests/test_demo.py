"""The demo store: deterministic, realistic, and the fast path writes what the rules write."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections import Counter

import pytest

from dropship_tui.domain import sla, tracking
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Order, SlaStatus, Stage
from dropship_tui.store.demo import build_demo, plans, world
from dropship_tui.store.base import OrderQuery
from dropship_tui.store.sqlite.rows import STAGE_RANK, to_us
from dropship_tui.store.sqlite.store import SqliteStore

from factories import NOW

TABLES = {
    "orders": "po_number",
    "order_bodies": "po_number",
    "lines": "po_number, line_id",
    "tracking": "number",
    "invoices": "number",
    "activity": "po_number, id",
    "stage_counts": "vendor_code, stage",
    "sequences": "name",
    "vendors": "code",
    "location_groups": "code",
    "locations": "code",
    "sku_mappings": "vendor_code, product_code",
    "stock": "vendor_sku, location_code",
}


def dump(path) -> dict[str, list[tuple]]:
    """Every table's content (activity without its row id)."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table, order_by in TABLES.items():
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
            out[table] = conn.execute(
                f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order_by}"
            ).fetchall()
        return out
    finally:
        conn.close()


def build(tmp_path, name, **kw):
    path = tmp_path / f"{name}.db"
    build_demo(path, now=NOW, **kw)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """400 orders through the real store actions."""
    path = tmp_path_factory.mktemp("demo") / "small.db"
    build_demo(path, orders=400, seed=5, now=NOW, fast=False)
    return path


def test_same_seed_same_store(small, tmp_path):
    again = build(tmp_path, "again", orders=400, seed=5, fast=False)
    assert dump(again) == dump(small)
    other = build(tmp_path, "other", orders=400, seed=6, fast=False)
    assert dump(other)["orders"] != dump(small)["orders"]


def test_fast_path_writes_exactly_what_the_rules_write(small, tmp_path):
    fast = build(tmp_path, "fast", orders=400, seed=5, fast=True, workers=0)
    assert dump(fast) == dump(small)


def test_fast_path_in_parallel_chunks_too(tmp_path, monkeypatch):
    monkeypatch.setattr(plans, "CHUNK", 150)  # 4 chunks, in 2 worker processes
    slow = build(tmp_path, "slow", orders=520, seed=9, fast=False)
    fast = build(tmp_path, "fast", orders=520, seed=9, fast=True, workers=2)
    assert dump(fast) == dump(slow)


def test_fast_path_rows_round_trip_through_the_domain(tmp_path):
    path = build(tmp_path, "fast", orders=3000, seed=2, fast=True)
    with SqliteStore(path, clock=lambda: NOW) as store:
        rows = store.connection.execute(
            "SELECT po_number, body, stage_rank, sla_at_risk_at, sla_overdue_at, final_sla, progress, "
            "version, total_units FROM orders JOIN order_bodies USING (po_number) "
            "WHERE po_number % 7 = 0"
        ).fetchall()
        assert len(rows) > 400
        summaries = {s.po_number: s for s in store.list_orders(OrderQuery(), limit=3000)}
        for po, body, rank, at_risk, overdue, final, progress, version, units in rows:
            order = Order.model_validate_json(body)
            assert order.model_dump_json() == body  # byte for byte what pydantic writes
            policy = store.sla_policy_for(order)
            assert progress == sla.progress(order)
            assert (rank, version, units) == (STAGE_RANK[order.stage], order.version, order.units_ordered)
            marks = sla.sla_marks(order, policy)
            if marks is not None:
                assert (at_risk, overdue, final) == (to_us(marks[0]), to_us(marks[1]), None)
            else:
                assert final == order.final_sla_status.value
            assert summaries[po].sla_status is sla.sla_status(order, policy, NOW)
            for slip in order.slips:
                if slip.tracking_number:
                    check = tracking.check_tracking_number(slip.tracking_number)
                    assert (check.carrier, check.problem) == ("UPS", None)
                    assert slip.tracking_url == check.url


def test_covers_every_stage_and_sla_status(small):
    with SqliteStore(small, clock=lambda: NOW) as store:
        counts = store.counts()
        assert counts.total == 400
        assert all(counts.of(stage) > 0 for stage in Stage)
        seen = Counter(
            (s.stage, s.sla_status) for s in store.list_orders(OrderQuery(), limit=1000)
        )
        for stage in Stage:
            for status in SlaStatus:
                assert seen[(stage, status)] > 0, (stage, status)
        progress = Counter(s.progress for s in store.list_orders(OrderQuery(), limit=1000))
        assert set(progress) == {0, 25, 50, 75, 100}
        orders = [store.get_order(po) for po in range(1, 401)]
        partial = [o for o in orders if o.acknowledged and o.canceled_items]
        assert any(c.reason_code == "other" and c.reason_text for o in partial for c in o.canceled_items)
        assert any(o.invoice and o.stage is Stage.IN_PROGRESS for o in orders)  # invoiced, not done
        r4 = [a for o in orders for a in store.activity(o.po_number) if a.details == "every line validated to 0"]
        assert r4
        assert any(len(o.slips) > 1 for o in orders)
        assert {o.vendor_code for o in orders} == {"MYSTIC", "ALPINE"}
        assert {o.location_code for o in orders} == {"MYSTIC-WH1", "MYSTIC-WH2", "ALPINE-IBK"}
        for o in orders:
            assert all(line.contracted_price < line.retail_price for line in o.lines)


def test_walkthrough_order_82(small):
    with SqliteStore(small, clock=lambda: NOW) as store:
        o = store.get_order(82)
        assert (o.order_number, o.stage, len(o.lines), o.lines[0].quantity_ordered) == ("119", Stage.NEW, 1, 5)
        assert store.sla_status(o) is SlaStatus.ON_TIME
        assert o.location_code == "MYSTIC-WH1" and store.vendor(o.vendor_code).name == "Mystic Sports"
    # Even in a tiny demo.
    with SqliteStore(small.parent / "tiny.db", clock=lambda: NOW) as tiny:
        build_demo(tiny, orders=5, seed=1, now=NOW)
        assert [s.po_number for s in tiny.list_orders(OrderQuery())] == [1, 2, 3, 4, 82]


def test_setup_policies_catalog_and_customers(small):
    with SqliteStore(small, clock=lambda: NOW) as store:
        wh1, wh2 = store.location("MYSTIC-WH1"), store.location("MYSTIC-WH2")
        assert wh2.sla_policy is None and wh2.group_code == "WEST"
        p1, p2 = store.policy_for_location(wh1.code), store.policy_for_location(wh2.code)
        assert p1 != p2 and p2 == store.location_group("WEST").sla_policy
        mappings = store.sku_mappings("MYSTIC") + store.sku_mappings("ALPINE")
        assert len(mappings) == world.CATALOG_SIZE
        for m in mappings:
            assert len(m.upc) == 12 and world.upc_check_digit(m.upc[:11]) == int(m.upc[11])
        names = {s.customer_name for s in store.list_orders(OrderQuery(), limit=1000)}
    scripts = {
        unicodedata.name(ch).split()[0]
        for name in names
        for ch in name
        if ch.isalpha()
    }
    assert {"LATIN", "GREEK", "CYRILLIC", "CJK", "ARABIC"} <= scripts
    assert {"HIRAGANA", "KATAKANA"} & scripts
    assert any("[bold]" in n for n in names) and any("<b>" in n for n in names)
    assert any(any(unicodedata.decomposition(ch) for ch in n) for n in names)  # accents


def test_ups_numbers_agree_with_the_tracking_module():
    for serial in (0, 1, 1234567, 9999999):
        number = plans.ups_number("A5R000", "03", serial)
        assert tracking.check_tracking_number(number).carrier == "UPS"
        assert int(number[17]) == tracking.ups_check_digit(number[2:17])


def test_demo_needs_an_empty_store(small):
    with pytest.raises(InvalidInputError, match="empty store"):
        build_demo(small, orders=10, now=NOW)
