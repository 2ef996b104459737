"""Store addresses: ``postgresql://user@host/db`` (or ``postgres://``) names a PostgreSQL
store; anything else is a SQLite file path. Messages name a database without its
password."""

from __future__ import annotations

import re
from urllib.parse import unquote

from dropship_tui.domain.errors import DomainError

SCHEMES = ("postgresql://", "postgres://")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:/")
"""A scheme then a slash (a ``Path`` keeps one of the two): a URL, not a file (a Windows
drive letter is one letter)."""


class StoreAddressError(DomainError):
    """The store at an address cannot be opened (no server there, bad credentials, no
    such database): one line, nothing changed."""

    code = "store_unavailable"


def is_postgres(address: object) -> bool:
    return isinstance(address, str) and address.strip().lower().startswith(SCHEMES)


_PASSWORD_PARAM = re.compile(r"(?i)([?&](?:ssl)?password=)([^&#]*)")
"""``password=``, and ``sslpassword=`` (the client key's passphrase): both hidden in messages."""


def _libpq_at(rest: str) -> int:
    """Where libpq ends the user part of ``rest`` (the address after ``://``): at the
    first ``@`` before any ``/`` (-1: no user part). An ``@`` in the query
    (``application_name=ops@web1``) or the path is not it."""
    for i, char in enumerate(rest):
        if char == "@":
            return i
        if char == "/":
            return -1
    return -1


def describe(address: str) -> str:
    """The address as messages show it: its passwords replaced by ``***``, found by
    taking the address apart: the one in the user part (everything from the first ``:``
    after the user to the last ``@``, so a password holding ``/ # ? @`` is covered too;
    at worst more than the password is hidden) and a ``password=`` parameter."""
    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    at = rest.rfind("@")
    if at >= 0:
        user, colon, _ = rest[:at].partition(":")
        if colon:
            rest = f"{user}:***{rest[at:]}"
    return scheme + sep + _PASSWORD_PARAM.sub(r"\1***", rest)


def passwords(address: str) -> list[str]:
    """Every password text of the address, as written and percent-decoded (what a
    driver's error message may quote), longest first."""
    text = address.strip()
    _, sep, rest = text.partition("://")
    found = []
    if sep:
        # libpq's user part, and the widest one ``describe`` hides (a password written
        # with a bare ``@``): a message may quote either
        for at in {_libpq_at(rest), rest.rfind("@")}:
            if at >= 0 and ":" in rest[:at]:
                found.append(rest[:at].partition(":")[2])
        found += [m.group(2) for m in _PASSWORD_PARAM.finditer(rest)]
    found += [unquote(p) for p in found]
    return sorted({p for p in found if p}, key=len, reverse=True)


def split_password(address: str) -> tuple[str, str | None]:
    """The address without its password, and the password as libpq reads it (decoded;
    a ``password=`` parameter wins over the user part, as in libpq), or None; an empty
    one is none, as libpq takes it (it then reads ``~/.pgpass``). The user part ends
    where libpq ends it (``_libpq_at``). ``sslpassword=`` stays: it is the key's, not
    the server's, and a password file cannot hold it."""
    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text, None
    secret = None
    at = _libpq_at(rest)
    if at >= 0:
        user, colon, password = rest[:at].partition(":")
        if colon:
            secret, rest, at = unquote(password), user + rest[at:], len(user)
    head, question, query = rest[max(at, 0):].partition("?")
    kept = []
    for param in query.split("&") if question else []:
        name, _, value = param.partition("=")
        if name.lower() == "password":
            secret = unquote(value)
        elif param:
            kept.append(param)
    rest = rest[:max(at, 0)] + head + ("?" + "&".join(kept) if kept else "")
    return scheme + sep + rest, secret or None


def scrub(message: str, address: str) -> str:
    """``message`` (a driver's error text) with the address's passwords taken out."""
    for secret in passwords(address):
        message = message.replace(secret, "***")
    return message


def refuse_url_path(path: object) -> None:
    """A SQLite store path that is a URL (``SqliteStore(Path("postgresql://…"))``) is
    refused before any folder is made for it."""
    text = str(path)
    if _URL.match(text):
        raise StoreAddressError(
            f"{text} looks like a URL, not a SQLite store file "
            "(open a PostgreSQL store by its postgresql:// address)"
        )
