"""The PostgreSQL schema as a list of forward migrations, like ``sqlite/schema.py``.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1``; the version is the one
row of ``dropship_schema``. Each step is one transaction (PostgreSQL's DDL is
transactional) under an advisory lock, so two servers starting at once migrate once.
Step 1 is the whole schema of the SQLite store at its v16 (``tables``, ``triggers``);
step 2 the first-page indexes (``page_indexes``); step 3 the received interchanges
(``edi_interchanges``, as SQLite's step of that name);
a later SQLite step that changes tables needs a PostgreSQL step appended here too
(``tests/test_store_postgres_schema.py`` compares the two).

Two roles (``docs/deploy.md``): the **owner** runs the migrations and owns the tables;
the **app** role serves. ``grant_app_sql`` is what the owner grants it: everything it
needs to read and write, except UPDATE, DELETE and TRUNCATE on the two append-only logs
(``activity``, ``setup_log``): the triggers refuse those too, for every role.
"""

from __future__ import annotations

from collections.abc import Callable

from dropship_tui.domain.errors import DomainError
from dropship_tui.store.postgres import edi_interchanges, page_indexes, tables, triggers
from dropship_tui.store.postgres.adapter import PgConnection

MIGRATION_LOCK = 0x64726F70  # "drop": pg_advisory_xact_lock key of the migrations
APPEND_ONLY = ("activity", "setup_log")


def _v1(conn: PgConnection) -> None:
    for sql in tables.TABLES + tables.HELPERS + triggers.ALL + tables.INDEXES:
        conn.execute(sql)


MIGRATIONS: list[Callable[[PgConnection], None]] = [_v1, page_indexes.step, edi_interchanges.step]
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(DomainError):
    """The database cannot be used as a store as it is (newer schema, someone else's
    tables, a role that may not migrate): one line, nothing changed."""

    code = "schema"


def schema_version(conn: PgConnection) -> int | None:
    """The store's version; 0 for an empty database; None when the database holds
    tables but no store (someone else's database)."""
    row = conn.execute("SELECT to_regclass('dropship_schema') IS NOT NULL").fetchone()
    if row[0]:
        return conn.execute("SELECT version FROM dropship_schema").fetchone()[0]
    others = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname = current_schema()"
    ).fetchone()[0]
    return 0 if others == 0 else None


def migrate(conn: PgConnection, target: int = SCHEMA_VERSION) -> int:
    """Bring the database up to ``target`` (default: current), one transaction per step;
    returns the version it had. Refuses a database newer than this code, one holding
    other tables, or a role without the right to create the tables."""
    before = _checked_version(conn)
    for version in range(before, target):
        conn.execute("BEGIN")
        try:
            conn.execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            now = _checked_version(conn)  # re-read under the lock: another server may have
            if now > version:
                conn.execute("ROLLBACK")
                continue
            if version == 0:
                conn.execute("CREATE TABLE dropship_schema (version BIGINT NOT NULL)")
                conn.execute("INSERT INTO dropship_schema(version) VALUES (0)")
            MIGRATIONS[version](conn)
            conn.execute("UPDATE dropship_schema SET version = ?", (version + 1,))
            conn.execute("COMMIT")
        except BaseException as exc:
            conn.execute("ROLLBACK")
            if getattr(exc, "sqlstate", None) == "42501":  # insufficient privilege
                raise SchemaError(
                    f"the store's schema is v{version} and this role may not upgrade it "
                    f"({exc}); run dropship-tui once as the database owner"
                ) from None
            raise
    return before


def _checked_version(conn: PgConnection) -> int:
    version = schema_version(conn)
    where = _database(conn)
    if version is None:
        raise SchemaError(
            f"database {where} already holds tables that are not a dropship-tui store; "
            "use an empty database"
        )
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"database {where} was written by a newer dropship-tui (schema v{version}); "
            "upgrade dropship-tui to open it"
        )
    return version


def _database(conn: PgConnection) -> str:
    return conn.execute("SELECT current_database()").fetchone()[0]


def grant_app_sql(role: str) -> list[str]:
    """The statements (run by the owner, after the migrations) that let ``role`` serve:
    read and write everything but the append-only logs, which it may only read and
    append to; tables later migrations create get the same rights (run it again after
    an upgrade that adds an append-only table). ``role`` is quoted as an identifier."""
    r = '"' + role.replace('"', '""') + '"'
    logs = ", ".join(APPEND_ONLY)
    return [
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {logs} FROM {r}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON dropship_schema FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        # what later migrations create (run by this same owner) is the app's too
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]


def grant_app(conn: PgConnection, role: str) -> None:
    """``grant_app_sql`` in one transaction (the owner's connection)."""
    conn.execute("BEGIN")
    try:
        for sql in grant_app_sql(role):
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def sync_sequences(conn: PgConnection) -> None:
    """After rows were copied in with their ids and invoice numbers (``migrate --from``):
    move the identity sequences past the highest id and the invoice sequence past the
    highest number given, so the next ones are new. Inside the caller's transaction."""
    for table in ("activity", "edi_documents", "setup_log"):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"greatest((SELECT max(id) FROM {table}), 1), (SELECT max(id) FROM {table}) IS NOT NULL)"
        )
    conn.execute(
        "SELECT setval('invoice_numbers', greatest(1, (SELECT value FROM sequences WHERE name = 'invoice'), "
        "(SELECT max(substr(number, 5)::bigint) FROM invoices WHERE number ~ '^INV-[0-9]+$')), "
        "(SELECT value FROM sequences WHERE name = 'invoice') > 0 OR EXISTS (SELECT 1 FROM invoices))"
    )
