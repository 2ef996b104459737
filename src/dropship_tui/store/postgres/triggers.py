"""PostgreSQL schema step 1, continued: the triggers, as PL/pgSQL functions.

They do what the SQLite triggers do (``sqlite/schema.py`` counters, ``edi_tables``,
``package_tables``, ``facts_tables``, ``setup_log``, ``activity_chain``):

* ``stage_counts`` / ``sla_counts`` kept per vendor by row triggers on ``orders`` (an
  upsert, so the first order of a vendor and stage creates its row; rows are per vendor,
  never one row every writer of the store updates);
* ``orders.retailer_po``, ``packages``, ``order_facts`` and ``canceled_units`` filled
  from the JSON body whenever ``order_bodies`` is written (the old facts deleted first),
  and the scorecard's sums (``scorecard_*``) kept from those two tables;
* ``activity`` and ``setup_log`` append-only: UPDATE and DELETE refused per row, TRUNCATE
  per statement, with SQLite's messages and an integrity SQLSTATE (23001), so the
  shared code sees the same ``IntegrityError`` on both engines. (PostgreSQL has no
  ``INSERT OR REPLACE``: SQLite's third trigger has nothing to guard here.)
"""

from __future__ import annotations

COUNTERS = [
    """CREATE FUNCTION dropship_count_orders() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE stage_counts SET n = n - 1
          WHERE vendor_code = OLD.vendor_code AND stage = OLD.stage;
        IF OLD.final_sla IS NOT NULL THEN
          UPDATE sla_counts SET n = n - 1 WHERE vendor_code = OLD.vendor_code
            AND stage = OLD.stage AND final_sla = OLD.final_sla;
        END IF;
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO stage_counts(vendor_code, stage, n) VALUES (NEW.vendor_code, NEW.stage, 1)
          ON CONFLICT (vendor_code, stage) DO UPDATE SET n = stage_counts.n + 1;
        IF NEW.final_sla IS NOT NULL THEN
          INSERT INTO sla_counts(vendor_code, stage, final_sla, n)
            VALUES (NEW.vendor_code, NEW.stage, NEW.final_sla, 1)
            ON CONFLICT (vendor_code, stage, final_sla) DO UPDATE SET n = sla_counts.n + 1;
        END IF;
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER orders_count_insert AFTER INSERT ON orders
       FOR EACH ROW EXECUTE FUNCTION dropship_count_orders()""",
    """CREATE TRIGGER orders_count_delete AFTER DELETE ON orders
       FOR EACH ROW EXECUTE FUNCTION dropship_count_orders()""",
    """CREATE TRIGGER orders_count_update AFTER UPDATE OF stage, vendor_code, final_sla ON orders
       FOR EACH ROW WHEN (OLD.stage IS DISTINCT FROM NEW.stage
         OR OLD.vendor_code IS DISTINCT FROM NEW.vendor_code
         OR OLD.final_sla IS DISTINCT FROM NEW.final_sla)
       EXECUTE FUNCTION dropship_count_orders()""",
]

_EPOCH = "floor(extract(epoch FROM ({})::timestamptz))::bigint"


def _epoch(expr: str) -> str:
    return _EPOCH.format(expr)


