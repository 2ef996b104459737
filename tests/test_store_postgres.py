"""The PostgreSQL store (issue 11 items 1-3) on a real PostgreSQL (``pg_support``): the two
roles and the append-only activity log, migrations and refusals with one clear line, and
concurrency between store objects that stand for separate server processes (each has a
connection pool of its own): the version guard, an action's row lock, idempotency keys,
invoice numbers, per-vendor counters, deadlock retries and the live-changes token."""

from __future__ import annotations

import threading

import psycopg
import pytest

import factories as f
from dropship_tui import cli
from dropship_tui.domain.actions import AcknowledgeInFull
from dropship_tui.domain.errors import ConflictError, WorkflowError
from dropship_tui.domain.models import Stage
from dropship_tui.store.opening import open_store_address
from dropship_tui.store.postgres import schema
from dropship_tui.store.postgres.address import StoreAddressError, describe
from dropship_tui.store.postgres.adapter import PgConnection, PgIntegrityError, translate
from dropship_tui.store.postgres.store import PostgresStore
from dropship_tui.store.sqlite.activity_chain import GENESIS
from pg_support import APP, OWNER
from test_remote_support import fixed_clock, seed


@pytest.fixture
def two(pg_url):
    """Two stores on one database, as two server processes would have."""
    a = PostgresStore(pg_url, user="ann", clock=fixed_clock, separate_reads=True)
    b = PostgresStore(pg_url, user="bob", clock=fixed_clock, separate_reads=True)
    seed(a)
    a.import_orders([f.order(po) for po in range(100, 120)])
    yield a, b
    a.close()
    b.close()


def connect(cluster, name: str, role: str) -> psycopg.Connection:
    return psycopg.connect(cluster.url(name, role), autocommit=True)


# --- the activity log: append-only for every role, and no rights to rewrite it -------------


