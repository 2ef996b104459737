"""Issue 12 item 2 over the API: ``--api import FILE`` sends the whole resolved file,
setup records included, as one request the server writes in one transaction. A file
the server refuses part of leaves none of it behind. Real server, real store file, the
real command line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import factories as f
from dropship_tui import cli
from dropship_tui.store.base import OrderQuery
from test_remote_support import fresh_backend, live_server  # noqa: F401

EXAMPLE = json.loads((Path(__file__).parent.parent / "docs" / "import-example.json").read_text())
THEIRS = 90  # another vendor's PO: the client's own check cannot see it, the server refuses it


@pytest.fixture
def backend(live_server, tmp_path, monkeypatch):
    b = fresh_backend(live_server, tmp_path / "server.db")
    b.store.import_orders([f.order(THEIRS, vendor_code="OTHER", location_code="OTHER-WH1")])
    monkeypatch.setenv("DROPSHIP_TUI_TOKEN", b.tokens["jordan"])
    return b


def import_file(tmp_path: Path, po_numbers: list[int]) -> Path:
    """The example file with a new location and SKU mapping of MYSTIC's, and orders at
    that location under ``po_numbers``."""
    doc = copy.deepcopy(EXAMPLE)
    doc["vendors"] = []
    doc["locations"][0]["code"] = "MYSTIC-WH9"
    doc["locations"][0].pop("sla_policy")  # a vendor admin's location: the operator sets SLAs
    doc["sku_mappings"][0]["product_code"] = "TRAIL-NEW"
    template = doc["orders"][0]
    doc["orders"] = []
    for po in po_numbers:
        order = copy.deepcopy(template)
        order["po_number"], order["order_number"], order["location_code"] = po, f"N{po}", "MYSTIC-WH9"
        doc["orders"].append(order)
    path = tmp_path / "import.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_refused_import_over_the_api_leaves_no_setup_record_behind(backend, tmp_path, capsys):
    assert cli.main(["--api", backend.url, "import", str(import_file(tmp_path, [83, THEIRS]))]) == 1
    err = capsys.readouterr().err
    assert f"PO {THEIRS} is already in the store" in err and "OTHER" not in err
    store = backend.store
    assert "MYSTIC-WH9" not in [loc.code for loc in store.locations()]
    assert "TRAIL-NEW" not in [m.product_code for m in store.sku_mappings("MYSTIC")]
    assert [o.po_number for o in store.list_orders(OrderQuery())] == [THEIRS]


def test_an_accepted_import_over_the_api_writes_all_of_it(backend, tmp_path, capsys):
    assert cli.main(["--api", backend.url, "import", str(import_file(tmp_path, [83, 84]))]) == 0
    assert "Imported 2 orders" in capsys.readouterr().out
    store = backend.store
    assert store.location("MYSTIC-WH9").vendor_code == "MYSTIC"
    assert "TRAIL-NEW" in [m.product_code for m in store.sku_mappings("MYSTIC")]
    assert store.get_order(83).location_code == store.get_order(84).location_code == "MYSTIC-WH9"


def test_a_vendor_admin_cannot_set_an_sla_policy_through_an_import(backend, tmp_path, capsys):
    path = import_file(tmp_path, [83])
    doc = json.loads(path.read_text())
    doc["locations"][0]["sla_policy"] = {"hours_to_acknowledge": 1, "hours_to_ship": 1}
    path.write_text(json.dumps(doc))
    assert cli.main(["--api", backend.url, "import", str(path)]) == 1
    assert "set by the operator" in capsys.readouterr().err
    assert "MYSTIC-WH9" not in [loc.code for loc in backend.store.locations()]
