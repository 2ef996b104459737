"""What every test gets without asking: a world of its own.

Each test runs in UTC, with HOME, the XDG folders, the config file, the documents folder
and the store path pointing into its own temporary folder, and the user's keyring out of
reach; all of it is restored after the test. So no test reads the developer's real config
or writes into their Documents, and a test that changes the time zone cannot change it
for the next one."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest

ISOLATED = (
    "HOME", "TZ", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
    "XDG_DOCUMENTS_DIR", "DROPSHIP_TUI_CONFIG", "DROPSHIP_TUI_DB", "DROPSHIP_TUI_DOCUMENTS",
    "DROPSHIP_TUI_USER", "DROPSHIP_TUI_DEBUG", "DROPSHIP_TUI_SERVED", "DROPSHIP_TUI_TOKEN",
    "PYTHON_KEYRING_BACKEND", "TEXTUAL_COLOR_SYSTEM",
)


@pytest.fixture(autouse=True)
def isolated_world(tmp_path_factory, monkeypatch):
    """UTC, and HOME / XDG / config / documents / store paths of the test's own."""
    home = tmp_path_factory.mktemp("home")
    saved_tz = os.environ.get("TZ")
    for name in ISOLATED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(home / "Documents"))
    monkeypatch.setenv("DROPSHIP_TUI_CONFIG", str(home / ".config" / "dropship-tui" / "config.toml"))
    # No test may reach the developer's keyring: the null backend stores nothing (the
    # keyring tests install an in-memory backend of their own).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    time.tzset()
    yield home
    monkeypatch.undo()
    if saved_tz is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved_tz
    time.tzset()


@pytest.fixture
def anyio_backend():
    """Async tests (Pilot) run on anyio's pytest plugin, on asyncio only."""
    return "asyncio"


# A real PostgreSQL for the store tests (issue 11): session server, fresh database per test.
from pg_support import pg_cluster, pg_database, pg_url  # noqa: E402,F401
