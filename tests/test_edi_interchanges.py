"""Issue 11, a leftover: the database itself takes an interchange (partner + ISA13) once.

``edi_interchanges`` is unique on (partner, control number) and written in the import's
own transaction, first: a second import of one interchange is refused whole even when
it skips the EDI import lock (here: the store's ``import_edi`` called directly, in a
transaction still open while the service imports the same file elsewhere). The
service's "received already" answer reads the table; old stores (SQLite and PostgreSQL)
get it backfilled from the document log; ``migrate`` copies it."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

import factories as f
from dropship_tui import cli
from dropship_tui.exports.edi.reader import read_interchanges
from dropship_tui.services.edi_import import import_edi, set_text
from dropship_tui.store.opening import open_store_address
from dropship_tui.store import transfer
from dropship_tui.store.postgres import edi_interchanges as pg_interchanges
from dropship_tui.store.postgres import schema as pg_schema
from dropship_tui.store.sqlite import edi_interchanges, schema
from dropship_tui.store.sqlite.edi_store import Arrival, EdiOrder, InterchangeReceived, Received
from pg_support import OWNER, pg_cluster, pg_database, pg_url  # noqa: F401

sys.path.insert(0, str(Path(__file__).parent / "edi"))
from edi_samples import interchange, set_850  # noqa: E402
from test_edi_store import make_store  # noqa: E402

CONTROL = "000000042"
TEXT = interchange(set_850(po="R-1", name="[bold]Ann[/] Ωμέγα 北京"), control=CONTROL, group="42")
DUPLICATE = f"interchange 1 (ISA13 {CONTROL}) was received from BIGR already: nothing changed"


def arrival() -> Arrival:
    (ic,) = read_interchanges(TEXT).interchanges
    return Arrival("BIGR", ic.control, "digest-of-the-test")


def one_order(po: int) -> tuple[list, list[Received]]:
    """An order as an 850 of the interchange gives it (the store's half of the import)."""
    (ic,) = read_interchanges(TEXT).interchanges
    (ts,) = ic.sets()
    order = f.order(po).model_copy(update={"retailer_po_number": f"R-{po}"})
    return [(order, EdiOrder("BIGR", {1: "001"}))], [Received("850", ic.control, ts.control, set_text(ts), po, "BIGR")]


def counts(store) -> tuple[int, int, int]:
    with store.reading() as conn:
        return tuple(conn.execute(sql).fetchone()[0] for sql in (
            "SELECT count(*) FROM orders", "SELECT count(*) FROM edi_interchanges",
            "SELECT count(*) FROM edi_documents WHERE direction = 'in'",
        ))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    s = make_store(request.getfixturevalue("pg_url") if request.param == "postgres" else tmp_path / "edi.db")
    yield s
    s.close()


def test_the_database_refuses_one_interchange_twice_without_the_lock(store):
    orders, received = one_order(901)
    assert store.import_edi(orders, received, (), [arrival()]) == 1
    assert store.received_interchange("BIGR", CONTROL)
    orders, received = one_order(902)  # other POs: only the interchange is the same
    with pytest.raises(InterchangeReceived, match=f"interchange {CONTROL} was received from BIGR already"):
        store.import_edi(orders, received, (), [arrival()])
    assert counts(store) == (1, 1, 1)


def test_the_received_answer_reads_the_interchanges_table(store):
    with transfer.connection_of(store) as conn:  # autocommit: the row commits at once
        conn.execute("INSERT INTO edi_interchanges(partner_id, control_number, received_at, digest) "
                     "VALUES ('BIGR', ?, '2026-11-24T15:02:00+00:00', NULL)", (CONTROL,))
    report = import_edi(store, TEXT)
    assert report.imported == [] and report.duplicates == [DUPLICATE], report.message
    assert counts(store) == (0, 1, 0)


def test_a_second_import_waits_for_the_first_and_is_told_received_already(pg_url, pg_database):
    """The service imports the file while another transaction, which never took the EDI
    lock, has written the same interchange and not committed yet: the service waits on
    the table's key, then reports it received already, writing nothing (no 997 either)."""
    cluster, name = pg_database
    first, second = make_store(pg_url), make_store(pg_url)
    written, release, failed = threading.Event(), threading.Event(), []

    def holder() -> None:
        def unit() -> None:
            orders, received = one_order(901)
            first.import_edi(orders, received, (), [arrival()])
            written.set()
            assert release.wait(60)

        try:
            first.run_unit(unit)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            failed.append(exc)
            written.set()

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert written.wait(60) and not failed, failed
        result: list = []
        importer = threading.Thread(target=lambda: result.append(import_edi(second, TEXT)))
        importer.start()
        with psycopg.connect(cluster.url(name), autocommit=True) as watch:
            deadline = time.monotonic() + 30
            while not watch.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone():
                assert time.monotonic() < deadline and importer.is_alive(), result
                time.sleep(0.01)
        release.set()
        importer.join(60)
        t.join(60)
        assert not failed, failed
        (report,) = result
        assert report.imported == [] and report.duplicates == [DUPLICATE], report.message
        assert counts(second) == (1, 1, 1)
        with second.reading() as conn:
            assert conn.execute("SELECT count(*) FROM edi_documents WHERE direction = 'out'").fetchone()[0] == 0
    finally:
        release.set()
        t.join(60)
        first.close()
        second.close()


def test_an_old_sqlite_store_is_backfilled_from_its_document_log(tmp_path):
    path = tmp_path / "old.db"
    with make_store(path) as store:
        assert import_edi(store, TEXT).imported
        # As the step before this one left it: no table of interchanges.
        step = schema.MIGRATIONS.index(edi_interchanges.step)
        store.connection.execute("DROP TABLE edi_interchanges")
        store.connection.execute(f"PRAGMA user_version = {step}")
    with open_store_address(path, clock=lambda: f.NOW) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        with store.reading() as conn:
            assert conn.execute("SELECT partner_id, control_number, digest FROM edi_interchanges").fetchall() == [
                ("BIGR", CONTROL, None)]
        report = import_edi(store, TEXT)
        assert report.duplicates == [DUPLICATE] and counts(store) == (1, 1, 1)


def test_an_old_postgresql_store_is_backfilled_from_its_document_log(pg_database):
    cluster, name = pg_database
    owner = cluster.url(name, OWNER)
    with make_store(owner) as store:
        assert import_edi(store, TEXT).imported
    step = pg_schema.MIGRATIONS.index(pg_interchanges.step)
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute("DROP TABLE edi_interchanges")
        conn.execute("UPDATE dropship_schema SET version = %s", (step,))
    with open_store_address(owner, clock=lambda: f.NOW) as store:
        assert store.schema_version == pg_schema.SCHEMA_VERSION
        with store.reading() as conn:
            assert conn.execute("SELECT partner_id, control_number, digest FROM edi_interchanges").fetchall() == [
                ("BIGR", CONTROL, None)]
        assert import_edi(store, TEXT).duplicates == [DUPLICATE] and counts(store) == (1, 1, 1)


def test_migrate_copies_the_received_interchanges(tmp_path, pg_database, capsys):
    cluster, name = pg_database
    source = tmp_path / "edi.db"
    with make_store(source) as store:
        taken = import_edi(store, TEXT)
        assert taken.imported
    target = cluster.url(name, OWNER)
    assert cli.main(["migrate", "--from", str(source), "--to", target]) == 0, capsys.readouterr().err
    with open_store_address(target, clock=lambda: f.NOW) as store:
        with store.reading() as conn:
            (digest,) = conn.execute("SELECT digest FROM edi_interchanges WHERE control_number = ?",
                                     (CONTROL,)).fetchone()
        assert len(digest) == 64  # the SHA-256 of its sets, as received
        assert import_edi(store, TEXT).duplicates == [DUPLICATE]
