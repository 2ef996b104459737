"""Idempotency keys on PostgreSQL: one key applied once across every server process.

Under READ COMMITTED, "look the key up, write, store the response" lets two racing
requests with one key both miss the lookup. ``claim`` instead *inserts* the key first,
``ON CONFLICT DO NOTHING``: PostgreSQL makes the second inserter wait for the first
transaction, then tells it the key is taken, and ``claim`` returns the response the
first one stored. So exactly one transaction holds the key; the other replays. Use inside
the write's own transaction (a ``WriteHook``: ``claim`` in ``begin``, ``keep`` or
``release`` in ``finish``), so a rolled-back write releases its key with it.
"""

from __future__ import annotations

from dropship_tui.store.postgres.adapter import PgConnection

CLAIMED = -1
"""The status of a key claimed by a write still running (never seen by another one:
the row commits with the write's own response, or not at all)."""


def claim(conn: PgConnection, user: str, key: str, at: str) -> tuple[int, str] | None:
    """Take ``(user, key)`` for this transaction: None when it is ours now (do the
    write), else the stored (status, body) to answer with (waits while another
    transaction holding the key is still running)."""
    row = conn.execute(
        "INSERT INTO idempotency(user, key, status, body, created_at) VALUES (?, ?, ?, '', ?) "
        "ON CONFLICT (\"user\", key) DO NOTHING RETURNING status",
        (user, key, CLAIMED, at),
    ).fetchone()
    if row is not None:
        return None
    stored = conn.execute(
        "SELECT status, body FROM idempotency WHERE user = ? AND key = ?", (user, key)
    ).fetchone()
    return (stored[0], stored[1])


def keep(conn: PgConnection, user: str, key: str, status: int, body: str) -> None:
    """Store the response of the write holding the key (before its COMMIT)."""
    conn.execute(
        "UPDATE idempotency SET status = ?, body = ? WHERE user = ? AND key = ?",
        (status, body, user, key),
    )


def release(conn: PgConnection, user: str, key: str) -> None:
    """The write holding the key stores no response: give the key back."""
    conn.execute(
        "DELETE FROM idempotency WHERE user = ? AND key = ? AND status = ?", (user, key, CLAIMED)
    )
