"""Where the local store lives: an explicit path, else ``$DROPSHIP_TUI_DB``, else the
platform's user data directory (``platformdirs``)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "dropship-tui"
ENV_VAR = "DROPSHIP_TUI_DB"
DEFAULT_FILE = "store.db"


def default_db_path() -> Path:
    return platformdirs.user_data_path(APP_NAME) / DEFAULT_FILE


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store file to open: ``explicit`` if given, else ``$DROPSHIP_TUI_DB`` if set
    and non-blank, else ``<user data dir>/dropship-tui/store.db``."""
    if explicit is not None and str(explicit).strip():
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return default_db_path()
