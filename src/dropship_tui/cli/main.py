"""``dropship-tui``: build the parser, run the chosen command, map errors to exit codes.

Exit codes: 0 done; 1 refused (a ``DomainError``: a workflow rule, a bad import file, an
unknown PO) or an unexpected error; 2 usage error (bad option or value); 130 Ctrl-C;
141 output pipe closed (``| head``). Every error is ONE line on stderr
(``dropship-tui: PO 82 is already acknowledged``); ``DROPSHIP_TUI_DEBUG=1`` adds the
traceback of an unexpected error.

Start-up stays quick because only the chosen command's group is imported: the command
line is parsed twice, first against the table of commands (``registry.COMMANDS``: every
name and its help, no options) to learn which command it is, then against a parser to
which that command's group has added its options. No command runs ``tui.run`` (the
full-screen app).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dropship_tui import __version__
from dropship_tui.cli.common import PROG, Parser, UsageError, add_global_options
from dropship_tui.cli.registry import COMMANDS, group_of
from dropship_tui.domain.errors import DomainError, UnknownOutcomeError
from dropship_tui.domain.words import one_line


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of the command line: every command is listed; ``command``'s group adds
    its commands with their options, the other commands are stubs (a name and its help,
    accepting anything), enough for ``--help`` and to find which command was given."""
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
    group = COMMANDS[command].group if command in COMMANDS else None
    for name, entry in COMMANDS.items():
        if entry.group != group:
            subparsers.add_parser(name, help=entry.help, add_help=False)
    if command in COMMANDS:
        group_of(command).register(subparsers)
    parser.set_defaults(func=run_app)
    return parser


def chosen_command(argv: Sequence[str] | None) -> str | None:
    """The command named on the command line (None: the full-screen app). ``--help``,
    ``--version`` and a mistyped name end here (SystemExit), as they would in the full
    parse; anything else wrong is left to it."""
    args, _ = build_parser().parse_known_args(argv)
    return args.command


def run_app(args: argparse.Namespace) -> int:
    from dropship_tui.cli import tui

    return tui.run(args)


def _fail(message: str, code: int) -> int:
    try:
        print(f"{PROG}: {one_line(message)}", file=sys.stderr)
    except Exception:  # stderr itself gone: nothing more to say
        pass
    return code


def _fail_unknown_outcome(exc: UnknownOutcomeError) -> int:
    """A write sent without an answer: say how to find out before trying again (a new
    run is a new request, not a retry of the same one)."""
    if exc.po_number:
        check = f"run 'dropship-tui show {exc.po_number}' (with the same --api) to see whether it was applied"
    else:
        check = "check whether it was applied"
    return _fail(f"{exc}; {check} before running the command again", 1)


def _quiet_stdout() -> None:
    # After a broken pipe, point stdout at devnull so the interpreter's final flush does
    # not raise again (the recipe from the Python docs on SIGPIPE).
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except Exception:
        pass


def _traceback() -> None:
    import traceback

    traceback.print_exc()


def main(argv: Sequence[str] | None = None) -> int:
    debug = os.environ.get("DROPSHIP_TUI_DEBUG", "") not in ("", "0")
    try:
        args = build_parser(chosen_command(argv)).parse_args(argv)
        code = args.func(args)
        sys.stdout.flush()
        return int(code or 0)
    except SystemExit as exc:  # argparse: --help/--version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except UsageError as exc:
        return _fail(str(exc), 2)
    except UnknownOutcomeError as exc:
        return _fail_unknown_outcome(exc)
    except DomainError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 141
    except OSError as exc:  # a file we cannot create, read or write: say which and why
        if debug:
            _traceback()
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", 1)
    except Exception as exc:
        if debug:
            _traceback()
        detail = str(exc) or type(exc).__name__
        hint = "" if debug else " (set DROPSHIP_TUI_DEBUG=1 for details)"
        return _fail(f"unexpected error: {type(exc).__name__}: {detail}{hint}", 1)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
