"""A real PostgreSQL for the tests (issue 11 item 6): started once per session in a
temporary folder, from the ``pgserver`` wheel (PostgreSQL 16, on a Unix socket), else
from a system ``postgres`` on PATH. Under ``CI=true`` (or ``DROPSHIP_TUI_REQUIRE_POSTGRES``,
which ``.ci/run`` sets) a server that cannot start fails the tests loudly instead of
skipping them.

Two roles, as in production (docs/deploy.md): ``dropship_owner`` owns the tables and
runs the migrations; ``dropship_app`` serves, with ``schema.grant_app``'s rights only. A
template database is migrated once; each test gets a fresh copy of it
(``CREATE DATABASE … TEMPLATE``: a file copy, tens of milliseconds). No tests here."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from dropship_tui.store.postgres import schema
from dropship_tui.store.postgres.adapter import PgConnection, configure

OWNER, APP = "dropship_owner", "dropship_app"
TEMPLATE = "dropship_template"
_numbers = itertools.count(1)


@dataclass
class PgCluster:
    """One running server: ``url(db, role)`` addresses a database as a role."""

    host: str
    port: int
    superuser: str
    stop: Callable[[], object]
    folder: Path

    def url(self, database: str, role: str | None = None) -> str:
        role = role or self.superuser
        return f"postgresql://{quote(role)}@/{quote(database)}?host={quote(self.host)}&port={self.port}"

    def admin(self, database: str = "postgres") -> psycopg.Connection:
        conn = psycopg.connect(self.url(database), autocommit=True)
        return conn

    def fresh_database(self) -> str:
        """A new database from the migrated template, owned by the owner role."""
        name = f"store_{os.getpid()}_{next(_numbers)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE} OWNER {OWNER}')
        return name

    def empty_database(self) -> str:
        name = f"empty_{os.getpid()}_{next(_numbers)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" OWNER {OWNER}')
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute(f"ALTER SCHEMA public OWNER TO {OWNER}")
        return name

    def drop(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start_pgserver(folder: Path) -> PgCluster:
    import pgserver

    server = pgserver.get_server(folder / "pgdata", cleanup_mode="stop")
    info = server.get_postmaster_info()
    host = str(info.socket_dir) if info.socket_dir else "127.0.0.1"
    return PgCluster(host=host, port=int(info.port or 5432), superuser="postgres", stop=server.cleanup,
                     folder=folder)


def _start_system(folder: Path) -> PgCluster:
    """``initdb`` + ``pg_ctl`` from PATH, on a socket in ``folder`` (as a non-root user
    only: PostgreSQL refuses to run as root)."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl or os.geteuid() == 0:
        raise RuntimeError("no pgserver wheel, and no usable system postgres")
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    subprocess.run([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"],
                   check=True, capture_output=True)
    subprocess.run([pg_ctl, "-D", str(data), "-w", "-o", f"-k {sock} -c listen_addresses=''", "start"],
                   check=True, capture_output=True)

    def stop() -> None:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)

    return PgCluster(host=str(sock), port=5432, superuser="postgres", stop=stop, folder=folder)


def start_cluster() -> PgCluster:
    """Start the server and build the roles and the migrated template."""
    folder = Path(tempfile.mkdtemp(prefix="dtpg"))  # short: a socket path has ~100 bytes
    errors = []
    for start in (_start_pgserver, _start_system):
        try:
            cluster = start(folder)
            break
        except Exception as exc:  # noqa: BLE001 - try the next way, report all
            errors.append(f"{start.__name__}: {exc}")
    else:
        raise RuntimeError("; ".join(errors))
    with cluster.admin() as conn:
        # A throwaway server: no flush to disk at each commit (never in production).
        for setting in ("fsync = off", "synchronous_commit = off", "full_page_writes = off"):
            conn.execute(f"ALTER SYSTEM SET {setting}")
        conn.execute("SELECT pg_reload_conf()")
        for role in (OWNER, APP):
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
    name = cluster.empty_database()
    with cluster.admin() as conn:
        conn.execute(f'ALTER DATABASE "{name}" RENAME TO {TEMPLATE}')
    with psycopg.connect(cluster.url(TEMPLATE, OWNER)) as raw:
        configure(raw)
        conn = PgConnection(raw)
        schema.migrate(conn)
        schema.grant_app(conn, APP)
    return cluster


@pytest.fixture(scope="session")
def pg_cluster():
    try:
        cluster = start_cluster()
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("DROPSHIP_TUI_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL could not be started for the tests: {exc}")
        pytest.skip(f"PostgreSQL could not be started: {exc}")
    yield cluster
    cluster.stop()
    shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture
def pg_database(pg_cluster):
    """A fresh migrated database; (cluster, name). Dropped after the test."""
    name = pg_cluster.fresh_database()
    yield pg_cluster, name
    pg_cluster.drop(name)


@pytest.fixture
def pg_url(pg_database) -> str:
    """The fresh database's address as the app role (what a server uses)."""
    cluster, name = pg_database
    return cluster.url(name, APP)
