"""``PostgresStore``: the ``Store`` protocol on a PostgreSQL database (issue 11).

It composes the very mixins ``SqliteStore`` is made of (dashboard queries, stock, setup,
import, EDI, live, scorecard, the workflow writes): they run their SQL through
``adapter.PgConnection``. Only what the engines do differently is written here:

* an action locks its order's row (``SELECT … FOR UPDATE``) before it reads it, so two
  processes acting on one order queue up instead of both reading the same version; the
  version guard (``UPDATE … WHERE version = ?``) still refuses a caller's stale version;
* invoice numbers come from the sequence ``invoice_numbers`` (unique and increasing
  across processes, no row every invoice locks); numbers already taken are skipped;
* the live dashboard's change token is a transaction id horizon instead of the newest
  activity id (ids are handed out before commit, so a later-committing write could
  carry a smaller id than one a poll has already seen);
* ``settle_stock`` reads the bodies with PostgreSQL's JSON functions.
"""

from __future__ import annotations

from dropship_tui.domain.models import Order, SlaThresholds, Stage, Vendor, po_number_or_none
from dropship_tui.store.base import Clock, StoreChanges, utc_now
from dropship_tui.store.postgres.adapter import PgConnection, PgOperationalError
from dropship_tui.store.postgres.base import PostgresBase
from dropship_tui.store.postgres.spelling import PgExportSpelling
from dropship_tui.store.sqlite.connection import WriteHook
from dropship_tui.store.sqlite.live import CHANGED_MAX
from dropship_tui.store.sqlite.search import SCAN_BUDGET
from dropship_tui.store.sqlite.store import Rule, SqliteStore, invoice_number


