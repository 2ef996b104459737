"""Schema step for a fast scorecard (issue 14): the facts of ``order_facts`` summed per
vendor, location and hour of order date (``hour`` = epoch seconds // 3600) or UTC day
(``day`` = // 86400), so a period reads its whole hours (days) here and only its partial
edges from ``order_facts``.

- ``scorecard_hours``: orders per stage, units ordered and accepted over the acknowledged,
  and how many are not yet answered / not yet shipped (of those the ship rate counts);
- ``scorecard_delays`` (per day: per hour it would hold nearly a row per order): how many
  orders were answered (kind ``a``) or shipped (``s`` when the order counts for the on-time
  ship rate, ``x`` when not) within each whole number of hours, rounded *up* (``hours`` = ceil(delay / 3600)). Rounded up, "on time" against a
  window of H whole hours is exactly ``hours <= H``, whatever policy is in force when the
  report runs; the medians and p90 read the exact minutes of the one hour bucket that holds
  their rank from ``order_facts`` (the ``*_hours`` indexes), so they stay exact to the minute;
- ``scorecard_cancels`` (per hour): units canceled per reason code.

The windows that close with time ("due but not yet answered / shipped") are the open
orders of the whole hours before the window's cutoff, from ``scorecard_hours``, plus those
of the partial hours at its edges from ``order_facts`` (two partial indexes over the open
orders only).

Triggers on ``order_facts`` and ``canceled_units`` keep the sums in the writer's own
transaction. ``order_facts`` was kept by ``INSERT OR REPLACE``, which fires no delete
trigger, so this step replaces the two triggers on ``order_bodies`` with ones that delete
the old facts before inserting the new (a later step, ``facts_upkeep``, drops the UPDATE
one: the store updates a facts row in place, and ``UPDATE_TRIGGER`` moves its sums). The
backfill is the same sums as grouped statements (also what a bulk load runs after
loading with these triggers dropped: ``schema.COUNTERS``).
"""

from __future__ import annotations

import sqlite3

from dropship_tui.store.sqlite import facts_tables

ACK_HOURS = "(max(0, {r}answered_at - {r}ordered_at) + 3599) / 3600"
SHIP_HOURS = "(max(0, {r}shipped_at - {r}ordered_at) + 3599) / 3600"
SHIPS = "{r}acknowledged AND {r}accepted_units > 0 AND {r}stage != 'canceled'"
"""The orders the on-time ship rate counts (``domain.scorecard``)."""
UNSHIPPED = "{r}shipped_at IS NULL AND " + SHIPS


def _ack(r: str) -> str:
    """``r``: the row's prefix (``NEW.``, ``f.``, or empty in an index)."""
    return ACK_HOURS.format(r=r)


def _ship(r: str) -> str:
    return SHIP_HOURS.format(r=r)


def _units(r: str, column: str) -> str:
    return f"CASE WHEN {r}acknowledged THEN {r}{column} ELSE 0 END"


TABLES = [
    """CREATE TABLE scorecard_hours (
        hour INTEGER NOT NULL,
        vendor_code TEXT NOT NULL,
        location_code TEXT NOT NULL,
        stage TEXT NOT NULL,
        orders INTEGER NOT NULL,
        ordered_units INTEGER NOT NULL,
        accepted_units INTEGER NOT NULL,
        unanswered INTEGER NOT NULL,
        unshipped INTEGER NOT NULL,
        PRIMARY KEY (hour, vendor_code, location_code, stage)
    ) WITHOUT ROWID""",
    """CREATE TABLE scorecard_delays (
        day INTEGER NOT NULL,
        vendor_code TEXT NOT NULL,
        location_code TEXT NOT NULL,
        kind TEXT NOT NULL,
        hours INTEGER NOT NULL,
        orders INTEGER NOT NULL,
        PRIMARY KEY (day, vendor_code, location_code, kind, hours)
    ) WITHOUT ROWID""",
    """CREATE TABLE scorecard_cancels (
        hour INTEGER NOT NULL,
        vendor_code TEXT NOT NULL,
        reason_code TEXT NOT NULL,
        units INTEGER NOT NULL,
        lines INTEGER NOT NULL,
        PRIMARY KEY (hour, vendor_code, reason_code)
    ) WITHOUT ROWID""",
]

