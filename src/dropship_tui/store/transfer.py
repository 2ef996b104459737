"""Moving a store to another one (``dropship-tui migrate --from A --to B``, issue 11
item 5): SQLite to PostgreSQL, and SQLite to SQLite or back, over the stores' own
sqlite3-style connections (``sqlite3.Connection`` or ``postgres.adapter.PgConnection``).

Every table that holds data is copied row for row, with its ids, times, hashes and
bodies as they are (the activity's hash chain still verifies; token hashes stay hashes),
in ``COPY_ORDER`` (a row's references are copied before it). The tables are read from
the schema: one the source has and this module names in neither ``COPY_ORDER`` nor
``SKIPPED`` is copied last (``tests/test_store_transfer.py`` fails until it is named).

* The target must be empty (a store just created is): else ``TargetNotEmptyError``. It
  is checked with the target held against other writers (SQLite: the write lock;
  PostgreSQL: every table locked in EXCLUSIVE mode, which needs the owner), so nothing
  lands in it between the check and the copy.
* Rows stream in chunks (``CHUNK``): a store of a million orders is never in memory.
* It is one transaction on the target: anything that fails (a constraint, a count or a
  checksum that disagrees) rolls all of it back, and the target stays empty. The source
  is read in one snapshot, so a store still in use is copied as of one moment.
* A table the target's triggers fill from the rows copied before it (the stage and SLA
  counters, the scorecard's facts) is emptied and then copied too, so it ends up exactly
  as in the source; on PostgreSQL the target's own triggers are switched off for the
  copy instead (the owner runs it), which is also much faster. Only a table that was
  empty (or seeded) at the check is ever emptied: what is in it then was written by this
  very transaction.
* A SQLite target's invoice counter (``sequences``) is moved past the highest invoice
  number copied (a PostgreSQL source gives numbers from its own sequence instead).
* Verified: each table's row count and a checksum of its rows in key order agree
  between source and target before the target commits.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from dropship_tui.domain.errors import DomainError, InvalidInputError

CHUNK = 5000
"""Rows read and written per round trip."""

COPY_ORDER = (
    "meta", "sequences",
    "vendors", "location_groups", "locations", "sku_mappings",
    "orders", "order_bodies", "lines", "tracking", "invoices", "activity", "packages",
    "stock", "stock_reservations",
    "api_users", "api_ssh_keys", "api_session_tokens", "idempotency",
    "edi_partners", "edi_orders", "edi_documents", "edi_interchanges",
    "setup_log",
    # filled by triggers from the rows above: emptied and copied as they are in the source
    "stage_counts", "sla_counts", "order_facts", "canceled_units",
    "scorecard_delays", "scorecard_cancels", "scorecard_hours",
)
"""The tables copied, in this order."""

SKIPPED = {
    "dropship_schema": "each store's schema version, written by its own migrations",
}
"""Tables deliberately not copied, and why."""

ENGINE_ONLY = {("activity", "xid")}
"""Columns one engine keeps for itself (PostgreSQL's writing transaction id): never
copied, not even between two PostgreSQL databases (their transaction counters differ);
the target fills its own."""

LOCK_TIMEOUT_S = 30
"""How long a PostgreSQL target's tables are waited for (a server still using it)."""

SEEDED = ("meta", "sequences")
"""Tables a store just created may already hold rows in (its defaults): replaced."""


class TargetNotEmptyError(DomainError):
    """The target store already holds data: nothing is copied into it."""

    code = "target_not_empty"


class TransferCheckError(DomainError):
    """A copied table's count or checksum disagrees with the source: rolled back."""

    code = "transfer_check"


@dataclass
class TableCopy:
    name: str
    rows: int
    checksum: str


@dataclass
class TransferReport:
    tables: list[TableCopy] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def rate(self) -> float:
        """Rows copied per second."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[str, int], None]
"""Told (table, rows copied so far) after each chunk."""


# --- the two engines ------------------------------------------------------------------


def is_sqlite(conn: Any) -> bool:
    return isinstance(conn, sqlite3.Connection)


def columns_of(conn: Any) -> dict[str, dict[str, str]]:
    """Every table of the store: {table: {column: declared type, lower case}}."""
    if is_sqlite(conn):
        names = [n for (n,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        return {
            name: {row[1]: (row[2] or "").lower() for row in conn.execute(f'PRAGMA table_info("{name}")')}
            for name in names
        }
    tables: dict[str, dict[str, str]] = {}
    rows = conn.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
        "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
        "ORDER BY c.table_name, c.ordinal_position"
    ).fetchall()
    for table, column, kind in rows:
        tables.setdefault(table, {})[column] = kind.lower()
    return tables


def key_of(conn: Any, table: str, columns: Sequence[str]) -> list[str]:
    """The columns a table's rows are read in order of: its primary key (SQLite source),
    else all of them."""
    if is_sqlite(conn):
        pk = sorted((row[5], row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")') if row[5])
        if pk:
            return [name for _, name in pk]
    return list(columns)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def stream(conn: Any, sql: str, chunk: int = CHUNK) -> Iterator[list[tuple]]:
    """The rows of ``sql`` in chunks, never all at once (PostgreSQL: a server-side cursor,
    inside the caller's transaction)."""
    if is_sqlite(conn):
        cursor = conn.execute(sql)
        while rows := cursor.fetchmany(chunk):
            yield rows
        return
    with conn.raw.cursor(name=f"transfer_{time.monotonic_ns()}") as cursor:
        cursor.itersize = chunk
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk):
            yield rows


def _begin_snapshot(conn: Any) -> None:
    conn.execute("BEGIN" if is_sqlite(conn) else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")


def _end(conn: Any, commit: bool) -> None:
    if conn.in_transaction:
        conn.execute("COMMIT" if commit else "ROLLBACK")


# --- the copy -------------------------------------------------------------------------


def plan(source: dict[str, dict[str, str]], target: dict[str, dict[str, str]],
         skip: Collection[str] = ()) -> list[str]:
    """The tables to copy, in order; refuses a target that lacks a table or column the
    source has (its data would be lost). ``skip``: tables the caller leaves out on
    purpose (a benchmark on a target whose schema lags)."""
    wanted = [t for t in COPY_ORDER if t in source and t not in skip]
    wanted += sorted(t for t in source if t not in COPY_ORDER and t not in SKIPPED and t not in skip)
    for table in wanted:
        if table not in target:
            raise InvalidInputError(f"the target store has no table {table}; is it an older dropship-tui?")
        missing = [c for c in source[table] if c not in target[table] and (table, c) not in ENGINE_ONLY]
        if missing:
            raise InvalidInputError(f"the target's table {table} has no column {missing[0]}")
    return wanted


def shared_columns(table: str, source: dict[str, str], target: dict[str, str]) -> dict[str, str]:
    """The source's columns that are copied: those the target has too (``plan`` made
    sure only ``ENGINE_ONLY`` ones are missing there), but never an ``ENGINE_ONLY`` one."""
    return {c: kind for c, kind in source.items() if c in target and (table, c) not in ENGINE_ONLY}


def _checksum(digest: Any, rows: Sequence[tuple]) -> None:
    for row in rows:
        digest.update(repr(tuple(int(v) if isinstance(v, bool) else v for v in row)).encode("utf-8"))
        digest.update(b"\n")


def _converters(kinds: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """What a source value needs to become in the target's column (a 0/1 truth value in
    SQLite is a PostgreSQL boolean)."""
    return [(lambda v: None if v is None else bool(v)) if k == "boolean" else None for k in kinds]


def _insert(target: Any, table: str, columns: Sequence[str], rows: list[tuple],
            convert: list[Callable[[Any], Any] | None]) -> None:
    if any(convert):
        rows = [tuple(c(v) if c else v for c, v in zip(convert, row)) for row in rows]
    names = ", ".join(quoted(c) for c in columns)
    if is_sqlite(target):
        marks = ", ".join("?" for _ in columns)
        target.executemany(f"INSERT INTO {quoted(table)} ({names}) VALUES ({marks})", rows)
        return
    import psycopg

    from dropship_tui.store.postgres.adapter import convert

    try:
        with target.raw.cursor() as cursor, cursor.copy(f"COPY {quoted(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:  # as the other statements: a sqlite3-style error
        raise convert(exc) from exc


def _triggers(target: Any, tables: Sequence[str], on: bool) -> None:
    """PostgreSQL: the target's own triggers off for the copy (the rows come with what
    they would compute) and back on before it commits; the foreign keys stay checked."""
    if is_sqlite(target):
        return
    for table in tables:  # on the raw connection: the adapter would quote the word USER
        target.raw.execute(f"ALTER TABLE {quoted(table)} {'ENABLE' if on else 'DISABLE'} TRIGGER USER")


def _hold(target: Any, tables: Sequence[str]) -> None:
    """PostgreSQL: every table locked against writes (reads still go on) until the copy
    commits, then the triggers off; both need the tables' owner, so the app role is
    told to run it as the owner. SQLite: ``BEGIN IMMEDIATE`` holds the write lock."""
    if is_sqlite(target):
        return
    import psycopg

    names = ", ".join(quoted(t) for t in tables)
    try:
        target.raw.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_S}s'")
        target.raw.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        target.raw.execute("SET LOCAL lock_timeout = DEFAULT")
        _triggers(target, tables, on=False)
    except psycopg.errors.InsufficientPrivilege:
        raise InvalidInputError(
            "migrate needs the target database's owner (the role that owns its tables), not the app "
            "role: run it as the owner (docs/deploy.md); nothing was copied"
        ) from None
    except psycopg.errors.LockNotAvailable:
        raise InvalidInputError(
            f"the target store is in use (its tables stayed locked for {LOCK_TIMEOUT_S} s): stop the "
            "servers on it and run migrate again; nothing was copied"
        ) from None


def sync_invoice_counter(target: Any) -> None:
    """SQLite target: the invoice counter (``sequences`` 'invoice', the last number given)
    moved past the highest invoice number copied, so the next invoice takes the next
    number at once (SQLite skips taken numbers one probe at a time)."""
    from dropship_tui.store.sqlite.store import INVOICE_PREFIX

    start = len(INVOICE_PREFIX) + 1
    target.execute(
        "UPDATE sequences SET value = max(value, coalesce((SELECT max(CAST(substr(number, ?) AS INTEGER)) "
        "FROM invoices WHERE number GLOB ?), 0)) WHERE name = 'invoice'",
        (start, f"{INVOICE_PREFIX}[0-9]*"),
    )


def _has_rows(conn: Any, table: str) -> bool:
    return conn.execute(f"SELECT 1 FROM {quoted(table)} LIMIT 1").fetchone() is not None


def refuse_non_empty(target: Any, tables: Sequence[str], where: str) -> None:
    for table in tables:
        if table not in SEEDED and _has_rows(target, table):
            raise TargetNotEmptyError(
                f"{where} already holds data (table {table} has rows): migrate copies into "
                "an empty store only; nothing was copied"
            )


def copy_store(source: Any, target: Any, *, where: str = "the target", chunk: int = CHUNK,
               progress: Progress | None = None, after_copy: Callable[[Any], None] | None = None,
               skip: Collection[str] = ()) -> TransferReport:
    """Copy every table of ``source`` (but ``skip``) into the empty ``target`` (both in
    autocommit mode, at the same schema version: open them as stores first), verify,
    commit. ``after_copy(target)`` runs inside the target's transaction after the rows
    are in (PostgreSQL: move the id sequences on); a SQLite target's invoice counter is
    moved on after the checks (``sync_invoice_counter``). Raises before anything is
    committed."""
    started = time.perf_counter()
    source_tables, target_tables = columns_of(source), columns_of(target)
    tables = plan(source_tables, target_tables, skip)
    report = TransferReport()
    _begin_snapshot(source)
    try:
        target.execute("BEGIN IMMEDIATE")
        try:
            _hold(target, tables)
            refuse_non_empty(target, tables, where)
            copied = {t: shared_columns(t, source_tables[t], target_tables[t]) for t in tables}
            expected = {}
            for table in tables:
                try:
                    expected[table] = _copy_table(source, target, table, copied[table],
                                                  target_tables[table], chunk, progress)
                except sqlite3.DatabaseError as exc:  # a constraint of the target refused a row
                    raise TransferCheckError(f"table {table} could not be copied ({exc}); nothing was copied") from exc
            _triggers(target, tables, on=True)
            if after_copy is not None:
                after_copy(target)
            for table in tables:
                report.tables.append(_check(target, table, copied[table], expected[table], source))
            if is_sqlite(target):
                sync_invoice_counter(target)
            target.execute("COMMIT")
        except BaseException:
            _end(target, commit=False)
            raise
    finally:
        _end(source, commit=False)
    report.seconds = time.perf_counter() - started
    return report


def _select(conn: Any, table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    names = ", ".join(quoted(c) for c in columns)
    order = ", ".join(quoted(c) for c in key)
    return f"SELECT {names} FROM {quoted(table)} ORDER BY {order}"


def _copy_table(source: Any, target: Any, table: str, source_columns: dict[str, str],
                target_columns: dict[str, str], chunk: int, progress: Progress | None) -> tuple[int, str]:
    columns = list(source_columns)
    key = key_of(source, table, columns)
    # Empty at the check but for SEEDED, and held since: rows now are the target's
    # defaults or what its triggers wrote from the rows copied before this table.
    if _has_rows(target, table):
        target.execute(f"DELETE FROM {quoted(table)}")
    convert = _converters([target_columns[c] for c in columns])
    digest, count = hashlib.sha256(), 0
    for rows in stream(source, _select(source, table, columns, key), chunk):
        _insert(target, table, columns, rows, convert)
        _checksum(digest, rows)
        count += len(rows)
        if progress is not None:
            progress(table, count)
    return count, digest.hexdigest()


def _check(target: Any, table: str, source_columns: dict[str, str], expected: tuple[int, str],
           source: Any) -> TableCopy:
    columns = list(source_columns)
    key = key_of(source, table, columns)
    digest, count = hashlib.sha256(), 0
    for rows in stream(target, _select(target, table, columns, key)):
        _checksum(digest, rows)
        count += len(rows)
    rows, checksum = expected
    if count != rows:
        raise TransferCheckError(f"table {table}: {rows} rows in the source, {count} in the target; nothing was copied")
    if digest.hexdigest() != checksum:
        raise TransferCheckError(f"table {table}: the copied rows differ from the source's; nothing was copied")
    return TableCopy(table, rows, checksum)


@contextmanager
def connection_of(store: Any) -> Iterator[Any]:
    """A store's raw connection for the copy: a PostgreSQL store's own pooled one, a
    SQLite store's one connection under its lock."""
    if hasattr(store, "raw_connection"):
        with store.raw_connection() as conn:
            yield conn
        return
    with store.lock:
        yield store.connection
