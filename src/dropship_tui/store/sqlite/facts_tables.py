"""Schema step for the scorecard (issue 14): ``order_facts`` holds, per order, what the
scorecard counts (vendor, location, stage, when it was ordered, answered (acknowledged,
or canceled while New) and shipped (its last slip tracked), units ordered and accepted),
in seconds since the epoch; ``canceled_units`` the units canceled per reason code. Both
are kept by triggers on ``order_bodies`` (every writer of an order writes its body, the
bulk loaders too), and filled from the bodies already there when a store is upgraded.
``order_facts`` is clustered by order date, so a period is one range read in order.
"""

from __future__ import annotations

import sqlite3

FACTS = """SELECT NEW.po_number,
       unixepoch(json_extract(NEW.body, '$.order_date')),
       json_extract(NEW.body, '$.vendor_code'),
       json_extract(NEW.body, '$.location_code'),
       json_extract(NEW.body, '$.stage'),
       coalesce(unixepoch(json_extract(NEW.body, '$.acknowledged_at')),
                unixepoch(json_extract(NEW.body, '$.canceled_at'))),
       json_extract(NEW.body, '$.acknowledged_at') IS NOT NULL,
       (SELECT CASE WHEN count(*) > 0 AND count(*) = count(json_extract(s.value, '$.tracked_at'))
                    THEN max(unixepoch(json_extract(s.value, '$.tracked_at'))) END
          FROM json_each(NEW.body, '$.slips') AS s),
       (SELECT coalesce(sum(json_extract(l.value, '$.quantity_ordered')), 0) FROM json_each(NEW.body, '$.lines') AS l),
       (SELECT coalesce(sum(json_extract(l.value, '$.quantity_accepted')), 0) FROM json_each(NEW.body, '$.lines') AS l)"""

"""One order's facts, ``NEW`` being its ``order_bodies`` row."""
FACTS_COLUMNS = """order_facts(po_number, ordered_at, vendor_code, location_code, stage,
             answered_at, acknowledged, shipped_at, ordered_units, accepted_units)"""
CANCELED = """INSERT INTO canceled_units(po_number, reason_code, units)
           SELECT NEW.po_number, json_extract(c.value, '$.reason_code'), sum(json_extract(c.value, '$.quantity'))
           FROM json_each(NEW.body, '$.canceled_items') AS c GROUP BY 2"""
"""One order's canceled units per reason code, ``NEW`` being its ``order_bodies`` row."""

_SYNC = f"""
         INSERT OR REPLACE INTO {FACTS_COLUMNS}
         {FACTS};
         DELETE FROM canceled_units WHERE po_number = NEW.po_number;
         {CANCELED};"""

TABLES = [
    """CREATE TABLE order_facts (
        ordered_at INTEGER NOT NULL,
        po_number INTEGER NOT NULL UNIQUE,
        vendor_code TEXT NOT NULL,
        location_code TEXT NOT NULL,
        stage TEXT NOT NULL,
        answered_at INTEGER,
        acknowledged INTEGER NOT NULL,
        shipped_at INTEGER,
        ordered_units INTEGER NOT NULL,
        accepted_units INTEGER NOT NULL,
        PRIMARY KEY (ordered_at, po_number)
    ) WITHOUT ROWID""",
    """CREATE TABLE canceled_units (
        po_number INTEGER NOT NULL,
        reason_code TEXT NOT NULL,
        units INTEGER NOT NULL,
        PRIMARY KEY (po_number, reason_code)
    ) WITHOUT ROWID""",
    f"CREATE TRIGGER order_facts_insert AFTER INSERT ON order_bodies BEGIN {_SYNC} END",
    f"CREATE TRIGGER order_facts_update AFTER UPDATE OF body ON order_bodies BEGIN {_SYNC} END",
]


def step(conn: sqlite3.Connection) -> None:
    for sql in TABLES:
        conn.execute(sql)
    # The orders already there: the same statements as the triggers, NEW being each body.
    facts = FACTS.replace("NEW.", "b.")
    conn.execute(
        "INSERT INTO order_facts(po_number, ordered_at, vendor_code, location_code, stage, "
        f"answered_at, acknowledged, shipped_at, ordered_units, accepted_units) {facts} "
        "FROM order_bodies AS b"
    )
    conn.execute(
        "INSERT INTO canceled_units(po_number, reason_code, units) "
        "SELECT b.po_number, json_extract(c.value, '$.reason_code'), sum(json_extract(c.value, '$.quantity')) "
        "FROM order_bodies AS b, json_each(b.body, '$.canceled_items') AS c GROUP BY 1, 2"
    )
