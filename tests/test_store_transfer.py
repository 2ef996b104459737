"""Issue 11 item 5: ``dropship-tui migrate --from A --to B`` (``store.transfer``). A demo
store (plus an API user, an idempotent write, a package status) is copied SQLite to
SQLite and SQLite to PostgreSQL; every order's ``show --json``, its activity, the users'
tokens and ``verify`` agree; a non-empty target is refused; a failure leaves the target
empty; every table of the schema is copied or deliberately skipped."""

from __future__ import annotations

import json
import sqlite3

import pytest

from dropship_tui import cli
from dropship_tui.domain.actions import Acknowledge
from dropship_tui.domain.models import Stage
from dropship_tui.server import auth
from dropship_tui.server.backend import KeyedWrite, ServerStore
from dropship_tui.store import transfer
from dropship_tui.store.base import OrderQuery
from dropship_tui.store.postgres.adapter import PgConnection
from dropship_tui.store.sqlite.activity_chain import GENESIS, entry_hash
from dropship_tui.store.sqlite.store import SqliteStore
from pg_support import OWNER, pg_cluster, pg_database  # noqa: F401


@pytest.fixture(scope="module")
def demo_source(tmp_path_factory):
    """A demo store with a bit of everything the demo leaves out; (path, token)."""
    db = tmp_path_factory.mktemp("source") / "store.db"
    assert cli.main(["demo", "--db", str(db), "--orders", "120", "--seed", "11"]) == 0
    with ServerStore(db, user="server") as store:
        new = store.list_orders(OrderQuery(stage=Stage.NEW), limit=1)[0]
        order = store.get_order(new.po_number)
        with store.lock:
            token = auth.add_user(store.connection, "jordan", role=auth.Role.ADMIN, vendor_code=order.vendor_code)
        with store.acting("jordan", KeyedWrite("jordan", "key-1")):
            store.act(order.po_number, order.version, Acknowledge(validated={l.line_id: l.quantity_ordered for l in order.lines}))
    return db, token


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def everything(capsys, address: str) -> dict:
    """What a user sees of a store: every order's ``show --json`` and ``activity --json``."""
    code, out, _ = run(capsys, "orders", "--db", address, "--json", "--limit", "100000")
    assert code == 0
    pos = sorted(o["po_number"] for o in json.loads(out))
    seen = {}
    for po in pos:
        code, shown, _ = run(capsys, "show", str(po), "--db", address, "--json")
        assert code == 0
        code, activity, _ = run(capsys, "activity", str(po), "--db", address, "--json")
        assert code == 0
        seen[po] = (json.loads(shown), json.loads(activity))
    return seen


def test_every_table_of_the_schema_is_copied_or_deliberately_skipped(tmp_path, pg_database):
    with SqliteStore(tmp_path / "fresh.db") as store, store.lock:
        sqlite_tables = set(transfer.columns_of(store.connection))
    cluster, name = pg_database
    import psycopg

    with psycopg.connect(cluster.url(name, OWNER), autocommit=True) as raw:
        pg_tables = set(transfer.columns_of(PgConnection(raw)))
    named = set(transfer.COPY_ORDER) | set(transfer.SKIPPED)
    assert sqlite_tables - named == set(), "name these tables in store/transfer.py COPY_ORDER or SKIPPED"
    assert pg_tables - named == set(), "name these tables in store/transfer.py COPY_ORDER or SKIPPED"


def test_sqlite_to_sqlite_copies_everything_and_verifies(demo_source, tmp_path, capsys):
    source, token = demo_source
    target = tmp_path / "copy.db"
    code, out, err = run(capsys, "migrate", "--from", str(source), "--to", str(target), "--json")
    assert code == 0, err
    report = json.loads(out)
    rows = {t["name"]: t["rows"] for t in report["tables"]}
    with sqlite3.connect(source) as conn:
        for table in ("orders", "activity", "api_users", "idempotency", "setup_log", "stock", "tracking", "invoices"):
            (n,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert rows[table] == n > 0, table
    assert everything(capsys, str(target)) == everything(capsys, str(source))
    code, out, _ = run(capsys, "verify", "--db", str(target))
    assert code == 0 and "all hold" in out
    with SqliteStore(target) as store, store.lock:
        assert auth.authenticate(store.connection, token).name == "jordan"


def test_a_non_empty_target_is_refused_and_left_as_it_was(demo_source, tmp_path, capsys):
    source, _ = demo_source
    target = tmp_path / "busy.db"
    assert cli.main(["demo", "--db", str(target), "--orders", "5", "--seed", "2"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "migrate", "--from", str(source), "--to", str(target))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "already holds data" in err
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 5


def test_a_failure_part_way_leaves_the_target_empty(demo_source, tmp_path):
    source, _ = demo_source
    target = tmp_path / "half.db"

    def fail_at_activity(table: str, rows: int) -> None:
        if table == "activity":
            raise RuntimeError("the disk filled up")

    with SqliteStore(source) as src, SqliteStore(target) as dst:
        with transfer.connection_of(src) as s, transfer.connection_of(dst) as d:
            with pytest.raises(RuntimeError):
                transfer.copy_store(s, d, chunk=50, progress=fail_at_activity)
            for table in ("vendors", "orders", "order_bodies", "lines", "stage_counts"):
                assert d.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
            # and the same store then takes the whole copy, in chunks of 7 rows
            report = transfer.copy_store(s, d, chunk=7)
    assert report.rows > 1000


def test_the_target_must_have_every_column(tmp_path):
    source = {"orders": {"po_number": "integer", "note": "text"}}
    with pytest.raises(Exception, match="has no column note"):
        transfer.plan(source, {"orders": {"po_number": "bigint"}})


def test_sqlite_to_postgresql_and_back(demo_source, pg_database, tmp_path, capsys):
    source, token = demo_source
    cluster, name = pg_database
    # The template is migrated already; an empty database the store creates works too.
    target = cluster.url(name, OWNER)
    code, out, err = run(capsys, "migrate", "--from", str(source), "--to", target)
    assert code == 0, err
    assert "count and checksum agree" in err
    assert everything(capsys, target) == everything(capsys, str(source))

    code, _, err = run(capsys, "migrate", "--from", str(source), "--to", target)
    assert code == 1 and "already holds data" in err and len(err.strip().splitlines()) == 1

    from dropship_tui.store.opening import open_store_address

    with open_store_address(target, user="after") as store:
        with store.raw_connection() as conn:
            assert auth.authenticate(conn, token).name == "jordan"
            rows = conn.execute('SELECT id, po_number, at, "user", action, details, hash FROM activity ORDER BY id').fetchall()
        previous: dict[int, str] = {}
        for _, po, at, user, action, details, digest in rows:  # the chain still holds
            assert digest == entry_hash(previous.get(po, GENESIS), po, at, user, action, details)
            previous[po] = digest
        # New ids and invoice numbers go on from the copied ones.
        new = store.list_orders(OrderQuery(stage=Stage.NEW), limit=1)[0]
        order = store.get_order(new.po_number)
        store.act(order.po_number, order.version, Acknowledge(validated={l.line_id: l.quantity_ordered for l in order.lines}))
        with store.raw_connection() as conn:
            assert conn.execute("SELECT max(id) FROM activity").fetchone()[0] > rows[-1][0]

    back = tmp_path / "back.db"
    code, _, err = run(capsys, "migrate", "--from", target, "--to", str(back))
    assert code == 0, err
    code, out, _ = run(capsys, "verify", "--db", str(back))
    assert code == 0 and "all hold" in out
