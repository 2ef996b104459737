"""What every command shares: global options, the one-line usage errors and opening the
store. Imported before the command is known, so it imports nothing heavy (the value
parsers, which need the records, are in ``values.py``)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from dropship_tui.cli.registry import COMMANDS
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.words import one_line

if TYPE_CHECKING:
    from pathlib import Path

    from dropship_tui.store.base import Store

PROG = "dropship-tui"


class UsageError(Exception):
    """A bad command line found after parsing (exit 2, one line)."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {one_line(message)} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)


def default_user() -> str:
    user = os.environ.get("DROPSHIP_TUI_USER", "").strip()
    if user:
        return user
    try:
        return getpass.getuser() or "unknown"
    except Exception:
        return "unknown"


def add_global_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``--db``, ``--json`` and ``--user`` both before and after the command name. On the
    subcommand they default to SUPPRESS so they never overwrite the top-level value."""

    def default(value: Any) -> Any:
        return value if top_level else argparse.SUPPRESS

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--db",
        metavar="PATH",
        default=default(None),
        help="the store file (default: $DROPSHIP_TUI_DB, else the user data directory)",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print machine-readable JSON (keys as in the spec's records, snake_case)",
    )
    group.add_argument(
        "--api",
        metavar="URL",
        default=default(None),
        help="work against the dropship-tui server at URL instead of a local file "
        "(run 'dropship-tui login URL' once first)",
    )
    group.add_argument(
        "--user",
        metavar="NAME",
        default=default(None),
        help="who is acting, recorded in the activity (default: $DROPSHIP_TUI_USER or the login name)",
    )


def add_command(subparsers: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A command of ``registry.COMMANDS``, with its help from there and the global options."""
    return add_action(subparsers, name, COMMANDS[name].help, **kwargs)


def add_action(subparsers: Any, name: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A command's own sub-command (``stock import``, ``users add``), with the global options."""
    parser = subparsers.add_parser(name, help=help, description=kwargs.pop("description", help), **kwargs)
    add_global_options(parser)
    return parser


# --- the store ----------------------------------------------------------------------


def db_path(args: argparse.Namespace) -> Path:
    from dropship_tui.store.paths import resolve_db_path

    return resolve_db_path(getattr(args, "db", None))


def acting_user(args: argparse.Namespace) -> str:
    return (getattr(args, "user", None) or "").strip() or default_user()


def missing_store(path: Path) -> InvalidInputError:
    return InvalidInputError(
        f"No store at {path}: create one with 'dropship-tui demo --db {path}' or "
        f"'dropship-tui import FILE --db {path}'"
    )


@contextmanager
def open_store(args: argparse.Namespace, *, create: bool = False) -> Iterator[Store]:
    """The store the command works on: remote with ``--api``, else the local file.
    Only commands that create data (``create=True``: demo, import) may create the file;
    every other command refuses a missing one (a typo in --db must not leave an empty
    store, and its folders, behind)."""
    if getattr(args, "api", None):  # remote mode: the acting user is the token's user
        from dropship_tui.store.remote.client import RemoteStore

        remote = RemoteStore.open(args.api)
        try:
            yield remote
        finally:
            remote.close()
        return
    from dropship_tui.store.paths import resolve_store_address

    address = resolve_store_address(getattr(args, "db", None))
    if isinstance(address, str):  # a PostgreSQL address (issue 11)
        from dropship_tui.store.opening import open_store_address

        store = open_store_address(address, user=acting_user(args))
        try:
            yield store
        finally:
            store.close()
        return
    path = db_path(args)
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise missing_store(path)
    import sqlite3

    from dropship_tui.store.sqlite.store import SqliteStore

    try:
        store = SqliteStore(path, user=acting_user(args))
    except sqlite3.DatabaseError as exc:  # not a store, unreadable, a folder, ...
        raise InvalidInputError(f"cannot open the store {path}: {exc}") from exc
    try:
        yield store
    finally:
        store.close()
