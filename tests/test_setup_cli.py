"""Issue 14 item 1 on a local store: setup by command (vendors, locations, location
groups and their SLA policies, SKU mappings from CSV) with its refusals, and the setup
log that records every change (who, when, old -> new). The real command line on a real
store file."""

from __future__ import annotations

import sqlite3

import pytest

from dropship_tui.store.sqlite.store import SqliteStore
from test_cli import Cli


@pytest.fixture
def cli(tmp_path) -> Cli:
    c = Cli(tmp_path)
    c.ok("vendors", "add", "MYSTIC", "--name", "[bold]Mystic[/] Ωμέγα", "--email", "jordan@mystic.example", "--city", "Austin")
    c.ok("location-groups", "add", "TX", "--name", "Texas", "--hours-to-acknowledge", "12", "--hours-to-ship", "48")
    c.ok("locations", "add", "WH1", "--vendor", "MYSTIC", "--name", "Dock <b>&amp;", "--group", "TX")
    return c


def test_records_read_back_as_given(cli):
    vendor = cli.json("vendors", "show", "MYSTIC")
    assert vendor["name"] == "[bold]Mystic[/] Ωμέγα" and vendor["address"]["city"] == "Austin"
    assert [loc["code"] for loc in cli.json("locations", "list")] == ["WH1"]
    assert cli.json("location-groups", "list")[0]["sla_policy"] == {"hours_to_acknowledge": 12, "hours_to_ship": 48}
    shown = cli.ok("vendors", "show", "MYSTIC")
    assert "[bold]Mystic[/] Ωμέγα" in shown  # data is never markup


def test_edit_changes_only_what_is_given(cli):
    cli.ok("vendors", "edit", "MYSTIC", "--city", "Dallas", "--phone", "+1 555 0100")
    vendor = cli.json("vendors", "show", "MYSTIC")
    assert (vendor["address"]["city"], vendor["contact"]["phone"], vendor["contact"]["email"]) == (
        "Dallas", "+1 555 0100", "jordan@mystic.example")
    assert "nothing to change" in cli.ok("vendors", "edit", "MYSTIC", "--city", "Dallas")


def test_location_sla_own_policy_group_and_defaults(cli):
    assert "12 h to acknowledge, 48 h to ship (group TX)" in cli.ok("locations", "sla", "WH1")
    out = cli.ok("locations", "sla", "WH1", "--hours-to-acknowledge", "6", "--hours-to-ship", "30")
    assert "6 h to acknowledge, 30 h to ship (its own policy)" in out
    assert "(the defaults)" in cli.ok("locations", "sla", "WH1", "--no-policy", "--no-group")


@pytest.mark.parametrize("args,message", [
    (("vendors", "add", "MYSTIC", "--name", "Again"), "Vendor MYSTIC already exists; change it with 'vendors edit MYSTIC'"),
    (("locations", "add", "WH1", "--vendor", "MYSTIC", "--name", "x"), "Location WH1 already exists"),
    (("locations", "add", "WH2", "--vendor", "NOPE", "--name", "x"), "Vendor NOPE is not in the store"),
    (("locations", "add", "WH2", "--vendor", "MYSTIC", "--name", "x", "--group", "NOPE"), "Location group NOPE is not in the store"),
    (("vendors", "edit", "NOPE", "--city", "x"), "Vendor NOPE is not in the store"),
    (("locations", "sla", "WH1", "--hours-to-acknowledge", "100000000", "--hours-to-ship", "5"),
     "sla_policy.hours_to_acknowledge: must be a positive integer"),
    (("location-groups", "add", "G2", "--hours-to-acknowledge", "0", "--hours-to-ship", "5"), "sla_policy.hours_to_acknowledge"),
    (("vendors", "add", "V\x1bX", "--name", "x"), "code"),
])
def test_refusals_name_the_problem_and_change_nothing(cli, args, message):
    before = cli.json("setup-log", "--limit", "100")
    assert message in cli.refused(*args)
    assert cli.json("setup-log", "--limit", "100") == before


def test_a_policy_needs_both_hours(cli):
    assert "needs both --hours-to-acknowledge and --hours-to-ship" in cli.refused(
        "location-groups", "add", "G2", "--hours-to-ship", "5", code=2)


def test_sku_mappings_import_partial_full_and_bad_lines(cli):
    bad = cli.write("bad.csv", "product_code,vendor_sku,upc,contracted_price\nP-1,MS-1,012345678905,19.99\nP-2,MS-2,,-5\nP-1,MS-3,,1\n")
    result = cli.run("sku-mappings", "import", bad, "--vendor", "MYSTIC")
    assert result.returncode == 1 and "2 bad rows; nothing imported" in result.stderr
    assert "line 3: contracted_price" in result.stdout and "line 4: product P-1 is on line 2 too" in result.stdout
    assert cli.json("sku-mappings", "list", "--vendor", "MYSTIC") == []

    good = cli.write("good.csv", "vendor_code,product_code,vendor_sku,contracted_price\nMYSTIC,P-1,MS-1,19.99\nMYSTIC,P-2,MS-2,5\n")
    assert cli.json("sku-mappings", "import", good) == {"imported": True, "added": 2, "changed": 0, "unchanged": 0, "removed": 0}
    full = cli.write("full.csv", "product_code,vendor_sku,contracted_price\nP-2,MS-2,6\n")
    assert cli.json("sku-mappings", "import", full, "--vendor", "MYSTIC", "--full") == {
        "imported": True, "added": 0, "changed": 1, "unchanged": 0, "removed": 1}
    listed = cli.json("sku-mappings", "list", "--vendor", "MYSTIC")
    assert [(m["product_code"], m["contracted_price"]) for m in listed] == [("P-2", "6")]


def test_the_setup_log_records_who_when_and_old_to_new(cli):
    cli.ok("vendors", "edit", "MYSTIC", "--city", "Dallas")
    cli.ok("locations", "sla", "WH1", "--hours-to-acknowledge", "6", "--hours-to-ship", "30")
    log = cli.json("setup-log")
    assert [(e["kind"], e["code"], e["summary"]) for e in log[:2]] == [
        ("location", "WH1", "sla_policy.hours_to_acknowledge: — → 6; sla_policy.hours_to_ship: — → 30"),
        ("vendor", "MYSTIC", "address.city: Austin → Dallas"),
    ]
    assert {e["user"] for e in log} == {"tester"}
    assert [e["summary"] for e in log[2:]] == ["added", "added", "added"]
    assert [e["code"] for e in cli.json("setup-log", "--vendor", "MYSTIC")] == ["WH1", "MYSTIC", "WH1", "MYSTIC"]


def test_the_setup_log_is_append_only(cli):
    with SqliteStore(cli.db) as store:
        conn = store.connection
        for sql in ("UPDATE setup_log SET user = 'mallory'", "DELETE FROM setup_log",
                    "INSERT OR REPLACE INTO setup_log(id, at, user, kind, code) VALUES (1, 'x', 'm', 'vendor', 'X')"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
