"""Schema versions: a store written by an earlier version opens, upgrades and keeps its data."""

from __future__ import annotations

import sqlite3

import pytest

from dropship_tui.domain.models import SlaStatus, SlaThresholds, Stage
from dropship_tui.store.sqlite import schema
from dropship_tui.store.base import OrderQuery
from dropship_tui.store.sqlite.rows import V1_ORDER_COLUMNS, line_rows, order_row
from dropship_tui.store.sqlite import SqliteStore, connect

from factories import NOW, location, order, vendor


def names(conn: sqlite3.Connection, kind: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (kind,))}


def make_v1_store(path) -> None:
    """What the first released version wrote: only migration 1, then some data."""
    conn = connect(path)
    schema.migrate(conn, target=1)
    assert schema.user_version(conn) == 1
    assert "stock" not in names(conn, "table")
    v, loc = vendor(), location()
    o = order(82, hours_old=30)  # New, 30 h of 24: overdue
    done = order(83, hours_old=100).model_copy(  # finished late: keeps "overdue"
        update={"stage": Stage.COMPLETED, "final_sla_status": SlaStatus.OVERDUE, "completed_at": NOW}
    )
    conn.execute("BEGIN")
    conn.execute("INSERT INTO vendors(code, name, body) VALUES (?, ?, ?)", (v.code, v.name, v.model_dump_json()))
    conn.execute(
        "INSERT INTO locations(code, vendor_code, group_code, body) VALUES (?, ?, NULL, ?)",
        (loc.code, loc.vendor_code, loc.model_dump_json()),
    )
    for each in (o, done):
        conn.execute(
            f"INSERT INTO orders({', '.join(V1_ORDER_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(V1_ORDER_COLUMNS))})",
            order_row(each, loc.sla_policy, SlaThresholds()),
        )
        conn.executemany("INSERT INTO lines VALUES (?, ?, ?, ?, ?)", line_rows(each))
    conn.execute(
        "INSERT INTO activity(po_number, at, user, action, details) VALUES (82, ?, 'operator', 'Order received', '')",
        (NOW.isoformat(),),
    )
    conn.execute("COMMIT")
    conn.close()


def test_v1_store_upgrades_to_current_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    make_v1_store(path)
    with SqliteStore(path, clock=lambda: NOW) as store:
        assert store.schema_version == schema.SCHEMA_VERSION >= 2
        conn = store.connection
        assert "stock" in names(conn, "table")
        assert {"orders_open_due", "orders_final", "orders_stage_customer"} <= names(conn, "index")
        assert {"sla_counts", "order_bodies"} <= names(conn, "table")
        assert "body" not in [r[1] for r in conn.execute("PRAGMA table_info(orders)")]
        # The old data, read and queried through the new schema.
        o = store.get_order(82)
        assert o.stage is Stage.NEW and o.order_number == "119"
        overdue = OrderQuery(sla=SlaStatus.OVERDUE)
        assert [s.po_number for s in store.list_orders(overdue)] == [82, 83]
        assert store.count_orders(overdue) == 2  # the finished one counted by the v4 step
        assert (store.counts().new, store.counts().completed) == (1, 1)
        assert [e.action for e in store.activity(82)] == ["Order received"]
        # v9 back-filled the old entry's hash and recorded that it did.
        assert conn.execute("SELECT hash FROM activity WHERE po_number = 82").fetchone()[0]
        assert '"back_filled_entries": 1' in conn.execute(
            "SELECT value FROM meta WHERE key = 'activity_chain'"
        ).fetchone()[0]
        # The new table works, and the old rules still hold.
        store.set_stock("V-SKU-123", "MYSTIC-WH1", 3)
        assert store.stock("V-SKU-123", "MYSTIC-WH1") == 3
        o = store.acknowledge(82, 1, {}, {})
        assert o.stage is Stage.IN_PROGRESS
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM activity")


def test_every_earlier_version_upgrades(tmp_path):
    for version in range(schema.SCHEMA_VERSION + 1):
        path = tmp_path / f"v{version}.db"
        conn = connect(path)
        schema.migrate(conn, target=version)
        conn.close()
        with SqliteStore(path) as store:
            assert store.schema_version == schema.SCHEMA_VERSION
            store.add_vendor(vendor())
            store.add_location(location())
            store.import_orders([order()])
            assert store.counts().total == 1


def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "s.db"
    SqliteStore(path).close()
    conn = connect(path)
    assert schema.migrate(conn) == schema.SCHEMA_VERSION  # already current: nothing ran
    conn.close()


def test_a_newer_store_is_refused(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(schema.SchemaTooNewError, match="newer dropship-tui"):
        SqliteStore(path)


def test_wal_and_foreign_keys(tmp_path):
    with SqliteStore(tmp_path / "s.db") as store:
        conn = store.connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO locations(code, vendor_code, body) VALUES ('L', 'NO-SUCH-VENDOR', '{}')"
            )


def test_a_failed_migration_step_leaves_the_store_at_the_last_good_version(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    conn = connect(path)

    def broken(c):
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError):
        schema.migrate(conn)
    assert schema.user_version(conn) == 1
    assert "half_done" not in names(conn, "table")
    conn.close()
