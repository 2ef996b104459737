"""The SQLite schema as a list of forward migrations, tracked by ``PRAGMA user_version``.

``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``. A store written by any
earlier version of the app is upgraded step by step when it is opened; a store newer than
this code is refused rather than guessed at. Never edit a shipped step: append a new one.

Since v7 an order's JSON (``Order.model_dump_json()``) lives in ``order_bodies``; the
``orders`` row keeps only the columns the dashboard filters, sorts and shows.

Times in indexed columns are epoch **microseconds** (exact, so the SQL comparison of an
SLA mark with "now" agrees with ``sla.status_at`` to the microsecond).

For an open order ``sla_at_risk_at`` / ``sla_overdue_at`` are the instants of
``sla.sla_marks``; a finished order keeps the SLA status it ended with (``final_sla``), and
its two marks are set to fixed sentinels that encode that status (``SLA_PAST`` = always
reached, ``SLA_NEVER`` = never reached). So for every order, at any ``now``:

    overdue  <=>  sla_overdue_at <= now
    at risk  <=>  sla_at_risk_at <= now < sla_overdue_at
    on time  <=>  now < sla_at_risk_at

— one indexed range predicate per status, no per-row Python.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence

from dropship_tui.domain.errors import DomainError
from dropship_tui.store.sqlite import activity_chain, edi_tables
from dropship_tui.store.sqlite import serving_tables
from dropship_tui.store.sqlite import package_tables
from dropship_tui.store.sqlite import facts_tables, setup_log
from dropship_tui.store.sqlite import edi_snapshots
from dropship_tui.store.sqlite import location_index
from dropship_tui.store.sqlite import scorecard_sums
from dropship_tui.store.sqlite import page_indexes
from dropship_tui.store.sqlite import facts_upkeep
from dropship_tui.store.sqlite import search_indexes
from dropship_tui.store.sqlite import stage_progress_index
from dropship_tui.store.sqlite import edi_interchanges

SLA_PAST = -(2**62)
SLA_NEVER = 2**62

# --- v1: core tables ------------------------------------------------------------------

V1_TABLES = [
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE sequences (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    )""",
    "INSERT INTO sequences(name, value) VALUES ('invoice', 0)",
    """CREATE TABLE vendors (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        body TEXT NOT NULL
    )""",
    """CREATE TABLE location_groups (
        code TEXT PRIMARY KEY,
        body TEXT NOT NULL
    )""",
    """CREATE TABLE locations (
        code TEXT PRIMARY KEY,
        vendor_code TEXT NOT NULL REFERENCES vendors(code),
        group_code TEXT REFERENCES location_groups(code),
        body TEXT NOT NULL
    )""",
    """CREATE TABLE sku_mappings (
        vendor_code TEXT NOT NULL REFERENCES vendors(code),
        product_code TEXT NOT NULL,
        vendor_sku TEXT NOT NULL,
        upc TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (vendor_code, product_code)
    )""",
    # One row per order: the indexed summary columns, then the whole record as JSON
    # (``Order.model_dump_json()``; activity lives in its own table).
    """CREATE TABLE orders (
        po_number INTEGER PRIMARY KEY,
        order_number TEXT NOT NULL,
        vendor_code TEXT NOT NULL REFERENCES vendors(code),
        location_code TEXT NOT NULL REFERENCES locations(code),
        customer TEXT NOT NULL,
        customer_key TEXT NOT NULL,
        first_key TEXT NOT NULL,
        last_key TEXT NOT NULL,
        order_date INTEGER NOT NULL,
        stage TEXT NOT NULL,
        stage_rank INTEGER NOT NULL,
        sla_at_risk_at INTEGER NOT NULL,
        sla_overdue_at INTEGER NOT NULL,
        final_sla TEXT,
        progress INTEGER NOT NULL,
        total_units INTEGER NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL
    )""",
    """CREATE TABLE lines (
        po_number INTEGER NOT NULL REFERENCES orders(po_number),
        line_id INTEGER NOT NULL,
        sku TEXT NOT NULL,
        vendor_sku TEXT NOT NULL,
        upc TEXT NOT NULL,
        PRIMARY KEY (po_number, line_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE tracking (
        number TEXT PRIMARY KEY,
        po_number INTEGER NOT NULL REFERENCES orders(po_number),
        slip INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE invoices (
        number TEXT PRIMARY KEY,
        po_number INTEGER NOT NULL UNIQUE REFERENCES orders(po_number)
    )""",
    """CREATE TABLE activity (
        id INTEGER PRIMARY KEY,
        po_number INTEGER NOT NULL REFERENCES orders(po_number),
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT ''
    )""",
    # R11: history can never be rewritten, whatever path writes to the file.
    activity_chain.NO_UPDATE,
    activity_chain.NO_DELETE,
    # Stage tiles without counting a million rows: counters kept by triggers.
    """CREATE TABLE stage_counts (
        vendor_code TEXT NOT NULL,
        stage TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (vendor_code, stage)
    ) WITHOUT ROWID""",
]

