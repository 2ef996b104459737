"""The scriptable CLI end to end: real processes (``python -m dropship_tui``) on a store in
``tmp_path``; exit codes 0 / 1 refused / 2 usage, one-line stderr, ``--json`` keys, the
seed walkthrough (PO 82) from import to Completed, hostile names printed literally."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dropship_tui import __version__, cli
from dropship_tui.domain.models import ReasonCode

UPS_1 = "1Z999AA10123456784"
UPS_2 = "1Z5R89390357567127"

SUBCOMMANDS = [
    "orders", "show", "activity", "ack", "slips", "track", "invoice", "complete",
    "cancel", "address", "import", "demo",
]


def order_doc(po: int = 82, qty: int = 5, first_name: str = "Ann", last_name: str = "Lee", sku: str = "SKU-123", lines: int = 1) -> dict:
    return {
        "po_number": po,
        "order_number": str(po + 37),
        "vendor_code": "MYSTIC",
        "location_code": "MYSTIC-WH1",
        "ship_to": {
            "first_name": first_name,
            "last_name": last_name,
            "email": "ann@example.com",
            "phone": "+1 555 0100",
            "address": {"line1": "12 Elm St", "city": "Springfield", "state": "IL", "postal_code": "62701", "country_code": "US"},
        },
        "order_date": "2026-11-24T10:00:00-05:00",
        "currency": "USD",
        "shipping_method": "Ground",
        "lines": [
            {
                "line_id": n,
                "product_code": "TRAIL-SHOE" if n == 1 else f"P-{n}",
                "variation_product_code": "TRAIL-SHOE-42" if n == 1 else "",
                "sku": sku if n == 1 else f"{sku}-{n}",
                "description": "Trail shoe",
                "quantity": qty,
                "retail_price": "29.99",
            }
            for n in range(1, lines + 1)
        ],
    }


SETUP = {
    "vendors": [
        {
            "code": "MYSTIC",
            "name": "Mystic Sports",
            "contact": {"name": "Jordan Romero", "phone": "+1 512 555 0100", "email": "jordan@mystic.example"},
            "billing_email": "billing@mystic.example",
            "address": {"line1": "400 Congress Ave", "city": "Austin", "state": "TX", "postal_code": "78701", "country_code": "US"},
        }
    ],
    "locations": [
        {
            "code": "MYSTIC-WH1",
            "vendor_code": "MYSTIC",
            "name": "Mystic Sports Warehouse",
            "sla_policy": {"hours_to_acknowledge": 24, "hours_to_ship": 72},
        }
    ],
    "sku_mappings": [
        {"vendor_code": "MYSTIC", "product_code": "TRAIL-SHOE", "vendor_sku": "MS-TS-001", "upc": "012345678905", "contracted_price": "19.99"}
    ],
}


def import_doc(*orders: dict) -> dict:
    return {**copy.deepcopy(SETUP), "orders": list(orders)}


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.db = tmp_path / "store.db"
        self.env = {
            **os.environ,
            "DROPSHIP_TUI_DB": str(tmp_path / "env-default.db"),
            "DROPSHIP_TUI_USER": "tester",
            "XDG_DATA_HOME": str(tmp_path / "xdg"),
            "COLUMNS": "200",
        }
        self.env.pop("DROPSHIP_TUI_DEBUG", None)

    def run(self, *args: str, db: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        argv = [sys.executable, "-m", "dropship_tui", *args]
        if db:
            argv += ["--db", str(self.db)]
        return subprocess.run(argv, capture_output=True, text=True, env={**self.env, **(env or {})}, timeout=60)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert result.stderr == ""
        return result.stdout

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--json"))

    def refused(self, *args: str, code: int = 1) -> str:
        result = self.run(*args)
        assert result.returncode == code, (args, result.returncode, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        return lines[0]

    def write(self, name: str, data) -> str:
        path = self.tmp / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)

    def import_(self, *orders: dict) -> str:
        return self.ok("import", self.write("orders.json", import_doc(*orders)))


@pytest.fixture
def cli_(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def po82(cli_: Cli) -> Cli:
    out = cli_.import_(order_doc(82))
    assert "Imported 1 order (PO 82)" in out
    return cli_


# --- the package ---------------------------------------------------------------------


def test_version(cli_):
    result = cli_.run("--version", db=False)
    assert result.returncode == 0 and result.stdout.strip() == f"dropship-tui {__version__}"


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_on_every_subcommand(cli_, command):
    result = cli_.run(command, "--help", db=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: dropship-tui {command}")
    assert "--db PATH" in result.stdout and "--json" in result.stdout


def test_top_level_help_lists_every_subcommand(cli_):
    out = cli_.run("--help", db=False).stdout
    for command in SUBCOMMANDS:
        assert command in out


def test_console_script_entry_point_is_main():
    assert cli.main(["--version"]) == 0


def test_each_group_registers_exactly_its_commands_of_the_table():
    import argparse
    from importlib import import_module

    from dropship_tui.cli.registry import COMMANDS

    for group in {command.group for command in COMMANDS.values()}:
        subparsers = argparse.ArgumentParser().add_subparsers()
        import_module(f"dropship_tui.cli.{group}").register(subparsers)
        assert set(subparsers.choices) == {n for n, c in COMMANDS.items() if c.group == group}


HEAVY = {"rich", "textual", "fastapi", "starlette", "uvicorn", "reportlab", "httpx", "keyring"}


@pytest.mark.parametrize(
    "args, needed",
    [
        (["--help"], set()),
        (["orders", "--limit", "50", "--json"], {"pydantic"}),
        (["show", "82", "--json"], {"pydantic"}),
        (["ack", "82", "--json"], {"pydantic"}),
        (["show", "82"], {"pydantic", "rich"}),
    ],
)
def test_a_command_imports_only_what_it_needs(po82, args, needed):
    """Issue 9: start-up stays quick because nothing a command does not use is imported."""
    script = (
        "import contextlib, io, sys\n"
        "from dropship_tui.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(sys.argv[1:])\n"
        "print(code, *sorted({name.partition('.')[0] for name in sys.modules}))\n"
    )
    argv = [*args, "--db", str(po82.db)] if args != ["--help"] else args
    result = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, env=po82.env)
    code, *loaded = result.stdout.split()
    assert code == "0", result.stderr
    assert (HEAVY | {"pydantic"}) & set(loaded) == needed


# --- the seed walkthrough ------------------------------------------------------------------


def test_seed_walkthrough(po82):
    c = po82
    assert c.ok("ack", "82", "--qty", "1=4", "--reason", "1=out_of_stock").strip() == (
        "PO 82 acknowledged: 4 of 5 units; 1 unit canceled (Out of stock)"
    )
    out = c.ok("slips", "82", "--count", "2", "--put", "1:1=2", "--put", "1:2=2")
    assert "2 packing slips saved" in out
    assert UPS_1 in c.ok("track", "82", "1", UPS_1)
    c.ok("track", "82", "2", UPS_2)
    assert "total 79.96 USD" in c.ok("invoice", "82")
    assert "completed" in c.ok("complete", "82")

    data = c.json("show", "82")
    assert data["po_number"] == 82 and data["order_number"] == "119"
    assert data["stage"] == "completed" and data["progress"] == 100
    assert data["sla_status"] in ("on_time", "at_risk", "overdue")
    (line,) = data["lines"]
    assert (line["line_id"], line["sku"], line["quantity_ordered"], line["quantity_accepted"]) == (1, "SKU-123", 5, 4)
    assert line["contracted_price"] == "19.99" and line["retail_price"] == "29.99"
    (item,) = data["canceled_items"]
    assert item == {**item, "line_id": 1, "quantity": 1, "reason_code": "out_of_stock", "reason_text": ""}
    assert [s["number"] for s in data["slips"]] == [1, 2]
    assert [s["lines"] for s in data["slips"]] == [{"1": 2}, {"1": 2}]
    assert [s["tracking_number"] for s in data["slips"]] == [UPS_1, UPS_2]
    assert all(s["carrier"] == "UPS" and s["tracking_url"] for s in data["slips"])
    assert data["invoice"]["invoice_number"]
    assert data["invoice"]["total"] == "79.96"  # 4 accepted × contracted 19.99, as a string
    actions = [a["action"] for a in data["activity"]]
    assert actions[0] == "Order completed" and actions[-2:] == ["Order acknowledged", "Order received"]
    assert all(a["user"] == "tester" for a in data["activity"])

    human = c.ok("show", "82")
    for text in ("PO 82", "Completed", "Out of stock", UPS_1, "79.96", "Ann Lee", "Mystic Sports"):
        assert text in human


def test_refused_actions_exit_1_with_one_line(po82):
    c = po82
    assert c.refused("invoice", "82") == "dropship-tui: PO 82 must be acknowledged (step 1) before it can be invoiced"
    c.ok("ack", "82")
    assert c.refused("ack", "82") == "dropship-tui: PO 82 is already acknowledged"
    assert "not in the store" in c.refused("show", "999")
    assert "not in the store" in c.refused("activity", "999")


def test_short_line_needs_a_reason(po82):
    message = po82.refused("ack", "82", "--qty", "1=3")
    assert "Line 1 (SKU-123)" in message and "reason" in message


def test_other_without_text_is_refused_by_the_domain(po82):
    assert "'other' needs a text" in po82.refused("ack", "82", "--qty", "1=3", "--reason", "1=other")
    out = po82.ok("ack", "82", "--qty", "1=3", "--reason-all", "other:box crushed")
    assert "2 units canceled (Other: box crushed)" in out


def test_every_line_at_zero_cancels(po82):
    out = po82.ok("ack", "82", "--qty", "1=0", "--reason-all", "discontinued")
    assert out.strip() == "PO 82 canceled: every line validated to 0"
    assert po82.json("show", "82")["stage"] == "canceled"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ack", "82", "--qty", "1=x"], "LINE=N"),
        (["ack", "82", "--qty", "4"], "LINE=N"),
        (["ack", "82", "--reason", "1=bogus"], "out_of_stock, damaged"),
        (["ack", "82", "--reason-all", "nope"], "undeliverable_address"),
        (["cancel", "82", "--reason", "lost"], "out_of_stock"),
        (["cancel", "82"], "--reason"),
        (["ack", "abc"], "PO number"),
        (["ack"], "PO number"),
        (["ack", "82", "--all-new"], "--all-new"),
        (["show", "0"], "PO number"),
        (["orders", "--stage", "shipped"], "new, in-progress, completed, canceled"),
        (["orders", "--sla", "late"], "on-time, at-risk, overdue"),
        (["orders", "--limit", "-1"], "--limit"),
        (["slips", "82", "--put", "1:11=2"], "LINE:SLIP=QTY"),
        (["slips", "82", "--count", "2", "--put", "1:3=2"], "slip 3"),
        (["slips", "82", "--count", "11"], "1 to 10"),
        (["track", "82", "x", UPS_1], "--help"),
        (["address", "82"], "--city"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_line(po82, args, needle):
    line = po82.refused(*args, code=2)
    assert line.startswith("dropship-tui")
    assert needle in line


def test_reason_codes_are_the_r3_list():
    line = subprocess.run(
        [sys.executable, "-m", "dropship_tui", "ack", "1", "--reason-all", "x"], capture_output=True, text=True
    ).stderr
    for code in ReasonCode:
        assert code.value in line


def test_slips_refusal_names_line_and_units(po82):
    po82.ok("ack", "82")
    assert po82.refused("slips", "82", "--put", "1:1=4") == "dropship-tui: 1 unit of SKU-123 is not on any slip"
    assert "too many of SKU-123" in po82.refused("slips", "82", "--put", "1:1=6")


def test_slips_default_even_allocation(po82):
    po82.ok("ack", "82")
    data = po82.json("slips", "82", "--count", "2")
    assert [s["lines"] for s in data["slips"]] == [{"1": 3}, {"1": 2}]
    assert data["progress"] == 50


def test_unknown_tracking_needs_carrier_and_duplicates_refused(po82):
    c = po82
    c.ok("ack", "82")
    c.ok("slips", "82", "--count", "2")
    assert "name the carrier" in c.refused("track", "82", "1", "ABC123")
    out = c.ok("track", "82", "1", "ABC123", "--carrier", "Local Courier")
    assert "Local Courier ABC123" in out
    c.ok("track", "82", "2", UPS_1)
    assert "already on slip 2" in c.refused("track", "82", "1", UPS_1)
    assert c.json("show", "82")["progress"] == 75


def test_cancel_with_reason(po82):
    out = po82.ok("cancel", "82", "--reason", "undeliverable_address")
    assert out.strip() == "PO 82 canceled: 5 units (Undeliverable address)"
    data = po82.json("show", "82")
    assert data["stage"] == "canceled"
    assert data["canceled_items"][0]["reason_code"] == "undeliverable_address"
    assert "canceled" in po82.refused("cancel", "82", "--reason", "damaged")


def test_cancel_other_needs_text(po82):
    assert "'other' needs a text" in po82.refused("cancel", "82", "--reason", "other")
    po82.ok("cancel", "82", "--reason", "other:customer called")
    assert po82.json("show", "82")["canceled_items"][0]["reason_text"] == "customer called"


def test_address_correction_keeps_unspecified_fields(po82):
    out = po82.ok("address", "82", "--line1", "14 Oak Ave", "--postal-code", "62702", "--company", "Acme")
    assert "14 Oak Ave" in out
    ship = po82.json("show", "82")["ship_to"]
    assert ship["first_name"] == "Ann" and ship["company"] == "Acme"
    assert ship["address"] == {**ship["address"], "line1": "14 Oak Ave", "postal_code": "62702", "city": "Springfield"}
    entry = po82.json("activity", "82")[0]
    assert entry["action"] == "Address corrected" and "12 Elm St" in entry["details"] and "14 Oak Ave" in entry["details"]
    po82.ok("ack", "82")
    po82.ok("slips", "82")
    assert "packing slips" in po82.refused("address", "82", "--city", "Chicago")


def test_activity_newest_first_and_user_option(po82):
    c = po82
    c.ok("ack", "82", "--user", "maria")
    c.ok("--user", "sam", "slips", "82")
    entries = c.json("activity", "82")
    assert [e["action"] for e in entries] == [
        "Packing slips saved", "Order acknowledged", "Order received"
    ]
    assert [e["user"] for e in entries][:2] == ["sam", "maria"]
    assert set(entries[0]) >= {"at", "user", "action", "details"}
    human = c.ok("activity", "82")
    assert human.index("Packing slips saved") < human.index("Order acknowledged")


def test_ack_all_new(cli_):
    cli_.import_(order_doc(82), order_doc(83, sku="SKU-9"), order_doc(84))
    cli_.ok("ack", "84")
    out = cli_.ok("ack", "--all-new")
    assert "Acknowledged 2 orders of 2" in out
    stages = {o["po_number"]: o["stage"] for o in cli_.json("orders")}
    assert stages == {82: "in_progress", 83: "in_progress", 84: "in_progress"}
    assert "No New orders" in cli_.ok("ack", "--all-new")


def test_ack_all_new_with_search(cli_):
    cli_.import_(order_doc(82), order_doc(83, sku="SKU-9"))
    data = cli_.json("ack", "--all-new", "--search", "83")
    assert data == {"succeeded": [83], "failed": []}
    assert cli_.json("show", "82")["stage"] == "new"


# --- orders -------------------------------------------------------------------------------


def test_orders_json_filters_and_sort(cli_):
    cli_.import_(order_doc(82), order_doc(83, first_name="Zoe", sku="SKU-9"), order_doc(84, first_name="Bob"))
    cli_.ok("ack", "83")
    rows = cli_.json("orders")
    assert [r["po_number"] for r in rows] == [82, 83, 84]
    assert set(rows[0]) >= {"po_number", "order_number", "customer_name", "order_date", "stage", "sla_status", "progress"}
    assert [r["po_number"] for r in cli_.json("orders", "--stage", "in-progress")] == [83]
    assert [r["po_number"] for r in cli_.json("orders", "--stage", "new", "--sort", "customer", "--desc")] == [84, 82]
    assert [r["po_number"] for r in cli_.json("orders", "--search", "SKU-9")] == [83]
    assert [r["po_number"] for r in cli_.json("orders", "--limit", "2")] == [82, 83]
    assert cli_.json("orders", "--sla", "on-time") is not None


def test_orders_table_for_people(po82):
    out = po82.ok("orders")
    assert "PO" in out and "Customer" in out and "Ann Lee" in out and "New" in out


@pytest.mark.parametrize("name", ["[bold]Ann[/]", "[0]", "<b>&amp;", "Ωμέγα 北京", "[link=http://e]x[/]"])
def test_hostile_names_print_literally(cli_, name):
    cli_.import_(order_doc(82, first_name=name, last_name="[red]Lee"))
    out = cli_.ok("orders")
    assert f"{name} [red]Lee" in out
    assert name in cli_.ok("show", "82")
    assert cli_.json("show", "82")["ship_to"]["first_name"] == name


def test_terminal_escapes_in_data_are_neutralised(cli_):
    cli_.import_(order_doc(82, first_name="Ann\x1b]0;pwned\x07", last_name="\x1b[31mLee"))
    for out in (cli_.ok("orders"), cli_.ok("show", "82"), cli_.ok("orders", "--limit", "0")):
        assert "\x1b" not in out and "\x07" not in out
        assert "Ann\ufffd]0;pwned\ufffd" in out
    assert cli_.json("show", "82")["ship_to"]["first_name"] == "Ann\x1b]0;pwned\x07"  # data kept as is


def test_long_listing_streams_plain_lines(cli_):
    cli_.import_(*[order_doc(po, first_name="[bold]Ann[/]") for po in range(100, 1102)])
    lines = cli_.ok("orders", "--limit", "0").splitlines()
    assert len(lines) == 2 + 1002
    assert lines[0].split() == ["PO", "Order", "Customer", "Order", "date", "Stage", "SLA", "Progress"]
    assert "[bold]Ann[/] Lee" in lines[2] and lines[2].split()[0] == "100"


def test_global_options_before_or_after_the_command(po82):
    before = subprocess.run(
        [sys.executable, "-m", "dropship_tui", "--db", str(po82.db), "--json", "orders"],
        capture_output=True, text=True, env=po82.env,
    )
    assert json.loads(before.stdout)[0]["po_number"] == 82


def test_db_from_environment(cli_):
    env_db = cli_.tmp / "from-env.db"
    result = cli_.run("import", cli_.write("o.json", import_doc(order_doc(82))), db=False, env={"DROPSHIP_TUI_DB": str(env_db)})
    assert result.returncode == 0, result.stderr
    assert env_db.exists()
    assert not (cli_.tmp / "xdg").exists()


# --- import -------------------------------------------------------------------------------


def test_import_bad_file_refused_whole(cli_):
    orders = [order_doc(po) for po in range(82, 86)]
    orders[3]["lines"][0]["quantity"] = 0
    line = cli_.refused("import", cli_.write("bad.json", import_doc(*orders)))
    assert "orders[3].lines[0].quantity: must be a positive integer" in line
    assert line.startswith("dropship-tui: ") and "bad.json" in line
    assert not cli_.db.exists()  # refused before the store was even created


def test_import_not_json(cli_):
    path = cli_.write("broken.json", '{\n  "orders": [\n    {,}\n  ]\n}')
    line = cli_.refused("import", path)
    assert f"{path}: not valid JSON at line 3 column 6" in line


def test_import_unknown_vendor_named_by_path(cli_):
    doc = {"orders": [order_doc(82)]}
    line = cli_.refused("import", cli_.write("o.json", doc))
    assert "orders[0].vendor_code: no vendor MYSTIC" in line


def test_import_missing_file(cli_):
    assert "no such file" in cli_.refused("import", str(cli_.tmp / "nope.json"))


def test_import_same_po_twice_refused_not_duplicated(po82):
    line = po82.refused("import", po82.write("again.json", import_doc(order_doc(82), order_doc(90))))
    assert "orders[0].po_number: PO 82 is already in the store" in line
    assert [o["po_number"] for o in po82.json("orders")] == [82]


def test_import_json_output_and_mapping_price(cli_):
    data = cli_.json("import", cli_.write("o.json", import_doc(order_doc(82, lines=2))))
    assert data["imported"] == [82] and data["vendors"] == ["MYSTIC"]
    lines = cli_.json("show", "82")["lines"]
    assert lines[0]["contracted_price"] == "19.99" and lines[0]["vendor_sku"] == "MS-TS-001"
    assert lines[1]["contracted_price"] is None  # no mapping: billed at the line's price


def test_import_explicit_contracted_price_wins_over_mapping(cli_):
    doc = order_doc(82)
    doc["lines"][0]["contracted_price"] = "17.00"
    cli_.import_(doc)
    assert cli_.json("show", "82")["lines"][0]["contracted_price"] == "17.00"


def test_import_from_stdin(cli_):
    argv = [sys.executable, "-m", "dropship_tui", "import", "-", "--db", str(cli_.db)]
    result = subprocess.run(argv, input=json.dumps(import_doc(order_doc(82))), capture_output=True, text=True, env=cli_.env)
    assert result.returncode == 0 and "PO 82" in result.stdout


# --- robustness -----------------------------------------------------------------------------


def test_a_file_that_is_not_a_store_is_refused_in_one_line(cli_):
    cli_.db.write_bytes(b"this is not a sqlite database, just some bytes" * 100)
    line = cli_.refused("orders")
    assert line.startswith(f"dropship-tui: cannot open the store {cli_.db}:")
    folder = cli_.run("orders", "--db", str(cli_.tmp), db=False)
    assert folder.returncode == 1 and folder.stderr.startswith("dropship-tui: cannot open the store")


def test_unexpected_error_is_one_line_and_debug_shows_traceback(monkeypatch, capsys, tmp_path):
    from dropship_tui.cli import orders
    def broken(args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(orders, "run_orders", broken)
    monkeypatch.delenv("DROPSHIP_TUI_DEBUG", raising=False)
    assert cli.main(["orders", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert err == "dropship-tui: unexpected error: RuntimeError: disk on fire (set DROPSHIP_TUI_DEBUG=1 for details)\n"
    monkeypatch.setenv("DROPSHIP_TUI_DEBUG", "1")
    assert cli.main(["orders", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.endswith("dropship-tui: unexpected error: RuntimeError: disk on fire\n")


def test_broken_pipe_is_quiet(cli_):
    cli_.import_(*[order_doc(po) for po in range(100, 400)])
    cmd = f'"{sys.executable}" -m dropship_tui orders --limit 0 --db "{cli_.db}" | head -n 1'
    result = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, env=cli_.env)
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


def test_ctrl_c_exits_130_quietly(monkeypatch, capsys, tmp_path):
    from dropship_tui.cli import orders
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(orders, "run_orders", interrupted)
    assert cli.main(["orders", "--db", str(tmp_path / "x.db")]) == 130
    assert capsys.readouterr().err == ""


def test_demo_builds_a_store_and_walks_po_82(cli_):
    pytest.importorskip("dropship_tui.store.demo.builder")
    out = cli_.ok("demo", "--orders", "30", "--seed", "7")
    assert str(cli_.db) in out and "Next:" in out
    assert len(cli_.json("orders", "--limit", "0")) == 30
    assert "empty store" in cli_.refused("demo")

    po = cli_.json("show", "82")
    assert (po["order_number"], po["stage"], po["lines"][0]["quantity_ordered"]) == ("119", "new", 5)
    assert "4 of 5 units; 1 unit canceled (Out of stock)" in cli_.ok("ack", "82", "--qty", "1=4", "--reason", "1=out_of_stock")
    cli_.ok("slips", "82", "--count", "2", "--put", "1:1=2", "--put", "1:2=2")
    cli_.ok("track", "82", "1", UPS_1)
    cli_.ok("track", "82", "2", UPS_2)
    cli_.ok("invoice", "82")
    cli_.ok("complete", "82")
    data = cli_.json("show", "82")
    assert data["stage"] == "completed" and data["progress"] == 100
    price = data["lines"][0]["contracted_price"]
    from decimal import Decimal

    assert Decimal(data["invoice"]["total"]) == Decimal(price) * 4


def test_ack_all_new_reports_failures_and_exits_1(monkeypatch, capsys, tmp_path):
    from dropship_tui.store.base import BatchResult
    from dropship_tui.store.sqlite.store import SqliteStore

    db = str(tmp_path / "s.db")
    path = tmp_path / "o.json"
    path.write_text(json.dumps(import_doc(order_doc(82), order_doc(83))), encoding="utf-8")
    assert cli.main(["import", str(path), "--db", db]) == 0

    def flaky(self, pos):
        return BatchResult(succeeded=[pos[0]], failed={pos[1]: f"PO {pos[1]} was changed by someone else; reload"})

    monkeypatch.setattr(SqliteStore, "acknowledge_all", flaky)
    capsys.readouterr()
    assert cli.main(["ack", "--all-new", "--db", db]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert captured.err == "dropship-tui: 1 of 2 New orders not acknowledged\n"
    assert "Acknowledged 1 order of 2" in out
    assert "PO 83: PO 83 was changed by someone else; reload" in out


def _wait_until_reading_stdin(pid: int, timeout: float = 60.0) -> None:
    """Block until the process sleeps in a pipe read (Linux ``wchan``), so the signal
    lands where the test means it to on a loaded machine, not during start-up; where
    ``/proc`` has no wchan, fall back to a fixed wait."""
    import time

    wchan = Path(f"/proc/{pid}/wchan")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if wchan.read_text().endswith("pipe_read"):
                time.sleep(0.2)  # still there: not a read during start-up
                if wchan.read_text().endswith("pipe_read"):
                    return
        except OSError:
            time.sleep(2.0)
            return
        time.sleep(0.05)
    raise AssertionError("the command never waited on stdin")


def test_sigint_exits_130_without_traceback(cli_):
    import signal
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "dropship_tui", "import", "-", "--db", str(cli_.db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_.env,
        # a test run started in the background (``cmd &`` in a script) ignores SIGINT, and a
        # child inherits that: give the command the terminal's default, as a user's shell does
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    _wait_until_reading_stdin(proc.pid)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err == "" and out == ""


# --- the review's fixes: a newer store, a missing store ----------------------------------


def test_a_store_from_a_newer_version_is_one_plain_line(cli_):
    import sqlite3

    from dropship_tui.store.sqlite import schema
    conn = sqlite3.connect(cli_.db)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    line = cli_.refused("orders")
    assert line == (
        f"dropship-tui: {cli_.db} was written by a newer dropship-tui "
        f"(schema v{schema.SCHEMA_VERSION + 1}); upgrade dropship-tui to open it"
    )


def test_read_commands_refuse_a_missing_store_and_create_nothing(cli_):
    missing = cli_.tmp / "nonexistent" / "dir" / "x.db"
    for args in (("orders",), ("show", "82"), ("stock", "show"), ("ack", "82")):
        result = cli_.run(*args, "--db", str(missing), db=False)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stderr == (
            f"dropship-tui: No store at {missing}: create one with 'dropship-tui demo --db "
            f"{missing}' or 'dropship-tui import FILE --db {missing}'\n"
        )
    assert not (cli_.tmp / "nonexistent").exists()
    created = cli_.tmp / "new" / "store.db"
    doc = cli_.write("one.json", import_doc(order_doc(82)))
    result = cli_.run("import", doc, "--db", str(created), db=False)
    assert result.returncode == 0 and created.exists(), result.stderr
