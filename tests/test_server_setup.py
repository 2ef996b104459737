"""Issue 14 items 1-2 over the real server: who may set up what (the operator sets SLA
policies and groups and adds vendors; a vendor admin its own vendor, locations and
mappings; staff nothing; another vendor's records are answered like missing ones), the
setup log over the API, the same setup commands with --api, and the operator pushing
orders that a vendor then sees with no import step."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import httpx
import pytest

import factories as f
from dropship_tui import cli
from dropship_tui.store.base import OrderQuery
from test_remote_support import fresh_backend, live_server  # noqa: F401

EXAMPLE = json.loads((Path(__file__).parent.parent / "docs" / "import-example.json").read_text())
GROUP = {"code": "TX", "name": "Texas", "sla_policy": {"hours_to_acknowledge": 12, "hours_to_ship": 48}}


@pytest.fixture
def backend(live_server, tmp_path):
    return fresh_backend(live_server, tmp_path / "server.db")


def client(backend, who: str) -> httpx.Client:
    return httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {backend.tokens[who]}"})


def location(code="MYSTIC-WH2", vendor="MYSTIC", **changes) -> dict:
    """A location as a vendor admin sends it: no SLA policy of its own (the operator's)."""
    return {**f.location(code, vendor).model_dump(mode="json"), "sla_policy": None, **changes}


def test_only_the_operator_sets_groups_and_sla_policies(backend):
    policy = {"sla_policy": {"hours_to_acknowledge": 6, "hours_to_ship": 30}, "group_code": "TX"}
    with client(backend, "jordan") as jordan, client(backend, "otto") as otto:
        assert jordan.put("/location-groups", json=GROUP).status_code == 403
        assert otto.put("/location-groups", json=GROUP).status_code == 200
        r = jordan.put("/locations/MYSTIC-WH1/sla", json=policy)
        assert (r.status_code, r.json()["error"]) == (403, "forbidden")
        # a vendor admin's location keeps the policy the operator set
        r = jordan.put("/locations", json=location("MYSTIC-WH1", sla_policy={"hours_to_acknowledge": 1, "hours_to_ship": 2}))
        assert r.status_code == 403 and "set by the operator" in r.json()["message"]
        assert otto.put("/locations/MYSTIC-WH1/sla", json=policy).status_code == 200
        renamed = {**backend.store.location("MYSTIC-WH1").model_dump(mode="json"), "name": "Renamed"}
        assert jordan.put("/locations", json=renamed).status_code == 200  # same policy: fine
    loc = backend.store.location("MYSTIC-WH1")
    assert (loc.name, loc.group_code, loc.sla_policy.hours_to_acknowledge) == ("Renamed", "TX", 6)


def test_staff_and_other_vendors_set_up_nothing(backend):
    with client(backend, "sam") as sam, client(backend, "olga") as olga, client(backend, "otto") as otto:
        assert sam.put("/locations", json=location()).status_code == 403
        assert sam.put("/vendors", json=f.vendor("MYSTIC").model_dump(mode="json")).status_code == 403
        for r in (olga.put("/locations", json=location()),
                  olga.put("/vendors", json=f.vendor("MYSTIC").model_dump(mode="json")),
                  olga.get("/vendors/MYSTIC/sku-mappings")):
            assert (r.status_code, r.json()["message"]) == (404, "Vendor MYSTIC is not in the store")
        assert otto.put("/vendors", json=f.vendor("NEWV").model_dump(mode="json")).status_code == 200
        assert [v["code"] for v in olga.get("/vendors").json()] == ["OTHER"]
        assert [v["code"] for v in otto.get("/vendors").json()] == ["MYSTIC", "NEWV", "OTHER"]
        assert olga.get("/locations", params={"vendor_code": "MYSTIC"}).json() == []


def test_the_setup_log_over_the_api_is_scoped_to_the_callers_vendor(backend):
    with client(backend, "jordan") as jordan, client(backend, "otto") as otto, client(backend, "olga") as olga:
        assert jordan.put("/locations", json=location()).status_code == 200
        assert otto.put("/location-groups", json=GROUP).status_code == 200
        mine = jordan.get("/setup-log").json()
        assert (mine[0]["kind"], mine[0]["code"], mine[0]["user"]) == ("location", "MYSTIC-WH2", "jordan")
        assert all(e["vendor_code"] == "MYSTIC" for e in mine)
        assert olga.get("/setup-log", params={"vendor_code": "MYSTIC"}).json() == []
        assert otto.get("/setup-log").json()[0]["kind"] == "location_group"


def test_setup_commands_work_with_api(backend, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DROPSHIP_TUI_TOKEN", backend.tokens["jordan"])
    assert cli.main(["--api", backend.url, "locations", "add", "MYSTIC-WH3", "--vendor", "MYSTIC", "--name", "Third"]) == 0
    csv = tmp_path / "m.csv"
    csv.write_text("product_code,vendor_sku,contracted_price\nP-NEW,MS-NEW,3.50\n")
    assert cli.main(["--api", backend.url, "sku-mappings", "import", str(csv), "--vendor", "MYSTIC"]) == 0
    capsys.readouterr()
    assert cli.main(["--api", backend.url, "--json", "sku-mappings", "list", "--vendor", "MYSTIC"]) == 0
    assert "P-NEW" in [m["product_code"] for m in json.loads(capsys.readouterr().out)]
    # staff may not, and says so in one line
    monkeypatch.setenv("DROPSHIP_TUI_TOKEN", backend.tokens["sam"])
    assert cli.main(["--api", backend.url, "locations", "add", "MYSTIC-WH4", "--vendor", "MYSTIC", "--name", "x"]) == 1
    assert "Only a vendor admin" in capsys.readouterr().err
    assert backend.store.location("MYSTIC-WH3").name == "Third"


def pushed_document(po: int) -> str:
    doc = copy.deepcopy(EXAMPLE)
    doc["vendors"], doc["locations"], doc["sku_mappings"] = [], [], []
    order = doc["orders"][0]
    order["po_number"], order["order_number"], order["location_code"] = po, f"R{po}", "MYSTIC-WH1"
    order["lines"][0]["contracted_price"] = "19.99"
    return json.dumps(doc)


def test_the_operator_pushes_orders_that_the_vendor_sees(backend):
    with client(backend, "otto") as otto, client(backend, "jordan") as jordan:
        r = otto.post("/orders", content=pushed_document(501), headers={"Idempotency-Key": "push-1"})
        assert (r.status_code, r.json()) == (200, {"imported": 1, "po_numbers": [501]})
        again = otto.post("/orders", content=pushed_document(501), headers={"Idempotency-Key": "push-1"})
        assert again.json() == r.json() and again.headers.get("idempotent-replayed") == "true"
        assert jordan.post("/orders", content=pushed_document(502)).status_code == 403
        bad = json.loads(pushed_document(503))
        bad["orders"][0]["lines"][0]["quantity"] = 10**30
        r = otto.post("/orders", content=json.dumps(bad))
        assert r.status_code == 422 and "orders[0].lines[0].quantity" in r.json()["message"]
        seen = jordan.get("/orders/501")
        assert seen.status_code == 200 and seen.json()["stage"] == "new"
    assert [o.po_number for o in backend.store.list_orders(OrderQuery())] == [501]
    assert backend.remote("jordan").get_order(501).line(1).contracted_price is not None


def test_a_full_mapping_replace_is_applied_once_under_its_key(backend):
    mapping = {"vendor_code": "MYSTIC", "product_code": "P-ONLY", "vendor_sku": "MS-ONLY", "contracted_price": "2.00"}
    with client(backend, "jordan") as jordan:
        first = jordan.put("/vendors/MYSTIC/sku-mappings", json=[mapping], headers={"Idempotency-Key": "full-1"})
        assert first.json() == {"removed": 2}  # the two seeded mappings
        jordan.put("/sku-mappings", json=[{**mapping, "product_code": "P-LATER", "vendor_sku": "MS-L"}])
        again = jordan.put("/vendors/MYSTIC/sku-mappings", json=[mapping], headers={"Idempotency-Key": "full-1"})
        assert again.json() == {"removed": 2} and again.headers.get("idempotent-replayed") == "true"
    assert sorted(m.product_code for m in backend.store.sku_mappings("MYSTIC")) == ["P-LATER", "P-ONLY"]