INDEXES = [
    "CREATE INDEX order_facts_unanswered ON order_facts(location_code, ordered_at) WHERE answered_at IS NULL",
    f"CREATE INDEX order_facts_unshipped ON order_facts(location_code, ordered_at) WHERE {UNSHIPPED.format(r='')}",
    f"CREATE INDEX order_facts_ack_hours ON order_facts(vendor_code, {ACK_HOURS.format(r='')}, "
    "ordered_at, answered_at) WHERE answered_at IS NOT NULL",
    f"CREATE INDEX order_facts_ship_hours ON order_facts(vendor_code, {SHIP_HOURS.format(r='')}, "
    "ordered_at, shipped_at) WHERE shipped_at IS NOT NULL",
]

_WHERE = "vendor_code = {r}vendor_code AND location_code = {r}location_code"
_DAY_KEY = "day = {r}ordered_at / 86400 AND " + _WHERE
_HOUR_KEY = "hour = {r}ordered_at / 3600 AND " + _WHERE
_SHIP_KIND = "CASE WHEN {ships} THEN 's' ELSE 'x' END"

_ADD = f"""
        INSERT INTO scorecard_hours(hour, vendor_code, location_code, stage, orders, ordered_units, accepted_units,
                                    unanswered, unshipped)
            VALUES (NEW.ordered_at / 3600, NEW.vendor_code, NEW.location_code, NEW.stage, 1,
                    {_units('NEW.', 'ordered_units')}, {_units('NEW.', 'accepted_units')},
                    NEW.answered_at IS NULL, {UNSHIPPED.format(r='NEW.')})
            ON CONFLICT DO UPDATE SET orders = orders + 1, ordered_units = ordered_units + excluded.ordered_units,
                accepted_units = accepted_units + excluded.accepted_units,
                unanswered = unanswered + excluded.unanswered, unshipped = unshipped + excluded.unshipped;
        INSERT INTO scorecard_delays(day, vendor_code, location_code, kind, hours, orders)
            SELECT NEW.ordered_at / 86400, NEW.vendor_code, NEW.location_code, 'a', {_ack('NEW.')}, 1
            WHERE NEW.answered_at IS NOT NULL
            ON CONFLICT DO UPDATE SET orders = orders + 1;
        INSERT INTO scorecard_delays(day, vendor_code, location_code, kind, hours, orders)
            SELECT NEW.ordered_at / 86400, NEW.vendor_code, NEW.location_code,
                   {_SHIP_KIND.format(ships=SHIPS.format(r='NEW.'))}, {_ship('NEW.')}, 1
            WHERE NEW.shipped_at IS NOT NULL
            ON CONFLICT DO UPDATE SET orders = orders + 1;
    """
"""A facts row's part of the sums added (``NEW`` the row)."""
_REMOVE = f"""
        UPDATE scorecard_hours SET orders = orders - 1,
               ordered_units = ordered_units - {_units('OLD.', 'ordered_units')},
               accepted_units = accepted_units - {_units('OLD.', 'accepted_units')},
               unanswered = unanswered - (OLD.answered_at IS NULL), unshipped = unshipped - ({UNSHIPPED.format(r='OLD.')})
            WHERE {_HOUR_KEY.format(r='OLD.')} AND stage = OLD.stage;
        UPDATE scorecard_delays SET orders = orders - 1
            WHERE OLD.answered_at IS NOT NULL AND {_DAY_KEY.format(r='OLD.')}
              AND kind = 'a' AND hours = {_ack('OLD.')};
        UPDATE scorecard_delays SET orders = orders - 1
            WHERE OLD.shipped_at IS NOT NULL AND {_DAY_KEY.format(r='OLD.')}
              AND kind = {_SHIP_KIND.format(ships=SHIPS.format(r='OLD.'))} AND hours = {_ship('OLD.')};
    """
"""A facts row's part of the sums taken off (``OLD`` the row)."""

UPDATE_TRIGGER = f"CREATE TRIGGER scorecard_facts_update AFTER UPDATE ON order_facts BEGIN {_REMOVE}{_ADD}END"
"""The store updates a facts row in place (``facts_upkeep``): the old row's part off, the
new row's on."""

