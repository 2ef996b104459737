"""Issue 12, items 1 and 3: every number and date has a sane bound in the records
(quantities and line ids up to 1,000,000, SLA hours up to 10 years, dates from 2000 to
2100, prices from 0 to 10^12), and the API import and the file import refuse alike:
422 naming the field over the real server, exit 1 with one line on stderr from
``dropship-tui import FILE``, the store unchanged either way. Before, these were 500s
(OverflowError from SQLite or ``to_utc``), a CLI "unexpected error", or accepted."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

import factories as f
from dropship_tui.domain.models import Order, SlaThresholds
from test_remote_support import fresh_backend, live_server  # noqa: F401

BIG = [2**63, 10**30]
QTY_WORDS = "must be a positive integer (a whole number from 1 to 1,000,000)"
DATE_WORDS = "from 2000-01-01 to 2100-01-01 (UTC)"
FAR_DATES = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z", "2100-01-01T00:00:01Z"]
TABLES = ("vendors", "locations", "sku_mappings", "orders", "lines", "activity")


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


# --- the records themselves ----------------------------------------------------------


def order_json(po: int = 91) -> dict:
    return f.order(po, lines=[f.line(1), f.line(2, sku="SKU-456")]).model_dump(mode="json")


@pytest.mark.parametrize("date", FAR_DATES)
def test_far_dates_are_a_validation_error_never_an_overflow(date):
    doc = order_json()
    doc["order_date"] = date
    with pytest.raises(ValidationError) as info:
        Order.model_validate(doc)
    assert DATE_WORDS in str(info.value)


def test_the_bounds_themselves_are_accepted():
    doc = order_json()
    doc["order_date"] = "2000-01-01T00:00:00Z"
    doc["requested_ship_date"] = "2100-01-01T00:00:00Z"
    doc["lines"][0].update(quantity_ordered=1_000_000, line_id=1_000_000, retail_price="1000000000000")
    order = Order.model_validate(doc)
    assert order.units_ordered == 1_000_005


def test_sla_thresholds_are_bounded():
    with pytest.raises(ValidationError):
        SlaThresholds(at_risk=1, overdue=10**30)


# --- over the API: POST /orders/import ------------------------------------------------


def _line(doc: dict, **changes) -> dict:
    doc["lines"][0].update(changes)
    return doc


def _two_huge_lines(doc: dict) -> dict:
    for line in doc["lines"]:
        line["quantity_ordered"] = 2**62
    return doc


def _ship_to(doc: dict, **changes) -> dict:
    doc["ship_to"].update(changes)
    return doc


API_CASES = [
    *[(lambda d, n=n: _line(d, quantity_ordered=n), "orders[0].lines[0].quantity_ordered: " + QTY_WORDS) for n in BIG],
    *[(lambda d, n=n: _line(d, line_id=n), "orders[0].lines[0].line_id: " + QTY_WORDS) for n in BIG],
    (_two_huge_lines, "orders[0].lines[1].quantity_ordered: " + QTY_WORDS),
    *[(lambda d, v=v: {**d, "order_date": v}, "orders[0].order_date: must be a date like") for v in FAR_DATES],
    (lambda d: {**d, "requested_ship_date": "0001-01-01T00:00:00+14:00"}, "orders[0].requested_ship_date: "),
    (lambda d: _line(d, retail_price="-150.00"), "orders[0].lines[0].retail_price: must be an amount like 19.99"),
    (lambda d: _line(d, contracted_price="-150.00"), "orders[0].lines[0].contracted_price: must be an amount"),
    (lambda d: _line(d, retail_price="1000000000000.01"), "orders[0].lines[0].retail_price: must be an amount"),
    (lambda d: {**d, "currency": "notacurrency"}, "orders[0].currency: must be a 3-letter currency code"),
    (lambda d: _ship_to(d, first_name="A\x00nn"), "orders[0].ship_to.first_name: must not contain NUL"),
    (lambda d: _line(d, sku="SKU\x00123"), "orders[0].lines[0].sku: must not contain control characters"),
    (lambda d: _line(d, line_id=2), "orders[0]: line 2 appears twice in PO 91"),
]


@pytest.fixture
def backend(live_server, tmp_path):
    b = fresh_backend(live_server, tmp_path / "server.db")
    b.store.import_orders([f.order(82)])
    return b


def _client(backend) -> httpx.Client:
    return httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {backend.tokens['jordan']}"})


def _refused_over_api(backend, c: httpx.Client, method: str, path: str, body, expected: str) -> None:
    before = counts(backend.store.path)
    r = c.request(method, path, json=body)
    assert r.status_code == 422, (r.status_code, r.text)
    reply = r.json()
    assert reply["error"] == "invalid"
    assert expected in reply["message"], reply
    # The same kept-alive connection still answers, and nothing was written.
    again = c.get("/orders/82")
    assert again.status_code == 200 and again.json()["version"] == 1
    assert counts(backend.store.path) == before


@pytest.mark.parametrize(("change", "expected"), API_CASES)
def test_api_import_refuses_out_of_range_naming_the_field(backend, change, expected):
    body = [change(order_json())]
    with _client(backend) as c:
        _refused_over_api(backend, c, "POST", "/orders/import", body, expected)
    assert backend.store.get_order(82).version == 1


def test_api_import_still_takes_a_good_batch_after_refusals(backend):
    with _client(backend) as c:
        _refused_over_api(backend, c, "POST", "/orders/import", [_line(order_json(), quantity_ordered=2**63)], "quantity_ordered")
        r = c.post("/orders/import", json=[order_json()])
    assert r.status_code == 200 and r.json() == {"imported": 1}
    assert backend.store.get_order(91).units_ordered == 10


def test_api_location_with_huge_sla_hours_is_refused(backend):
    location = f.location("MYSTIC-WH1").model_dump(mode="json")
    location["sla_policy"]["hours_to_acknowledge"] = 100_000_000
    with _client(backend) as c:
        _refused_over_api(
            backend, c, "PUT", "/locations", location,
            "sla_policy.hours_to_acknowledge: must be a positive integer (a whole number of hours from 1 to 87,600",
        )
    assert backend.store.location("MYSTIC-WH1").sla_policy.hours_to_acknowledge == 24


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"contracted_price": "-150.00"}, "sku_mappings[0].contracted_price: must be an amount"),
        ({"currency": "notacurrency"}, "sku_mappings[0].currency: must be a 3-letter currency code"),
        ({"vendor_sku": "MS\x00123"}, "sku_mappings[0].vendor_sku: must not contain control characters"),
    ],
)
def test_api_sku_mappings_are_held_to_the_same_rules(backend, change, expected):
    mapping = {"vendor_code": "MYSTIC", "product_code": "P-NEW", "vendor_sku": "MS-NEW", "contracted_price": "5.00", **change}
    with _client(backend) as c:
        _refused_over_api(backend, c, "PUT", "/sku-mappings", [mapping], expected)
    assert "P-NEW" not in {m.product_code for m in backend.store.sku_mappings("MYSTIC")}


def test_api_vendor_name_with_nul_is_refused(backend):
    vendor = f.vendor().model_dump(mode="json")
    vendor["name"] = "Mystic\x00Sports"
    with _client(backend) as c:
        _refused_over_api(backend, c, "PUT", "/vendors", vendor, "name: must not contain NUL")
    assert backend.store.vendor("MYSTIC").name == "Mystic Sports"


# --- the CLI file import: dropship-tui import FILE ------------------------------------


def file_order(po: int) -> dict:
    return {
        "po_number": po, "order_number": str(po + 37), "vendor_code": "MYSTIC",
        "location_code": "MYSTIC-WH1",
        "ship_to": {"first_name": "Ann", "last_name": "Lee",
                    "address": {"line1": "12 Elm St", "city": "Springfield", "country_code": "US"}},
        "order_date": "2026-11-24T10:00:00Z",
        "lines": [
            {"line_id": 1, "product_code": "P-1", "sku": "SKU-1", "quantity": 5, "retail_price": "29.99"},
            {"line_id": 2, "product_code": "P-2", "sku": "SKU-2", "quantity": 1, "retail_price": "9.99"},
        ],
    }


SETUP = {
    "vendors": [{"code": "MYSTIC", "name": "Mystic Sports"}],
    "locations": [{"code": "MYSTIC-WH1", "vendor_code": "MYSTIC", "name": "Warehouse",
                   "sla_policy": {"hours_to_acknowledge": 24, "hours_to_ship": 72}}],
}


def new_setup() -> dict:
    """A vendor, location and mapping new to the store, to show none of them is kept."""
    return {
        "vendors": [{"code": "NEWV", "name": "New Vendor"}],
        "locations": [{"code": "NEWV-WH", "vendor_code": "NEWV", "name": "New Warehouse",
                       "sla_policy": {"hours_to_acknowledge": 24, "hours_to_ship": 72}}],
        "sku_mappings": [{"vendor_code": "NEWV", "product_code": "P-1", "vendor_sku": "NV-1", "contracted_price": "1.00"}],
    }


def _order_in_new_vendor(po: int) -> dict:
    order = file_order(po)
    order.update(vendor_code="NEWV", location_code="NEWV-WH")
    return order


def _file_line(**changes):
    def change(doc):
        doc["orders"][0]["lines"][0].update(changes)
    return change


def _file_order(**changes):
    def change(doc):
        doc["orders"][0].update(changes)
    return change


def _both_lines_huge(doc):
    for line in doc["orders"][0]["lines"]:
        line["quantity"] = 2**62


def _huge_hours(doc):
    doc["locations"][0]["sla_policy"]["hours_to_acknowledge"] = 100_000_000


def _nul_name(doc):
    doc["vendors"][0]["name"] = "New\x00Vendor"


FILE_CASES = [
    *[(_file_line(quantity=n), "orders[0].lines[0].quantity: " + QTY_WORDS) for n in BIG],
    *[(_file_line(line_id=n), "orders[0].lines[0].line_id: " + QTY_WORDS) for n in BIG],
    (_both_lines_huge, "orders[0].lines[1].quantity: " + QTY_WORDS),
    *[(_file_order(order_date=v), "orders[0].order_date: must be a date like") for v in FAR_DATES],
    (_file_order(requested_ship_date="9999-12-31"), "orders[0].requested_ship_date: "),
    (_huge_hours, "locations[0].sla_policy.hours_to_acknowledge: must be a positive integer"),
    (_nul_name, "vendors[0].name: must not contain NUL"),
    (_file_order(ship_to={"first_name": "A\x00nn", "address": {"line1": "1 Rd", "city": "X", "country_code": "US"}}),
     "orders[0].ship_to.first_name: must not contain NUL"),
]


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    db = tmp / "store.db"
    good = tmp / "good.json"
    good.write_text(json.dumps({**SETUP, "orders": [file_order(82)]}), encoding="utf-8")
    result = _run("import", str(good), "--db", str(db), tmp=tmp)
    assert result.returncode == 0, result.stderr
    return db


def _run(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DROPSHIP_TUI_USER": "tester", "XDG_DATA_HOME": str(tmp / "xdg"), "COLUMNS": "200"}
    env.pop("DROPSHIP_TUI_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "dropship_tui", *args], capture_output=True, text=True, env=env, timeout=60,
    )


@pytest.mark.parametrize(("change", "expected"), FILE_CASES)
def test_file_import_refuses_out_of_range_naming_the_field(seeded_db, tmp_path, change, expected):
    doc = {**copy.deepcopy(new_setup()), "orders": [_order_in_new_vendor(90)]}
    change(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = counts(seeded_db)
    result = _run("import", str(path), "--db", str(seeded_db), tmp=tmp_path)
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "unexpected error" not in lines[0] and "Traceback" not in result.stderr
    assert expected in lines[0] and "nothing was imported" in lines[0]
    assert counts(seeded_db) == before


def test_a_stored_record_outside_the_bounds_is_a_refusal_and_verify_names_it(tmp_path, capsys):
    """A store written before the bounds (the old API took a negative price) still opens:
    reading that order is a plain refusal pointing at verify, never a crash, and verify
    names the PO."""
    from dropship_tui import cli
    from dropship_tui.domain.errors import DomainError
    from dropship_tui.store.sqlite import SqliteStore

    db = tmp_path / "old.db"
    with SqliteStore(db) as store:
        store.add_vendor(f.vendor())
        store.add_location(f.location())
        store.import_orders([f.order(82), f.order(83)])
    body = json.loads(sqlite3.connect(db).execute("SELECT body FROM order_bodies WHERE po_number = 82").fetchone()[0])
    body["lines"][0]["retail_price"] = "-150.00"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE order_bodies SET body = ? WHERE po_number = 82", (json.dumps(body),))
    conn.commit()
    conn.close()
    with SqliteStore(db) as store:
        with pytest.raises(DomainError, match=r"^PO 82's stored record cannot be read .*'dropship-tui verify' lists such orders$"):
            store.get_order(82)
        assert store.get_order(83).po_number == 83
    assert cli.main(["verify", "--db", str(db)]) == 1
    out = capsys.readouterr()
    assert "82" in out.out and "cannot be read" in out.out and "Traceback" not in out.err
