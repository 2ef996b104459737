"""What every command shares: global options, the one-line usage errors, value parsers
(argparse ``type=`` functions, so a bad value is a usage error, exit 2) and opening the
store."""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import Reason, ReasonCode

if TYPE_CHECKING:
    from dropship_tui.store.base import Store

PROG = "dropship-tui"
REASON_CODES = ", ".join(code.value for code in ReasonCode)


class UsageError(Exception):
    """A bad command line found after parsing (exit 2, one line)."""


_CONTROLS = {c: "\ufffd" for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]}
_CONTROLS.update({ord("\t"): " ", ord("\n"): " ", ord("\r"): " "})


def clean(value: object) -> str:
    """User data made safe for a terminal: control characters (an ESC could recolour or
    retitle the terminal) become U+FFFD, tabs and newlines a space. Everything else,
    markup-looking text included, is kept as it is."""
    return str(value).translate(_CONTROLS)


def one_line(message: str) -> str:
    return " ".join(clean(message).split())


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


def add_command(subparsers: Any, name: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help, description=kwargs.pop("description", help), **kwargs)
    add_global_options(parser)
    return parser


# --- value parsers (argparse type=) ---------------------------------------------------


def po_number(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"PO number must be a whole number, not {text!r}") from None
    if not 1 <= value <= 2**31 - 1:
        raise argparse.ArgumentTypeError(f"PO number must be from 1 to {2**31 - 1}, not {text!r}")
    return value


def _whole(text: str, what: str, minimum: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise argparse.ArgumentTypeError(f"{what} must be a whole number from {minimum}, not {text!r}")
    return value


def positive(text: str) -> int:
    return _whole(text, "the value", 1)


def non_negative(text: str) -> int:
    return _whole(text, "the value", 0)


def reason(text: str) -> Reason:
    """``CODE[:TEXT]``. The code must be one of R3's; whether ``other`` has its text is
    the domain's call (a refused action, exit 1)."""
    code, _, free = text.partition(":")
    code = code.strip().lower().replace("-", "_")
    try:
        reason_code = ReasonCode(code)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown reason {code or text!r}; use one of {REASON_CODES} (as CODE or CODE:TEXT)"
        ) from None
    return Reason(code=reason_code, text=free.strip())


def line_qty(text: str) -> tuple[int, int]:
    """``LINE=N`` (``--qty 1=4``)."""
    line, sep, qty = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return int(line.strip()), _whole(qty, "qty", 0)
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"expected LINE=N with whole numbers (like 1=4), not {text!r}"
        ) from None


def line_reason(text: str) -> tuple[int, Reason]:
    """``LINE=CODE[:TEXT]`` (``--reason 1=out_of_stock``)."""
    line, sep, rest = text.partition("=")
    try:
        if not sep:
            raise ValueError
        line_id = int(line.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LINE=CODE[:TEXT] (like 1=out_of_stock), not {text!r}"
        ) from None
    return line_id, reason(rest)


def slip_put(text: str) -> tuple[int, int, int]:
    """``LINE:SLIP=QTY`` (``--put 1:2=3``: 3 units of line 1 in slip 2)."""
    try:
        target, sep, qty = text.partition("=")
        line, sep2, slip = target.partition(":")
        if not (sep and sep2):
            raise ValueError
        line_id, slip_no, units = int(line), int(slip), int(qty)
        if line_id < 1 or not 1 <= slip_no <= 10 or units < 0:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LINE:SLIP=QTY (like 1:2=3, slip 1-10), not {text!r}"
        ) from None
    return line_id, slip_no, units


# --- the store ----------------------------------------------------------------------


def db_path(args: argparse.Namespace) -> Any:
    from dropship_tui.store.paths import resolve_db_path

    return resolve_db_path(getattr(args, "db", None))


def acting_user(args: argparse.Namespace) -> str:
    return (getattr(args, "user", None) or "").strip() or default_user()


def missing_store(path: Any) -> InvalidInputError:
    return InvalidInputError(
        f"No store at {path}: create one with 'dropship-tui demo --db {path}' or "
        f"'dropship-tui import FILE --db {path}'"
    )


@contextmanager
def open_store(args: argparse.Namespace, *, create: bool = False) -> Iterator["Store"]:
    """The store the command works on: remote with ``--api``, else the local file.
    Only commands that create data (``create=True``: demo, import) may create the file;
    every other command refuses a missing one (a typo in --db must not leave an empty
    store, and its folders, behind)."""
    from dropship_tui.store.sqlite.store import SqliteStore

    if getattr(args, "api", None):  # remote mode: the acting user is the token's user
        from dropship_tui.store.remote.client import RemoteStore

        remote = RemoteStore.open(args.api)
        try:
            yield remote
        finally:
            remote.close()
        return
    path = db_path(args)
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise missing_store(path)
    try:
        store = SqliteStore(path, user=acting_user(args))
    except sqlite3.DatabaseError as exc:  # not a store, unreadable, a folder, ...
        raise InvalidInputError(f"cannot open the store {path}: {exc}") from exc
    try:
        yield store
    finally:
        store.close()
