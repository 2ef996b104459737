"""One way to open a store from its address, whatever the engine: ``postgresql://…``
(or ``postgres://…``) opens a ``PostgresStore``, anything else the SQLite file at that
path. The CLI's ``open_store`` and the server (``serve``) both call ``open_store_address``
so every command taking ``--db`` (or ``$DROPSHIP_TUI_DB``) takes either."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dropship_tui.store.postgres.address import is_postgres


def open_store_address(address: str | os.PathLike[str], **options: Any) -> Any:
    """The store at ``address`` (``SqliteStore`` or ``PostgresStore``), opened with the
    store's keyword options (``user``, ``clock``, ``thresholds``, ``hook``,
    ``separate_reads``; ``pool_size`` for PostgreSQL only). A PostgreSQL server that
    cannot be reached or refuses the credentials raises ``StoreAddressError``; a
    database holding someone else's tables, ``postgres.schema.SchemaError``: both one
    line, nothing changed."""
    if is_postgres(address):
        from dropship_tui.store.postgres.store import PostgresStore

        return PostgresStore(str(address).strip(), **options)
    from dropship_tui.store.sqlite.store import SqliteStore

    options.pop("pool_size", None)
    return SqliteStore(Path(address), **options)
