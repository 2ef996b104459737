"""Issue 14 speed: the scorecard reads the per-hour / per-day sums of ``scorecard_sums``
(kept by triggers) plus the partial edges of its period. These tests hold that to a
plain scan of ``order_facts`` (the first design's queries, kept here as the reference) on
a demo store, for periods with edges that fall mid-hour, within one hour, on one vendor;
after writes through the store (so the triggers ran) the sums equal a fresh backfill."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import factories as f
from dropship_tui.domain.models import Reason, ReasonCode, Stage
from dropship_tui.domain.scorecard import Tally, scorecard
from dropship_tui.store.demo import build_demo
from dropship_tui.store.sqlite import scorecard_sums
from dropship_tui.store.sqlite.store import SqliteStore

NOW = f.NOW


def reference(store: SqliteStore, start: datetime, end: datetime, vendor: str | None) -> list:
    """The scorecards by a scan of every order of the period in ``order_facts``."""
    now = int(store._now().timestamp())
    s, e = int(start.timestamp()), int(end.timestamp())
    pol = {loc.code: store.policy_for_location(loc.code) for loc in store.locations(vendor)}
    tallies: dict[str, Tally] = {}
    where, params = "ordered_at >= ? AND ordered_at < ?", [s, e]
    if vendor:
        where, params = where + " AND vendor_code = ?", [*params, vendor]
    conn = store.connection
    for (po, at, v, loc, stage, answered, acked, shipped, ordered, accepted) in conn.execute(
        "SELECT po_number, ordered_at, vendor_code, location_code, stage, answered_at, acknowledged, "
        f"shipped_at, ordered_units, accepted_units FROM order_facts WHERE {where}", params,
    ):
        t = tallies.setdefault(v, Tally(v))
        if answered is not None:
            t.ack_minutes[max(0, answered - at) // 60] = t.ack_minutes.get(max(0, answered - at) // 60, 0) + 1
        if shipped is not None:
            t.ship_minutes[max(0, shipped - at) // 60] = t.ship_minutes.get(max(0, shipped - at) // 60, 0) + 1
        for code, units in conn.execute("SELECT reason_code, units FROM canceled_units WHERE po_number = ?", (po,)):
            t.canceled_units_by_reason[code] = t.canceled_units_by_reason.get(code, 0) + units
        if loc not in pol:
            continue
        ack_s, ship_s = pol[loc].hours_to_acknowledge * 3600, pol[loc].hours_to_ship * 3600
        t.orders_by_stage[Stage(stage)] = t.orders_by_stage.get(Stage(stage), 0) + 1
        week = (at - s) // 604800
        t.orders_by_week[week] = t.orders_by_week.get(week, 0) + 1
        if acked:
            t.ordered_units += ordered
            t.accepted_units += accepted
        if answered is not None or at + ack_s <= now:
            t.ack_due += 1
            t.ack_on_time += answered is not None and answered <= at + ack_s
        if acked and accepted > 0 and stage != "canceled" and (shipped is not None or at + ship_s <= now):
            t.ship_due += 1
            t.ship_on_time += shipped is not None and shipped <= at + ship_s
    codes = [vendor] if vendor else [x.code for x in store.vendors()]
    return [scorecard(tallies.get(c) or Tally(c), start, end) for c in sorted({*codes, *tallies})]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A demo store (bulk path, so the sums come from the backfill) that then gets writes
    through the store's own actions (so the triggers keep them)."""
    path = tmp_path_factory.mktemp("sums") / "demo.db"
    build_demo(path, orders=1500, seed=3, now=NOW, fast=True)
    s = SqliteStore(path, user="jordan", clock=lambda: NOW)
    yield s
    s.close()


PERIODS = [
    (NOW - timedelta(days=30), NOW),  # mid-hour edges, weeks cutting hours and days
    (datetime(2000, 1, 1, tzinfo=timezone.utc), NOW + timedelta(days=1)),
    (NOW - timedelta(days=9, minutes=17, seconds=5), NOW - timedelta(days=2, hours=3)),
    (NOW - timedelta(days=63, minutes=17, seconds=5), NOW - timedelta(minutes=3)),  # 9 weeks cutting hours
    (NOW - timedelta(hours=30, minutes=10), NOW - timedelta(hours=30, minutes=1)),  # inside one hour
]


def assert_same(s: SqliteStore) -> None:
    for start, end in PERIODS:
        for vendor in (None, "ALPINE"):
            assert s.scorecards(start, end, vendor) == reference(s, start, end, vendor), (start, end, vendor)


def test_the_sums_give_the_scan_figures_over_odd_periods(store):
    s = store
    cards = s.scorecards(*PERIODS[1])
    assert sum(c.orders for c in cards) == 1500 and all(c.hours_to_ship_p90 for c in cards)
    assert_same(s)


def test_after_writes_the_triggers_keep_what_a_backfill_gives(store):
    s = store
    conn = s.connection
    new = [po for (po,) in conn.execute("SELECT po_number FROM order_facts WHERE stage = 'new' ORDER BY 1 LIMIT 3")]
    acked = [po for (po,) in conn.execute(
        "SELECT po_number FROM order_facts WHERE stage = 'in_progress' AND shipped_at IS NULL ORDER BY 1 LIMIT 2")]
    s.acknowledge_in_full(new[0])
    s.acknowledge_in_full(new[1])
    s.cancel(new[2], None, Reason(code=ReasonCode.UNDELIVERABLE_ADDRESS))
    s.reopen(new[0], None, Reason(code=ReasonCode.OTHER, text="asked again"))
    s.cancel(acked[0], None, Reason(code=ReasonCode.OUT_OF_STOCK))
    tables = {"scorecard_hours": "orders", "scorecard_delays": "orders", "scorecard_cancels": "lines"}

    def sums() -> dict:
        return {t: conn.execute(f"SELECT * FROM {t} WHERE {n} != 0 ORDER BY 1, 2, 3, 4").fetchall()
                for t, n in tables.items()}

    kept = sums()
    conn.execute("BEGIN IMMEDIATE")
    for sql in scorecard_sums.BACKFILL:
        conn.execute(sql)
    conn.execute("COMMIT")
    assert sums() == kept
    assert_same(s)


def test_an_upgraded_store_gets_the_sums_its_triggers_keep(store):
    """The schema step on a store as it was before it (its facts kept by the first
    triggers, no sums) gives back exactly the sums the triggers have kept, and the
    scorecards stay those of the scan."""
    from dropship_tui.store.sqlite import facts_tables

    conn = store.connection
    tables = {"scorecard_hours": "orders", "scorecard_delays": "orders", "scorecard_cancels": "lines"}

    def sums() -> dict:
        return {t: conn.execute(f"SELECT * FROM {t} WHERE {n} != 0 ORDER BY 1, 2, 3, 4").fetchall()
                for t, n in tables.items()}

    kept = sums()
    conn.execute("BEGIN IMMEDIATE")
    for table in tables:
        conn.execute(f"DROP TABLE {table}")
    for sql in scorecard_sums.TRIGGERS + scorecard_sums.INDEXES:
        kind, name = sql.split()[1], sql.split()[2]
        conn.execute(f"DROP {kind} {name}")
    for name in ("order_facts_insert", "order_facts_update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in facts_tables.TABLES[2:]:  # the body triggers as the facts step made them
        conn.execute(sql)
    scorecard_sums.step(conn)
    conn.execute("COMMIT")
    assert sums() == kept and kept["scorecard_delays"]
    assert_same(store)
