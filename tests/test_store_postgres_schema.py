"""The PostgreSQL schema keeps up with the SQLite one (issue 11 item 1): every table and
column of a freshly migrated SQLite store exists in a freshly migrated PostgreSQL
database (the indexes are each engine's own choice). A SQLite migration step appended
without its PostgreSQL counterpart (``store/postgres/schema.py``) fails here, naming
what is missing."""

from __future__ import annotations

import psycopg

from dropship_tui.store.sqlite.store import SqliteStore
from pg_support import OWNER

PG_ONLY_TABLES = {"dropship_schema"}
PG_ONLY_COLUMNS = {("activity", "xid")}


def sqlite_layout(tmp_path) -> dict[str, set[str]]:
    with SqliteStore(tmp_path / "layout.db") as store:
        conn = store.connection
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        return {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")} for t in tables}


def test_every_sqlite_table_and_column_is_in_postgresql(tmp_path, pg_database):
    cluster, name = pg_database
    columns = sqlite_layout(tmp_path)
    with psycopg.connect(cluster.url(name, OWNER)) as conn:
        pg_columns: dict[str, set[str]] = {}
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ):
            pg_columns.setdefault(table, set()).add(column)
    assert set(pg_columns) - PG_ONLY_TABLES == set(columns)
    missing = {t: columns[t] - pg_columns[t] for t in columns if columns[t] - pg_columns[t]}
    extra = {(t, c) for t in columns for c in pg_columns[t] - columns[t]}
    assert missing == {} and extra == PG_ONLY_COLUMNS
