"""SSH public keys of API users, and the session tokens served sessions use.

A key is kept in OpenSSH one-line form and found by its SHA256 fingerprint, so a key
belongs to one user only and the SSH user name a client sends does not matter (``ssh
host`` from any login). A session token is 256 random bits like an API token; only its
sha256 is stored (``auth.authenticate`` accepts it while it lives), and the session
deletes it when it ends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import asyncssh

from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.server.auth import Principal, Role, new_token, token_hash

SESSION_TTL = timedelta(hours=24)
"""A session token's life; a session is closed (with a message) when it runs out."""
MAX_KEY_TEXT = 16_384
MIN_RSA_BITS = 2048
"""Weaker keys are refused, as are DSA keys (1024 bits by definition; OpenSSH dropped them)."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction on an autocommit connection (the store's)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def parse_public_key(text: str) -> tuple[str, str, str]:
    """(fingerprint, the key in OpenSSH form, its comment) of one public key, or a clear
    refusal: a private key, several keys or anything else is not accepted."""
    text = text.strip()
    if not text or len(text) > MAX_KEY_TEXT:
        raise InvalidInputError("--ssh-key: the file must hold one OpenSSH public key (a .pub file)")
    if "PRIVATE KEY" in text:
        raise InvalidInputError("--ssh-key: that is a private key; give the public one (the .pub file)")
    if len([line for line in text.splitlines() if line.strip()]) != 1:
        raise InvalidInputError("--ssh-key: the file must hold exactly one public key line")
    try:
        key = asyncssh.import_public_key(text)
    except (asyncssh.KeyImportError, ValueError) as exc:
        raise InvalidInputError(f"--ssh-key: not an OpenSSH public key ({exc})") from None
    _strong_enough(key)
    openssh = key.export_public_key("openssh").decode("ascii").split()
    parts = text.split(None, 2)
    comment = parts[2].strip() if len(parts) == 3 else ""
    return key.get_fingerprint("sha256"), " ".join(openssh[:2]), comment[:200]


def _strong_enough(key: asyncssh.SSHKey) -> None:
    if key.algorithm == b"ssh-dss":
        raise InvalidInputError("--ssh-key: DSA keys are too weak; make an ed25519 key (ssh-keygen -t ed25519)")
    if key.algorithm == b"ssh-rsa":
        bits = key.pyca_key.key_size
        if bits < MIN_RSA_BITS:
            raise InvalidInputError(f"--ssh-key: this RSA key has {bits} bits, under the {MIN_RSA_BITS} "
                                    "required; make an ed25519 key (ssh-keygen -t ed25519)")


def _active_user(conn: sqlite3.Connection, name: str) -> None:
    row = conn.execute("SELECT revoked_at FROM api_users WHERE name = ?", (name,)).fetchone()
    if row is None or row[0] is not None:
        raise NotFoundError(f"No active user {name}")


def add_key(conn: sqlite3.Connection, name: str, key_text: str) -> str:
    """Give ``name`` the public key ``key_text``; returns its fingerprint. One transaction."""
    fingerprint, public, comment = parse_public_key(key_text)
    name = name.strip()
    with _transaction(conn):
        _active_user(conn, name)
        if conn.execute("SELECT 1 FROM api_ssh_keys WHERE fingerprint = ?", (fingerprint,)).fetchone():
            raise InvalidInputError(f"The key {fingerprint} is already registered (a key can belong to one user only)")
        conn.execute(
            "INSERT INTO api_ssh_keys(fingerprint, user_name, public_key, comment, added_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (fingerprint, name, public, comment, _now().isoformat()),
        )
    return fingerprint


def list_keys(conn: sqlite3.Connection, name: str) -> list[dict[str, str]]:
    name = name.strip()
    if not conn.execute("SELECT 1 FROM api_users WHERE name = ?", (name,)).fetchone():
        raise NotFoundError(f"No user {name}")
    rows = conn.execute(
        "SELECT fingerprint, public_key, comment, added_at FROM api_ssh_keys "
        "WHERE user_name = ? ORDER BY added_at, fingerprint", (name,),
    ).fetchall()
    return [dict(zip(("fingerprint", "public_key", "comment", "added_at"), r)) for r in rows]


def remove_key(conn: sqlite3.Connection, name: str, fingerprint: str) -> None:
    """Remove one of ``name``'s keys by fingerprint (``SHA256:…``, as ``users keys list``
    shows it). Its open sessions go on; new logins with it are refused."""
    cur = conn.execute(
        "DELETE FROM api_ssh_keys WHERE user_name = ? AND fingerprint = ?",
        (name.strip(), fingerprint.strip()),
    )
    if cur.rowcount != 1:
        raise NotFoundError(f"User {name.strip()} has no key {fingerprint.strip()}")


def user_of_key(conn: sqlite3.Connection, fingerprint: str) -> Principal | None:
    """The active user a public key belongs to, if any."""
    row = conn.execute(
        "SELECT u.name, u.role, u.vendor_code FROM api_ssh_keys k JOIN api_users u "
        "ON u.name = k.user_name WHERE k.fingerprint = ? AND u.revoked_at IS NULL",
        (fingerprint,),
    ).fetchone()
    return None if row is None else Principal(name=row[0], role=Role(row[1]), vendor_code=row[2])


def open_session_token(conn: sqlite3.Connection, name: str, kind: str) -> str:
    """A new token for one served session of ``name`` (dropping expired ones)."""
    token = new_token()
    now = _now()
    with _transaction(conn):
        conn.execute("DELETE FROM api_session_tokens WHERE expires_at <= ?", (now.isoformat(),))
        conn.execute(
            "INSERT INTO api_session_tokens(token_hash, user_name, kind, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (token_hash(token), name, kind, now.isoformat(), (now + SESSION_TTL).isoformat()),
        )
    return token


def close_session_token(conn: sqlite3.Connection, token: str) -> None:
    with _transaction(conn):
        conn.execute("DELETE FROM api_session_tokens WHERE token_hash = ?", (token_hash(token),))


def close_all_session_tokens(conn: sqlite3.Connection) -> None:
    with _transaction(conn):
        conn.execute("DELETE FROM api_session_tokens")
