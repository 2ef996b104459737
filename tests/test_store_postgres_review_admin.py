"""Issue 11 review fixes on a real PostgreSQL (``pg_support``), the admin side: ``migrate``
between engines (the target's own xid, the owner only, a writer on the target, the
invoice counter), a request whose Idempotency-Key is still held, passwords kept out of
messages, the SQL translation, a dropped connection, ``verify`` of a replica-only
trigger."""

from __future__ import annotations

import threading
import time

import pytest

import factories
from dropship_tui.domain.models import Stage
from dropship_tui.store.postgres.store import PostgresStore
from dropship_tui.store.sqlite.store import SqliteStore
from pg_support import APP, OWNER
from test_store_postgres_review import _fill
from tui_support import clock


# --- review #9, #10, #15 and the invoice counter: migrate -----------------------------------


def _migrate(capsys, source: str, target: str) -> tuple[int, str]:
    from dropship_tui import cli

    code = cli.main(["migrate", "--from", source, "--to", target])
    return code, capsys.readouterr().err


@pytest.fixture
def pg_source(pg_cluster):
    """A PostgreSQL store with the sample orders moved along (each action its own
    transaction), as the owner; and an empty migrated database to copy it into."""
    source, target = pg_cluster.fresh_database(), pg_cluster.fresh_database()
    store = PostgresStore(pg_cluster.url(source, OWNER), user="jordan", clock=clock)
    _fill(store)
    store.close()
    yield pg_cluster, source, target
    pg_cluster.drop(source)
    pg_cluster.drop(target)


def _xids(cluster, name: str) -> set[int]:
    with cluster.admin(name) as conn:
        return {x for (x,) in conn.execute("SELECT DISTINCT xid FROM activity")}


def test_migrate_between_postgresql_databases_gives_the_activity_the_targets_own_xid(pg_source, capsys):
    cluster, source, target = pg_source
    code, err = _migrate(capsys, cluster.url(source, OWNER), cluster.url(target, OWNER))
    assert code == 0, err
    before, after = _xids(cluster, source), _xids(cluster, target)
    assert len(before) > 1 and len(after) == 1 and not after & before  # the copy's one transaction


def test_migrate_as_the_app_role_says_to_run_it_as_the_owner(pg_source, tmp_path, capsys):
    cluster, source, target = pg_source
    code, err = _migrate(capsys, cluster.url(source, OWNER), cluster.url(target, APP))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "run it as the owner" in err and "unexpected" not in err
    with cluster.admin(target) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_migrate_waits_for_a_writer_on_the_target_and_refuses_to_copy_beside_it(pg_source, capsys, monkeypatch):
    """A transaction still writing into the target (a server left running) holds the
    copy back; when it does not end in time, nothing is copied (the emptiness check
    is made with the tables held, so no row lands beside the copy)."""
    from dropship_tui.store import transfer

    monkeypatch.setattr(transfer, "LOCK_TIMEOUT_S", 1)
    cluster, source, target = pg_source
    with cluster.admin(target) as writer:
        writer.execute("BEGIN")
        writer.execute("INSERT INTO vendors(code, name, body) VALUES ('LATE', 'Late', '{}')")
        code, err = _migrate(capsys, cluster.url(source, OWNER), cluster.url(target, OWNER))
        writer.execute("ROLLBACK")
    assert code == 1 and "in use" in err and len(err.strip().splitlines()) == 1
    with cluster.admin(target) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0


def test_migrate_from_postgresql_into_sqlite_moves_the_invoice_counter_on(pg_source, tmp_path, capsys):
    cluster, source, _ = pg_source
    back = tmp_path / "back.db"
    code, err = _migrate(capsys, cluster.url(source, OWNER), str(back))
    assert code == 0, err
    store = SqliteStore(back, user="jordan", clock=clock)
    with store.reading() as conn:
        taken = sorted(n for (n,) in conn.execute("SELECT number FROM invoices"))
        (counter,) = conn.execute("SELECT value FROM sequences WHERE name = 'invoice'").fetchone()
    assert taken == ["INV-000001", "INV-000002"] and counter == 2
    store.close()


# --- review #11: a request whose Idempotency-Key another one still holds -----------------------


