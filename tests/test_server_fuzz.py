"""Fuzz the API from its own OpenAPI document (schemathesis, a short bounded run): no
input, however malformed, gets a 5xx. A second run poisons well-formed requests with big
integers, far dates and NUL bytes; a fixed table sends the hostile values of issue 12 to
the routes where they once gave 500s."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import factories as f

schemathesis = pytest.importorskip("schemathesis")

from dropship_tui.server import auth  # noqa: E402
from dropship_tui.server.app import create_app  # noqa: E402
from dropship_tui.server.backend import ServerStore  # noqa: E402
from test_remote_support import fixed_clock, seed  # noqa: E402

_DIR = tempfile.TemporaryDirectory(prefix="dropship-fuzz-")
_PATH = Path(_DIR.name) / "fuzz.db"
_store = ServerStore(_PATH, user="setup", clock=fixed_clock)
seed(_store)
_store.import_orders([f.order(po, first_name=name) for po, name in zip(range(1, 6), f.HOSTILE_NAMES)])
TOKEN = auth.add_user(_store.connection, "fuzzer", role=auth.Role.ADMIN, vendor_code="MYSTIC")
_store.close()

app = create_app(_PATH, clock=fixed_clock)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# Valid and invalid inputs both (malformed bodies, out-of-range numbers, wrong types).
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    deterministic=True,
)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "message"}, body


# --- hostile values the generator rarely finds (issue 12): big integers, far dates, NUL ---

HUGE = [2**63, 10**30, -(2**63), 2**62]
FAR_DATES = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z"]
HOSTILE_TEXT = [*FAR_DATES, "\x00", "Ann\x00", "\u202e", "1Z\x00999", "9" * 40]

# The same generated requests, each with some of its values swapped for those: the
# generator draws a well-formed request (so it reaches past validation into the rules
# and the store) and the hook poisons its leaves, wherever they are.
hostile = schemathesis.openapi.from_asgi("/openapi.json", app)
hostile.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE], deterministic=True)


def _poisoned(value):
    """A strategy drawing ``value`` with any of its leaves replaced by a hostile one."""
    if isinstance(value, bool):
        return st.just(value)
    if value is None:  # an optional field left out: fill it with something hostile
        return st.one_of(st.sampled_from(HUGE), st.sampled_from(HOSTILE_TEXT), st.just(None))
    if isinstance(value, int | float):
        return st.one_of(st.sampled_from(HUGE), st.just(value))
    if isinstance(value, str):
        return st.one_of(st.sampled_from(HOSTILE_TEXT), st.just(value + "\x00"), st.just(value))
    if isinstance(value, list):
        return st.tuples(*map(_poisoned, value)).map(list)
    if isinstance(value, dict) and not value:  # an empty map (quantities by line id)
        return st.one_of(st.builds(lambda n: {str(n): n}, st.sampled_from(HUGE)), st.just(value))
    if isinstance(value, dict):
        return st.fixed_dictionaries({k: _poisoned(v) for k, v in value.items()})
    return st.just(value)


@hostile.hook
def flatmap_body(ctx, body):
    return _poisoned(body)


@hostile.hook
def flatmap_query(ctx, query):
    return _poisoned(query) if query else st.just(query)  # the container stays a map


@hostile.hook
def flatmap_path_parameters(ctx, parameters):
    return _poisoned(parameters) if parameters else st.just(parameters)


@hostile.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_with_hostile_values(case):
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.formatted_path, case.body, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "message"}, body


def _hostile_bodies():
    for n in HUGE:
        yield "POST", "/orders/1/acknowledge", {"version": n, "validated": {str(n): n}}
        yield "POST", "/orders/1/slips", {"version": 1, "plan": [{str(n): n}]}
        yield "POST", "/orders/1/tracking", {"version": 1, "slip_number": n, "tracking_number": "1Z999AA10123456784"}
        yield "POST", "/orders/acknowledge-all", {"po_numbers": [n]}
        yield "GET", f"/orders?offset={n}&limit=5", None
        yield "GET", f"/orders/{n}", None
    for date in FAR_DATES:
        order = f.order(7).model_dump(mode="json")
        order["order_date"] = date
        yield "POST", "/orders/import", [order]
    order = f.order(8).model_dump(mode="json")
    order["ship_to"]["first_name"] = "Ann\x00"
    order["lines"][0]["sku"] = "SKU\x00"
    yield "POST", "/orders/import", [order]
    yield "POST", "/orders/1/tracking", {"version": 1, "slip_number": 1, "tracking_number": "1Z\x00999"}
    yield "POST", "/orders/1/address", {"version": 1, "ship_to": {"first_name": "\x00", "address": {"city": "\u202e"}}}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # starlette's TestClient on httpx
@pytest.mark.parametrize("method,path,body", list(_hostile_bodies()))
def test_hostile_values_are_refused_with_a_4xx_never_a_5xx(method, path, body):
    import json

    from starlette.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.request(
            method, path, content=None if body is None else json.dumps(body),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
    assert 400 <= response.status_code < 500, (method, path, response.status_code, response.text[:300])
    error = response.json()
    assert set(error) >= {"error", "message"}, error
