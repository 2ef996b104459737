"""The store over HTTP (``RemoteStore``), for ``--api URL``."""

from dropship_tui.store.remote.client import *  # noqa: F401,F403
from dropship_tui.store.remote.client import RemoteStore

__all__ = ["RemoteStore"]
