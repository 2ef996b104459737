"""Where the local store lives: an explicit path, else ``$DROPSHIP_TUI_DB``, else the
platform's user data directory (``platformdirs``). Either may instead be a PostgreSQL
address (``postgresql://user@host/db``): ``resolve_store_address`` keeps it as it is."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from dropship_tui.store.postgres.address import is_postgres

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


def resolve_store_address(explicit: str | os.PathLike[str] | None = None) -> Path | str:
    """As ``resolve_db_path``, except that a PostgreSQL address (explicit or from
    ``$DROPSHIP_TUI_DB``) is returned as the string it is (``store.opening``)."""
    for candidate in (explicit, os.environ.get(ENV_VAR)):
        if candidate is not None and str(candidate).strip():
            return str(candidate).strip() if is_postgres(str(candidate)) else resolve_db_path(candidate)
    return default_db_path()
