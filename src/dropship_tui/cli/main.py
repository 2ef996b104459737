"""``dropship-tui``: build the parser, run the chosen command, map errors to exit codes.

Exit codes: 0 done; 1 refused (a ``DomainError``: a workflow rule, a bad import file, an
unknown PO) or an unexpected error; 2 usage error (bad option or value); 130 Ctrl-C;
141 output pipe closed (``| head``). Every error is ONE line on stderr
(``dropship-tui: PO 82 is already acknowledged``); ``DROPSHIP_TUI_DEBUG=1`` adds the
traceback of an unexpected error.

Each command group lives in ``commands/<group>.py`` and registers itself; no subcommand
runs ``commands.tui.run`` (the full-screen app).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from dropship_tui import __version__
from dropship_tui.cli import registry as commands
from dropship_tui.cli.common import PROG, Parser, UsageError, add_global_options, one_line
from dropship_tui.domain.errors import DomainError


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Keyboard-first dropship order fulfillment: acknowledge, pack, track "
        "and invoice purchase orders. Run without a command for the full-screen app.",
        epilog="Run 'dropship-tui COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_global_options(parser, top_level=True)
    app = parser.add_argument_group("the full-screen app (no command)")
    app.add_argument(
        "--demo",
        action="store_true",
        help="open the app on a temporary demo store (deleted on exit)",
    )
    app.add_argument(
        "--low-bandwidth",
        action="store_true",
        help="for slow links: no animations, mouse tracking or blinking cursor",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in commands.MODULES:
        module.register(subparsers)
    parser.set_defaults(func=commands.tui.run)
    return parser


def _fail(message: str, code: int) -> int:
    try:
        print(f"{PROG}: {one_line(message)}", file=sys.stderr)
    except Exception:  # stderr itself gone: nothing more to say
        pass
    return code


def _quiet_stdout() -> None:
    # After a broken pipe, point stdout at devnull so the interpreter's final flush does
    # not raise again (the recipe from the Python docs on SIGPIPE).
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except Exception:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    debug = os.environ.get("DROPSHIP_TUI_DEBUG", "") not in ("", "0")
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        code = args.func(args)
        sys.stdout.flush()
        return int(code or 0)
    except SystemExit as exc:  # argparse: --help/--version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except UsageError as exc:
        return _fail(str(exc), 2)
    except DomainError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 141
    except OSError as exc:  # a file we cannot create, read or write: say which and why
        if debug:
            traceback.print_exc()
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", 1)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        detail = str(exc) or type(exc).__name__
        hint = "" if debug else " (set DROPSHIP_TUI_DEBUG=1 for details)"
        return _fail(f"unexpected error: {type(exc).__name__}: {detail}{hint}", 1)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