COUNT_TRIGGERS = [
    """CREATE TRIGGER orders_count_insert AFTER INSERT ON orders BEGIN
        INSERT OR IGNORE INTO stage_counts(vendor_code, stage, n)
            VALUES (new.vendor_code, new.stage, 0);
        UPDATE stage_counts SET n = n + 1
            WHERE vendor_code = new.vendor_code AND stage = new.stage;
    END""",
    """CREATE TRIGGER orders_count_delete AFTER DELETE ON orders BEGIN
        UPDATE stage_counts SET n = n - 1
            WHERE vendor_code = old.vendor_code AND stage = old.stage;
    END""",
    """CREATE TRIGGER orders_count_update AFTER UPDATE OF stage, vendor_code ON orders
       WHEN old.stage IS NOT new.stage OR old.vendor_code IS NOT new.vendor_code BEGIN
        UPDATE stage_counts SET n = n - 1
            WHERE vendor_code = old.vendor_code AND stage = old.stage;
        INSERT OR IGNORE INTO stage_counts(vendor_code, stage, n)
            VALUES (new.vendor_code, new.stage, 0);
        UPDATE stage_counts SET n = n + 1
            WHERE vendor_code = new.vendor_code AND stage = new.stage;
    END""",
]

RECOUNT = [
    "DELETE FROM stage_counts",
    """INSERT INTO stage_counts(vendor_code, stage, n)
       SELECT vendor_code, stage, count(*) FROM orders GROUP BY vendor_code, stage""",
]

V1_INDEXES = [
    "CREATE INDEX IF NOT EXISTS orders_order_number ON orders(order_number)",
    "CREATE INDEX IF NOT EXISTS orders_customer ON orders(customer_key)",
    "CREATE INDEX IF NOT EXISTS orders_last_name ON orders(last_key)",
    "CREATE INDEX IF NOT EXISTS orders_order_date ON orders(order_date)",
    "CREATE INDEX IF NOT EXISTS orders_stage ON orders(stage_rank)",
    "CREATE INDEX IF NOT EXISTS orders_progress ON orders(progress)",
    "CREATE INDEX IF NOT EXISTS lines_sku ON lines(sku)",
    "CREATE INDEX IF NOT EXISTS lines_vendor_sku ON lines(vendor_sku)",
    "CREATE INDEX IF NOT EXISTS lines_upc ON lines(upc)",
    "CREATE INDEX IF NOT EXISTS tracking_po ON tracking(po_number)",
    "CREATE INDEX IF NOT EXISTS activity_po ON activity(po_number, id)",
]

# --- v2: stock levels, SLA and stage-filtered dashboard indexes ------------------------

V2_TABLES = [
    """CREATE TABLE stock (
        vendor_sku TEXT NOT NULL,
        location_code TEXT NOT NULL REFERENCES locations(code),
        on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
        PRIMARY KEY (vendor_sku, location_code)
    ) WITHOUT ROWID""",
]

V2_INDEXES = [
    "CREATE INDEX IF NOT EXISTS orders_sla_overdue ON orders(sla_overdue_at, sla_at_risk_at, stage_rank)",
    "CREATE INDEX IF NOT EXISTS orders_sla_at_risk ON orders(sla_at_risk_at, stage_rank)",
    "CREATE INDEX IF NOT EXISTS orders_stage_order_number ON orders(stage_rank, order_number)",
    "CREATE INDEX IF NOT EXISTS orders_stage_customer ON orders(stage_rank, customer_key)",
    "CREATE INDEX IF NOT EXISTS orders_stage_order_date ON orders(stage_rank, order_date)",
    "CREATE INDEX IF NOT EXISTS orders_stage_progress ON orders(stage_rank, progress)",
]


def _run(statements: Sequence[str]) -> Callable[[sqlite3.Connection], None]:
    def step(conn: sqlite3.Connection) -> None:
        for sql in statements:
            conn.execute(sql)

    return step


def _v1(conn: sqlite3.Connection) -> None:
    _run(V1_TABLES + COUNT_TRIGGERS + V1_INDEXES)(conn)


def _v2(conn: sqlite3.Connection) -> None:
    _run(V2_TABLES + V2_INDEXES)(conn)


# --- v3: remote mode (server/): API users with hashed tokens, idempotency keys --------
# Owned by the remote-mode work (issue 6); appended after STORE's last step.

