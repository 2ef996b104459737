"""Issue 11 review fixes on a real PostgreSQL (``pg_support``) beside a real SQLite file:
the CSV exports and the vendor's scorecard give the same rows on both engines; a write
run again after a deadlock counts once (a stock import, a batch acknowledgement); an SLA
admin change does not overwrite an action's marks; one EDI interchange posted twice at
once is taken once; two imports of one new PO at once refuse the second cleanly. The
admin side is in ``test_store_postgres_review_admin``."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest

import factories
from dropship_tui.domain import sla
from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.domain.models import SlaPolicy, SlaThresholds, Stage
from dropship_tui.store.base import OrderQuery, SortKey
from dropship_tui.store.postgres.store import PostgresStore
from dropship_tui.store.sqlite.rows import to_us
from dropship_tui.store.sqlite.store import SqliteStore
from test_remote_support import MAPPINGS
from tui_support import advance_sample, clock, sample_orders


def _fill(store) -> None:
    store.add_vendor(factories.vendor())
    store.add_location(factories.location())
    store.add_vendor(factories.vendor("OTHER"))
    store.add_location(factories.location("OTHER-WH1", "OTHER"))
    store.import_orders(sample_orders())
    advance_sample(store)


@pytest.fixture
def both(pg_url, tmp_path):
    """The same orders in a SQLite file and in PostgreSQL."""
    lite = SqliteStore(tmp_path / "store.db", user="jordan", clock=clock)
    pg = PostgresStore(pg_url, user="jordan", clock=clock)
    for s in (lite, pg):
        _fill(s)
    yield lite, pg
    lite.close()
    pg.close()


# --- review #3: the CSV exports ----------------------------------------------------------


def test_the_csv_exports_are_the_same_rows_on_postgresql(both):
    lite, pg = both
    odd = factories.order(po=3001, first_name="Ωμέγα", last_name="[bold]北京[/] <b>&amp;")
    for s in (lite, pg):
        s.import_orders([odd.model_copy(update={"order_date": odd.order_date - timedelta(microseconds=4321)})])
    queries = [OrderQuery(sort=sort, descending=desc) for sort in SortKey for desc in (False, True)]
    queries += [OrderQuery(search="Ωμέγα"), OrderQuery(vendor_code="MYSTIC")]
    for query in queries:
        expected = list(lite.order_rows(query))
        assert expected and list(pg.order_rows(query)) == expected, query
    start, end = factories.NOW - timedelta(days=400), factories.NOW + timedelta(days=1)
    canceled = list(lite.canceled_item_rows(start, end))
    at_risk = list(lite.sla_report_rows())
    assert canceled and at_risk
    assert list(pg.canceled_item_rows(start, end)) == canceled
    assert list(pg.canceled_item_rows(start, end, "MYSTIC")) == canceled
    assert list(pg.sla_report_rows()) == at_risk
    assert list(pg.sla_report_rows("MYSTIC")) == at_risk
    assert list(pg.sla_report_rows("OTHER")) == []


# --- review #2: a vendor's scorecard ---------------------------------------------------------


def test_a_vendors_scorecard_is_the_same_on_postgresql(both):
    lite, pg = both
    start, end = factories.NOW - timedelta(days=10, minutes=7), factories.NOW + timedelta(hours=1, minutes=3)
    (expected,) = lite.scorecards(start, end, "MYSTIC")
    (card,) = pg.scorecards(start, end, "MYSTIC")
    assert card == expected and card.vendor_code == "MYSTIC"
    assert pg.scorecards(start, end) == lite.scorecards(start, end)


# --- review #5: a write run again after a deadlock counts once ----------------------------


def _wait_for_lock_wait(admin, database: str) -> None:
    """Until a session of ``database`` waits for a row lock."""
    for _ in range(500):
        row = admin.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", (database,)
        ).fetchone()
        if row:
            return
        time.sleep(0.01)
    raise AssertionError("no session waited for the lock")


def test_a_stock_import_run_again_after_a_deadlock_counts_each_row_once(pg_database, pg_url):
    """The import updates A then waits for B, which another transaction holds; that one
    then waits for A: PostgreSQL ends the import's attempt as the deadlock's victim (the
    other waits 10 s before looking), the store runs it again, and the result counts
    two updated rows, not three."""
    cluster, name = pg_database
    store = PostgresStore(pg_url, user="jordan", clock=clock)
    store.add_vendor(factories.vendor())
    store.add_location(factories.location())
    store.add_sku_mappings(MAPPINGS)
    for sku in ("MS-123", "MS-456"):
        store.set_stock(sku, "MYSTIC-WH1", 1)
    rows = [(2, "MS-123", "", "MYSTIC-WH1", 5), (3, "MS-456", "", "MYSTIC-WH1", 6)]
    with cluster.admin(name) as other, cluster.admin() as watch:
        other.execute("SET deadlock_timeout = '10s'")
        other.execute("BEGIN")
        other.execute("UPDATE stock SET on_hand = 2 WHERE vendor_sku = 'MS-456'")
        outcome: dict = {}
        worker = threading.Thread(target=lambda: outcome.setdefault("result", store.import_stock(rows)))
        worker.start()
        _wait_for_lock_wait(watch, name)
        other.execute("UPDATE stock SET on_hand = 2 WHERE vendor_sku = 'MS-123'")  # the deadlock
        other.execute("COMMIT")
        worker.join(30)
    result = outcome["result"]
    assert (result.added, result.updated, result.unchanged, result.zeroed) == (0, 2, 0, 0)
    assert (store.stock("MS-123", "MYSTIC-WH1"), store.stock("MS-456", "MYSTIC-WH1")) == (5, 6)
    store.close()


# --- review #1: an SLA admin change beside an order's action ----------------------------------


class PausingHook:
    """Holds a write just before its ``COMMIT`` (the order's row locked, its new body
    written) while ``hold`` is set, so a second store can act meanwhile."""

    def __init__(self) -> None:
        self.hold, self.paused, self.go = threading.Event(), threading.Event(), threading.Event()

    def begin(self, conn) -> None:
        pass

    def finish(self, conn, result) -> None:
        if self.hold.is_set():
            self.paused.set()
            assert self.go.wait(30)


def _stored_marks(store, po: int) -> tuple[int, int]:
    with store.reading() as conn:
        return tuple(conn.execute(
            "SELECT sla_at_risk_at, sla_overdue_at FROM orders WHERE po_number = ?", (po,)).fetchone())


@pytest.mark.parametrize("change", ["thresholds", "location policy"])
def test_an_sla_change_made_while_an_order_is_acknowledged_keeps_the_actions_marks(pg_database, pg_url, change):
    """Another process changes the thresholds (or the location's policy) while an order
    is being acknowledged: its stored marks are those of the acknowledged order under
    the new settings, not marks computed from the order as it was before."""
    cluster, name = pg_database
    hook = PausingHook()
    acting = PostgresStore(pg_url, user="jordan", clock=clock, hook=hook)
    admin = PostgresStore(pg_url, user="admin", clock=clock)
    admin.add_vendor(factories.vendor())
    admin.add_location(factories.location())
    admin.import_orders([factories.order(82, hours_old=30)])
    thresholds = SlaThresholds(at_risk=Decimal("0.5"), overdue=Decimal("0.9"))
    policy = SlaPolicy(hours_to_acknowledge=10, hours_to_ship=50)

    def change_it() -> None:
        if change == "thresholds":
            admin.set_sla_thresholds(thresholds)
        else:
            admin.add_location(factories.location().model_copy(update={"sla_policy": policy}))

    hook.hold.set()
    acting_thread = threading.Thread(target=lambda: acting.acknowledge(82, None, {1: 5}, {}))
    acting_thread.start()
    assert hook.paused.wait(30)
    hook.hold.clear()
    admin_thread = threading.Thread(target=change_it)
    admin_thread.start()
    with cluster.admin() as watch:
        _wait_for_lock_wait(watch, name)
    hook.go.set()
    acting_thread.join(30)
    admin_thread.join(30)
    order = admin.get_order(82)
    assert order.stage is Stage.IN_PROGRESS
    wanted = sla.sla_marks(order, admin.policy_for_location("MYSTIC-WH1"),
                           thresholds if change == "thresholds" else admin.thresholds)
    assert _stored_marks(admin, 82) == (to_us(wanted[0]), to_us(wanted[1]))
    acting.close()
    admin.close()


# --- review #6: one interchange posted twice at once ------------------------------------------


def test_one_interchange_posted_twice_at_once_is_taken_once_and_acknowledged_once(pg_database, pg_url):
    """The second post is judged only once the first has committed: it is a duplicate
    (nothing refused, no rejecting 997), and the order and the 997 are there once."""
    from test_edi_store import PARTNER, interchange, make_store, set_850

    from dropship_tui.services.edi_import import import_edi
    from dropship_tui.services.edi_partners import add_partner

    cluster, name = pg_database
    setup = make_store(pg_url, partner=False)
    add_partner(setup, PARTNER)
    setup.close()
    hook = PausingHook()
    first = PostgresStore(pg_url, clock=lambda: factories.NOW, hook=hook)
    second = PostgresStore(pg_url, clock=lambda: factories.NOW)
    text = interchange(set_850(po="4500012345678", name="[bold]Ann[/] Lee"))
    hook.hold.set()
    reports: dict = {}
    thread = threading.Thread(target=lambda: reports.setdefault("first", import_edi(first, text)))
    thread.start()
    assert hook.paused.wait(30)
    hook.hold.clear()
    other = threading.Thread(target=lambda: reports.setdefault("second", import_edi(second, text)))
    other.start()
    with cluster.admin() as watch:
        _wait_for_lock_wait(watch, name)
    hook.go.set()
    thread.join(30)
    other.join(30)
    assert len(reports["first"].imported) == 1 and not reports["first"].refused
    assert reports["second"].imported == [] and not reports["second"].refused
    assert "was received from BIGR already" in reports["second"].message
    with second.reading() as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM edi_documents WHERE set_id = '997'").fetchone()[0] == 1
    first.close()
    second.close()


# --- review #7: two imports of one new PO at once ------------------------------------------------


def test_the_second_of_two_imports_of_one_new_po_at_once_is_refused_naming_it(pg_url):
    """Both find the PO new; the second's insert waits for the first, which commits:
    the second is refused like any import of a PO already there, nothing of it kept."""
    hook = PausingHook()
    first = PostgresStore(pg_url, user="jordan", clock=clock, hook=hook)
    second = PostgresStore(pg_url, user="jordan", clock=clock)
    first.add_vendor(factories.vendor())
    first.add_location(factories.location())
    hook.hold.set()
    thread = threading.Thread(target=lambda: first.import_orders([factories.order(82)]))
    thread.start()
    assert hook.paused.wait(30)
    hook.hold.clear()
    outcome: dict = {}

    def import_too() -> None:
        try:
            second.import_orders([factories.order(83), factories.order(82, first_name="[bold]Bo[/]")])
        except Exception as exc:  # noqa: BLE001 - the test looks at what it is
            outcome["error"] = exc

    other = threading.Thread(target=import_too)
    other.start()
    time.sleep(0.3)  # the second import's insert is waiting for the first's row
    hook.go.set()
    thread.join(30)
    other.join(30)
    error = outcome["error"]
    assert type(error) is InvalidInputError and error.message == "PO 82 is already in the store"
    assert first.get_order(82).ship_to.first_name == "Ann"
    with pytest.raises(NotFoundError):
        second.get_order(83)
    first.close()
    second.close()


# --- review #12 (and #5's done list): a batch acknowledgement that meets a deadlock -------------


def test_a_batch_acknowledgement_that_meets_a_deadlock_is_run_again_and_counted_once(pg_database, pg_url):
    """The group locks A then waits for B, which another transaction holds while it
    waits for A: the group loses the deadlock, is run again, and both POs succeed once
    (not one "could not be saved: deadlock detected", nor A listed twice)."""
    cluster, name = pg_database
    store = PostgresStore(pg_url, user="jordan", clock=clock)
    store.ACK_GROUP = 2  # both POs in one transaction
    store.add_vendor(factories.vendor())
    store.add_location(factories.location())
    store.import_orders([factories.order(82), factories.order(83)])
    with cluster.admin(name) as other, cluster.admin() as watch:
        other.execute("SET deadlock_timeout = '10s'")
        other.execute("BEGIN")
        other.execute("SELECT 1 FROM orders WHERE po_number = 83 FOR UPDATE")
        outcome: dict = {}
        worker = threading.Thread(target=lambda: outcome.setdefault("result", store.acknowledge_all([82, 83])))
        worker.start()
        _wait_for_lock_wait(watch, name)
        other.execute("SELECT 1 FROM orders WHERE po_number = 82 FOR UPDATE")  # the deadlock
        other.execute("COMMIT")
        worker.join(30)
    result = outcome["result"]
    assert (result.succeeded, result.failed) == ([82, 83], {})
    assert store.get_order(83).stage is Stage.IN_PROGRESS
    store.close()
