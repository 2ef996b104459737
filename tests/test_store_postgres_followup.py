"""Issue 11 follow-up on a real PostgreSQL (``pg_support``): the first-page indexes (schema
step 2) and the plans they give, the engine-neutral user and SSH key admin, ``verify`` and ``demo`` on a PostgreSQL
address, and a SQLite path that is really a URL refused before any folder is made."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

import factories as f
from dropship_tui import cli
from dropship_tui.domain.models import SlaStatus, Stage
from dropship_tui.server import auth
from dropship_tui.server.backend import open_server_store
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.postgres import page_indexes, schema
from dropship_tui.store.postgres.adapter import PgConnection, configure
from dropship_tui.store.postgres.address import StoreAddressError
from dropship_tui.store.postgres.store import PostgresStore
from dropship_tui.store.sqlite.rows import to_us
from dropship_tui.store.sqlite.store import SqliteStore
from pg_support import OWNER
from test_remote_support import fixed_clock, seed


@pytest.fixture
def store(pg_url):
    s = PostgresStore(pg_url, user="jordan", clock=fixed_clock, separate_reads=True)
    seed(s)
    s.import_orders([f.order(po, hours_old=po % 40) for po in range(100, 130)])
    s.import_orders([f.order(po, vendor_code="OTHER", location_code="OTHER-WH1") for po in range(300, 305)])
    yield s
    s.close()


def index_names(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders'")}


# --- schema step 2: the first-page indexes ---------------------------------------------------


def test_a_store_at_step_1_gets_the_page_indexes_and_loses_the_ones_they_replace(pg_cluster):
    """A database migrated by step 1 only, and one made before step 1 had the vendor
    indexes (one dropped here), both come out with every page index."""
    name = pg_cluster.empty_database()
    try:
        with psycopg.connect(pg_cluster.url(name, OWNER)) as raw:
            configure(raw)
            schema.migrate(PgConnection(raw), target=1)
            raw.execute("DROP INDEX orders_vendor_progress")
            before = index_names(raw)
        assert "orders_progress" in before and "orders_page_progress" not in before
        with PostgresStore(pg_cluster.url(name, OWNER)) as s:
            assert s.schema_version == schema.SCHEMA_VERSION
            with s.raw_connection() as conn:
                after = index_names(conn)
        wanted = {sql.split(" ON ")[0].rsplit(" ", 1)[1] for sql in page_indexes.INDEXES}
        assert wanted <= after and "orders_vendor_progress" in after
        assert not set(page_indexes.REPLACED) & after
    finally:
        pg_cluster.drop(name)


class Recording:
    """A connection that runs each statement and keeps its text and parameters (to
    EXPLAIN what the store really ran)."""

    def __init__(self, conn: PgConnection) -> None:
        self._conn, self.statements = conn, []

    def execute(self, sql, params=()):
        self.statements.append((sql, params))
        return self._conn.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._conn, name)


FILTERS = {
    "none": {}, "stage New": {"stage": Stage.NEW}, "stage In progress": {"stage": Stage.IN_PROGRESS},
    "vendor": {"vendor_code": "MYSTIC"}, "SLA overdue": {"sla": SlaStatus.OVERDUE},
}


def test_every_first_page_is_read_from_an_index_in_its_order(store):
    """With sorting priced out, no page of any sort under any filter needs a Sort node:
    each is the first entries of one index range (step 1's single-column indexes on
    progress and stage needed an incremental sort of a whole tie group: 100-250 ms at
    1M orders)."""
    unsorted = []
    now_us = to_us(fixed_clock())
    for fname, fields in FILTERS.items():
        for sort in SortKey:
            if sort is SortKey.SLA:  # read in parts, each through orders_open_due / orders_final
                continue
            for descending in (False, True):
                query = OrderQuery(sort=sort, descending=descending, **fields)
                with store.reading() as conn:
                    recording = Recording(conn)
                    pos = store._page(recording, query, 0, 50, now_us, "index")
                    assert pos == [o.po_number for o in store.list_orders(query, limit=50)]
                    for setting in ("enable_sort", "enable_incremental_sort", "enable_seqscan"):
                        conn.execute(f"SET LOCAL {setting} = off")
                    for sql, params in recording.statements:
                        plan = conn.execute("EXPLAIN " + sql, params).fetchall()
                        text = "\n".join(line for (line,) in plan)
                        if "Sort" in text:
                            unsorted.append(f"{fname}, {sort.value}{' desc' if descending else ''}:\n{text}")
    assert unsorted == [], "\n\n".join(u.split("\n")[0] for u in unsorted)


# --- user and SSH key admin, verify, demo on a PostgreSQL address ----------------------------


def test_ssh_keys_are_added_listed_and_removed_on_postgresql(pg_url, tmp_path, capsys):
    from serve_support import keygen

    key = keygen(tmp_path / "id_ann")
    assert cli.main(["users", "add", "ann", "--operator", "--db", pg_url]) == 0
    assert cli.main(["users", "keys", "add", "ann", f"{key}.pub", "--db", pg_url]) == 0
    assert cli.main(["users", "keys", "list", "ann", "--db", pg_url, "--json"]) == 0
    out = capsys.readouterr().out
    listed = json.loads(out[out.index("["):])
    assert len(listed) == 1 and listed[0]["public_key"].startswith("ssh-ed25519 ")
    assert cli.main(["users", "keys", "remove", "ann", listed[0]["fingerprint"], "--db", pg_url]) == 0
    capsys.readouterr()
    assert cli.main(["users", "keys", "list", "ann", "--db", pg_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_served_sessions_open_and_close_their_tokens_on_postgresql(store, pg_url):
    """What ``serve --ssh-port`` does with the store (``serving.sessions``), on PostgreSQL."""
    import asyncio

    from dropship_tui.server.serving.sessions import SessionStore

    with open_server_store(pg_url, user="server") as s:
        with s.admin_connection() as conn:
            auth.add_user(conn, "ann", role=auth.Role.STAFF, vendor_code="MYSTIC")
        sessions = SessionStore(s)
        token = asyncio.run(sessions.open_token("ann", "ssh"))
        assert sessions.user_of_session(token).name == "ann"
        asyncio.run(sessions.close_token(token))
        with pytest.raises(auth.UnauthorizedError):
            sessions.user_of_session(token)


def test_serving_a_postgresql_store_keeps_its_files_in_the_user_data_folder(pg_url, tmp_path):
    import argparse

    from dropship_tui.cli.serving import data_dir
    from dropship_tui.store.paths import default_db_path

    assert data_dir(argparse.Namespace(data_dir=None), pg_url) == default_db_path().parent
    assert data_dir(argparse.Namespace(data_dir=None), tmp_path / "s.db") == tmp_path
    assert data_dir(argparse.Namespace(data_dir=str(tmp_path / "d")), pg_url) == tmp_path / "d"


def test_verify_checks_a_postgresql_store(store, pg_database, pg_url, capsys):
    store.acknowledge_in_full(100)
    assert cli.main(["verify", "--db", pg_url]) == 0
    out = capsys.readouterr().out
    assert "verified 35 orders and 36 activity entries" in out and "integrity_check" not in out
    cluster, name = pg_database
    with psycopg.connect(cluster.url(name), autocommit=True) as su:  # someone rewrites the log
        su.execute("ALTER TABLE activity DISABLE TRIGGER activity_no_update")
        su.execute("UPDATE activity SET details = 'nothing' WHERE po_number = 100 AND action = 'Order acknowledged'")
    assert cli.main(["verify", "--db", pg_url]) == 1
    captured = capsys.readouterr()
    assert "PO 100: activity entry 2 (Order acknowledged," in captured.out
    assert "does not match its chain: the log was changed" in captured.out
    assert "the trigger activity_no_update on activity is missing or disabled" in captured.out
    assert captured.err.strip().endswith("1 order found wrong (PO 100) and 1 problem with the store itself")


def test_verify_of_a_postgresql_address_with_no_server_is_one_line(capsys, tmp_path):
    address = f"postgresql://nobody:pw@/nowhere?host={tmp_path}&port=1"
    assert cli.main(["verify", "--db", address]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dropship-tui: cannot open the store postgresql://nobody:***@/nowhere")


def test_demo_names_a_postgresql_store_by_its_address(pg_cluster, capsys):
    name = pg_cluster.empty_database()
    try:
        address = pg_cluster.url(name, OWNER).replace(f"{OWNER}@", f"{OWNER}:secret@")
        assert cli.main(["demo", "--orders", "12", "--db", address]) == 0
        out = capsys.readouterr().out
        assert f"Demo store ready at {address.replace(':secret@', ':***@')}: 12 orders" in " ".join(out.split())
        assert "postgresql:/d" not in out and "secret" not in out
    finally:
        pg_cluster.drop(name)


def test_a_sqlite_path_that_is_a_url_is_refused_before_any_folder_is_made(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreAddressError, match=r"^postgresql:/ann@db/store looks like a URL, not a SQLite store file"):
        SqliteStore(Path("postgresql://ann@db/store"))
    assert list(tmp_path.iterdir()) == []
    SqliteStore(Path("c:/s.db")).close()  # one letter and a colon: a folder name (a Windows drive)
    assert (tmp_path / "c:" / "s.db").is_file()
