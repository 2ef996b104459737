"""Issue 11, a leftover: a whole unit of work (an import with its setup records, an EDI
chunk) that loses a deadlock on PostgreSQL is run again from its start (``run_unit``),
at most ``RETRIES`` times, and lands once; past that, the deadlock reaches the caller
with nothing stored.

The deadlocks are real: a second connection locks a row the unit will want, waits until
the unit is waiting for it, then asks for a row (or lock) the unit holds. It runs as the
superuser with a long ``deadlock_timeout``, so PostgreSQL always picks the unit (which
began waiting first, with the default second) as the transaction to abort."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

import factories as f
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Vendor
from dropship_tui.store.base import UnitStore
from dropship_tui.services.edi_import import import_edi
from dropship_tui.store.postgres.adapter import PgError
from dropship_tui.store.postgres.base import RETRIES
from dropship_tui.store.postgres.store import PostgresStore
from dropship_tui.store.sqlite.store import SqliteStore
from pg_support import pg_cluster, pg_database, pg_url  # noqa: F401

sys.path.insert(0, str(Path(__file__).parent / "edi"))
from edi_samples import interchange, set_850  # noqa: E402
from test_edi_store import make_store  # noqa: E402


class Counterparty:
    """The other side of one deadlock, on a thread: ``hold`` first, then (once another
    session of the database waits for a lock) ``then``, then COMMIT."""

    def __init__(self, cluster, name: str, hold: str, then: str) -> None:
        self.url, self.hold, self.then = cluster.url(name), hold, then
        self.holding = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)

    def start(self) -> Counterparty:
        self.thread.start()
        assert self.holding.wait(30), self.error
        return self

    def join(self) -> None:
        self.thread.join(60)
        assert not self.thread.is_alive() and self.error is None, self.error

    def _run(self) -> None:
        try:
            with psycopg.connect(self.url, autocommit=True) as conn, \
                    psycopg.connect(self.url, autocommit=True) as watch:
                conn.execute("SET deadlock_timeout = '60s'")  # never this side's check first
                conn.execute("BEGIN")
                conn.execute(self.hold)
                self.holding.set()
                deadline = time.monotonic() + 30
                while not watch.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> %s AND wait_event_type = 'Lock'", (conn.info.backend_pid,),
                ).fetchone():
                    assert time.monotonic() < deadline, "the unit never waited for the held row"
                    time.sleep(0.01)
                conn.execute(self.then)
                conn.execute("COMMIT")
        except BaseException as exc:  # noqa: BLE001 - reported by join()
            self.error = exc
            self.holding.set()


def deadlocks(cluster, name: str) -> int:
    with psycopg.connect(cluster.url(name), autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return conn.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = %s", (name,)).fetchone()[0]


def renamed(code: str, name: str) -> Vendor:
    return f.vendor(code).model_copy(update={"name": name})


def setup_entries(store, code: str) -> int:
    return len([c for c in store.setup_log(code) if c.kind == "vendor" and c.code == code])


@pytest.fixture
def seeded(pg_url):
    store = PostgresStore(pg_url, user="jordan", clock=lambda: f.NOW)
    store.add_vendor(f.vendor("ALPHA"))
    store.add_vendor(f.vendor("BETA"))
    store.add_location(f.location("ALPHA-WH1", "ALPHA"))
    yield store
    store.close()


def test_an_import_that_loses_a_deadlock_is_run_again_and_lands_once(seeded, pg_database):
    cluster, name = pg_database
    before = deadlocks(cluster, name), setup_entries(seeded, "ALPHA"), setup_entries(seeded, "BETA")
    other = Counterparty(cluster, name, "UPDATE vendors SET name = name WHERE code = 'BETA'",
                         "UPDATE vendors SET name = name WHERE code = 'ALPHA'").start()
    # ALPHA is written first (its row locked), then BETA waits for the counterparty, which
    # then waits for ALPHA: the import is aborted, run again, and lands.
    imported = seeded.import_records(
        [renamed("ALPHA", "Alpha [bold]Ann[/]"), renamed("BETA", "Beta Ωμέγα 北京")], [], [],
        [f.order(501, vendor_code="ALPHA", location_code="ALPHA-WH1")],
    )
    other.join()
    assert imported == 1
    assert deadlocks(cluster, name) == before[0] + 1  # it did deadlock, once
    with seeded.reading() as conn:
        assert [r[0] for r in conn.execute("SELECT po_number FROM orders")] == [501]
    assert seeded.vendor("ALPHA").name == "Alpha [bold]Ann[/]" and seeded.vendor("BETA").name == "Beta Ωμέγα 北京"
    # each change logged once: the rolled-back attempt left nothing behind
    assert (setup_entries(seeded, "ALPHA"), setup_entries(seeded, "BETA")) == (before[1] + 1, before[2] + 1)
    assert len(seeded.activity(501)) == 1


def test_a_unit_that_keeps_deadlocking_gives_up_after_the_retries(seeded, pg_database):
    cluster, name = pg_database
    attempts: list[Counterparty] = []

    def unit() -> None:
        seeded.add_vendor(renamed("ALPHA", f"Alpha {len(attempts)}"))
        attempts.append(Counterparty(cluster, name, "UPDATE vendors SET name = name WHERE code = 'BETA'",
                                     "UPDATE vendors SET name = name WHERE code = 'ALPHA'").start())
        seeded.add_vendor(renamed("BETA", f"Beta {len(attempts)}"))

    with pytest.raises(PgError) as caught:
        seeded.run_unit(unit)
    for other in attempts:
        other.join()
    exc = caught.value
    assert getattr(exc, "retryable", False) and exc.sqlstate == "40P01", repr(exc)  # what reaches the API: 503
    assert "deadlock" in str(exc)
    assert len(attempts) == RETRIES + 1
    assert seeded.vendor("ALPHA").name == f.vendor("ALPHA").name  # nothing of any attempt stored
    assert seeded.vendor("BETA").name == f.vendor("BETA").name


def test_an_edi_chunk_that_loses_a_deadlock_is_run_again_and_reported_once(pg_url, pg_database):
    cluster, name = pg_database
    store = make_store(pg_url)
    try:
        text = interchange(set_850(po="R-1"), control="000000001", group="1")
        other = Counterparty(
            cluster, name, "UPDATE edi_partners SET body = body WHERE partner_id = 'BIGR'",
            f"SELECT pg_advisory_xact_lock({PostgresStore.EDI_LOCK})",
        ).start()
        before = deadlocks(cluster, name)
        # The chunk holds the EDI import lock and waits for the partner's row (its 997's
        # control numbers); the counterparty holds that row and asks for the lock.
        report = import_edi(store, text)
        other.join()
        assert deadlocks(cluster, name) == before + 1
        # the first attempt's judging (ISA13 taken, PO given out) did not count twice
        assert report.duplicates == [] and report.refused == [], report.message
        assert len(report.imported) == 1 and report.taken == ["interchange 1 (ISA13 000000001)"]
        with store.reading() as conn:
            assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM edi_documents WHERE direction = 'in'").fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM edi_documents WHERE set_id = '997'").fetchone()[0] == 1
    finally:
        store.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_a_unit_refused_part_way_stores_nothing_and_runs_once(engine, tmp_path, request):
    """Both engines: the unit is one transaction; a refusal (not a lost race) is not run
    again and leaves nothing of it behind."""
    address = tmp_path / "units.db" if engine == "sqlite" else request.getfixturevalue("pg_url")
    store = SqliteStore(address) if engine == "sqlite" else PostgresStore(address)
    try:
        assert isinstance(store, UnitStore)
        runs = []

        def unit() -> None:
            runs.append(1)
            store.add_vendor(f.vendor("ALPHA"))
            store.add_vendor(f.vendor("BETA"))
            raise InvalidInputError("location: refused part way")

        with pytest.raises(InvalidInputError, match="refused part way"):
            store.run_unit(unit)
        assert runs == [1] and store.vendors() == []
        assert store.run_unit(lambda: store.add_vendor(f.vendor("ALPHA")) or "done") == "done"
        assert [v.code for v in store.vendors()] == ["ALPHA"]
    finally:
        store.close()
