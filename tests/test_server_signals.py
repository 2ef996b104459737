"""Issue 12 item 10: what a refusal tells a vendor about another vendor's data. PO
numbers, location codes and tracking numbers are unique across the store, so "this one
is in use" cannot be hidden; everything else can. Each answer below is compared with
the answer for the same request about the caller's own data or about nothing at all:
the same status, the same error code, the same words, and nothing of the other vendor.
Real server, real store file."""

from __future__ import annotations

import httpx
import pytest

import factories as f
from dropship_tui.store.base import OrderQuery
from test_remote_support import fresh_backend, live_server  # noqa: F401

THEIRS, MINE = 90, 82


@pytest.fixture
def backend(live_server, tmp_path):
    b = fresh_backend(live_server, tmp_path / "server.db")
    b.store.import_orders([
        f.order(MINE),
        f.order(THEIRS, vendor_code="OTHER", location_code="OTHER-WH1", first_name="Olga"),
    ])
    return b


def client(backend, who: str = "jordan") -> httpx.Client:
    return httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {backend.tokens[who]}"})


def import_one(c: httpx.Client, order) -> httpx.Response:
    return c.post("/orders/import", content="[" + order.model_dump_json() + "]",
                  headers={"content-type": "application/json"})


def leaks(text: str) -> bool:
    """Whether an answer names the other vendor, its customer or its order."""
    return "OTHER" in text or "Olga" in text or str(THEIRS + 37) in text


def test_importing_another_vendors_po_number_reads_like_importing_ones_own(backend):
    with client(backend) as c:
        theirs = import_one(c, f.order(THEIRS))
        mine = import_one(c, f.order(MINE))
    assert (theirs.status_code, theirs.json()["error"]) == (mine.status_code, mine.json()["error"])
    assert theirs.json()["message"] == mine.json()["message"].replace(str(MINE), str(THEIRS))
    assert not leaks(theirs.text)


def test_an_order_at_another_vendors_location_reads_like_one_at_no_location(backend):
    with client(backend) as c:
        theirs = import_one(c, f.order(101, location_code="OTHER-WH1"))
        nowhere = import_one(c, f.order(101, location_code="NOWHERE-1"))
    assert theirs.status_code == nowhere.status_code == 422
    assert theirs.json()["message"] == nowhere.json()["message"].replace("NOWHERE-1", "OTHER-WH1")
    assert not leaks(theirs.text.replace("OTHER-WH1", ""))
    assert backend.store.count_orders(OrderQuery()) == 2  # nothing imported


def test_a_location_code_another_vendor_holds_is_a_plain_refusal_naming_no_one(backend):
    with client(backend) as c:
        mine = {**f.location("OTHER-WH1", "MYSTIC").model_dump(mode="json"), "sla_policy": None}
        taken = c.put("/locations", json=mine)
        invalid = c.put("/locations", json={**mine, "code": ""})
    assert (taken.status_code, taken.json()["error"]) == (invalid.status_code, invalid.json()["error"]) == (422, "invalid")
    assert taken.json()["message"] == "Location code OTHER-WH1 is already in use; choose another"
    assert not leaks(taken.text.replace("OTHER-WH1", ""))
    assert backend.store.location("OTHER-WH1").vendor_code == "OTHER"  # unchanged


def test_a_tracking_number_on_another_vendors_order_names_neither_order_nor_vendor(backend):
    number = "1Z999AA10123456784"
    store = backend.store
    for po in (THEIRS, MINE):
        store.acknowledge_in_full(po)
        store.save_slips(po, None, [{1: 5}])
    store.save_tracking(THEIRS, None, 1, number)
    version = store.get_order(MINE).version
    with client(backend) as c:
        r = c.post(f"/orders/{MINE}/tracking", json={"version": version, "slip_number": 1, "tracking_number": number})
    assert (r.status_code, r.json()["error"]) == (409, "refused")
    assert r.json()["message"] == f"{number} is already used on another shipment"
    assert not leaks(r.text) and str(THEIRS) not in r.text