def test_the_app_role_may_not_update_delete_or_truncate_the_activity_log(pg_database, two):
    cluster, name = pg_database
    with connect(cluster, name, APP) as conn:
        assert conn.execute("SELECT count(*) FROM activity").fetchone()[0] == 20
        for sql in ("UPDATE activity SET details = 'x'", "DELETE FROM activity",
                    "TRUNCATE activity", "DELETE FROM setup_log", "TRUNCATE setup_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
        conn.execute("UPDATE orders SET version = version WHERE po_number = 100")  # it may write orders


def test_the_triggers_refuse_even_the_owner(pg_database, two):
    cluster, name = pg_database
    with connect(cluster, name, OWNER) as conn:
        for sql, word in (("UPDATE activity SET details = 'x'", "changed"),
                          ("DELETE FROM activity", "deleted"), ("TRUNCATE activity", "deleted")):
            with pytest.raises(psycopg.errors.RestrictViolation, match=f"activity is append-only: entries cannot be {word}"):
                conn.execute(sql)
        assert conn.execute("SELECT count(*) FROM activity").fetchone()[0] == 20


def test_the_store_sees_a_refused_rewrite_as_sqlites_integrity_error(pg_database, two):
    cluster, name = pg_database
    with PostgresStore(cluster.url(name, OWNER)) as owner:
        with pytest.raises(PgIntegrityError, match="append-only"):
            owner._transaction(lambda conn: conn.execute("UPDATE activity SET details = 'x'"))


def test_activity_entries_are_chained_as_on_sqlite(two):
    a, _ = two
    a.acknowledge_in_full(100)
    with a.reading() as conn:
        rows = conn.execute("SELECT hash FROM activity WHERE po_number = 100 ORDER BY id").fetchall()
    assert len(rows) == 2 and all(len(h) == 64 and h != GENESIS for (h,) in rows)


# --- migrations, addresses and refusals ---------------------------------------------------


def test_a_fresh_database_is_migrated_by_the_owner_and_refused_to_the_app_role(pg_cluster):
    empty = pg_cluster.empty_database()
    try:
        with pytest.raises(schema.SchemaError, match="may not upgrade it"):
            PostgresStore(pg_cluster.url(empty, APP))
        with PostgresStore(pg_cluster.url(empty, OWNER)) as store:
            assert store.schema_version == schema.SCHEMA_VERSION
            assert store.counts().total == 0
        with PostgresStore(pg_cluster.url(empty, OWNER)) as store:  # a second open: nothing to do
            assert store.schema_version == schema.SCHEMA_VERSION
    finally:
        pg_cluster.drop(empty)


def test_a_database_holding_other_tables_is_refused(pg_cluster):
    other = pg_cluster.empty_database()
    try:
        with connect(pg_cluster, other, OWNER) as conn:
            conn.execute("CREATE TABLE invoices_2019 (id int)")
        with pytest.raises(schema.SchemaError) as info:
            PostgresStore(pg_cluster.url(other, OWNER))
        assert info.value.message == (
            f"database {other} already holds tables that are not a dropship-tui store; use an empty database"
        )
        with connect(pg_cluster, other, OWNER) as conn:  # nothing was created
            assert conn.execute("SELECT to_regclass('orders')").fetchone()[0] is None
    finally:
        pg_cluster.drop(other)


def test_no_server_and_bad_credentials_are_one_line(pg_cluster, pg_database):
    _, name = pg_database
    nowhere = f"postgresql://ann:s3cret@/{name}?host=/nonexistent-dir&connect_timeout=1"
    with pytest.raises(StoreAddressError) as info:
        PostgresStore(nowhere)
    message = info.value.message
    assert message.startswith("cannot open the store postgresql://ann:***@/") and "\n" not in message
    assert "s3cret" not in message
    with pytest.raises(StoreAddressError, match='role "nobody" does not exist'):
        PostgresStore(pg_cluster.url(name, "nobody"))
    assert describe("postgresql://u:p@h/db") == "postgresql://u:***@h/db"


def test_every_command_takes_a_postgresql_address(pg_url, capsys, tmp_path, monkeypatch):
    with open_store_address(pg_url, user="jordan", clock=fixed_clock) as store:
        seed(store)
        store.import_orders([f.order(82)])
    assert cli.main(["show", "82", "--db", pg_url, "--json"]) == 0
    assert '"po_number": 82' in capsys.readouterr().out
    monkeypatch.setenv("DROPSHIP_TUI_DB", pg_url)
    assert cli.main(["show", "82", "--json"]) == 0
    assert '"po_number": 82' in capsys.readouterr().out
    bad = pg_url.replace(APP, "nobody")
    assert cli.main(["show", "82", "--db", bad]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and 'role "nobody" does not exist' in err and "Traceback" not in err


def test_the_shared_sql_is_translated_once_per_string():
    assert translate("SELECT at, user FROM activity WHERE po_number = ? AND x = 'a?b'") == (
        "SELECT at, \"user\" FROM activity WHERE po_number = %s AND x = 'a?b'"
    )
    assert translate("SELECT 1 FROM orders INDEXED BY orders_final WHERE 1 AND stage_rank = :stage") == (
        "SELECT 1 FROM orders WHERE TRUE AND stage_rank = %(stage)s"
    )
    assert translate("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)").endswith(
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    assert translate("INSERT INTO setup_log(at) VALUES (?)").endswith(" RETURNING id")


# --- concurrency: two stores standing for two server processes ------------------------------


def test_the_version_guard_refuses_the_second_of_two_writers(two):
    a, b = two
    seen = b.get_order(100)
    a.acknowledge_in_full(100)
    with pytest.raises(ConflictError):
        b.act(100, seen.version, AcknowledgeInFull())
    assert a.get_order(100).version == seen.version + 1


def test_racing_writers_on_one_order_queue_on_its_row_and_one_wins(two):
    a, b = two
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def race(store: PostgresStore) -> None:
        start.wait()
        try:
            store.acknowledge_in_full(101)
            outcomes.append("done")
        except WorkflowError:
            outcomes.append("refused")  # it waited, then saw the order no longer New

    threads = [threading.Thread(target=race, args=(s,)) for s in (a, b) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["done"] + ["refused"] * 7
    assert a.get_order(101).stage is Stage.IN_PROGRESS
    assert [e.action for e in a.activity(101)].count("Order received") == 1
    assert len(a.activity(101)) == 2


def test_counters_stay_exact_under_concurrent_writers(two):
    a, b = two

    def ack(store: PostgresStore, pos: range) -> None:
        for po in pos:
            store.acknowledge_in_full(po)

    threads = [threading.Thread(target=ack, args=(a, range(102, 110))),
               threading.Thread(target=ack, args=(b, range(110, 118)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = b.counts("MYSTIC")
    assert (counts.new, counts.in_progress) == (4, 16)
    with a.reading() as conn:
        recount = dict(conn.execute("SELECT stage, count(*) FROM orders GROUP BY stage").fetchall())
    assert recount == {"new": 4, "in_progress": 16}


def test_one_idempotency_key_is_applied_once_across_processes(pg_url):
    """The server's own hook (``backend.IdempotencyHook``) on two server stores: the
    second write under the key waits for the first's transaction, then replays the
    answer it stored; a write that rolls back gives its key back."""
    from dropship_tui.server.backend import KeyedWrite, Replay, open_server_store

    a, b = (open_server_store(pg_url, user="server", clock=fixed_clock) for _ in range(2))
    seed(a)
    a.import_orders([f.order(po) for po in (100, 101)])
    claimed, replies = threading.Event(), {}

    def second() -> None:
        claimed.wait()
        try:
            with b.acting("ann", KeyedWrite("ann", "k-1")):
                b.acknowledge_in_full(100)
        except Replay as replay:
            replies["b"] = (replay.status, replay.body)

    t = threading.Thread(target=second)
    t.start()
    first = KeyedWrite("ann", "k-1", body='{"ok": 1}')
    with a.acting("ann", first), a.unit_of_work():  # the key is claimed first
        a.acknowledge_in_full(100)
        claimed.set()
        threading.Event().wait(0.3)  # b's claim waits for this transaction meanwhile
    t.join()
    assert replies == {"b": (200, '{"ok": 1}')}
    with pytest.raises(RuntimeError), a.acting("ann", KeyedWrite("ann", "k-2", body="{}")), a.unit_of_work():
        a.acknowledge_in_full(101)
        _boom()
    with b.acting("ann", KeyedWrite("ann", "k-2")):
        assert b.acknowledge_in_full(101).stage is Stage.IN_PROGRESS
    a.close()
    b.close()


def _boom() -> None:
    raise RuntimeError("the write failed")


def test_invoice_numbers_are_unique_and_increasing_across_processes(two):
    from dropship_tui.store.postgres.store import _PgEnv

    numbers: dict[str, list[str]] = {"a": [], "b": []}

    def take(name: str, store: PostgresStore) -> None:
        for _ in range(25):
            numbers[name].append(store._transaction(lambda conn: _PgEnv(store, conn).next_invoice_number()))

    threads = [threading.Thread(target=take, args=(n, s)) for n, s in (("a", two[0]), ("b", two[1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = numbers["a"] + numbers["b"]
    assert len(set(every)) == 50 and all(n.startswith("INV-") for n in every)
    assert numbers["a"] == sorted(numbers["a"]) and numbers["b"] == sorted(numbers["b"])


def test_a_deadlock_is_retried_and_both_writes_land(two):
    a, b = two
    meet = threading.Barrier(2)
    runs = {"a": 0, "b": 0}

    def work(name: str, first: int, second: int):
        def run(conn: PgConnection) -> None:
            runs[name] += 1
            conn.execute("UPDATE orders SET progress = progress WHERE po_number = ?", (first,))
            if runs[name] == 1:
                meet.wait()
            conn.execute("UPDATE orders SET progress = progress WHERE po_number = ?", (second,))

        return run

    t = threading.Thread(target=lambda: b._transaction(work("b", 119, 118)))
    t.start()
    a._transaction(work("a", 118, 119))
    t.join()
    assert sorted(runs.values()) == [1, 2]  # the deadlock's victim ran once more


def test_a_write_committing_late_is_still_named_by_the_live_token(pg_database, two):
    cluster, name = pg_database
    a, b = two
    token = a.changes_since(None).token
    late = connect(cluster, name, APP)
    late.execute("BEGIN")
    late.execute(  # an entry for PO 119 whose id is taken before PO 100's
        "INSERT INTO activity(po_number, at, \"user\", action, details, hash) "
        "VALUES (119, 't', 'x', 'Note', '', NULL)"
    )
    b.acknowledge_in_full(100)
    first = a.changes_since(token)
    late.execute("COMMIT")
    late.close()
    second = a.changes_since(first.token)
    assert 119 in first.po_numbers + second.po_numbers and 100 in first.po_numbers + second.po_numbers
    assert a.changes_since(a.changes_since(second.token).token).po_numbers == []


# --- the same answers as SQLite --------------------------------------------------------------


def test_the_trigger_kept_facts_give_the_scorecard_sqlite_gives(tmp_path, pg_url):
    """The scorecard reads sums kept by each engine's own triggers: the same workflow on
    both stores gives the same scorecards and counts."""
    from datetime import timedelta

    from dropship_tui.domain.models import Reason, ReasonCode
    from dropship_tui.store.base import OrderQuery
    from dropship_tui.store.sqlite.store import SqliteStore

    results = []
    for store in (SqliteStore(tmp_path / "s.db", user="jordan", clock=fixed_clock),
                  PostgresStore(pg_url, user="jordan", clock=fixed_clock)):
        with store:
            seed(store)
            store.import_orders([f.order(po, hours_old=h) for po, h in ((200, 30), (201, 5), (202, 50), (203, 1), (204, 80))])
            store.acknowledge_in_full(200)
            store.acknowledge(201, None, {1: 3}, {1: Reason(code=ReasonCode.OUT_OF_STOCK)})
            store.cancel(202, None, Reason(code=ReasonCode.OUT_OF_STOCK))
            store.acknowledge_in_full(204)
            store.save_slips(204, None, [{1: 5}])
            store.save_tracking(204, None, 1, "1Z999AA10123456784")
            store.generate_invoice(204, None)
            store.complete(204, None)
            cards = store.scorecards(f.NOW - timedelta(days=14), f.NOW + timedelta(days=1))
            pages = [s.model_dump() for s in store.list_orders(OrderQuery(search="ann"))]
            results.append((cards, store.counts(), pages, store.activity(204)))
    assert results[0] == results[1]
    assert results[0][0][0].orders > 0