class PostgresStore(PostgresBase, SqliteStore):
    """The PostgreSQL store. ``open_store_address`` picks it for a ``postgresql://`` address."""

    bulk_loads = False
    """The demo's fast path writes SQLite files (``demo.bulk``): a PostgreSQL demo runs
    every order through the actions (for a big one: ``demo`` into a file, then
    ``migrate --from FILE --to postgresql://…``)."""

    spelling = PgExportSpelling
    """The CSV exports' SQL in PostgreSQL's words (``sqlite.exports.ExportSpelling``)."""

    EDI_LOCK = 5_120_013
    """The advisory lock an EDI import's transaction holds (``lock_edi_imports``)."""

    def __init__(
        self,
        address: str,
        *,
        user: str = "local",
        clock: Clock = utc_now,
        thresholds: SlaThresholds | None = None,
        hook: WriteHook | None = None,
        separate_reads: bool = False,
        pool_size: int = 4,
    ) -> None:
        """As ``SqliteStore``; ``separate_reads`` (a server) takes no store lock, and
        ``pool_size`` is how many connections the store may hold at once."""
        PostgresBase.__init__(
            self, address, user=user, clock=clock, hook=hook,
            separate_reads=separate_reads, pool_size=pool_size,
        )
        if thresholds is not None and thresholds != self.thresholds:
            try:
                self.set_sla_thresholds(thresholds)
            except BaseException:
                self.close()
                raise

    @classmethod
    def open(  # type: ignore[override]
        cls, explicit: str | None = None, *, user: str = "local", clock: Clock = utc_now,
        thresholds: SlaThresholds | None = None,
    ) -> PostgresStore:
        if explicit is None:
            raise ValueError("a PostgreSQL store needs its address")
        return cls(explicit, user=user, clock=clock, thresholds=thresholds)

    def lock_edi_imports(self) -> None:
        """As ``EdiRecords.lock_edi_imports``: ``EDI_LOCK`` until the transaction ends."""
        self._conn.execute("SELECT pg_advisory_xact_lock(?)", (self.EDI_LOCK,))

    # --- the engine-specific parts of a workflow write ------------------------------------

    def _act_in(self, conn: PgConnection, po_number: int, version: int | None, rule: Rule) -> Order:  # type: ignore[override]
        conn.execute("SELECT 1 FROM orders WHERE po_number = ? FOR UPDATE", (po_number_or_none(po_number),))
        return super()._act_in(conn, po_number, version, rule)  # type: ignore[arg-type]

    def _rule(self, action):  # type: ignore[no-untyped-def]
        return lambda conn, order, ctx: action.apply(order, ctx, _PgEnv(self, conn))

    # --- the dashboard's searched pages ---------------------------------------------------

    def _search_page(self, conn: PgConnection, query, offset: int, limit: int, now_us: int) -> list[int]:  # type: ignore[no-untyped-def, override]
        """A searched page as ``DashboardQueries._search_page`` reads it, with the engine's
        own time budget: walked in order under ``statement_timeout`` (SQLite: a progress
        handler), else read from the set of matches. No kept positions: they are keyed to
        SQLite's ``data_version``, and another process may write at any time."""
        budget = max(1, int(SCAN_BUDGET * 1000))
        conn.execute("SAVEPOINT walk")
        conn.execute(f"SET LOCAL statement_timeout = {budget}")
        try:
            pos = self._page(conn, query, offset, limit, now_us, "walk")
        except PgOperationalError as exc:
            if exc.sqlstate != "57014":  # query_canceled: over the budget
                raise
            conn.execute("ROLLBACK TO walk")
            conn.execute("RELEASE walk")
            return self._page(conn, query, offset, limit, now_us, "set")
        conn.execute("RELEASE walk")
        conn.execute("SET LOCAL statement_timeout = DEFAULT")
        return pos

    # --- live --------------------------------------------------------------------------

    def changes_since(self, token: int | None, vendor_code: str | None = None) -> StoreChanges:
        """The token is the oldest transaction still running (every write before it has
        committed or rolled back); the orders named are those whose activity a
        transaction from the caller's token on wrote, so a write that commits late is
        still named on a later poll (a few orders may be named twice: a repaint)."""
        with self.reading() as conn:
            (horizon,) = conn.execute(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
            ).fetchone()
            if token is None or horizon <= token:
                return StoreChanges(token=token if token is not None and token > horizon else horizon)
            sql = (
                "SELECT DISTINCT a.po_number FROM activity a JOIN orders o ON o.po_number = a.po_number "
                "WHERE a.xid >= ?" + (" AND o.vendor_code = ?" if vendor_code is not None else "")
                + f" ORDER BY a.po_number LIMIT {CHANGED_MAX}"
            )
            args = (token,) if vendor_code is None else (token, vendor_code)
            pos = [po for (po,) in conn.execute(sql, args)]
        return StoreChanges(token=horizon, po_numbers=pos)

    # --- stock --------------------------------------------------------------------------

    def settle_stock(self) -> None:
        """As ``StockRecords.settle_stock`` (bulk loads), with PostgreSQL's JSON."""
        accepted = (
            "SELECT o.po_number AS po, o.stage AS stage, o.location_code AS loc, "
            "l->>'vendor_sku' AS sku, sum(coalesce((l->>'quantity_accepted')::bigint, 0)) AS units "
            "FROM orders o JOIN order_bodies b USING (po_number), "
            "jsonb_array_elements(b.body::jsonb->'lines') l "
            "WHERE o.stage IN (:open, :done) "
            "AND o.location_code IN (SELECT DISTINCT location_code FROM stock) "
            "GROUP BY o.po_number, o.stage, o.location_code, l->>'vendor_sku'"
        )
        stages = {"open": Stage.IN_PROGRESS.value, "done": Stage.COMPLETED.value}

        def work(conn: PgConnection) -> None:
            conn.execute(f"CREATE TEMP TABLE settle_accepted ON COMMIT DROP AS {accepted}", stages)
            conn.execute("DELETE FROM stock_reservations")
            conn.execute(
                "INSERT INTO stock_reservations(po_number, vendor_sku, location_code, units) "
                "SELECT a.po, a.sku, a.loc, a.units FROM settle_accepted a JOIN stock s "
                "ON s.vendor_sku = a.sku AND s.location_code = a.loc "
                "WHERE a.stage = :open AND a.units > 0",
                stages,
            )
            conn.execute(
                "UPDATE stock SET on_hand = greatest(0, on_hand - t.units) FROM "
                "(SELECT sku, loc, sum(units) AS units FROM settle_accepted "
                "WHERE stage = :done GROUP BY sku, loc) AS t "
                "WHERE stock.vendor_sku = t.sku AND stock.location_code = t.loc",
                stages,
            )

        self._transaction(work)


class _PgEnv:
    """What an action may need of the store, inside its transaction (``store._Env``)."""

    def __init__(self, store: PostgresStore, conn: PgConnection) -> None:
        self._store, self._conn = store, conn

    def vendor(self, code: str) -> Vendor:
        return self._store.vendor(code)

    def next_invoice_number(self) -> str:
        """The sequence's next value, skipping numbers already taken (a store copied from
        SQLite whose sequence was not moved on: ``schema.sync_sequences``)."""
        while True:
            (n,) = self._conn.execute("SELECT nextval('invoice_numbers')").fetchone()
            number = invoice_number(n)
            if not self._conn.execute("SELECT 1 FROM invoices WHERE number = ?", (number,)).fetchone():
                return number