BODIES = [
    f"""CREATE FUNCTION dropship_order_body() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      doc jsonb := NEW.body::jsonb;
    BEGIN
      IF TG_OP = 'INSERT' AND doc->>'retailer_po_number' IS NOT NULL THEN
        UPDATE orders SET retailer_po = doc->>'retailer_po_number' WHERE po_number = NEW.po_number;
      END IF;
      IF TG_OP = 'UPDATE' THEN
        DELETE FROM packages WHERE po_number = NEW.po_number;
        INSERT INTO packages(po_number, slip_number, status, at)
          SELECT NEW.po_number, (s->>'number')::bigint, s->>'package_status', s->>'package_at'
          FROM jsonb_array_elements(coalesce(doc->'slips', '[]')) AS s
          WHERE s->>'package_status' IS NOT NULL;
      END IF;
      -- the old facts go first: their delete triggers take them off the scorecard sums
      DELETE FROM canceled_units WHERE po_number = NEW.po_number;
      DELETE FROM order_facts WHERE po_number = NEW.po_number;
      INSERT INTO order_facts(po_number, ordered_at, vendor_code, location_code, stage,
          answered_at, acknowledged, shipped_at, ordered_units, accepted_units)
        SELECT NEW.po_number, {_epoch("doc->>'order_date'")},
          doc->>'vendor_code', doc->>'location_code', doc->>'stage',
          coalesce({_epoch("doc->>'acknowledged_at'")}, {_epoch("doc->>'canceled_at'")}),
          doc->>'acknowledged_at' IS NOT NULL,
          (SELECT CASE WHEN count(*) > 0 AND count(*) = count(s->>'tracked_at')
                       THEN max({_epoch("s->>'tracked_at'")}) END
             FROM jsonb_array_elements(coalesce(doc->'slips', '[]')) AS s),
          (SELECT coalesce(sum((l->>'quantity_ordered')::bigint), 0)
             FROM jsonb_array_elements(coalesce(doc->'lines', '[]')) AS l),
          (SELECT coalesce(sum((l->>'quantity_accepted')::bigint), 0)
             FROM jsonb_array_elements(coalesce(doc->'lines', '[]')) AS l);
      INSERT INTO canceled_units(po_number, reason_code, units)
        SELECT NEW.po_number, c->>'reason_code', sum((c->>'quantity')::bigint)
        FROM jsonb_array_elements(coalesce(doc->'canceled_items', '[]')) AS c GROUP BY 2;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER order_bodies_insert AFTER INSERT ON order_bodies
       FOR EACH ROW EXECUTE FUNCTION dropship_order_body()""",
    """CREATE TRIGGER order_bodies_update AFTER UPDATE OF body ON order_bodies
       FOR EACH ROW EXECUTE FUNCTION dropship_order_body()""",
]


def _units(r: str, column: str) -> str:
    return f"CASE WHEN {r}.acknowledged THEN {r}.{column} ELSE 0 END"


def _hours(r: str, at: str) -> str:
    """Whole hours from order to ``at``, rounded up (``sqlite/scorecard_sums.py``)."""
    return f"((greatest(0, {r}.{at} - {r}.ordered_at) + 3599) / 3600)"


def _ships(r: str) -> str:
    """The orders the on-time ship rate counts (``domain.scorecard``)."""
    return f"{r}.acknowledged AND {r}.accepted_units > 0 AND {r}.stage != 'canceled'"


def _unshipped(r: str) -> str:
    return f"{r}.shipped_at IS NULL AND {_ships(r)}"


def _ship_kind(r: str) -> str:
    return f"CASE WHEN {_ships(r)} THEN 's' ELSE 'x' END"


