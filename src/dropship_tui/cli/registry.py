"""The CLI's command groups. Each module exposes ``register(subparsers)``; its commands
set ``func(args) -> exit code``. Add a group by appending its module's name here."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from dropship_tui.cli import tui
NAMES = [
    "orders",  # orders, show, activity
    "workflow",  # ack, slips, track, invoice, complete, cancel, address
    "documents",  # packing-slips; --pdf/--print/--paper on invoice
    "data",  # import, demo
    "server",  # serve, users, login, logout (remote mode)
    "stock",  # stock import, stock show
    "settings",  # settings sla
]

MODULES: list[ModuleType] = [import_module(f"dropship_tui.cli.{name}") for name in NAMES]

__all__ = ["MODULES", "NAMES", "tui"]
