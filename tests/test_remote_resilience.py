"""Bad links: a write whose response is lost is retried with the same idempotency key and
applied once; retries are bounded and end in ``UnreachableError``; unchanged pages come
back as 304 from the ETag cache; responses are gzip-compressed."""

from __future__ import annotations

import threading
import uuid

import httpx
import pytest

import factories as f
from dropship_tui.domain.errors import ConflictError, NotFoundError
from dropship_tui.store.base import OrderQuery
from dropship_tui.store.remote import RemoteStore, UnreachableError
from test_remote_support import fixed_clock, free_port, fresh_backend, live_server  # noqa: F401


class LoseResponses(httpx.BaseTransport):
    """Sends each request to the server, and for the first ``lose`` writes throws the
    response away after the server has answered (it has committed) and raises a read
    timeout, as a dropped connection would."""

    def __init__(self, lose: int = 1) -> None:
        self.inner = httpx.HTTPTransport()
        self.lose = lose
        self.seen: list[tuple[str, str, str | None, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.seen.append((request.method, request.url.path, request.headers.get("idempotency-key"), response.status_code))
        if request.method != "GET" and self.lose > 0:
            self.lose -= 1
            response.close()
            raise httpx.ReadTimeout("response lost", request=request)
        return response


class Always(httpx.BaseTransport):
    def __init__(self, status: int) -> None:
        self.status, self.calls = status, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if request.url.path == "/me" and self.calls == 1:
            return httpx.Response(200, json={"name": "x", "role": "admin", "vendor_code": "MYSTIC", "at_risk": "0.8", "overdue": "1.0"})
        return httpx.Response(self.status, json={"error": "not_found", "message": "PO 1 is not in the store"})


@pytest.fixture
def backend(live_server, tmp_path):
    b = fresh_backend(live_server, tmp_path / "server.db")
    b.store.import_orders([f.order(82), f.order(83), f.order(84)])
    return b


def test_lost_response_is_retried_with_the_same_key_and_applied_once(backend):
    transport = LoseResponses(lose=1)
    with backend.remote("jordan", transport=transport) as store:
        order = store.acknowledge(82, 1, {}, {})
    assert order.version == 2
    posts = [s for s in transport.seen if s[0] == "POST"]
    assert len(posts) == 2 and posts[0][2] == posts[1][2] and uuid.UUID(posts[0][2])
    assert [s[3] for s in posts] == [200, 200]
    assert backend.store.get_order(82).version == 2
    assert [e.action for e in backend.store.activity(82)] == ["Order acknowledged", "Order received"]


def test_lost_batch_response_reports_the_first_outcome(backend):
    transport = LoseResponses(lose=2)
    with backend.remote("jordan", transport=transport) as store:
        result = store.acknowledge_all([82, 83, 99])
    assert result.succeeded == [82, 83] and result.failed == {99: "PO 99 is not in the store"}
    assert len({s[2] for s in transport.seen if s[0] == "POST"}) == 1
    assert [e.action for e in backend.store.activity(83)] == ["Order acknowledged", "Order received"]


def test_a_new_action_gets_a_new_key(backend):
    transport = LoseResponses(lose=0)
    with backend.remote("jordan", transport=transport) as store:
        store.acknowledge(82, 1, {}, {})
        with pytest.raises(ConflictError, match="changed by someone else"):
            store.acknowledge(82, 1, {}, {})
    keys = [s[2] for s in transport.seen if s[0] == "POST"]
    assert len(set(keys)) == 2


def test_racing_duplicates_apply_once(backend):
    key = str(uuid.uuid4())
    headers = {"Authorization": f"Bearer {backend.tokens['jordan']}", "Idempotency-Key": key}
    results: list[httpx.Response] = []

    def post():
        with httpx.Client(base_url=backend.url, headers=headers) as c:
            results.append(c.post("/orders/84/cancel", json={"version": None, "reason": {"code": "damaged"}}))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [200] * 6
    assert len({r.content for r in results}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in results) == 5
    assert [e.action for e in backend.store.activity(84)].count("Order canceled") == 1


def test_unreachable_after_bounded_retries():
    port = free_port()  # nothing listens there
    with pytest.raises(UnreachableError) as info:
        RemoteStore(f"http://127.0.0.1:{port}", "secret-token-value", backoff=0.01)
    assert info.value.code == "unreachable"
    # nothing reached the server: the message says why, and nothing else (the TUI and the
    # CLI each say what to do next in their own words)
    assert info.value.message == f"Cannot reach http://127.0.0.1:{port}: connection refused"
    assert "secret-token-value" not in str(info.value)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_three_times(status):
    transport = Always(status)
    store = RemoteStore("http://127.0.0.1:1", "t", transport=transport, backoff=0.001)
    with pytest.raises(UnreachableError, match=f"the server answered {status}"):
        store.get_order(1)
    assert transport.calls == 1 + 3


def test_refusals_are_not_retried():
    transport = Always(404)
    store = RemoteStore("http://127.0.0.1:1", "t", transport=transport, backoff=0.001)
    with pytest.raises(NotFoundError):
        store.get_order(1)
    assert transport.calls == 2


def test_unchanged_pages_come_back_as_304(backend):
    seen: list[tuple[str, int, str | None]] = []

    def hook(response: httpx.Response) -> None:
        seen.append((response.request.url.path, response.status_code, response.headers.get("content-encoding")))

    with backend.remote("jordan") as store:
        store._client.event_hooks["response"] = [hook]
        first = store.list_orders(OrderQuery())
        again = store.list_orders(OrderQuery())
        assert first == again
        assert [s[1] for s in seen] == [200, 304]
        store.get_order(82)
        store.get_order(82)
        assert [s[1] for s in seen[2:]] == [200, 304]
        backend.store.acknowledge(83, None, {}, {})  # someone else changes an order
        changed = store.list_orders(OrderQuery())
        assert seen[-1][1] == 200 and changed[1].version == 2


def test_pages_are_gzipped(backend):
    backend.store.import_orders([f.order(po) for po in range(100, 150)])
    with httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {backend.tokens['jordan']}"}) as c:
        r = c.get("/orders", params={"limit": 50})
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < len(r.content) / 4
    assert r.headers["etag"].startswith('W/"')


def test_plain_http_only_for_loopback():
    from dropship_tui.domain.errors import InvalidInputError
    from dropship_tui.store.remote import normalize_url

    assert normalize_url("https://api.example.com/") == "https://api.example.com"
    assert normalize_url("api.example.com:8443") == "https://api.example.com:8443"
    assert normalize_url("http://localhost:8080") == "http://localhost:8080"
    assert normalize_url("http://[::1]:8080/x/") == "http://[::1]:8080/x"
    for bad in ("http://api.example.com", "ftp://x", "https://u:p@x.example", "https://x.example/?q=1"):
        with pytest.raises(InvalidInputError):
            normalize_url(bad)


def test_old_idempotency_records_are_pruned(backend):
    from datetime import timedelta

    with backend.remote("jordan") as store:
        store.acknowledge(82, 1, {}, {})
    assert backend.store.prune_idempotency() == 0
    assert backend.store.prune_idempotency(keep=timedelta(seconds=-1)) == 1


def test_a_key_is_replayed_only_for_the_same_request(backend):
    headers = {"Authorization": f"Bearer {backend.tokens['jordan']}", "Idempotency-Key": "k-1"}
    with httpx.Client(base_url=backend.url, headers=headers) as c:
        first = c.post("/orders/82/acknowledge", json={"version": 1})
        same = c.post("/orders/82/acknowledge", json={"version": 1})
        other = c.post("/orders/83/cancel", json={"version": 1, "reason": {"code": "damaged"}})
    assert first.status_code == same.status_code == other.status_code == 200
    assert same.headers.get("idempotent-replayed") == "true" and same.content == first.content
    assert other.headers.get("idempotent-replayed") is None
    assert other.json()["po_number"] == 83 and other.json()["stage"] == "canceled"


class SilentOnWrites(httpx.BaseTransport):
    """Answers reads from the real server's shape; every write is sent and its answer lost."""

    def __init__(self) -> None:
        self.writes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            me = {"name": "jordan", "role": "admin", "vendor_code": "MYSTIC", "at_risk": "0.8", "overdue": "1.0"}
            return httpx.Response(200, json=me)
        self.writes += 1
        raise httpx.ReadTimeout("no answer", request=request)


def test_a_write_whose_answer_is_lost_says_its_outcome_is_unknown():
    """A write that went out and got no answer may have been applied: it is not
    "unreachable" (which says nothing was sent) and it names the PO to check."""
    from dropship_tui.domain.errors import UnknownOutcomeError
    from dropship_tui.domain.models import Reason, ReasonCode

    transport = SilentOnWrites()
    store = RemoteStore("http://127.0.0.1:1", "t", transport=transport, backoff=0.001)
    with pytest.raises(UnknownOutcomeError) as info:
        store.cancel(101, None, Reason(code=ReasonCode.OUT_OF_STOCK))
    assert info.value.po_number == 101 and transport.writes == 3
    assert info.value.message == (
        "No answer from http://127.0.0.1:1 (timed out): the change may or may not have been "
        "applied (each of the 3 tries carried the same Idempotency-Key, so it was applied at most once)"
    )


def test_the_cli_says_how_to_check_a_write_of_unknown_outcome(capsys):
    from dropship_tui.cli.main import _fail_unknown_outcome
    from dropship_tui.domain.errors import UnknownOutcomeError

    code = _fail_unknown_outcome(UnknownOutcomeError("No answer from https://h (timed out): the change may or may not have been applied", 101))
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "run 'dropship-tui show 101' (with the same --api) to see whether it was applied" in err
    assert "press r" not in err