def test_a_request_whose_key_another_still_holds_is_answered_409_in_bounded_time(pg_database, pg_url, monkeypatch):
    """Another process's write claimed the key and has not committed: this one waits at
    most ``IDEMPOTENCY_WAIT_S``, then is refused as a conflict, nothing done."""
    from dropship_tui.domain.errors import ConflictError
    from dropship_tui.server import backend
    from dropship_tui.server.backend import KeyedWrite, open_server_store

    monkeypatch.setattr(backend, "IDEMPOTENCY_WAIT_S", 0.5)
    cluster, name = pg_database
    store = open_server_store(pg_url, user="server", clock=clock)
    store.add_vendor(factories.vendor())
    store.add_location(factories.location())
    store.import_orders([factories.order(82)])
    with cluster.admin(name) as other:
        other.execute("BEGIN")
        other.execute("INSERT INTO idempotency(\"user\", key, status, body, created_at) "
                      "VALUES ('jordan', 'k-1', 0, '', 'now')")
        started = time.monotonic()
        with pytest.raises(ConflictError) as info, store.acting("jordan", KeyedWrite("jordan", "k-1")):
            store.acknowledge(82, None, {1: 5}, {})
        waited = time.monotonic() - started
        other.execute("ROLLBACK")
    assert "still being applied" in info.value.message and waited < 5
    assert store.get_order(82).stage is Stage.NEW
    store.close()


# --- review #4: passwords never in a message ----------------------------------------------------


@pytest.mark.parametrize(("address", "shown"), [
    ("postgresql://u:s3cr%zzet@db/x", "postgresql://u:***@db/x"),
    ("postgresql://u:p/a#s?s@db/x", "postgresql://u:***@db/x"),
    ("postgresql://u:p@ss@db/x", "postgresql://u:***@db/x"),
    ("postgresql://u@db/x?sslmode=require&password=hunter22", "postgresql://u@db/x?sslmode=require&password=***"),
    ("postgres://u@db:5432/x", "postgres://u@db:5432/x"),
])
def test_an_address_is_shown_without_its_password(address, shown):
    from dropship_tui.store.postgres.address import describe

    assert describe(address) == shown


def test_a_connection_error_quoting_the_password_does_not_show_it():
    """libpq quotes a badly percent-encoded password in its error text."""
    from dropship_tui.store.postgres.address import StoreAddressError

    with pytest.raises(StoreAddressError) as info:
        PostgresStore("postgresql://u:s3cr%zzet@127.0.0.1:1/x")
    assert "s3cr" not in info.value.message and "***" in info.value.message


def test_the_serve_banner_hides_a_password_given_as_a_parameter(pg_url, capsys, monkeypatch):
    """``serve`` names the store in its banner by ``describe``: a password= parameter
    (here a dummy one: the test server trusts the socket) is shown as ***."""
    import uvicorn

    from dropship_tui import cli

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # the banner, not a server
    address = pg_url + "&password=hunter22"
    assert cli.main(["serve", "--db", address, "--port", "8765"]) == 0
    err = capsys.readouterr().err
    assert "Serving" in err and "hunter22" not in err and "password=***" in err


# --- review #8: the SQL translation -------------------------------------------------------------


@pytest.mark.parametrize(("sql", "bare", "pg"), [
    ("SELECT 1 FROM t WHERE x LIKE 'a%' AND y = ?", False, "SELECT 1 FROM t WHERE x LIKE 'a%%' AND y = %s"),
    ("SELECT 1 -- don't\nFROM t WHERE y = ?", False, "SELECT 1 -- don't\nFROM t WHERE y = %s"),
    ("SELECT 1 /* it's :x */ FROM t WHERE y = :y", False, "SELECT 1 /* it's :x */ FROM t WHERE y = %(y)s"),
    ("SELECT 1 FROM t WHERE 1 = 1", True, "SELECT 1 FROM t WHERE 1 = 1"),
    ("SELECT 1 FROM t WHERE 1 ORDER BY a", True, "SELECT 1 FROM t WHERE TRUE ORDER BY a"),
    ("SELECT E'a\\'b ?', ?", False, "SELECT E'a\\'b ?', %s"),
    ("SELECT $$ it's ? $$, ?", False, "SELECT $$ it's ? $$, %s"),
    ("SELECT MAX(0, x), max(po), coalesce(max(a), 0), min(1, y) FROM t", True,
     "SELECT greatest(0, x), max(po), coalesce(max(a), 0), least(1, y) FROM t"),
    ("SELECT user, 'user' FROM t", True, "SELECT \"user\", 'user' FROM t"),
])
def test_translate_reads_literals_and_comments_as_such(sql, bare, pg):
    from dropship_tui.store.postgres.adapter import translate

    assert translate(sql, bare) == pg


