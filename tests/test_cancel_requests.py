"""Issue 14 item 2: the retailer (operator) asks the vendor to cancel an order; the vendor
accepts (the order is canceled with the request's reason) or rejects it with a reason.
On a real store file, over the real server with its roles, and by command."""

from __future__ import annotations

import httpx
import pytest

import factories as f
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import CancelRequestStatus, Reason, ReasonCode, Stage
from dropship_tui.store.sqlite.store import SqliteStore
from test_cli import Cli, order_doc
from test_remote_support import fresh_backend, live_server  # noqa: F401

ASKED = Reason(code=ReasonCode.UNDELIVERABLE_ADDRESS)
ALREADY = Reason(code=ReasonCode.OTHER, text="already handed to the carrier")
UPS = "1Z999AA10123456784"


@pytest.fixture
def store(tmp_path):
    s = SqliteStore(tmp_path / "store.db", user="otto", clock=lambda: f.NOW)
    s.add_vendor(f.vendor())
    s.add_location(f.location())
    s.import_orders([f.order(82), f.order(83)])
    yield s
    s.close()


def test_accepted_the_order_is_canceled_with_the_requests_reason(store):
    store.request_cancellation(82, None, ASKED)
    store.user = "jordan"
    order = store.answer_cancellation(82, None, True)
    assert order.stage is Stage.CANCELED and order.canceled_items[0].reason_code is ReasonCode.UNDELIVERABLE_ADDRESS
    request = order.cancel_request
    assert (request.status, request.requested_by, request.answered_by) == (CancelRequestStatus.ACCEPTED, "otto", "jordan")
    actions = [e.action for e in reversed(store.activity(82))]
    assert actions[-4:] == ["Cancellation requested", "Cancellation request accepted", "Order canceled", "Line canceled"]


def test_rejected_the_order_goes_on_and_the_reason_is_kept(store):
    store.request_cancellation(82, None, ASKED)
    with pytest.raises(WorkflowError, match="Choose a reason"):
        store.answer_cancellation(82, None, False)
    order = store.answer_cancellation(82, None, False, ALREADY)
    assert order.stage is Stage.NEW and order.cancel_request.status is CancelRequestStatus.REJECTED
    assert order.cancel_request.answer == ALREADY
    assert store.activity(82)[0].details == "Other: already handed to the carrier"
    store.request_cancellation(82, None, ASKED)  # a new request may follow a rejected one


@pytest.mark.parametrize("setup,call,message", [
    (lambda s: s.request_cancellation(82, None, ASKED), lambda s: s.request_cancellation(82, None, ASKED),
     "PO 82 already has a cancellation request waiting for the vendor's answer"),
    (lambda s: None, lambda s: s.answer_cancellation(82, None, True), "PO 82 has no cancellation request waiting for an answer"),
    (lambda s: s.cancel(82, None, ASKED), lambda s: s.request_cancellation(82, None, ASKED), "PO 82 is canceled"),
])
def test_refusals(store, setup, call, message):
    setup(store)
    before = store.get_order(82)
    with pytest.raises(WorkflowError, match=message):
        call(store)
    assert store.get_order(82) == before


def test_an_invoiced_order_can_only_be_rejected(store):
    store.request_cancellation(82, None, ASKED)
    store.acknowledge_in_full(82)
    store.save_slips(82, None, [{1: 5}])
    store.save_tracking(82, None, 1, UPS)
    store.generate_invoice(82, None)
    with pytest.raises(WorkflowError, match="already invoiced .*reject the request instead"):
        store.answer_cancellation(82, None, True)
    assert store.answer_cancellation(82, None, False, ALREADY).cancel_request.status is CancelRequestStatus.REJECTED


def test_over_the_api_only_the_operator_asks_and_only_the_vendor_answers(live_server, tmp_path):
    backend = fresh_backend(live_server, tmp_path / "server.db")
    backend.store.import_orders([f.order(82), f.order(83), f.order(90, vendor_code="OTHER", location_code="OTHER-WH1")])
    asked = {"reason": {"code": "undeliverable_address"}}

    def client(who):
        return httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {backend.tokens[who]}"})

    with client("otto") as otto, client("jordan") as jordan, client("sam") as sam, client("olga") as olga:
        assert jordan.post("/orders/82/cancel_request", json=asked).status_code == 403
        r = otto.post("/orders/82/cancel_request", json=asked)
        assert r.status_code == 200 and r.json()["cancel_request"]["requested_by"] == "otto"
        assert otto.post("/orders/82/cancel_answer", json={"accept": True}).status_code == 403
        assert olga.post("/orders/82/cancel_answer", json={"accept": True}).status_code == 404
        assert sam.post("/orders/82/cancel_answer", json={"accept": True}).status_code == 403  # staff may not cancel
        r = jordan.post("/orders/82/cancel_answer", json={"accept": True})
        assert r.status_code == 200 and r.json()["stage"] == "canceled"
        otto.post("/orders/83/cancel_request", json=asked)
        r = sam.post("/orders/83/cancel_answer", json={"accept": False, "reason": {"code": "other", "text": "shipped"}})
        assert r.status_code == 200 and r.json()["cancel_request"]["status"] == "rejected"
    assert backend.store.get_order(90).cancel_request is None


def test_by_command(tmp_path):
    cli = Cli(tmp_path)
    cli.import_(order_doc(82))
    assert "waiting for the vendor's answer" in cli.ok("cancel-request", "82", "--reason", "undeliverable_address")
    assert "--reject needs --reason" in cli.refused("cancel-answer", "82", "--reject", code=2)
    assert "the order is canceled" in cli.ok("cancel-answer", "82", "--accept")
    assert cli.json("show", "82")["cancel_request"]["status"] == "accepted"
    assert "has no cancellation request waiting" in cli.refused("cancel-answer", "82", "--accept")
