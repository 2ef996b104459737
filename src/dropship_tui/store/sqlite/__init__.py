"""The local store: one SQLite file (``SqliteStore``)."""

from dropship_tui.store.sqlite import rows, schema
from dropship_tui.store.sqlite.connection import connect
from dropship_tui.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore", "connect", "rows", "schema"]