V3_TABLES = [
    # Only a sha256 of each token is kept (tokens are 256-bit random: no salt/KDF needed).
    """CREATE TABLE api_users (
        name TEXT PRIMARY KEY,
        vendor_code TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'operator')),
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    # (user, key) -> the response of a write, stored in the write's own transaction.
    """CREATE TABLE idempotency (
        user TEXT NOT NULL,
        key TEXT NOT NULL,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user, key)
    ) WITHOUT ROWID""",
]


def _v3(conn: sqlite3.Connection) -> None:
    _run(V3_TABLES)(conn)


# --- v4: the SLA list without scanning finished orders ------------------------------------
# Finished orders keep their final status, so it is counted (like the stage tiles) and
# they are listed by PO within it; open orders get partial indexes of their own, ordered by
# (overdue instant, PO) with the filter columns alongside, so an SLA-sorted page reads
# only the rows it shows.

V4_TABLES = [
    """CREATE TABLE sla_counts (
        vendor_code TEXT NOT NULL,
        stage TEXT NOT NULL,
        final_sla TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (vendor_code, stage, final_sla)
    ) WITHOUT ROWID""",
]

SLA_COUNT_TRIGGERS = [
    """CREATE TRIGGER orders_sla_count_insert AFTER INSERT ON orders
       WHEN new.final_sla IS NOT NULL BEGIN
        INSERT OR IGNORE INTO sla_counts(vendor_code, stage, final_sla, n)
            VALUES (new.vendor_code, new.stage, new.final_sla, 0);
        UPDATE sla_counts SET n = n + 1 WHERE vendor_code = new.vendor_code
            AND stage = new.stage AND final_sla = new.final_sla;
    END""",
    """CREATE TRIGGER orders_sla_count_delete AFTER DELETE ON orders
       WHEN old.final_sla IS NOT NULL BEGIN
        UPDATE sla_counts SET n = n - 1 WHERE vendor_code = old.vendor_code
            AND stage = old.stage AND final_sla = old.final_sla;
    END""",
    """CREATE TRIGGER orders_sla_count_update AFTER UPDATE OF final_sla, stage, vendor_code ON orders
       WHEN old.final_sla IS NOT new.final_sla OR old.stage IS NOT new.stage
         OR old.vendor_code IS NOT new.vendor_code BEGIN
        UPDATE sla_counts SET n = n - 1 WHERE old.final_sla IS NOT NULL
            AND vendor_code = old.vendor_code AND stage = old.stage AND final_sla = old.final_sla;
        INSERT OR IGNORE INTO sla_counts(vendor_code, stage, final_sla, n)
            SELECT new.vendor_code, new.stage, new.final_sla, 0 WHERE new.final_sla IS NOT NULL;
        UPDATE sla_counts SET n = n + 1 WHERE new.final_sla IS NOT NULL
            AND vendor_code = new.vendor_code AND stage = new.stage AND final_sla = new.final_sla;
    END""",
]

SLA_RECOUNT = [
    "DELETE FROM sla_counts",
    """INSERT INTO sla_counts(vendor_code, stage, final_sla, n)
       SELECT vendor_code, stage, final_sla, count(*) FROM orders
       WHERE final_sla IS NOT NULL GROUP BY vendor_code, stage, final_sla""",
]

V4_INDEXES = [
    """CREATE INDEX IF NOT EXISTS orders_open_due
       ON orders(sla_overdue_at, po_number, sla_at_risk_at, stage_rank, vendor_code)
       WHERE stage_rank < 2""",
    """CREATE INDEX IF NOT EXISTS orders_open_risk
       ON orders(sla_at_risk_at, stage_rank, vendor_code) WHERE stage_rank < 2""",
    """CREATE INDEX IF NOT EXISTS orders_final
       ON orders(final_sla, po_number, stage_rank, vendor_code) WHERE final_sla IS NOT NULL""",
]
V4_DROPPED = ["orders_sla_overdue", "orders_sla_at_risk"]


def _v4(conn: sqlite3.Connection) -> None:
    for name in V4_DROPPED:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    _run(V4_TABLES + SLA_RECOUNT + SLA_COUNT_TRIGGERS + V4_INDEXES)(conn)


# --- v5: date-sorted pages filtered by SLA read the index alone -----------------------------
# Recent orders are mostly open and on time, so "overdue, newest first" walks far down the
# date index; with the SLA columns in it, that walk needs no table row.

V5_INDEXES = [
    """CREATE INDEX IF NOT EXISTS orders_order_date_sla
       ON orders(order_date, po_number, sla_at_risk_at, sla_overdue_at, stage_rank)""",
]
V5_DROPPED = ["orders_order_date"]


def _v5(conn: sqlite3.Connection) -> None:
    _run(V5_INDEXES)(conn)
    for name in V5_DROPPED:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


# --- v6: the same for one stage ("in progress, overdue, newest first") ---------------------

V6_INDEXES = [
    """CREATE INDEX IF NOT EXISTS orders_stage_order_date_sla
       ON orders(stage_rank, order_date, po_number, sla_at_risk_at, sla_overdue_at)""",
]
V6_DROPPED = ["orders_stage_order_date"]


def _v6(conn: sqlite3.Connection) -> None:
    _run(V6_INDEXES)(conn)
    for name in V6_DROPPED:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


# --- v7: the JSON bodies in a table of their own -----------------------------------------------
# An ``orders`` row is then ~150 bytes instead of ~2.5 KB: list pages, filters and index
# builds read 15x fewer pages; reading one order is one more primary-key lookup.

V7_TABLES = [
    """CREATE TABLE order_bodies (
        po_number INTEGER PRIMARY KEY REFERENCES orders(po_number),
        body TEXT NOT NULL
    )""",
    "INSERT INTO order_bodies(po_number, body) SELECT po_number, body FROM orders",
    "ALTER TABLE orders DROP COLUMN body",
]


def _v7(conn: sqlite3.Connection) -> None:
    _run(V7_TABLES)(conn)


# --- v8: stock reservations (issue 5 item 4) ---------------------------------------------------
# Acknowledging an order reserves its accepted units of every vendor SKU whose stock is known
# at the order's location: one row per (order, vendor SKU). Cancelling the order deletes its
# rows (the units are released); completing it deletes them and takes the units off
# ``stock.on_hand`` (reserved turned into shipped). Available = on_hand - sum(units).

V8_TABLES = [
    """CREATE TABLE stock_reservations (
        po_number INTEGER NOT NULL REFERENCES orders(po_number),
        vendor_sku TEXT NOT NULL,
        location_code TEXT NOT NULL,
        units INTEGER NOT NULL CHECK (units > 0),
        PRIMARY KEY (po_number, vendor_sku)
    ) WITHOUT ROWID""",
    """CREATE INDEX IF NOT EXISTS stock_reservations_sku
       ON stock_reservations(location_code, vendor_sku)""",
]


def _v8(conn: sqlite3.Connection) -> None:
    _run(V8_TABLES)(conn)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, activity_chain.v9, serving_tables.step, edi_tables.step,
    setup_log.step,
    package_tables.step,
    facts_tables.step,
    edi_snapshots.step,
    location_index.step,
    scorecard_sums.step,
    page_indexes.step,
    facts_upkeep.step,
    search_indexes.step,
    stage_progress_index.step,
    edi_interchanges.step,
]

_DROPPED = V4_DROPPED + V5_DROPPED + V6_DROPPED + page_indexes.REPLACED_ORDERS + search_indexes.REPLACED + stage_progress_index.REPLACED
INDEXES = [
    sql for sql in V1_INDEXES + V2_INDEXES + V4_INDEXES + V5_INDEXES + V6_INDEXES + page_indexes.BUILT + search_indexes.BUILT
    + stage_progress_index.BUILT
    if not any(f" {name} " in sql or f" {name}\n" in sql for name in _DROPPED)
]
"""Every secondary index of the store's tables in the current schema (bulk loads drop and
rebuild these)."""
INDEX_NAMES = [re.search(r"EXISTS (\w+)", sql).group(1) for sql in INDEXES]
COUNTERS = {"orders_count_": (RECOUNT, COUNT_TRIGGERS), "orders_sla_count_": (SLA_RECOUNT, SLA_COUNT_TRIGGERS),
            "scorecard_": (scorecard_sums.BACKFILL, scorecard_sums.TRIGGERS)}
"""Trigger-kept counters: (recount statements, triggers), by trigger name prefix."""
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNewError(DomainError):
    """The store's schema is newer than this version knows: refuse to touch it (exit 1,
    one line, in the CLI)."""

    code = "schema_too_new"


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the store up to ``target`` (default: current), one transaction per step.
    Returns the version the store had before. ``conn`` must be in autocommit mode."""
    before = user_version(conn)
    if before > SCHEMA_VERSION:
        row = conn.execute("PRAGMA database_list").fetchone()
        where = (row[2] if row and row[2] else "") or "The store"
        raise SchemaTooNewError(
            f"{where} was written by a newer dropship-tui (schema v{before}); "
            "upgrade dropship-tui to open it"
        )
    for version in range(before, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            if user_version(conn) > version:
                conn.execute("ROLLBACK")
                continue
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return before
