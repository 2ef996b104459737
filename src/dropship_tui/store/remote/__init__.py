"""The store over HTTP (``RemoteStore``), for ``--api URL``."""

from dropship_tui.store.remote.client import RemoteStore
from dropship_tui.store.remote.http import (
    ForbiddenError,
    NotAuthorizedError,
    UnreachableError,
    normalize_url,
)
from dropship_tui.store.remote.tokens import KEYRING_SERVICE, forget_token, load_token, save_token

__all__ = [
    "KEYRING_SERVICE",
    "ForbiddenError",
    "NotAuthorizedError",
    "RemoteStore",
    "UnreachableError",
    "forget_token",
    "load_token",
    "normalize_url",
    "save_token",
]
