"""``login`` keeps the token in the keyring (a file-backed test keyring here), and the
token appears in no file the app writes, no output and no log line; ``--api`` uses it;
``logout`` forgets it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

import factories as f
from dropship_tui import cli
from dropship_tui.store.remote import KEYRING_SERVICE
from test_remote_support import fresh_backend, live_server  # noqa: F401


class FileKeyring(KeyringBackend):
    """A keyring in one JSON file (stands in for the system keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}|{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}|{username}", None) is None:
            raise PasswordDeleteError("not found")
        self.path.write_text(json.dumps(data))


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Every place the app may write (data, config, cache dirs) under tmp_path/home."""
    root = tmp_path / "home"
    for name, sub in [("HOME", ""), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                      ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")]:
        (root / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(root / sub))
    monkeypatch.delenv("DROPSHIP_TUI_DB", raising=False)
    ring = FileKeyring(tmp_path / "keyring.json")
    previous = keyring.get_keyring()
    keyring.set_keyring(ring)
    yield root, ring
    keyring.set_keyring(previous)


def test_login_keeps_the_token_only_in_the_keyring(home, live_server, tmp_path, monkeypatch, capsys, caplog):
    root, ring = home
    backend = fresh_backend(live_server, tmp_path / "server.db")
    backend.store.import_orders([f.order(82)])
    token = backend.tokens["jordan"]
    url = backend.url
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": token)

    assert cli.main(["login", url + "/"]) == 0
    assert ring.get_password(KEYRING_SERVICE, url) == token

    assert cli.main(["--api", url, "orders", "--json"]) == 0
    assert cli.main(["ack", "82", "--api", url]) == 0
    assert cli.main(["--api", url, "show", "82", "--json"]) == 0
    out = capsys.readouterr()
    assert '"po_number": 82' in out.out and "jordan" in out.out
    assert backend.store.get_order(82).stage.value == "in_progress"

    # A refused action and an unreachable server: one line each, no token.
    assert cli.main(["--api", url, "ack", "82"]) == 1
    assert cli.main(["--api", "http://127.0.0.1:9", "orders"]) == 1
    out = capsys.readouterr()
    assert "already acknowledged" in out.err and "Not logged in" in out.err

    everything = out.out + out.err + "\n".join(r.getMessage() for r in caplog.records)
    assert token not in everything
    written = [p for p in list(root.rglob("*")) + list(tmp_path.glob("*")) if p.is_file() and p != ring.path]
    for path in written:
        assert token.encode() not in path.read_bytes(), path

    assert cli.main(["logout", url]) == 0
    assert ring.get_password(KEYRING_SERVICE, url) is None
    assert cli.main(["--api", url, "orders"]) == 1
    assert "Not logged in" in capsys.readouterr().err


def test_login_with_a_bad_token_saves_nothing(home, live_server, tmp_path, monkeypatch, capsys):
    _, ring = home
    backend = fresh_backend(live_server, tmp_path / "server.db")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "not-a-real-token")
    assert cli.main(["login", backend.url]) == 1
    assert ring._load() == {}
    err = capsys.readouterr().err
    assert "revoked" in err and "not-a-real-token" not in err


def test_a_machine_without_a_keyring_is_told_to_log_in(monkeypatch):
    """No keyring backend at all (a bare server, a container): the user is told to log
    in, not shown keyring's own error as an "unexpected error"."""
    import keyring.backends.fail

    from dropship_tui.store.remote import RemoteStore
    from dropship_tui.store.remote.http import NotAuthorizedError

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(NotAuthorizedError, match="Not logged in to http://127.0.0.1:9; run 'dropship-tui login"):
            RemoteStore.open("http://127.0.0.1:9")
    finally:
        keyring.set_keyring(previous)


# --- headless logins (no keyring backend: a server over SSH) ------------------------------


@pytest.fixture
def no_keyring():
    import keyring.backends.null

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    yield
    keyring.set_keyring(previous)


def test_the_token_environment_variable_is_used_when_set(no_keyring, live_server, tmp_path, monkeypatch, capsys):
    backend = fresh_backend(live_server, tmp_path / "server.db")
    backend.store.import_orders([f.order(82)])
    monkeypatch.setenv("DROPSHIP_TUI_TOKEN", backend.tokens["jordan"])
    assert cli.main(["--api", backend.url, "show", "82", "--json"]) == 0
    out = capsys.readouterr()
    assert '"po_number": 82' in out.out and backend.tokens["jordan"] not in out.out + out.err


def test_login_without_a_keyring_and_no_terminal_saves_nothing_and_says_what_to_do(
    no_keyring, live_server, tmp_path, monkeypatch, capsys
):
    from dropship_tui.store.remote import tokens

    backend = fresh_backend(live_server, tmp_path / "server.db")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": backend.tokens["jordan"])
    assert cli.main(["login", backend.url]) == 1
    err = capsys.readouterr().err
    assert "DROPSHIP_TUI_TOKEN" in err and err.count("\n") == 1
    assert not tokens.token_file().exists()


def test_login_without_a_keyring_offers_a_file_only_its_owner_can_read(
    no_keyring, live_server, tmp_path, monkeypatch, capsys
):
    import stat

    from dropship_tui.store.remote import tokens

    backend = fresh_backend(live_server, tmp_path / "server.db")
    backend.store.import_orders([f.order(82)])
    token = backend.tokens["jordan"]
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": token)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": asked.append(prompt) or "y")

    assert cli.main(["login", backend.url]) == 0
    path = tokens.token_file()
    assert asked and str(path) in asked[0] and "readable by you only" in asked[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    out = capsys.readouterr()
    assert f"the token is in {path} (readable by you only)" in out.out and token not in out.out + out.err

    assert cli.main(["--api", backend.url, "show", "82", "--json"]) == 0  # read back from the file
    assert cli.main(["logout", backend.url]) == 0
    assert not path.exists()
    assert cli.main(["--api", backend.url, "orders"]) == 1
    assert "Not logged in" in capsys.readouterr().err