SCORECARD = [
    f"""CREATE FUNCTION dropship_scorecard_facts() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        UPDATE scorecard_hours SET orders = orders - 1,
            ordered_units = ordered_units - {_units("OLD", "ordered_units")},
            accepted_units = accepted_units - {_units("OLD", "accepted_units")},
            unanswered = unanswered - (OLD.answered_at IS NULL)::int,
            unshipped = unshipped - ({_unshipped("OLD")})::int
          WHERE hour = OLD.ordered_at / 3600 AND vendor_code = OLD.vendor_code
            AND location_code = OLD.location_code AND stage = OLD.stage;
        IF OLD.answered_at IS NOT NULL THEN
          UPDATE scorecard_delays SET orders = orders - 1 WHERE day = OLD.ordered_at / 86400
            AND vendor_code = OLD.vendor_code AND location_code = OLD.location_code
            AND kind = 'a' AND hours = {_hours("OLD", "answered_at")};
        END IF;
        IF OLD.shipped_at IS NOT NULL THEN
          UPDATE scorecard_delays SET orders = orders - 1 WHERE day = OLD.ordered_at / 86400
            AND vendor_code = OLD.vendor_code AND location_code = OLD.location_code
            AND kind = {_ship_kind("OLD")} AND hours = {_hours("OLD", "shipped_at")};
        END IF;
        RETURN NULL;
      END IF;
      INSERT INTO scorecard_hours(hour, vendor_code, location_code, stage, orders, ordered_units,
          accepted_units, unanswered, unshipped)
        VALUES (NEW.ordered_at / 3600, NEW.vendor_code, NEW.location_code, NEW.stage, 1,
                {_units("NEW", "ordered_units")}, {_units("NEW", "accepted_units")},
                (NEW.answered_at IS NULL)::int, ({_unshipped("NEW")})::int)
        ON CONFLICT (hour, vendor_code, location_code, stage) DO UPDATE SET
          orders = scorecard_hours.orders + 1,
          ordered_units = scorecard_hours.ordered_units + excluded.ordered_units,
          accepted_units = scorecard_hours.accepted_units + excluded.accepted_units,
          unanswered = scorecard_hours.unanswered + excluded.unanswered,
          unshipped = scorecard_hours.unshipped + excluded.unshipped;
      IF NEW.answered_at IS NOT NULL THEN
        INSERT INTO scorecard_delays(day, vendor_code, location_code, kind, hours, orders)
          VALUES (NEW.ordered_at / 86400, NEW.vendor_code, NEW.location_code, 'a',
                  {_hours("NEW", "answered_at")}, 1)
          ON CONFLICT (day, vendor_code, location_code, kind, hours)
          DO UPDATE SET orders = scorecard_delays.orders + 1;
      END IF;
      IF NEW.shipped_at IS NOT NULL THEN
        INSERT INTO scorecard_delays(day, vendor_code, location_code, kind, hours, orders)
          VALUES (NEW.ordered_at / 86400, NEW.vendor_code, NEW.location_code, {_ship_kind("NEW")},
                  {_hours("NEW", "shipped_at")}, 1)
          ON CONFLICT (day, vendor_code, location_code, kind, hours)
          DO UPDATE SET orders = scorecard_delays.orders + 1;
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER scorecard_facts_insert AFTER INSERT ON order_facts
       FOR EACH ROW EXECUTE FUNCTION dropship_scorecard_facts()""",
    """CREATE TRIGGER scorecard_facts_delete AFTER DELETE ON order_facts
       FOR EACH ROW EXECUTE FUNCTION dropship_scorecard_facts()""",
    """CREATE FUNCTION dropship_scorecard_cancels() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        UPDATE scorecard_cancels SET units = units - OLD.units, lines = lines - 1
          WHERE reason_code = OLD.reason_code AND (hour, vendor_code) =
            (SELECT f.ordered_at / 3600, f.vendor_code FROM order_facts AS f WHERE f.po_number = OLD.po_number);
        RETURN NULL;
      END IF;
      INSERT INTO scorecard_cancels(hour, vendor_code, reason_code, units, lines)
        SELECT f.ordered_at / 3600, f.vendor_code, NEW.reason_code, NEW.units, 1
        FROM order_facts AS f WHERE f.po_number = NEW.po_number
        ON CONFLICT (hour, vendor_code, reason_code) DO UPDATE SET
          units = scorecard_cancels.units + excluded.units, lines = scorecard_cancels.lines + 1;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER scorecard_cancels_insert AFTER INSERT ON canceled_units
       FOR EACH ROW EXECUTE FUNCTION dropship_scorecard_cancels()""",
    """CREATE TRIGGER scorecard_cancels_delete AFTER DELETE ON canceled_units
       FOR EACH ROW EXECUTE FUNCTION dropship_scorecard_cancels()""",
]


def _append_only(table: str, what: str) -> list[str]:
    fn = f"dropship_{table}_append_only"
    return [
        f"""CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '{what} is append-only: entries cannot be %',
            CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END
            USING ERRCODE = 'restrict_violation';
        END $$""",
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
           FOR EACH ROW EXECUTE FUNCTION {fn}()""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION {fn}()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
           FOR EACH STATEMENT EXECUTE FUNCTION {fn}()""",
    ]


APPEND_ONLY = _append_only("activity", "activity") + _append_only("setup_log", "the setup log")
APPEND_ONLY_TRIGGERS = {
    "activity": ["activity_no_update", "activity_no_delete", "activity_no_truncate"],
    "setup_log": ["setup_log_no_update", "setup_log_no_delete", "setup_log_no_truncate"],
}
"""What keeps the logs append-only, by table (checked when a store opens)."""

ALL = COUNTERS + SCORECARD + BODIES + APPEND_ONLY
