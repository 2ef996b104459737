"""Schema step for serving the app over SSH and in a browser (issue 15): the users' SSH
public keys and the short-lived tokens that a served session's app uses against the API.

``api_ssh_keys``: one row per key (OpenSSH ``authorized_keys`` form, comment dropped),
found by its SHA256 fingerprint; a user may have several. ``api_session_tokens``: only a
sha256 of each token, like ``api_users``; a row lives as long as its session (deleted at
its end, and by ``expires_at`` if the server died first). Both go with their user: a
re-created user starts with no keys.
"""

from __future__ import annotations

import sqlite3

TABLES = [
    """CREATE TABLE api_ssh_keys (
        fingerprint TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES api_users(name) ON DELETE CASCADE,
        public_key TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL
    )""",
    "CREATE INDEX api_ssh_keys_user ON api_ssh_keys(user_name)",
    """CREATE TABLE api_session_tokens (
        token_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES api_users(name) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('ssh', 'web')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    ) WITHOUT ROWID""",
]


def step(conn: sqlite3.Connection) -> None:
    for sql in TABLES:
        conn.execute(sql)
