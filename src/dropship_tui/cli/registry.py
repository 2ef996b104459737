"""The CLI's commands: name -> the module of its group and its one-line help.

The top-level parser lists every command from this table (``--help``, a mistyped name)
without importing any group; only the group of the command being run is imported, and
its ``register(subparsers)`` adds that group's commands with their options (argparse needs
them to parse the command line). A group's commands set ``func(args) -> exit code``.
Add a command here and in its group's ``register``."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import NamedTuple


class Command(NamedTuple):
    group: str
    """The module under ``dropship_tui.cli`` that registers and runs the command."""
    help: str


COMMANDS: dict[str, Command] = {
    "orders": Command("orders", "list orders (filter, search, sort)"),
    "show": Command("orders", "everything about one order"),
    "activity": Command("orders", "an order's activity log, newest first"),
    "ack": Command("workflow", "acknowledge a New order (step 1), or every New order with --all-new"),
    "slips": Command("workflow", "save the packing slips (step 2)"),
    "track": Command("workflow", "save a slip's tracking number (or many: --import FILE.csv)"),
    "invoice": Command("workflow", "generate the invoice (every slip tracked)"),
    "complete": Command("workflow", "mark an invoiced order Completed"),
    "cancel": Command("workflow", "cancel an order with a reason"),
    "address": Command("workflow", "correct the ship-to address (before packing slips)"),
    "packing-slips": Command(
        "documents", "write the packing slips PDF of an order, or of every order in a stage"
    ),
    "import": Command("data", "import vendor orders from a JSON file"),
    "demo": Command("data", "fill a store with demo vendors and orders"),
    "serve": Command("server", "serve the store: the HTTP API (dropship-tui --api URL), the app over SSH, in a browser"),
    "users": Command("server", "manage API users and tokens (on the server's store)"),
    "login": Command("server", "keep an API token for URL in the system keyring"),
    "logout": Command("server", "forget the API token kept for URL"),
    "stock": Command("stock", "import or show stock levels (local store)"),
    "settings": Command("settings", "show or change store-wide settings (local store)"),
    "cancel-request": Command("cancel_requests", "the retailer asks the vendor to cancel an order"),
    "cancel-answer": Command("cancel_requests", "accept or reject the retailer's cancellation request"),
    "reopen": Command("reopen", "take an In progress order without an invoice back to New (R15)"),
    "package": Command("package", "record a package's status (delivered, in transit...), or import carrier events"),
    "vendors": Command("setup", "add, change, show or list vendors"),
    "locations": Command("setup", "add, change or list locations; set a location's SLA policy and group"),
    "location-groups": Command("setup", "add, change or list location groups and their SLA policy"),
    "sku-mappings": Command("catalog", "import or list SKU mappings (product code -> vendor SKU, UPC, price)"),
    "report": Command("report", "reports: the vendor scorecard, open orders at risk, canceled items"),
    "setup-log": Command("catalog", "who changed which setup record, old -> new"),
    "verify": Command("verify", "check the store: activity chains, triggers, integrity, order invariants"),
    "migrate": Command("migrate", "copy a whole store into a new, empty one (SQLite to PostgreSQL), verified"),
    "edi": Command("edi", "X12 EDI: import 850s, export 855/856/810/846, partners, watch a folder"),
}


def group_of(command: str) -> ModuleType:
    """The module of ``command``'s group, imported now."""
    return import_module(f"dropship_tui.cli.{COMMANDS[command].group}")