TRIGGERS = [
    f"CREATE TRIGGER scorecard_facts_insert AFTER INSERT ON order_facts BEGIN {_ADD}END",
    f"CREATE TRIGGER scorecard_facts_delete AFTER DELETE ON order_facts BEGIN {_REMOVE}END",
    """CREATE TRIGGER scorecard_cancels_insert AFTER INSERT ON canceled_units BEGIN
        INSERT INTO scorecard_cancels(hour, vendor_code, reason_code, units, lines)
            SELECT f.ordered_at / 3600, f.vendor_code, NEW.reason_code, NEW.units, 1
            FROM order_facts AS f WHERE f.po_number = NEW.po_number
            ON CONFLICT DO UPDATE SET units = units + excluded.units, lines = lines + 1;
    END""",
    """CREATE TRIGGER scorecard_cancels_delete AFTER DELETE ON canceled_units BEGIN
        UPDATE scorecard_cancels SET units = units - OLD.units, lines = lines - 1
            WHERE reason_code = OLD.reason_code AND (hour, vendor_code) =
                (SELECT f.ordered_at / 3600, f.vendor_code FROM order_facts AS f WHERE f.po_number = OLD.po_number);
    END""",
    UPDATE_TRIGGER,
]

# The old facts go first (their sums come off while ``canceled_units`` can still find its
# order's day), then the new ones.
_SYNC = f"""
         DELETE FROM canceled_units WHERE po_number = NEW.po_number;
         DELETE FROM order_facts WHERE po_number = NEW.po_number;
         INSERT INTO {facts_tables.FACTS_COLUMNS}
         {facts_tables.FACTS};
         {facts_tables.CANCELED};"""

BODY_TRIGGERS = [
    "DROP TRIGGER IF EXISTS order_facts_insert",
    "DROP TRIGGER IF EXISTS order_facts_update",
    f"CREATE TRIGGER order_facts_insert AFTER INSERT ON order_bodies BEGIN {_SYNC} END",
    f"CREATE TRIGGER order_facts_update AFTER UPDATE OF body ON order_bodies BEGIN {_SYNC} END",
]

BACKFILL = [
    "DELETE FROM scorecard_hours",
    "DELETE FROM scorecard_delays",
    "DELETE FROM scorecard_cancels",
    f"""INSERT INTO scorecard_hours(hour, vendor_code, location_code, stage, orders, ordered_units, accepted_units,
                                    unanswered, unshipped)
        SELECT f.ordered_at / 3600, f.vendor_code, f.location_code, f.stage, count(*),
               sum({_units('f.', 'ordered_units')}), sum({_units('f.', 'accepted_units')}),
               sum(f.answered_at IS NULL), sum({UNSHIPPED.format(r='f.')})
        FROM order_facts AS f GROUP BY 1, 2, 3, 4""",
    f"""INSERT INTO scorecard_delays(day, vendor_code, location_code, kind, hours, orders)
        SELECT f.ordered_at / 86400, f.vendor_code, f.location_code, 'a', {_ack('f.')}, count(*)
        FROM order_facts AS f WHERE f.answered_at IS NOT NULL GROUP BY 1, 2, 3, 5
        UNION ALL
        SELECT f.ordered_at / 86400, f.vendor_code, f.location_code,
               {_SHIP_KIND.format(ships=SHIPS.format(r='f.'))}, {_ship('f.')}, count(*)
        FROM order_facts AS f WHERE f.shipped_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5""",
    """INSERT INTO scorecard_cancels(hour, vendor_code, reason_code, units, lines)
        SELECT f.ordered_at / 3600, f.vendor_code, c.reason_code, sum(c.units), count(*)
        FROM canceled_units AS c JOIN order_facts AS f ON f.po_number = c.po_number GROUP BY 1, 2, 3""",
]
"""The sums from ``order_facts`` as it is (the upgrade, and a bulk load's recount)."""


def step(conn: sqlite3.Connection) -> None:
    for sql in TABLES + BACKFILL + INDEXES + TRIGGERS + BODY_TRIGGERS:
        conn.execute(sql)
