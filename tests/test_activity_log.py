"""The activity log is append-only for real and tamper-evident; ``dropship-tui verify``
(issue 12 item 4). Real SQLite files; the CLI as a real process."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from dropship_tui.domain.invariants import order_invariant_problems
from dropship_tui.domain.models import PackingSlip, SlaThresholds, Stage
from dropship_tui.store.demo import build_demo
from dropship_tui.store.sqlite import SqliteStore, connect, schema
from dropship_tui.store.sqlite.imports import insert_orders
from dropship_tui.store.sqlite.verify import verify_file

from factories import NOW, line, location, order, vendor

ACTIVITY_TRIGGERS = {"activity_no_update", "activity_no_delete", "activity_no_replace"}


def triggers(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def expected_hash(previous: str, po: int, at: str, user: str, action: str, details: str) -> str:
    """The documented link (docs/cli.md "verify"), written out independently."""
    text = "".join(f"{len(f)}:{f}," for f in (previous, str(po), at, user, action, details))
    return hashlib.sha256(text.encode()).hexdigest()


def verify(db: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("DROPSHIP_TUI_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "dropship_tui", "verify", "--db", str(db), *extra],
        capture_output=True, text=True, env=env, timeout=120,
    )


def assert_clean(db: Path) -> None:
    result = verify(db)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    assert result.stdout.startswith("verified ") and len(result.stdout.splitlines()) == 1


@pytest.fixture
def db(tmp_path) -> Path:
    """A store with PO 82 acknowledged and PO 83 New (each with its activity)."""
    path = tmp_path / "store.db"
    with SqliteStore(path, clock=lambda: NOW, user="jordan") as store:
        store.add_vendor(vendor())
        store.add_location(location())
        store.import_orders([order(82), order(83)])
        store.acknowledge(82, 1, {}, {})
    return path


def entries(path: Path, po: int) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, at, user, action, details, hash FROM activity WHERE po_number = ? ORDER BY id", (po,)
        ).fetchall()
    finally:
        conn.close()


# --- append-only ---------------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "INSERT OR REPLACE INTO activity(id, po_number, at, user, action, details) VALUES (?, 82, 'x', 'y', 'Rewritten', '')",
    "REPLACE INTO activity(id, po_number, at, user, action, details) VALUES (?, 82, 'x', 'y', 'Rewritten', '')",
    "INSERT INTO activity(id, po_number, at, user, action) VALUES (?, 82, 'x', 'y', 'Rewritten') "
    "ON CONFLICT(id) DO UPDATE SET action = 'Rewritten'",
])
def test_replacing_an_entry_is_refused_even_without_recursive_triggers(db, sql):
    before = entries(db, 82)
    raw = sqlite3.connect(db)  # a plain connection: recursive_triggers off
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute(sql, (before[0][0],))
        raw.commit()
    finally:
        raw.close()
    assert entries(db, 82) == before


def test_every_store_connection_has_recursive_triggers_so_replace_fires_the_delete_trigger(db):
    conn = connect(db)
    try:
        assert conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
        conn.execute("DROP TRIGGER activity_no_replace")  # only the DELETE trigger is left
        first = entries(db, 82)[0][0]
        with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
            conn.execute(
                "INSERT OR REPLACE INTO activity(id, po_number, at, user, action) VALUES (?, 82, 'x', 'y', 'Z')",
                (first,),
            )
    finally:
        conn.close()


def test_update_and_delete_are_still_refused(db):
    raw = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            raw.execute("UPDATE activity SET details = 'rewritten'")
        with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
            raw.execute("DELETE FROM activity WHERE po_number = 82")
    finally:
        raw.close()
    assert [e[3] for e in entries(db, 82)] == ["Order received", "Order acknowledged"]


def test_dropped_triggers_are_re_created_when_the_store_opens(db):
    raw = sqlite3.connect(db)
    for name in ACTIVITY_TRIGGERS:
        raw.execute(f"DROP TRIGGER {name}")
    raw.commit()
    assert not ACTIVITY_TRIGGERS & triggers(raw)
    raw.close()
    with SqliteStore(db) as store:
        assert ACTIVITY_TRIGGERS <= triggers(store.connection)
    raw = sqlite3.connect(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM activity")
    finally:
        raw.close()


# --- the chain -------------------------------------------------------------------------


def test_each_entry_is_chained_to_the_one_before_of_its_order(db):
    for po in (82, 83):
        previous = "0" * 64
        for _, at, user, action, details, stored in entries(db, po):
            assert stored == expected_hash(previous, po, at, user, action, details)
            previous = stored
    assert len(entries(db, 82)) == 2 and len(entries(db, 83)) == 1


def test_a_changed_entry_makes_verify_exit_1_naming_the_po(db):
    assert_clean(db)
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER activity_no_update")
    raw.execute("UPDATE activity SET user = 'mallory' WHERE po_number = 82 AND action = 'Order received'")
    raw.commit()
    raw.close()
    SqliteStore(db).close()  # re-creates the trigger: the change stays visible in the chain
    result = verify(db)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "PO 82: activity entry 1 (Order received, 2026-11-24T15:00:00+00:00) does not match its "
        "chain: the log was changed"
    ]
    assert result.stderr.splitlines() == [
        "dropship-tui: verify checked 2 orders and 3 activity entries: 1 order found wrong (PO 82)"
    ]


def test_missing_triggers_an_entry_without_hash_and_a_broken_invariant_are_each_named(db):
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER activity_no_delete")
    raw.execute("INSERT INTO activity(po_number, at, user, action) VALUES (83, 'x', 'y', 'Note')")
    body = json.loads(raw.execute("SELECT body FROM order_bodies WHERE po_number = 82").fetchone()[0])
    body["lines"][0]["quantity_accepted"] = 3  # 5 ordered, nothing canceled
    raw.execute("UPDATE order_bodies SET body = ? WHERE po_number = 82", (json.dumps(body),))
    raw.commit()
    raw.close()
    result = verify(db, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert [p.split(" is missing")[0] for p in report["store_problems"]] == ["the trigger activity_no_delete"]
    assert report["orders_wrong"] == [
        {"po_number": 82, "problems": ["line 1: 5 units ordered, but 3 accepted + 0 canceled"]},
        {"po_number": 83, "problems": ["activity entry 2 (Note, x) has no hash: it was written outside dropship-tui"]},
    ]
    assert "2 orders found wrong (PO 82, 83) and 1 problem with the store itself" in result.stderr


def test_verify_is_for_local_stores_only(db, tmp_path):
    result = verify(db, "--api", "http://127.0.0.1:9")
    assert result.returncode == 2 and "not with --api" in result.stderr
    result = verify(tmp_path / "missing.db")
    assert result.returncode == 1 and "No store at" in result.stderr
    assert not (tmp_path / "missing.db").exists()


# --- the order invariants (domain) ------------------------------------------------------


def test_order_invariants():
    new = order(lines=[line(1, qty=5), line(2, qty=2, sku="SKU-9")])
    assert order_invariant_problems(new) == []  # New: nothing accepted yet
    acked = new.model_copy(update={
        "stage": Stage.IN_PROGRESS, "acknowledged_at": NOW,
        "lines": tuple(l.model_copy(update={"quantity_accepted": l.quantity_ordered}) for l in new.lines),
    })
    assert order_invariant_problems(acked) == []
    short = acked.model_copy(update={"lines": (acked.lines[0].model_copy(update={"quantity_accepted": 4}), acked.lines[1])})
    assert order_invariant_problems(short) == ["line 1: 5 units ordered, but 4 accepted + 0 canceled"]
    slips = acked.model_copy(update={"slips": (PackingSlip(number=1, lines={1: 5, 2: 1}),)})
    assert order_invariant_problems(slips) == ["line 2: the packing slips hold 1 unit, not the 2 accepted"]
    stray = acked.model_copy(update={"slips": (PackingSlip(number=1, lines={1: 5, 2: 2, 7: 1}),)})
    assert order_invariant_problems(stray) == ["packing slip 1 holds line 7, which the order does not have"]
    unset = new.model_copy(update={"stage": Stage.CANCELED})
    assert order_invariant_problems(unset)[0] == "line 1 has no accepted quantity"


# --- whole stores -----------------------------------------------------------------------


@pytest.mark.parametrize("fast", [False, True])
def test_a_fresh_demo_store_verifies_clean(tmp_path, fast):
    path = tmp_path / "demo.db"
    build_demo(path, orders=300, seed=3, now=NOW, fast=fast, workers=0)
    assert_clean(path)
    report = verify_file(path)
    assert report.ok and report.orders == 300 and report.entries > 300


def make_v8_store(path: Path) -> None:
    """What version 8 wrote: no hash column, no replace trigger; two orders with history."""
    conn = connect(path)
    schema.migrate(conn, target=8)
    assert "hash" not in [r[1] for r in conn.execute("PRAGMA table_info(activity)")]
    v, loc = vendor(), location()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO vendors(code, name, body) VALUES (?, ?, ?)", (v.code, v.name, v.model_dump_json()))
    conn.execute(
        "INSERT INTO locations(code, vendor_code, group_code, body) VALUES (?, ?, NULL, ?)",
        (loc.code, loc.vendor_code, loc.model_dump_json()),
    )
    insert_orders(conn, [(order(82), loc.sla_policy), (order(83), loc.sla_policy)], SlaThresholds())
    at = NOW - timedelta(hours=1)
    for po, action in [(82, "Order received"), (83, "Order received"), (82, "Note")]:
        conn.execute(
            "INSERT INTO activity(po_number, at, user, action, details) VALUES (?, ?, 'operator', ?, 'd')",
            (po, at.isoformat(), action),
        )
    conn.execute("COMMIT")
    conn.close()


def test_an_older_store_is_upgraded_with_the_chain_back_filled_and_verifies_clean(tmp_path):
    path = tmp_path / "v8.db"
    make_v8_store(path)
    assert_clean(path)  # verify upgrades it first, as every command does
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert ACTIVITY_TRIGGERS <= triggers(conn)
        record = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'activity_chain'").fetchone()[0])
    finally:
        conn.close()
    assert (record["back_filled_entries"], record["back_filled_orders"]) == (3, 2)
    a, b = entries(path, 82)
    assert a[5] == expected_hash("0" * 64, 82, *a[1:5]) and b[5] == expected_hash(a[5], 82, *b[1:5])
    # Writes after the upgrade go on from the back-filled chain.
    with SqliteStore(path, clock=lambda: NOW) as store:
        store.acknowledge(82, 1, {}, {})
    assert_clean(path)
    assert entries(path, 82)[-1][5] == expected_hash(b[5], 82, *entries(path, 82)[-1][1:5])


def test_killing_ack_all_new_at_any_point_leaves_a_store_that_verifies(tmp_path):
    """SIGKILL ``ack --all-new`` later and later until it finishes on its own; after every
    kill the store verifies clean (each order acknowledged whole, or not at all)."""
    path = tmp_path / "crash.db"
    total = 3000
    with SqliteStore(path, clock=lambda: NOW) as store:
        store.add_vendor(vendor())
        store.add_location(location())
        store.import_orders([order(po) for po in range(1000, 1000 + total)])
    env = {**os.environ, "DROPSHIP_TUI_USER": "jordan"}
    killed_midway = 0
    for delay in [0.35 * 1.3**k for k in range(12)] + [120]:  # later and later
        proc = subprocess.Popen(
            [sys.executable, "-m", "dropship_tui", "ack", "--all-new", "--db", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        try:
            finished = proc.wait(timeout=delay) == 0
        except subprocess.TimeoutExpired:
            proc.kill()  # no clean-up of any kind
            proc.wait()
            finished = False
        assert_clean(path)
        with SqliteStore(path) as store:
            counts = store.counts()
        done = counts.in_progress
        assert counts.new + done == total
        killed_midway += not finished and 0 < done < total
        if finished:
            break
    assert finished and done == total
    assert killed_midway  # at least one kill landed in the middle of the batch
