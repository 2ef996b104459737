"""Issue 14 item 2 in the app: an order the operator pushes (``POST /orders`` with an
operator token, to the real server on 127.0.0.1) appears on the vendor's open dashboard,
which reads the same server, by its live poll alone: no key is pressed."""

from __future__ import annotations

import httpx
import pytest

from test_remote_support import fresh_backend, live_server  # noqa: F401
from test_server_setup import pushed_document
from tui_support import make_app, screen_text, settle

pytestmark = pytest.mark.anyio


async def test_an_operator_pushed_order_appears_on_the_vendors_dashboard(live_server, tmp_path):  # noqa: F811
    backend = fresh_backend(live_server, tmp_path / "server.db")
    app = make_app(tmp_path, store=backend.remote("jordan"), live_seconds=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "501" not in screen_text(app) and app.screen.counts.total == 0
        with httpx.Client(base_url=backend.url) as http:
            pushed = http.post("/orders", content=pushed_document(501),
                               headers={"Authorization": f"Bearer {backend.tokens['otto']}"})
        assert pushed.status_code == 200 and pushed.json()["po_numbers"] == [501]
        for _ in range(200):  # the poll runs every 0.05 s; nothing is pressed
            await pilot.pause(0.05)
            if "R501" in screen_text(app):
                break
        text = screen_text(app)
        assert "501" in text and "R501" in text  # its PO and the operator's order number
        assert "1 new order" in [n.message for n in app._notifications]
        assert app.screen.counts.total == 1
