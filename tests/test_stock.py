"""Stock levels (issue 5 item 4): the CSV import (partial / --full, all or nothing with
line numbers), reservations made by acknowledging and released by cancelling or shipped by
completing (same transaction as the action), prefill from *available* stock, the CLI."""

from __future__ import annotations

import json
import sqlite3

import pytest

from dropship_tui.services import stock_import
from dropship_tui.domain import workflow
from dropship_tui.domain.errors import InvalidInputError, WorkflowError
from dropship_tui.domain.models import Reason, ReasonCode, SkuMapping
from dropship_tui.store.sqlite import schema
from dropship_tui.store.sqlite.store import SqliteStore

from factories import NOW, line, location, order, vendor
from test_cli import Cli, import_doc, order_doc

OOS = Reason(code=ReasonCode.OUT_OF_STOCK)
UPS = "1Z999AA10123456784"
WH1, WH2 = "MYSTIC-WH1", "MYSTIC-WH2"


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    """The same stock tests on both engines (issue 11: a fresh PostgreSQL database each)."""
    if request.param == "postgres":
        from dropship_tui.store.postgres.store import PostgresStore

        s = PostgresStore(request.getfixturevalue("pg_url"), user="jordan", clock=lambda: NOW)
    else:
        s = SqliteStore(tmp_path / "store.db", user="jordan", clock=lambda: NOW)
    s.add_vendor(vendor())
    s.add_vendor(vendor("OTHER"))
    s.add_location(location(WH1))
    s.add_location(location(WH2))
    s.add_location(location("OTHER-WH", vendor_code="OTHER"))
    s.add_sku_mappings(
        [
            SkuMapping(vendor_code="MYSTIC", product_code=f"P-{n}", vendor_sku=f"V-{n}", upc=f"11111111111{n}", contracted_price="9.99")
            for n in (1, 2, 3)
        ]
    )
    yield s
    s.close()


