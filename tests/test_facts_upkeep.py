"""Issue 16 item 5: the store writes an order's scorecard facts itself (``facts_upkeep``)
instead of a trigger re-deriving them from the JSON body. After every kind of workflow
write the facts, the canceled units and the scorecard sums must be exactly what a fresh
backfill from the bodies gives, instants with fractional seconds included; an upgraded
store loses the body's UPDATE trigger and keeps its facts the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest

import factories as f
from dropship_tui.domain.models import Reason, ReasonCode, Stage
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.store.sqlite import facts_tables, facts_upkeep, schema, scorecard_sums
from dropship_tui.store.sqlite.store import SqliteStore

NOW = f.NOW
H = timedelta(hours=1)
OOS = Reason(code=ReasonCode.OUT_OF_STOCK)
UPS = ["1Z999AA10123456784", "1Z5R89390357567127"]
SUMS = {"scorecard_hours": "orders", "scorecard_delays": "orders", "scorecard_cancels": "lines"}


def sums(conn) -> dict:
    return {t: conn.execute(f"SELECT * FROM {t} WHERE {n} != 0 ORDER BY 1, 2, 3, 4, 5").fetchall()
            for t, n in SUMS.items()}


def facts(conn) -> list:
    return conn.execute("SELECT * FROM order_facts ORDER BY po_number").fetchall()


def assert_as_backfilled(store: SqliteStore) -> None:
    """No PO's facts drift from its body, and the kept sums equal a recount (rolled back)."""
    conn = store.connection
    assert facts_upkeep.drift(conn) == []
    kept_facts, kept_sums = facts(conn), sums(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM order_facts")
        conn.execute("DELETE FROM canceled_units")
        conn.execute(f"INSERT INTO {facts_tables.FACTS_COLUMNS} "
                     f"{facts_tables.FACTS.replace('NEW.', 'b.')} FROM order_bodies AS b")
        conn.execute("INSERT INTO canceled_units(po_number, reason_code, units) "
                     "SELECT b.po_number, json_extract(c.value, '$.reason_code'), sum(json_extract(c.value, '$.quantity')) "
                     "FROM order_bodies AS b, json_each(b.body, '$.canceled_items') AS c GROUP BY 1, 2")
        for sql in scorecard_sums.BACKFILL:
            conn.execute(sql)
        assert facts(conn) == kept_facts
        assert sums(conn) == kept_sums and kept_sums["scorecard_hours"]
    finally:
        conn.execute("ROLLBACK")


@pytest.fixture
def store(tmp_path):
    """A clock with fractional seconds (SQLite's ``unixepoch`` rounds them to the
    millisecond: .9996 s is the next second), names that are no markup."""
    clock = [NOW + timedelta(microseconds=999_600)]
    s = SqliteStore(tmp_path / "store.db", user="[bold]Ann[/]", clock=lambda: clock[0])
    s.add_vendor(f.vendor())
    s.add_location(f.location())
    orders = [f.order(po, hours_old=100 + po % 7, first_name="Ωμέγα 北京")
              for po in range(201, 211)]
    orders.append(f.order(211, lines=[f.line(1, qty=3), f.line(2, qty=4, sku="SKU-456")], hours_old=50))
    s.import_orders(orders)
    s.clock_list = clock  # type: ignore[attr-defined]
    yield s
    s.close()


def tick(store: SqliteStore, hours: float) -> None:
    store.clock_list[0] += hours * H  # type: ignore[attr-defined]


def test_every_kind_of_write_keeps_the_facts_a_backfill_gives(store):
    s = store
    assert_as_backfilled(s)
    s.acknowledge_in_full(201)
    tick(s, 1.25), s.acknowledge(202, None, {1: 4}, {1: OOS})  # short: canceled items
    tick(s, 0.5), s.acknowledge(203, None, {1: 0}, {1: OOS})  # every line 0: canceled (R4)
    s.cancel(204, None, Reason(code=ReasonCode.UNDELIVERABLE_ADDRESS))  # canceled while New
    s.acknowledge(211, None, {1: 2, 2: 4}, {1: OOS})
    s.cancel(211, None, Reason(code=ReasonCode.OTHER, text="<b>&amp;"))  # canceled after step 1
    assert_as_backfilled(s)
    tick(s, 3), s.save_slips(201, None, [{1: 3}, {1: 2}])
    s.save_tracking(201, None, 1, UPS[0])
    assert_as_backfilled(s)  # one slip of two tracked: not shipped yet
    tick(s, 2.7), s.save_tracking(201, None, 2, UPS[1])  # every slip tracked: shipped
    s.set_package_status(201, None, 1, PackageStatus.DELIVERED, NOW + 30 * H)
    s.generate_invoice(201, None)
    s.complete(201, None)
    s.save_slips(202, None, [{1: 4}])
    s.save_tracking(202, None, 1, "ACME-000333", carrier="Acme Freight")
    s.reopen(202, None, Reason(code=ReasonCode.OTHER, text="asked again"))  # answered, shipped: undone
    s.acknowledge_in_full(205)
    s.correct_address(205, None, f.order(205, first_name="[0]").ship_to)
    s.request_cancellation(206, None, Reason(code=ReasonCode.OTHER, text="retailer"))
    s.answer_cancellation(206, None, True)
    s.request_cancellation(207, None, Reason(code=ReasonCode.OTHER, text="retailer"))
    s.answer_cancellation(207, None, False, Reason(code=ReasonCode.OTHER, text="already packed"))
    assert s.get_order(201).stage is Stage.COMPLETED and s.get_order(202).stage is Stage.NEW
    assert_as_backfilled(s)
    result = s.acknowledge_all([202, 208, 209, 201, 999])  # the batch, refusals included
    assert sorted(result.succeeded) == [202, 208, 209] and set(result.failed) == {201, 999}
    assert_as_backfilled(s)


def test_a_refused_write_leaves_the_facts_as_they_were(store):
    conn = store.connection
    before, kept = facts(conn), sums(conn)
    with pytest.raises(Exception):
        store.save_slips(210, None, [{1: 5}])  # New: not acknowledged yet
    store.acknowledge_in_full(210)
    store.save_slips(210, None, [{1: 5}])
    store.save_tracking(210, None, 1, UPS[0])
    with pytest.raises(Exception):
        store.save_tracking(209, None, 1, UPS[0])  # not acknowledged, and the number is taken
    assert facts(conn) != before and sums(conn) != kept
    assert_as_backfilled(store)


def test_an_upgraded_store_drops_the_body_trigger_and_keeps_its_facts(tmp_path):
    """A store as it was before the step (the facts kept by the trigger on
    ``order_bodies``, no UPDATE trigger on ``order_facts``) is upgraded when opened."""
    path = tmp_path / "old.db"
    s = SqliteStore(path, user="jordan", clock=lambda: NOW)
    s.add_vendor(f.vendor())
    s.add_location(f.location())
    s.import_orders([f.order(po, hours_old=30) for po in (301, 302, 303)])
    s.acknowledge_in_full(301)
    conn = s.connection
    before = schema.MIGRATIONS.index(facts_upkeep.step)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DROP TRIGGER scorecard_facts_update")
    for sql in scorecard_sums.BODY_TRIGGERS:
        conn.execute(sql)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("COMMIT")
    s.acknowledge(302, None, {1: 3}, {1: OOS})  # the old way: the body trigger
    s.close()

    s = SqliteStore(path, user="jordan", clock=lambda: NOW + H)
    try:
        triggers = {r[0] for r in s.connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert "order_facts_update" not in triggers and "order_facts_insert" in triggers
        assert "scorecard_facts_update" in triggers
        assert s.schema_version == schema.SCHEMA_VERSION > before
        assert_as_backfilled(s)
        s.acknowledge_in_full(303)
        s.cancel(302, None, OOS)
        assert_as_backfilled(s)
    finally:
        s.close()


def test_drift_names_an_order_whose_facts_were_edited_by_hand(store):
    conn = store.connection
    store.acknowledge(202, None, {1: 4}, {1: OOS})
    conn.execute("UPDATE order_facts SET accepted_units = 5 WHERE po_number = 201")
    conn.execute("UPDATE canceled_units SET units = 2 WHERE po_number = 202")
    assert facts_upkeep.drift(conn) == [201, 202]
