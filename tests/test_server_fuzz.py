"""Fuzz the API from its own OpenAPI document (schemathesis, a short bounded run): no
input, however malformed, gets a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

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
