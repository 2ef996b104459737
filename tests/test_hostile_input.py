"""Hostile input through the CLI on real store files (issue 12 items 5, 6 and 11):
control characters refused in tracking numbers and carriers (typed or imported), user
text with terminal escapes and bidi overrides shown visibly in every output mode, and
CSV files that are too big, too wide or ambiguous refused naming the line, with nothing
changed and never an "unexpected error"."""

from __future__ import annotations

import json

import pytest

from dropship_tui import cli
from dropship_tui.cli import orders as orders_cli
from dropship_tui.domain import workflow

from factories import order
from test_cli import Cli, order_doc

UPS_1 = "1Z999AA10123456784"
UPS_2 = "1Z5R89390357567127"
RAW = ("\x1b", "\x07", "\u202e")
"""What must never reach a terminal raw: ESC, BEL, RIGHT-TO-LEFT OVERRIDE."""


def raw_in(text: str) -> list[str]:
    return [c for c in RAW if c in text]


@pytest.fixture
def slipped(tmp_path) -> Cli:
    """PO 82 acknowledged (4 of 5, one unit canceled 'other' with an ESC in the text) and
    packed on 2 slips; the customer 'Ann<OSC title><BEL> <RLO>evil'; the user's name has
    an ESC too."""
    c = Cli(tmp_path)
    c.env["DROPSHIP_TUI_USER"] = "jo\x1b[31mrdan"
    c.import_(order_doc(82, first_name="Ann\x1b]0;pwned\x07", last_name="\u202eevil"))
    c.ok("ack", "82", "--qty", "1=4", "--reason", "1=other:bad\x1b[2Jbatch\u202e")
    c.ok("slips", "82", "--count", "2")
    return c


def slips_of(c: Cli) -> tuple[list[tuple], int]:
    """The slips' (tracking number, carrier) and the number of activity entries."""
    data = c.json("show", "82")
    return [(s["tracking_number"], s["carrier"]) for s in data["slips"]], len(data["activity"])


# --- item 5: tracking numbers and carriers take printable characters only ---------------


def test_the_rule_is_the_domains():
    o = order(82)
    for number, carrier, field in [
        ("AB\x1b[2J12", "Acme", "tracking number"),
        ("AB\u202e12", "Acme", "tracking number"),
        (UPS_1, "\x00UPS", "carrier"),
        (UPS_1, "U\u202ePS", "carrier"),
    ]:
        problem = workflow.tracking_problem(o, 1, number, carrier)
        assert isinstance(problem, str) and f"The {field} may have printable characters only" in problem
        assert not raw_in(problem) and "\x00" not in problem
    assert not isinstance(workflow.tracking_problem(o, 1, "AB-12", "Acme Freight"), str)
    assert not isinstance(workflow.tracking_problem(o, 1, f" {UPS_1}\t", "UPS"), str)  # a scanner's tab


def test_track_refuses_an_escape_in_the_number_and_saves_nothing(slipped):
    c = slipped
    before = slips_of(c)
    message = c.refused("track", "82", "1", "AB\x1b[2J12", "--carrier", "Acme")
    assert "tracking number may have printable characters only" in message
    assert "AB\ufffd[2J12" in message and not raw_in(message)
    message = c.refused("track", "82", "1", UPS_1, "--carrier", "\x01UPS")
    assert "carrier may have printable characters only" in message
    assert slips_of(c) == before  # nothing saved, nothing logged


def test_a_csv_carrier_with_a_nul_is_refused_for_its_row(slipped):
    c = slipped
    path = c.write("t.csv", f"po,package_number,tracking_number,carrier\n82,1,{UPS_1},\x00UPS\n82,2,{UPS_2},UPS\n")
    result = c.run("track", "--import", path, "--json")
    assert result.returncode == 1, result.stderr
    rows = {r["line"]: r for r in json.loads(result.stdout)["rows"]}
    assert rows[2]["status"] == "refused" and "carrier may have printable characters only" in rows[2]["message"]
    assert rows[3]["status"] == "applied"
    assert slips_of(c)[0] == [(None, None), (UPS_2, "UPS")]