@pytest.mark.parametrize("sql", [
    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
    "INSERT OR REPLACE INTO vendors(code, name) VALUES (?, ?)",
    "SELECT 1 FROM t WHERE b::jsonb ?| array['a']",
])
def test_translate_refuses_what_it_cannot_spell_clearly(sql):
    from dropship_tui.store.postgres.adapter import UntranslatableSql, translate

    with pytest.raises(UntranslatableSql):
        translate(sql)


def test_a_like_pattern_with_a_percent_runs_with_parameters(pg_url):
    store = PostgresStore(pg_url, user="jordan", clock=clock)
    store.add_vendor(factories.vendor())
    with store.reading() as conn:
        assert conn.execute("SELECT code FROM vendors WHERE code LIKE 'MY%' AND name <> ?", ("",)).fetchall() == [
            ("MYSTIC",)]
    store.close()


# --- review #13: a database restart --------------------------------------------------------------


def test_after_the_servers_connections_are_dropped_the_next_request_works(pg_database, pg_url):
    cluster, name = pg_database
    store = PostgresStore(pg_url, user="jordan", clock=clock, separate_reads=True)
    store.add_vendor(factories.vendor())
    assert store.vendor("MYSTIC").code == "MYSTIC"
    with cluster.admin() as admin:  # what a restart does to every pooled connection
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    assert store.vendor("MYSTIC").code == "MYSTIC"
    store.close()


# --- verify: an append-only trigger set to fire on replicas only --------------------------------


def test_verify_counts_a_trigger_that_fires_on_replicas_only_as_off(pg_database, pg_url, capsys):
    """``ENABLE REPLICA TRIGGER``: still "enabled" in pg_trigger, but never fires in a
    normal session, so the log could be rewritten: verify says so."""
    from dropship_tui import cli

    cluster, name = pg_database
    PostgresStore(pg_url, user="jordan", clock=clock).close()
    with cluster.admin(name) as su:
        su.execute("ALTER TABLE activity ENABLE REPLICA TRIGGER activity_no_update")
    assert cli.main(["verify", "--db", pg_url]) == 1
    assert "the trigger activity_no_update on activity is missing or disabled" in capsys.readouterr().out


# --- a vendor admin's location save beside the operator's policy change -------------------------


def test_a_vendor_admins_location_save_cannot_restore_a_policy_the_operator_just_set(pg_database, pg_url):
    """The operator's new policy is being committed (another process) when the vendor
    admin saves the location as it was before: the save's check reads the location in
    its own write, after the operator's commit, so it is refused (403) and the
    operator's policy stays."""
    import httpx

    from dropship_tui.domain.models import SlaPolicy
    from serve_support import add_user
    from test_remote_support import LiveServer
    from test_store_postgres_review import PausingHook, _wait_for_lock_wait

    cluster, name = pg_database
    setup = PostgresStore(pg_url, user="setup", clock=clock)
    setup.add_vendor(factories.vendor())
    setup.add_location(factories.location())
    token = add_user(pg_url, "jordan", "MYSTIC")
    server = LiveServer(pg_url)
    hook = PausingHook()
    operator = PostgresStore(pg_url, user="otto", clock=clock, hook=hook)
    policy = SlaPolicy(hours_to_acknowledge=10, hours_to_ship=50)
    hook.hold.set()
    thread = threading.Thread(target=lambda: operator.add_location(
        factories.location().model_copy(update={"sla_policy": policy})))
    thread.start()
    assert hook.paused.wait(30)
    hook.hold.clear()
    answers: list = []
    saved = factories.location().model_copy(update={"name": "[bold]Renamed[/]"})
    save = threading.Thread(target=lambda: answers.append(httpx.put(
        f"{server.url}/locations", json=saved.model_dump(mode="json"),
        headers={"Authorization": f"Bearer {token}"}, timeout=30)))
    save.start()
    with cluster.admin() as watch:
        _wait_for_lock_wait(watch, name)
    hook.go.set()
    thread.join(30)
    save.join(30)
    try:
        assert answers[0].status_code == 403, answers[0].text
        assert setup.location("MYSTIC-WH1").sla_policy == policy
    finally:
        server.stop()
        operator.close()
        setup.close()