def write(tmp_path, text: str, name: str = "stock.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def levels(store) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(s.vendor_sku, s.location_code): (s.on_hand, s.reserved, s.available) for s in store.stock_levels()}


# --- parsing (pure) ----------------------------------------------------------------------


def test_parse_accepts_the_documented_header_names():
    rows, problems = stock_import.parse_stock_csv("UPC,Location Code,On Hand\n000000000001,WH,3\n")
    assert problems == [] and rows == [stock_import.StockRow(2, "", "000000000001", "WH", 3)]
    rows, problems = stock_import.parse_stock_csv("vendor_sku,location_code,quantity_on_hand\r\nV-1,WH,0\r\n")
    assert problems == [] and rows[0].quantity == 0


def test_parse_reports_a_missing_column_on_the_header_line():
    rows, problems = stock_import.parse_stock_csv("vendor_sku,quantity_on_hand\nV-1,3\n")
    assert rows == [] and problems == [(1, "missing column location_code")]


# --- the import ------------------------------------------------------------------------------


def test_partial_import_leaves_other_skus_alone(store, tmp_path):
    store.set_stock("V-3", WH1, 7)
    report = stock_import.import_stock(
        store, write(tmp_path, "vendor_sku,location_code,quantity_on_hand\nV-1,MYSTIC-WH1,4\n")
    )
    assert (report.added, report.updated, report.zeroed) == (1, 0, 0)
    # By UPC too, and a re-run of the same value counts as unchanged.
    report = stock_import.import_stock(
        store, write(tmp_path, "upc,location_code,on_hand\n111111111111,MYSTIC-WH1,4\n111111111112,MYSTIC-WH1,9\n")
    )
    assert (report.added, report.updated, report.unchanged) == (1, 0, 1)
    assert store.stock("V-1", WH1) == 4 and store.stock("V-2", WH1) == 9
    assert store.stock("V-3", WH1) == 7


def test_full_import_zeroes_the_skus_missing_at_the_files_locations_only(store, tmp_path):
    store.set_stock("V-2", WH1, 5)
    store.set_stock("V-3", WH1, 6)
    store.set_stock("V-3", WH2, 8)  # another location, not in the file: untouched
    report = stock_import.import_stock(
        store, write(tmp_path, "vendor_sku,location_code,quantity_on_hand\nV-1,MYSTIC-WH1,4\nV-2,MYSTIC-WH1,1\n"),
        full=True,
    )
    assert (report.added, report.updated, report.zeroed) == (1, 1, 1)
    assert store.stock("V-1", WH1) == 4 and store.stock("V-2", WH1) == 1
    assert store.stock("V-3", WH1) == 0
    assert store.stock("V-3", WH2) == 8
    assert store.stock("V-1", WH2) is None  # never recorded: stays unknown


def test_any_bad_row_refuses_the_whole_file_with_line_numbers(store, tmp_path):
    store.set_stock("V-1", WH1, 2)
    text = (
        "vendor_sku,upc,location_code,quantity_on_hand\n"
        "V-1,,MYSTIC-WH1,10\n"          # 2: fine
        "V-9,,MYSTIC-WH1,1\n"           # 3: unknown SKU
        ",999999999999,MYSTIC-WH1,1\n"  # 4: unknown UPC
        "V-2,,NOWHERE,1\n"              # 5: unknown location
        "V-2,,MYSTIC-WH1,2.5\n"         # 6: not a whole number
        "V-3,,MYSTIC-WH1,-1\n"          # 7: negative
        "V-1,,MYSTIC-WH2,\n"            # 8: missing quantity
        ",111111111111,MYSTIC-WH1,3\n"  # 9: duplicate of line 2 (same SKU via its UPC)
        "V-1,,OTHER-WH,1\n"             # 10: V-1 is not OTHER's SKU
    )
    with pytest.raises(InvalidInputError) as info:
        stock_import.import_stock(store, write(tmp_path, text), full=True)
    problems = info.value.problems
    assert [p.split(":")[0] for p in problems] == [f"line {n}" for n in range(3, 11)]
    assert "unknown vendor SKU 'V-9'" in problems[0]
    assert "unknown UPC '999999999999'" in problems[1]
    assert "unknown location 'NOWHERE'" in problems[2]
    assert "'2.5' is not a whole number" in problems[3]
    assert "'-1' is not a whole number" in problems[4]
    assert "missing quantity" in problems[5]
    assert "duplicate row" in problems[6] and "line 2" in problems[6]
    assert "unknown vendor SKU 'V-1' for vendor OTHER" in problems[7]
    assert levels(store) == {("V-1", WH1): (2, 0, 2)}  # nothing applied


def test_store_import_is_one_transaction(store):
    # The store re-checks inside its transaction: a bad row there refuses everything.
    rows = [stock_import.StockRow(2, "V-1", "", WH1, 3), stock_import.StockRow(3, "V-2", "", WH1, None)]
    with pytest.raises(InvalidInputError, match="line 3"):
        store.import_stock(rows)
    assert store.stock("V-1", WH1) is None


def test_a_sku_only_on_an_orders_line_is_known(store, tmp_path):
    store.import_orders([order(82)])  # line vendor SKU V-SKU-123, no mapping
    stock_import.import_stock(store, write(tmp_path, "vendor_sku,location_code,on_hand\nV-SKU-123,MYSTIC-WH1,3\n"))
    assert store.stock("V-SKU-123", WH1) == 3


# --- reservations -------------------------------------------------------------------------------


def two_line_order(po: int = 82, location_code: str = WH1):
    return order(po, lines=[line(1, qty=5, sku="A"), line(2, qty=3, sku="B")], location_code=location_code)


def test_acknowledge_reserves_cancel_releases(store):
    store.set_stock("V-A", WH1, 10)  # V-B: stock unknown -> nothing reserved
    store.import_orders([two_line_order()])
    o = store.acknowledge(82, None, {1: 4}, {1: OOS})
    assert store.reservations(82) == {"V-A": 4}
    assert levels(store) == {("V-A", WH1): (10, 4, 6)}
    assert store.stock_for(o) == {"V-A": 6}
    store.cancel(82, None, OOS)
    assert store.reservations(82) == {}
    assert levels(store) == {("V-A", WH1): (10, 0, 10)}


def test_completion_ships_the_reserved_units(store):
    store.set_stock("V-A", WH1, 10)
    store.set_stock("V-B", WH1, 1)
    store.import_orders([two_line_order()])
    o = store.acknowledge(82, None, {}, {})  # accepts 3 of B with 1 on hand: oversold
    assert levels(store) == {("V-A", WH1): (10, 5, 5), ("V-B", WH1): (1, 3, -2)}
    o = store.save_slips(82, o.version, [{1: 5, 2: 3}])
    o = store.save_tracking(82, o.version, 1, UPS)
    o = store.generate_invoice(82, o.version)
    store.complete(82, o.version)
    assert store.reservations(82) == {}
    assert levels(store) == {("V-A", WH1): (5, 0, 5), ("V-B", WH1): (0, 0, 0)}  # never below 0


def test_acknowledge_all_reserves_and_stock_elsewhere_is_not_touched(store):
    store.set_stock("V-A", WH1, 10)
    store.set_stock("V-A", WH2, 10)
    store.import_orders([two_line_order(82), two_line_order(83, location_code=WH2), order(84)])
    result = store.acknowledge_all([82, 83, 84])
    assert sorted(result.succeeded) == [82, 83, 84]
    assert levels(store) == {("V-A", WH1): (10, 5, 5), ("V-A", WH2): (10, 5, 5)}
    assert store.reservations(84) == {}


def test_a_refused_action_reserves_nothing(store):
    store.set_stock("V-A", WH1, 10)
    store.import_orders([two_line_order()])
    with pytest.raises(WorkflowError):
        store.acknowledge(82, None, {1: 2}, {})  # short without a reason
    assert store.reservations(82) == {}
    store.acknowledge(82, None, {}, {})
    with pytest.raises(WorkflowError):
        store.acknowledge(82, None, {}, {})  # already acknowledged: not reserved twice
    assert store.reservations(82) == {"V-A": 5}


def test_every_line_at_zero_cancels_and_reserves_nothing(store):
    store.set_stock("V-A", WH1, 10)
    store.import_orders([two_line_order()])
    store.acknowledge(82, None, {1: 0, 2: 0}, {}, reason_all=OOS)
    assert store.reservations(82) == {} and levels(store)[("V-A", WH1)] == (10, 0, 10)


def test_prefill_uses_available_stock(store):
    store.set_stock("V-A", WH1, 6)
    store.import_orders([two_line_order(82), two_line_order(83)])
    store.acknowledge(82, None, {}, {})  # reserves 5 of V-A
    waiting = store.get_order(83)
    stock = store.stock_for(waiting)
    assert stock == {"V-A": 1}
    assert workflow.prefill_quantities(waiting, stock) == {1: 1, 2: 3}  # B unknown: in full


def test_a_reservation_is_rolled_back_with_its_action(store, monkeypatch):
    store.set_stock("V-A", WH1, 10)
    store.import_orders([two_line_order()])

    def boom(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    import dropship_tui.store.sqlite.store as sqlite_store

    monkeypatch.setattr(sqlite_store, "append_activity", boom)
    with pytest.raises(sqlite3.OperationalError):
        store.acknowledge(82, None, {}, {})
    assert store.reservations(82) == {}
    assert store.get_order(82).stage.value == "new"


def test_migration_adds_the_reservations_table(tmp_path):
    path = tmp_path / "old.db"
    from dropship_tui.store.sqlite import connect

    conn = connect(path)
    schema.migrate(conn, target=schema.SCHEMA_VERSION - 1)
    conn.close()
    with SqliteStore(path) as s:
        assert s.schema_version == schema.SCHEMA_VERSION
        assert s.connection.execute("SELECT count(*) FROM stock_reservations").fetchone() == (0,)


# --- the CLI --------------------------------------------------------------------------------------


@pytest.fixture
def cli_(tmp_path):
    c = Cli(tmp_path)
    doc = import_doc(order_doc(82, qty=5), order_doc(83, qty=5))
    c.ok("import", c.write("orders.json", doc))
    return c


def test_cli_stock_import_show_and_reservations(cli_):
    c = cli_
    good = c.write("stock.csv", "vendor_sku,location_code,quantity_on_hand\nMS-TS-001,MYSTIC-WH1,7\n")
    out = c.ok("stock", "import", good)
    assert "1 added" in out
    c.ok("ack", "82")
    data = c.json("stock", "show")
    assert data == [{"vendor_sku": "MS-TS-001", "location_code": "MYSTIC-WH1", "on_hand": 7, "reserved": 5, "available": 2}]
    table = c.ok("stock", "show", "--search", "ms-ts")
    assert "MS-TS-001" in table and "Available" in table
    assert c.json("stock", "show", "--search", "012345678905")[0]["available"] == 2  # by UPC
    assert c.json("stock", "show", "--search", "nothing") == []
    c.ok("cancel", "82", "--reason", "out_of_stock")
    assert c.json("stock", "show", "--location", "MYSTIC-WH1")[0]["reserved"] == 0

    full = c.json("stock", "import", "--full", c.write("s2.csv", "upc,location_code,on_hand\n012345678905,MYSTIC-WH1,3\n"))
    assert full["imported"] is True and full["updated"] == 1 and full["full"] is True


def test_cli_stock_import_refused_exit_1_nothing_applied(cli_):
    c = cli_
    c.ok("stock", "import", c.write("ok.csv", "vendor_sku,location_code,on_hand\nMS-TS-001,MYSTIC-WH1,7\n"))
    bad = c.write("bad.csv", "vendor_sku,location_code,on_hand\nMS-TS-001,MYSTIC-WH1,1\nNOPE,MYSTIC-WH1,x\n")
    result = c.run("stock", "import", bad)
    assert result.returncode == 1
    assert "line 3: " in result.stdout and "unknown vendor SKU 'NOPE'" in result.stdout
    assert "line 3: " in result.stderr and "; nothing imported" in result.stderr
    result = c.run("stock", "import", bad, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["imported"] is False
    assert c.json("stock", "show")[0]["on_hand"] == 7
    assert "missing column" in c.refused("stock", "import", c.write("h.csv", "sku,qty\nMS-TS-001,1\n"))
    assert "No such file" in c.refused("stock", "import", str(c.tmp / "missing.csv"))
    assert "NOWHERE is not in the store" in c.refused("stock", "show", "--location", "NOWHERE")
    two = c.write("two.csv", "vendor_sku,location_code,on_hand\nX,MYSTIC-WH1,1\nY,MYSTIC-WH1,1\n")
    assert "2 bad rows; nothing imported" in c.refused("stock", "import", two)


def test_cli_stock_usage_errors(cli_):
    c = cli_
    c.refused("stock", code=2)
    c.refused("stock", "import", code=2)
    assert c.run("stock", "show", "--help", db=False).returncode == 0


def test_demo_fast_path_settles_stock_as_the_actions_do(tmp_path):
    from dropship_tui.store.demo import builder as demo
    def state(path):
        with SqliteStore(path, clock=lambda: NOW) as s:
            conn = s.connection
            return (
                conn.execute("SELECT * FROM stock ORDER BY 1, 2").fetchall(),
                conn.execute("SELECT * FROM stock_reservations ORDER BY 1, 2").fetchall(),
            )

    demo.build_demo(tmp_path / "slow.db", orders=300, seed=3, now=NOW, fast=False)
    demo.build_demo(tmp_path / "fast.db", orders=300, seed=3, now=NOW, fast=True, workers=0)
    slow = state(tmp_path / "slow.db")
    assert slow[1], "the demo should hold some reservations"
    assert state(tmp_path / "fast.db") == slow
