"""Shared by the remote-mode tests: the real server (uvicorn on a free 127.0.0.1 port, in
a thread, started once per session) whose store each test swaps for a fresh one, and
builders of seeded stores. No tests here."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
import uvicorn

import factories as f
from dropship_tui.domain.models import SkuMapping
from dropship_tui.server import auth
from dropship_tui.server.app import create_app
from dropship_tui.server.backend import ServerStore
from dropship_tui.store.remote import RemoteStore


def fixed_clock():
    return f.NOW


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``create_app`` served by uvicorn in a daemon thread."""

    def __init__(self, db_path: Path) -> None:
        self.app = create_app(db_path, clock=fixed_clock)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning",
            lifespan="off", access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def use(self, store: ServerStore) -> None:
        old = self.app.state.store
        self.app.state.store = store
        old.close()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.store.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("server") / "boot.db")
    yield server
    server.stop()


MAPPINGS = [
    SkuMapping(vendor_code="MYSTIC", product_code="P-SKU-123", vendor_sku="MS-123",
               upc="012345678905", contracted_price=Decimal("19.99")),
    SkuMapping(vendor_code="MYSTIC", product_code="P-SKU-456", vendor_sku="MS-456",
               upc="012345678912", contracted_price=Decimal("7.50")),
]


def seed(store) -> None:
    """Two vendors, a location each, MYSTIC's SKU mappings (SKU-789 stays unmapped)."""
    store.add_vendor(f.vendor("MYSTIC"))
    store.add_vendor(f.vendor("OTHER"))
    store.add_location(f.location("MYSTIC-WH1", "MYSTIC"))
    store.add_location(f.location("OTHER-WH1", "OTHER"))
    store.add_sku_mappings(MAPPINGS)


@dataclass
class Backend:
    store: ServerStore
    tokens: dict[str, str]
    url: str

    def remote(self, who: str = "jordan", **kwargs) -> RemoteStore:
        kwargs.setdefault("clock", fixed_clock)
        kwargs.setdefault("backoff", 0.01)
        return RemoteStore(self.url, self.tokens[who], **kwargs)


USERS = {
    "jordan": (auth.Role.ADMIN, "MYSTIC"),
    "sam": (auth.Role.STAFF, "MYSTIC"),
    "olga": (auth.Role.ADMIN, "OTHER"),
    "otto": (auth.Role.OPERATOR, None),
}


def fresh_backend(live_server: LiveServer, path: Path) -> Backend:
    store = ServerStore(path, user="setup", clock=fixed_clock)
    seed(store)
    tokens = {
        name: auth.add_user(store.connection, name, role=role, vendor_code=vendor)
        for name, (role, vendor) in USERS.items()
    }
    live_server.use(store)
    return Backend(store, tokens, live_server.url)
