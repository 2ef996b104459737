"""``dropship-tui users`` and ``dropship-tui serve`` as a user runs them: the token is
printed once, the real server process answers with it, revoking it locks it out."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

import factories as f
from dropship_tui import cli
from dropship_tui.store.sqlite.store import SqliteStore


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_users_and_serve(tmp_path, capsys):
    db = tmp_path / "server.db"
    with SqliteStore(db) as store:
        store.add_vendor(f.vendor())
        store.add_location(f.location())
        store.import_orders([f.order(82)])
    assert cli.main(["users", "add", "jordan", "--vendor", "MYSTIC", "--role", "admin", "--db", str(db)]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(token) >= 40
    assert cli.main(["users", "add", "jordan", "--vendor", "MYSTIC", "--db", str(db)]) == 1
    assert cli.main(["users", "add", "x", "--vendor", "NOPE", "--db", str(db)]) == 1
    assert cli.main(["users", "list", "--db", str(db), "--json"]) == 0
    listing = capsys.readouterr()
    assert "jordan" in listing.out and token not in listing.out + listing.err

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dropship_tui", "serve", "--db", str(db), "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/openapi.json", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.get(url + "/orders/82", headers=auth).json()["po_number"] == 82
        assert cli.main(["users", "revoke", "jordan", "--db", str(db)]) == 0
        assert httpx.get(url + "/orders/82", headers=auth).status_code == 401
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert token.encode() not in out + err
