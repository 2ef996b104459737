"""The store keeps an order's scorecard facts itself when it rewrites the order (issue 16
item 5: batch acknowledgement at 2,000 orders/s).

``facts_tables`` kept ``order_facts`` and ``canceled_units`` by triggers on
``order_bodies``: every body update deleted the facts row and inserted it again, parsing
the JSON body about a dozen times, and the scorecard sums' delete and insert triggers
fired for it. The workflow writes (``SqliteStore._write_change``, the only writer that
updates a body) hold the old and the new ``Order``, so this step drops the body's UPDATE
trigger and the store updates only the facts that changed, given as parameters
(``sync``); the sums follow by ``scorecard_sums``' UPDATE trigger. New bodies (imports,
the bulk loaders) keep the INSERT trigger.

``facts`` is the Python twin of ``facts_tables.FACTS``; the instants still go through
SQLite's ``unixepoch`` so the seconds are SQLite's, rounding included. ``drift`` names the
orders whose facts differ from a fresh backfill of their bodies: tests/test_facts_upkeep.py
holds every kind of write to none.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from dropship_tui.domain.models import Order
from dropship_tui.store.sqlite import facts_tables, scorecard_sums

EPOCH_COLUMNS = frozenset({"ordered_at", "answered_at", "shipped_at"})
"""The facts given as ISO instants, turned into epoch seconds by ``unixepoch(?)``."""


def facts(order: Order) -> dict[str, object]:
    """``order``'s ``order_facts`` columns as ``facts_tables.FACTS`` derives them from its
    body, the instants (``EPOCH_COLUMNS``) still as datetimes."""
    slips = order.slips
    shipped = (
        max(s.tracked_at for s in slips if s.tracked_at is not None)
        if slips and all(s.tracked_at is not None for s in slips) else None
    )
    return {
        "ordered_at": order.order_date,
        "vendor_code": order.vendor_code,
        "location_code": order.location_code,
        "stage": order.stage.value,
        "answered_at": order.acknowledged_at if order.acknowledged_at is not None else order.canceled_at,
        "acknowledged": int(order.acknowledged_at is not None),
        "shipped_at": shipped,
        "ordered_units": sum(line.quantity_ordered for line in order.lines),
        "accepted_units": sum(line.quantity_accepted or 0 for line in order.lines),
    }


def _param(column: str, value: object) -> object:
    """A fact as its SQL parameter: an instant as ISO text, for ``unixepoch(?)``."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def canceled(order: Order) -> dict[str, int]:
    """``order``'s ``canceled_units``: units canceled per reason code."""
    units: dict[str, int] = {}
    for item in order.canceled_items:
        code = item.reason_code.value
        units[code] = units.get(code, 0) + item.quantity
    return units


def sync(conn: sqlite3.Connection, old: Order, new: Order) -> None:
    """Inside the write's transaction, after its body is written: the facts of ``new``
    where they differ from ``old``'s. A reason's canceled units go first and come back
    last, as the triggers did (their sums find the order's hour in ``order_facts``)."""
    po = new.po_number
    before, after = canceled(old), canceled(new)
    cancels_changed = before != after
    if cancels_changed and before:
        conn.execute("DELETE FROM canceled_units WHERE po_number = ?", (po,))
    was, now = facts(old), facts(new)
    changed = [column for column, value in now.items() if was[column] != value]
    if changed:
        sets = ", ".join(f"{c} = unixepoch(?)" if c in EPOCH_COLUMNS else f"{c} = ?" for c in changed)
        conn.execute(f"UPDATE order_facts SET {sets} WHERE po_number = ?", (*(_param(c, now[c]) for c in changed), po))
    if cancels_changed and after:
        # OR REPLACE: a store whose body trigger was re-created (an older step run again)
        # has just written these rows itself; the replaced row's sums come off by its
        # delete trigger (``connect`` turns recursive triggers on).
        conn.executemany(
            "INSERT OR REPLACE INTO canceled_units(po_number, reason_code, units) VALUES (?, ?, ?)",
            [(po, code, units) for code, units in sorted(after.items())],
        )


_STORED_FACTS = ("SELECT po_number, ordered_at, vendor_code, location_code, stage, answered_at, acknowledged, "
                 "shipped_at, ordered_units, accepted_units FROM order_facts")
_BODY_FACTS = f"{facts_tables.FACTS.replace('NEW.', 'b.')} FROM order_bodies AS b"
_STORED_CANCELED = "SELECT po_number, reason_code, units FROM canceled_units"
_BODY_CANCELED = ("SELECT b.po_number, json_extract(c.value, '$.reason_code'), sum(json_extract(c.value, '$.quantity')) "
                  "FROM order_bodies AS b, json_each(b.body, '$.canceled_items') AS c GROUP BY 1, 2")
DRIFT = [
    f"SELECT po_number FROM ({a} EXCEPT {b}) UNION SELECT po_number FROM ({b} EXCEPT {a})"
    for a, b in ((_STORED_FACTS, _BODY_FACTS), (_STORED_CANCELED, _BODY_CANCELED))
]
"""The POs whose facts (then canceled units) differ from a fresh backfill of their bodies."""


def drift(conn: sqlite3.Connection) -> list[int]:
    """The POs whose stored facts are not what their bodies give (none, if the store has
    been the only writer)."""
    return sorted({po for sql in DRIFT for (po,) in conn.execute(sql)})


def step(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER IF EXISTS order_facts_update")
    conn.execute("DROP TRIGGER IF EXISTS scorecard_facts_update")
    conn.execute(scorecard_sums.UPDATE_TRIGGER)
