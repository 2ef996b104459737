"""Store addresses: ``postgresql://user@host/db`` (or ``postgres://``) names a PostgreSQL
store; anything else is a SQLite file path. Messages name a database without its
password."""

from __future__ import annotations

import re

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


def describe(address: str) -> str:
    """The address as messages show it: the password replaced by ``***``."""
    return re.sub(r"(://[^:/@?#]*:)[^@/?#]*@", r"\1***@", address.strip())


def refuse_url_path(path: object) -> None:
    """A SQLite store path that is a URL (``SqliteStore(Path("postgresql://…"))``) is
    refused before any folder is made for it."""
    text = str(path)
    if _URL.match(text):
        raise StoreAddressError(
            f"{text} looks like a URL, not a SQLite store file "
            "(open a PostgreSQL store by its postgresql:// address)"
        )
