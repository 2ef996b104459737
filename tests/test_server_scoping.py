"""Vendor scoping, tokens and roles over the real HTTP API: another vendor's PO is answered
exactly like a missing one on every endpoint; revoked tokens get 401; staff cannot cancel;
operators read everything and change nothing."""

from __future__ import annotations

import httpx
import pytest

import factories as f
from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import Reason, ReasonCode
from dropship_tui.server import auth
from dropship_tui.store.base import OrderQuery
from dropship_tui.store.remote import ForbiddenError, NotAuthorizedError
from test_remote_support import fresh_backend, live_server  # noqa: F401

A_PO, MISSING = 82, 4242
OOS = {"code": "out_of_stock", "text": ""}

# Every endpoint that names a PO: (method, path template, JSON body).
PO_ENDPOINTS = [
    ("GET", "/orders/{po}", None),
    ("GET", "/orders/{po}/activity", None),
    ("GET", "/commerce/dropship/translate/{po}", None),
    ("GET", "/commerce/dropship/purchaseorder/{po}", None),
    ("POST", "/orders/{po}/acknowledge", {"version": None}),
    ("POST", "/orders/{po}/cancel", {"version": None, "reason": OOS}),
    ("POST", "/orders/{po}/slips", {"version": None, "plan": [{"1": 5}]}),
    ("POST", "/orders/{po}/tracking", {"version": None, "slip_number": 1, "tracking_number": "1Z999AA10123456784"}),
    ("POST", "/orders/{po}/invoice", {"version": None}),
    ("POST", "/orders/{po}/complete", {"version": None}),
    ("POST", "/orders/{po}/address", {"version": None, "ship_to": {"first_name": "X"}}),
]


@pytest.fixture
def backend(live_server, tmp_path):
    b = fresh_backend(live_server, tmp_path / "server.db")
    b.store.import_orders([f.order(A_PO, first_name="Alice"), f.order(83, first_name="Alma")])
    b.store.import_orders([
        f.order(90, first_name="Olga", vendor_code="OTHER", location_code="OTHER-WH1")
    ])
    return b


def client(backend, who: str) -> httpx.Client:
    return httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {backend.tokens[who]}"})


def body_for(c: httpx.Client, method: str, path: str, body, po: int) -> tuple[int, bytes]:
    r = c.request(method, path.format(po=po), json=body)
    return r.status_code, r.content


@pytest.mark.parametrize(("method", "path", "body"), PO_ENDPOINTS)
def test_other_vendors_po_is_answered_like_a_missing_one(backend, method, path, body):
    with client(backend, "olga") as c:
        status_a, content_a = body_for(c, method, path, body, A_PO)
        # A missing PO with the same number of digits gives the same body byte for byte.
        status_m, content_m = body_for(c, method, path, body, 99)
    assert status_a == status_m == 404
    assert content_a.replace(b"82", b"99") == content_m
    assert backend.store.get_order(A_PO).version == 1  # nothing changed


def test_other_vendor_sees_none_in_lists_searches_and_counts(backend):
    with backend.remote("olga") as olga:
        assert [r.po_number for r in olga.list_orders(OrderQuery())] == [90]
        assert olga.list_orders(OrderQuery(search="82")) == []
        assert olga.list_orders(OrderQuery(search="Alice")) == []
        assert olga.list_orders(OrderQuery(vendor_code="MYSTIC")) == []
        assert olga.count_orders(OrderQuery(vendor_code="MYSTIC")) == 0
        assert olga.count_orders(OrderQuery(search="Al")) == 0
        assert olga.counts().total == 1
        assert olga.counts("MYSTIC").total == 0
        result = olga.acknowledge_all([A_PO, 90])
        assert result.succeeded == [90] and result.failed == {A_PO: f"PO {A_PO} is not in the store"}
        with pytest.raises(NotFoundError):
            olga.vendor("MYSTIC")
        with pytest.raises(NotFoundError):
            olga.location("MYSTIC-WH1")
        assert olga.stock("MS-123", "MYSTIC-WH1") is None
    assert backend.store.get_order(A_PO).stage.value == "new"


def test_operator_reads_everything_and_changes_nothing(backend):
    with backend.remote("otto") as otto:
        assert [r.po_number for r in otto.list_orders(OrderQuery())] == [82, 83, 90]
        assert otto.counts().total == 3 and otto.counts("OTHER").total == 1
        assert otto.get_order(90).vendor_code == "OTHER"
        with pytest.raises(ForbiddenError, match="read-only"):
            otto.acknowledge(A_PO, None, {}, {})
        with pytest.raises(ForbiddenError):
            otto.acknowledge_all([A_PO])
        with pytest.raises(ForbiddenError):
            otto.import_orders([f.order(5)])


