"""``dropship-tui verify``: is a local store what dropship-tui wrote?

Four checks, all read in one read transaction (a snapshot: writers may go on meanwhile):

* the activity chain of every order: each entry's ``hash`` is ``activity_chain.entry_hash`` of the
  hash before it (``activity_chain.GENESIS`` for the first) and its own fields. An entry changed,
  inserted or removed in the middle breaks the chain there; an entry without a hash was
  written outside dropship-tui. (An unkeyed chain cannot tell a log rewritten from some
  entry to its very end, hashes recomputed: keep a copy of the file to compare with.)
* the triggers that keep the log append-only (``activity_chain.ACTIVITY_TRIGGERS``) exist;
* ``PRAGMA integrity_check``;
* every order's invariants (``domain.invariants``).

Opening the file upgrades an older store first (as every command does): the step that
adds the chain back-fills it (``activity_chain.v9``). Missing triggers are reported here, not
re-created: a store opened by any other command re-creates them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.invariants import order_invariant_problems
from dropship_tui.domain.models import Order
from dropship_tui.store.sqlite import activity_chain, schema
from dropship_tui.store.sqlite.connection import connect


class VerifyFailedError(DomainError):
    """``verify`` found something wrong (exit 1: each problem named first)."""

    code = "verify_failed"


@dataclass
class VerifyReport:
    orders: int = 0
    entries: int = 0
    store_problems: list[str] = field(default_factory=list)
    """Problems of the file as a whole (triggers, integrity_check)."""
    order_problems: dict[int, list[str]] = field(default_factory=dict)
    """PO -> what is wrong with it, in PO order."""
    checks: str = "the activity chains, the append-only triggers, integrity_check and the order invariants"
    """What was checked, as the summary names it (PostgreSQL has no integrity_check)."""

    @property
    def ok(self) -> bool:
        return not self.store_problems and not self.order_problems

    def add(self, po_number: int, problem: str) -> None:
        self.order_problems.setdefault(po_number, []).append(problem)

    def summary(self) -> str:
        checked = f"{self.orders} orders and {self.entries} activity entries"
        if self.ok:
            return f"verified {checked}: {self.checks} all hold"
        found = []
        if self.order_problems:
            n = len(self.order_problems)
            pos = ", ".join(str(po) for po in list(self.order_problems)[:10])
            pos += f" and {n - 10} more" if n > 10 else ""
            found.append(f"{n} {'order' if n == 1 else 'orders'} found wrong (PO {pos})")
        if self.store_problems:
            n = len(self.store_problems)
            found.append(f"{n} {'problem' if n == 1 else 'problems'} with the store itself")
        return f"verify checked {checked}: {' and '.join(found)}"


def verify_file(path: Path) -> VerifyReport:
    """Open (and upgrade, if older) the store at ``path`` and check it."""
    conn = connect(path)
    try:
        schema.migrate(conn)
        return verify_connection(conn)
    finally:
        conn.close()


def verify_connection(conn: sqlite3.Connection) -> VerifyReport:
    report = VerifyReport()
    conn.execute("BEGIN")  # one snapshot for every check
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            report.store_problems.extend(f"integrity_check: {line}" for line in integrity)
        for name in activity_chain.missing_activity_triggers(conn):
            report.store_problems.append(
                f"the trigger {name} is missing: the activity log could be rewritten "
                "(opening the store with dropship-tui re-creates it)"
            )
        check_orders(conn, report)
    finally:
        conn.execute("COMMIT")
    return report


def check_orders(conn: sqlite3.Connection, report: VerifyReport) -> None:
    """The checks both engines share (the SQL is portable): every order's activity chain
    and invariants, into ``report`` (its problems then in PO order)."""
    for po, problem in _chain_problems(conn, report):
        report.add(po, problem)
    for po, problem in _order_problems(conn, report):
        report.add(po, problem)
    report.order_problems = dict(sorted(report.order_problems.items()))


def _chain_problems(conn: sqlite3.Connection, report: VerifyReport) -> Iterator[tuple[int, str]]:
    """The first broken link of each order's chain (what follows it is chained to it)."""
    po, previous, n, reported = None, activity_chain.GENESIS, 0, False
    for entry_po, at, user, action, details, stored in conn.execute(
        "SELECT po_number, at, user, action, details, hash FROM activity ORDER BY po_number, id"
    ):
        report.entries += 1
        if entry_po != po:
            po, previous, n, reported = entry_po, activity_chain.GENESIS, 0, False
        n += 1
        if not reported:
            where = f"activity entry {n} ({action}, {at})"
            if stored is None:
                reported = True
                yield po, f"{where} has no hash: it was written outside dropship-tui"
            elif stored != activity_chain.entry_hash(previous, po, at, user, action, details):
                reported = True
                yield po, f"{where} does not match its chain: the log was changed"
        previous = stored


def _order_problems(conn: sqlite3.Connection, report: VerifyReport) -> Iterator[tuple[int, str]]:
    for po, body in conn.execute(
        "SELECT po_number, body FROM orders LEFT JOIN order_bodies USING (po_number) ORDER BY po_number"
    ):
        report.orders += 1
        if body is None:
            yield po, "its record (order_bodies) is missing"
            continue
        try:
            order = Order.model_validate_json(body)
        except ValidationError as exc:
            yield po, f"its record cannot be read ({exc.error_count()} bad fields)"
            continue
        for problem in order_invariant_problems(order):
            yield po, problem