# --- item 5: user text shown visibly in every mode ------------------------------------------


@pytest.mark.parametrize("args", [["show", "82"], ["activity", "82"], ["orders"]])
def test_names_and_reasons_print_visibly_not_raw(slipped, args):
    out = slipped.ok(*args)
    assert not raw_in(out)
    assert "\ufffd" in out
    if args[0] != "activity":
        assert "Ann\ufffd]0;pwned\ufffd \ufffdevil" in out  # the text is kept, made visible
    if args[0] != "orders":
        assert "bad\ufffd[2Jbatch\ufffd" in out and "jo\ufffd[31mrdan" in out


def test_the_streaming_listing_prints_visibly_too(slipped, monkeypatch, capsys):
    monkeypatch.setattr(orders_cli, "TABLE_MAX", 0)  # one order is already "too many"
    assert cli.main(["orders", "--limit", "0", "--db", str(slipped.db)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["PO", "Order"]  # the plain listing
    assert "Ann\ufffd]0;pwned\ufffd \ufffdevil" in out and not raw_in(out)


def test_json_escapes_them_and_keeps_the_data(slipped):
    shown = {}
    for args in (["show", "82"], ["activity", "82"], ["orders"]):
        out = slipped.ok(*args, "--json")
        assert not raw_in(out), args
        shown[args[0]] = json.loads(out)
    assert shown["show"]["ship_to"]["first_name"] == "Ann\x1b]0;pwned\x07"  # the data kept as is
    assert shown["orders"][0]["customer_name"] == "Ann\x1b]0;pwned\x07 \u202eevil"
    assert {e["user"] for e in shown["activity"]} == {"jo\x1b[31mrdan"}


# --- item 6: CSV values and fields out of range -------------------------------------------------

STOCK_HEADER = "vendor_sku,location_code,quantity_on_hand\n"


@pytest.fixture
def stocked(tmp_path) -> Cli:
    c = Cli(tmp_path)
    c.import_(order_doc(82))
    c.ok("stock", "import", c.write("s.csv", STOCK_HEADER + "MS-TS-001,MYSTIC-WH1,3\n"))
    return c


def on_hand(c: Cli) -> list:
    return [(s["vendor_sku"], s["on_hand"]) for s in c.json("stock", "show")]


@pytest.mark.parametrize(
    "quantity", [str(2**63), str(10**30), "1" * 5000, "1000001"], ids=["2^63", "10^30", "5000-digits", "million+1"]
)
def test_a_stock_quantity_out_of_range_is_refused_naming_the_line(stocked, quantity):
    c = stocked
    message = c.refused("stock", "import", c.write("big.csv", STOCK_HEADER + f"MS-TS-001,MYSTIC-WH1,{quantity}\n"))
    assert "line 2: quantity on hand" in message
    assert "must be a whole number from 0 to 1,000,000" in message
    assert "unexpected" not in message and len(message) < 300
    assert on_hand(c) == [("MS-TS-001", 3)]


def test_a_stock_quantity_of_a_million_is_taken(stocked):
    c = stocked
    c.ok("stock", "import", c.write("m.csv", STOCK_HEADER + "MS-TS-001,MYSTIC-WH1,0001000000\n"))
    assert on_hand(c) == [("MS-TS-001", 1_000_000)]


def test_a_field_over_the_csv_limit_is_refused_naming_the_line(stocked):
    c = stocked
    huge = "x" * 140_000
    message = c.refused("stock", "import", c.write("s.csv", STOCK_HEADER + f"MS-TS-001,MYSTIC-WH1,1\nV,{huge},1\n"))
    assert "line 3: a field is longer than 131,072 characters" in message and "unexpected" not in message
    assert on_hand(c) == [("MS-TS-001", 3)]
    c.ok("ack", "82")
    c.ok("slips", "82")
    path = c.write("t.csv", f"po,package_number,tracking_number\n82,1,{UPS_1}\n82,1,\"{huge}\"\n")
    message = c.refused("track", "--import", path)
    assert "t.csv: line 3: a field is longer than 131,072 characters" in message and "unexpected" not in message
    assert c.json("show", "82")["slips"][0]["tracking_number"] is None  # nothing saved, not even line 2


# --- item 11: ambiguous or too wide CSV files -----------------------------------------------------


@pytest.mark.parametrize(
    "header", ["vendor_sku,location_code,quantity_on_hand,quantity_on_hand", "sku,location,Quantity On Hand,quantity-on-hand"]
)
def test_a_duplicate_stock_column_is_refused(stocked, header):
    c = stocked
    message = c.refused("stock", "import", c.write("d.csv", f"{header}\nMS-TS-001,MYSTIC-WH1,5,7\n"))
    assert "line 1: duplicate column quantity_on_hand" in message
    assert on_hand(c) == [("MS-TS-001", 3)]


def test_a_stock_row_with_an_extra_field_is_refused_naming_the_line(stocked):
    c = stocked
    message = c.refused("stock", "import", c.write("e.csv", STOCK_HEADER + "MS-TS-001,MYSTIC-WH1,5,7\n"))
    assert "line 2: 4 fields, more than the header's 3 columns" in message
    assert on_hand(c) == [("MS-TS-001", 3)]
    c.ok("stock", "import", c.write("blank.csv", STOCK_HEADER + "MS-TS-001,MYSTIC-WH1,6,,\n"))  # blank extras carry nothing
    assert on_hand(c) == [("MS-TS-001", 6)]


def test_the_tracking_csv_gets_the_same_checks(slipped):
    c = slipped
    message = c.refused("track", "--import", c.write("d.csv", f"po,package_number,tracking_number,PO\n82,1,{UPS_1},82\n"))
    assert "line 1: duplicate column po" in message
    path = c.write("e.csv", f"po,package_number,tracking_number\n82,1,{UPS_1},UPS\n82,2,{UPS_2}\n")
    result = c.run("track", "--import", path, "--json")
    rows = {r["line"]: r for r in json.loads(result.stdout)["rows"]}
    assert rows[2]["status"] == "refused" and "4 fields, more than the header's 3 columns" in rows[2]["message"]
    assert rows[3]["status"] == "applied"
    assert slips_of(c)[0] == [(None, None), (UPS_2, "UPS")]


def test_a_store_locked_by_another_program_is_busy_not_an_unexpected_error(tmp_path, capsys):
    """Issue 12 item 6: a write lock held past the busy timeout is "the store is busy",
    for the store's callers and the CLI alike; nothing is written."""
    import sqlite3

    import factories as fx
    from dropship_tui import cli
    from dropship_tui.domain.models import Reason, ReasonCode
    from dropship_tui.store.base import StoreBusyError
    from dropship_tui.store.sqlite import SqliteStore

    db = tmp_path / "locked.db"
    with SqliteStore(db) as seeded:
        seeded.add_vendor(fx.vendor())
        seeded.add_location(fx.location())
        seeded.import_orders([fx.order(82)])
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with SqliteStore(db) as store:
            store.connection.execute("PRAGMA busy_timeout = 50")
            with pytest.raises(StoreBusyError, match=r"^The store is busy \(another program holds it\); try again$"):
                store.cancel(82, None, Reason(code=ReasonCode.OUT_OF_STOCK))
            result = store.acknowledge_all([82])
            assert result.succeeded == [] and "busy" in result.failed[82]
    finally:
        other.execute("ROLLBACK")
        other.close()
    with SqliteStore(db) as store:
        assert store.get_order(82).version == 1 and len(store.activity(82)) == 1
    assert cli.main(["show", "82", "--db", str(db), "--json"]) == 0  # reads never wait on it
    capsys.readouterr()