def test_staff_cannot_cancel(backend):
    with client(backend, "sam") as c:
        r = c.post(f"/orders/{A_PO}/cancel", json={"version": 1, "reason": OOS})
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
        # R4: validating every line to 0 cancels, so it is admin-only as well.
        r = c.post(f"/orders/{A_PO}/acknowledge", json={"validated": {"1": 0}, "reason_all": OOS})
        assert r.status_code == 403
    with backend.remote("sam") as sam:
        with pytest.raises(ForbiddenError):
            sam.cancel(A_PO, 1, Reason(code=ReasonCode.OUT_OF_STOCK))
        assert sam.acknowledge(A_PO, 1, {}, {}).version == 2  # staff may acknowledge
        assert sam.activity(A_PO)[0].user == "sam"  # the token's user, not a claimed one
    with backend.remote("jordan") as jordan:
        assert jordan.cancel(83, 1, Reason(code=ReasonCode.OUT_OF_STOCK)).stage.value == "canceled"


def test_missing_and_revoked_tokens_get_401(backend):
    with httpx.Client(base_url=backend.url) as c:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
            r = c.get("/orders", headers=headers)
            assert r.status_code == 401 and r.json()["error"] == "unauthorized"
            assert r.headers["www-authenticate"] == "Bearer"
    remote = backend.remote("sam")
    with backend.store.lock:
        auth.revoke_user(backend.store.connection, "sam")
    with pytest.raises(NotAuthorizedError):
        remote.list_orders(OrderQuery())
    remote.close()
    with pytest.raises(NotAuthorizedError):
        backend.remote("sam")


def test_tokens_are_stored_hashed(backend):
    rows = backend.store.connection.execute("SELECT token_hash FROM api_users").fetchall()
    stored = {r[0] for r in rows}
    for token in backend.tokens.values():
        assert token not in stored and auth.token_hash(token) in stored
    dump = "\n".join(backend.store.connection.iterdump())
    assert not any(token in dump for token in backend.tokens.values())


def test_errors_have_the_json_shape(backend):
    with client(backend, "jordan") as c:
        cases = [
            (c.get("/orders/0"), 422, "invalid"),
            (c.get("/orders/abc"), 422, "invalid"),
            (c.get("/orders?limit=-1"), 422, "invalid"),
            (c.post(f"/orders/{A_PO}/acknowledge", content=b"{not json", headers={"content-type": "application/json"}), 422, "invalid"),
            (c.post(f"/orders/{A_PO}/cancel", json={"reason": {"code": "bogus"}}), 422, "invalid"),
            (c.post(f"/orders/{A_PO}/slips", json={"version": 1, "plan": [{"1": 2}]}), 409, "refused"),
            (c.post(f"/orders/{A_PO}/complete", json={"version": 7}), 409, "conflict"),
            (c.get("/no/such/route"), 404, "not_found"),
            (c.delete("/orders"), 405, "method_not_allowed"),
        ]
        for response, status, code in cases:
            assert response.status_code == status, response.text
            body = response.json()
            assert body["error"] == code and isinstance(body["message"], str) and body["message"]


def test_a_locked_store_is_a_503_the_client_retries(backend):
    import sqlite3

    other = sqlite3.connect(backend.store.path, isolation_level=None)
    backend.store.connection.execute("PRAGMA busy_timeout = 50")
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with client(backend, "jordan") as c:
            r = c.post(f"/orders/{A_PO}/acknowledge", json={"version": 1})
        assert (r.status_code, r.json()["error"], r.headers["retry-after"]) == (503, "busy", "1")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert backend.store.get_order(A_PO).version == 1


def test_reads_never_queue_behind_a_write_waiting_for_the_lock(backend):
    """Issue 12 item 7: while another process holds the write lock and a POST waits for
    it (holding the server's write connection), GETs on the same server are answered at
    once from their own connections, and still see the last committed state."""
    import sqlite3
    import threading
    import time

    other = sqlite3.connect(backend.store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    outcome: dict[str, int] = {}

    def write() -> None:
        with client(backend, "jordan") as c:
            r = c.post(f"/orders/{A_PO}/acknowledge", json={"version": 1})
        outcome["status"] = r.status_code

    writer = threading.Thread(target=write)
    try:
        writer.start()
        deadline = time.monotonic() + 5
        # The write is under way once its thread holds the store's lock.
        while backend.store.lock.acquire(blocking=False):
            backend.store.lock.release()
            assert time.monotonic() < deadline, "the POST never reached the store"
            time.sleep(0.005)
        with client(backend, "jordan") as c:
            got = [c.get(f"/orders/{A_PO}"), c.get("/orders?limit=5"), c.get(f"/orders/{A_PO}/activity")]
        assert writer.is_alive(), "the write should still be waiting for the lock"
        assert [r.status_code for r in got] == [200, 200, 200]
        assert got[0].json()["stage"] == "new"
    finally:
        other.execute("ROLLBACK")
        other.close()
        writer.join(timeout=15)
    assert outcome["status"] == 200
    assert backend.store.get_order(A_PO).stage.value == "in_progress"
