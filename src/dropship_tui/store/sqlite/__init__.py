"""The local store: one SQLite file (``SqliteStore``)."""

from dropship_tui.store.sqlite.store import SqliteStore, connect

__all__ = ["SqliteStore", "connect"]
