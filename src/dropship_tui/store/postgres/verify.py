"""``dropship-tui verify`` on a PostgreSQL store: the checks of ``sqlite.verify`` that
mean something there, in one REPEATABLE READ snapshot (writers may go on meanwhile):

* every order's activity chain and invariants (``sqlite.verify.check_orders``: the same
  SQL, through the adapter);
* the append-only triggers of ``activity`` and ``setup_log`` exist and are enabled
  (``triggers.APPEND_ONLY_TRIGGERS``). They are not re-created when the store opens, so a
  missing one is the owner's to restore.

SQLite's ``integrity_check`` has no PostgreSQL counterpart a role can run (the server
checksums pages itself when the cluster has data checksums on); it is not claimed.
"""

from __future__ import annotations

from typing import Any

from dropship_tui.store.postgres.adapter import PgConnection
from dropship_tui.store.postgres.triggers import APPEND_ONLY_TRIGGERS
from dropship_tui.store.sqlite.verify import VerifyReport, check_orders

CHECKS = "the activity chains, the append-only triggers and the order invariants"


def verify_store(store: Any) -> VerifyReport:
    """Check the ``PostgresStore`` ``store`` (opening it has migrated it)."""
    report = VerifyReport(checks=CHECKS)
    with store.reading() as conn:
        for table, name in missing_triggers(conn):
            report.store_problems.append(
                f"the trigger {name} on {table} is missing or disabled: the log could be "
                "rewritten (the database owner must re-create it)"
            )
        check_orders(conn, report)
    return report


def missing_triggers(conn: PgConnection) -> list[tuple[str, str]]:
    """(table, trigger) of each append-only trigger that is not there, or disabled."""
    present = {
        (table, name) for table, name in conn.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled IN ('O', 'A') AND c.relname IN ('activity', 'setup_log')"
        )
    }
    return [(table, name) for table, names in APPEND_ONLY_TRIGGERS.items() for name in names
            if (table, name) not in present]
