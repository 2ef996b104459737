"""API users and bearer tokens.

A token is ``secrets.token_urlsafe(32)`` (256 random bits), shown once by
``dropship-tui users add`` and never stored: the ``api_users`` table keeps its sha256
(a slow password hash buys nothing for a high-entropy random token). A request's token
is hashed, looked up by hash and compared with ``hmac.compare_digest``.

Roles: a vendor user (``admin`` or ``staff``) sees and changes only its vendor's orders;
staff may not cancel; an ``operator`` (the retailer) reads every vendor's orders, changes
none of them, and sets up vendors, locations, location groups, SLA policies and SKU
mappings (``domain.setup``); a vendor admin sets up only its own vendor, and not the SLA
policy or group of its locations.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum

from dropship_tui.domain.errors import DomainError, InvalidInputError, NotFoundError


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    OPERATOR = "operator"


class UnauthorizedError(DomainError):
    """No token, or one that is unknown or revoked (401)."""

    code = "unauthorized"


class ForbiddenError(DomainError):
    """The user is known but its role may not do this (403)."""

    code = "forbidden"


UNAUTHORIZED = "Missing, unknown or revoked API token; ask your admin for one and run 'dropship-tui login URL'"


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    vendor_code: str | None

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

    def can_see(self, vendor_code: str | None) -> bool:
        return self.is_operator or (vendor_code is not None and vendor_code == self.vendor_code)

    def require_write(self, action: str = "change orders") -> None:
        if self.is_operator:
            raise ForbiddenError(f"Operator users are read-only: they cannot {action}")

    def require_operator(self, action: str) -> None:
        if not self.is_operator:
            raise ForbiddenError(f"Only the operator (the retailer) can {action}")

    def require_setup(self, vendor_code: str, action: str) -> None:
        """The operator sets up any vendor; a vendor admin only its own (another vendor
        is answered like one that does not exist); staff nothing."""
        if self.is_operator:
            return
        if self.role is not Role.ADMIN:
            raise ForbiddenError(f"Only a vendor admin can {action}; {self.name} is staff")
        if vendor_code != self.vendor_code:
            raise NotFoundError(f"Vendor {vendor_code} is not in the store")

    def require_admin(self, action: str) -> None:
        self.require_write(action)
        if self.role is not Role.ADMIN:
            raise ForbiddenError(f"Only a vendor admin can {action}; {self.name} is staff")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def add_user(
    conn: sqlite3.Connection, name: str, *, role: Role, vendor_code: str | None
) -> str:
    """Create a user (or re-create a revoked one) and return its new token (shown once)."""
    name = name.strip()
    if not name or len(name) > 100 or any(ch.isspace() and ch != " " for ch in name):
        raise InvalidInputError("A user name must be 1-100 characters on one line")
    if role is Role.OPERATOR:
        vendor_code = None
    elif not vendor_code:
        raise InvalidInputError("A vendor user needs --vendor CODE (or use --operator)")
    token = new_token()
    conn.execute("BEGIN IMMEDIATE")
    try:
        if vendor_code is not None and not conn.execute(
            "SELECT 1 FROM vendors WHERE code = ?", (vendor_code,)
        ).fetchone():
            raise NotFoundError(f"Vendor {vendor_code} is not in the store")
        row = conn.execute("SELECT revoked_at FROM api_users WHERE name = ?", (name,)).fetchone()
        if row is not None and row[0] is None:
            raise InvalidInputError(f"User {name} already exists; revoke it first for a new token")
        conn.execute("DELETE FROM api_users WHERE name = ?", (name,))
        conn.execute(
            "INSERT INTO api_users(name, vendor_code, role, token_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, vendor_code, role.value, token_hash(token), _now()),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return token


def revoke_user(conn: sqlite3.Connection, name: str) -> None:
    cur = conn.execute(
        "UPDATE api_users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
        (_now(), name.strip()),
    )
    if cur.rowcount != 1:
        raise NotFoundError(f"No active user {name.strip()}")


def list_users(conn: sqlite3.Connection) -> list[dict[str, str | None]]:
    rows = conn.execute(
        "SELECT name, role, vendor_code, created_at, revoked_at FROM api_users ORDER BY name"
    ).fetchall()
    return [
        dict(zip(("name", "role", "vendor_code", "created_at", "revoked_at"), r)) for r in rows
    ]


SESSION_LOOKUP = (
    "SELECT u.name, u.role, u.vendor_code, s.token_hash FROM api_session_tokens s "
    "JOIN api_users u ON u.name = s.user_name "
    "WHERE s.token_hash = ? AND s.expires_at > ? AND u.revoked_at IS NULL"
)
"""A served session's token (``serving.keys``) acts as its user while the session lives,
and stops with the user's revocation."""


def authenticate(conn: sqlite3.Connection, token: str | None, *, sessions: bool = True) -> Principal:
    """The user of an API token, or (``sessions``) of a live served session's token; the
    web login page takes API tokens only (``sessions=False``), so a session token seen in
    a session's environment cannot open more sessions."""
    if not token:
        raise UnauthorizedError(UNAUTHORIZED)
    digest = token_hash(token)
    row = conn.execute(
        "SELECT name, role, vendor_code, token_hash FROM api_users "
        "WHERE token_hash = ? AND revoked_at IS NULL",
        (digest,),
    ).fetchone()
    if row is None and sessions:
        row = conn.execute(SESSION_LOOKUP, (digest, _now())).fetchone()
    if row is None or not hmac.compare_digest(row[3], digest):
        raise UnauthorizedError(UNAUTHORIZED)
    return Principal(name=row[0], role=Role(row[1]), vendor_code=row[2])


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
