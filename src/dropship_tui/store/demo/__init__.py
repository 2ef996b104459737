"""Demo data: a reproducible store that looks like a vendor's real week."""

from dropship_tui.store.demo.builder import *  # noqa: F401,F403
from dropship_tui.store.demo.builder import build_demo

__all__ = ["build_demo"]
