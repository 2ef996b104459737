"""Issue 14 item 3: the vendor scorecard on a hand-built store, every figure against an
answer worked out by hand (docs/reports.md has the definitions), an empty period, an
upgraded store's facts, and the same figures over the real server and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

import factories as f
from dropship_tui import cli
from dropship_tui.domain.models import Reason, ReasonCode
from dropship_tui.domain.scorecard import percentile_hours
from dropship_tui.store.sqlite.store import SqliteStore
from test_remote_support import fresh_backend, live_server  # noqa: F401

NOW = f.NOW
H = timedelta(hours=1)
OOS = Reason(code=ReasonCode.OUT_OF_STOCK)
UPS = ["1Z999AA10123456784", "1Z5R89390357567127"]
START, END = NOW - timedelta(days=30), NOW


def build(store: SqliteStore, clock: list) -> None:
    """MYSTIC-WH1 gives 24 h to acknowledge and 72 h to ship (``factories.location``).
    101: acknowledged after 2 h in full, shipped after 10 h. 102: acknowledged after 30 h
    (late) with 1 of 5 units short, shipped after 80 h (late). 103: never acknowledged,
    its window long closed. 104: 10 h old, not yet due. 105: canceled while New after
    5 h. 106: 40 days old, outside the period."""
    ages = {101: 100, 102: 100, 103: 100, 104: 10, 105: 50, 106: 24 * 40}
    store.import_orders([f.order(po, hours_old=age) for po, age in ages.items()])

    def at(po: int, hours: float) -> None:
        clock[0] = NOW - ages[po] * H + hours * H

    at(101, 2), store.acknowledge_in_full(101)
    at(101, 10), store.save_slips(101, None, [{1: 5}]), store.save_tracking(101, None, 1, UPS[0])
    at(102, 30), store.acknowledge(102, None, {1: 4}, {1: OOS})
    at(102, 80), store.save_slips(102, None, [{1: 4}]), store.save_tracking(102, None, 1, UPS[1])
    at(105, 5), store.cancel(105, None, Reason(code=ReasonCode.UNDELIVERABLE_ADDRESS))
    clock[0] = NOW


@pytest.fixture
def store(tmp_path):
    clock = [NOW]
    s = SqliteStore(tmp_path / "store.db", user="jordan", clock=lambda: clock[0])
    s.add_vendor(f.vendor())
    s.add_vendor(f.vendor("OTHER"))
    s.add_location(f.location())
    s.add_location(f.location("OTHER-WH1", "OTHER"))
    build(s, clock)
    yield s
    s.close()


EXPECTED = {
    "vendor_code": "MYSTIC",
    "orders": 5,
    "orders_by_stage": {"new": 2, "in_progress": 2, "completed": 0, "canceled": 1},
    "fill_rate": 0.9,  # 101: 5 of 5, 102: 4 of 5 (105 was never acknowledged)
    "on_time_acknowledgement_rate": 0.5,  # due: 101, 102, 103, 105; on time: 101, 105
    "on_time_ship_rate": 0.5,  # due: 101, 102; on time: 101
    "cancel_rate": 0.2,
    "canceled_units_by_reason": {"out_of_stock": 1, "undeliverable_address": 5},
    "hours_to_acknowledge_median": 5.0,  # 2, 5, 30
    "hours_to_acknowledge_p90": 30.0,
    "hours_to_ship_median": 10.0,  # 10, 80
    "hours_to_ship_p90": 80.0,
    "orders_by_week": [0, 0, 0, 4, 1],  # 30 days: 5 weeks from START
}


def test_every_figure_has_its_worked_out_answer(store):
    mystic, other = store.scorecards(START, END)
    got = mystic.to_json()
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    assert (got["start"], got["end"]) == (START.isoformat(), END.isoformat())
    assert other.vendor_code == "OTHER" and other.orders == 0  # a vendor with no orders


def test_an_empty_period_has_no_rates_not_zero_rates(store):
    (card,) = store.scorecards(NOW - timedelta(days=400), NOW - timedelta(days=300), "MYSTIC")
    assert card.orders == 0 and card.orders_by_week == [0] * 15
    assert [card.fill_rate, card.on_time_acknowledgement_rate, card.on_time_ship_rate, card.cancel_rate,
            card.hours_to_acknowledge_median, card.hours_to_ship_p90] == [None] * 6


def test_a_reopened_order_is_unanswered_again(store):
    store.reopen(101, None, OOS)
    (card,) = store.scorecards(START, END, "MYSTIC")
    assert card.orders_by_stage["new"] == 3 and card.fill_rate == 0.8  # only 102 is acknowledged
    assert card.on_time_acknowledgement_rate == 0.25  # 101 is due and unanswered now


def test_percentile_is_the_nearest_rank_to_the_minute():
    assert percentile_hours({}, 0.5) is None
    assert percentile_hours({90: 1}, 0.9) == 1.5
    assert percentile_hours({60: 9, 600: 1}, 0.9) == 1.0 and percentile_hours({60: 9, 600: 1}, 0.91) == 10.0


def test_the_cli_prints_the_same_figures(store, tmp_path, capsys):
    store.close()
    args = ["--db", str(store.path), "report", "scorecard", "--vendor", "MYSTIC",
            "--from", START.isoformat(), "--to", END.isoformat()]
    assert cli.main([*args, "--json"]) == 0
    (card,) = json.loads(capsys.readouterr().out)
    assert card["fill_rate"] == 0.9 and card["hours_to_ship_p90"] == 80.0
    assert cli.main([*args, "--csv"]) == 0
    import csv
    import io

    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["vendor_code"], row["orders"], row["on_time_ship_rate"], row["orders_canceled"]) == ("MYSTIC", "5", "0.5", "1")
    assert row["canceled_units_by_reason"] == "out_of_stock=1;undeliverable_address=5"
    assert cli.main([*args[:4], "--from", "2026-12-01", "--to", "2026-11-01"]) == 1
    assert capsys.readouterr().err.strip() == "dropship-tui: from: must be before to"


def test_over_the_api_vendors_see_their_own_and_the_operator_all(live_server, tmp_path):
    backend = fresh_backend(live_server, tmp_path / "server.db")
    clock = [NOW]
    backend.store.clock = lambda: clock[0]
    build(backend.store, clock)
    params = {"from": START.isoformat(), "to": END.isoformat()}
    with httpx.Client(base_url=backend.url) as c:
        def get(who: str, **extra):
            return c.get("/reports/scorecard", params={**params, **extra},
                         headers={"Authorization": f"Bearer {backend.tokens[who]}"})

        mine = get("jordan").json()
        assert [card["vendor_code"] for card in mine] == ["MYSTIC"] and mine[0]["fill_rate"] == 0.9
        assert get("jordan", vendor_code="OTHER").status_code == 404
        assert [card["vendor_code"] for card in get("otto").json()] == ["MYSTIC", "OTHER"]
        bad = get("otto", **{"from": "1900-01-01T00:00:00Z"})
        assert bad.status_code == 422 and bad.json()["message"].startswith("from: must be between")
    remote = backend.remote("otto")
    assert remote.scorecards(START, END, "MYSTIC")[0].on_time_acknowledgement_rate == 0.5


def test_an_upgraded_store_gets_the_same_facts_its_triggers_keep(store):
    """The schema step fills ``order_facts`` and ``canceled_units`` from the bodies already
    there with the triggers' own statements: dropping both and running the step again on
    this store gives back exactly what the triggers wrote."""
    from dropship_tui.store.sqlite import facts_tables

    conn = store.connection
    tables = ("order_facts", "canceled_units")
    before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    conn.execute("BEGIN IMMEDIATE")
    for name in ("order_facts_insert", "order_facts_update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for t in tables:
        conn.execute(f"DROP TABLE {t}")
    facts_tables.step(conn)
    conn.execute("COMMIT")
    assert {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables} == before
    assert len(before["order_facts"]) == 6 and before["canceled_units"]


def test_sla_and_canceled_items_reports_read_back_as_csv(store, capsys):
    """Issue 14 item 4: ``report sla`` lists the open orders at risk or overdue with their
    deadlines, ``report canceled-items`` every canceled line; both read back with csv."""
    import csv
    import io

    store.close()
    base = ["--db", str(store.path), "report"]
    assert cli.main([*base, "sla"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    # by the real clock every open order here is overdue: 103, 104, 106 New; 101, 102 In progress
    assert sorted(int(r["po_number"]) for r in rows) == [101, 102, 103, 104, 106]
    first = next(r for r in rows if r["po_number"] == "103")
    assert (first["stage"], first["sla_status"], first["overdue_at"]) == ("new", "overdue", "2026-11-21T11:00:00+00:00")
    assert cli.main([*base, "canceled-items", "--from", START.isoformat(), "--to", END.isoformat()]) == 0
    items = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["po_number"], r["line_id"], r["quantity"], r["reason_code"]) for r in items] == [
        ("102", "1", "1", "out_of_stock"), ("105", "1", "5", "undeliverable_address")]
    assert items[0]["by"] == "jordan" and items[0]["sku"] == "SKU-123"
