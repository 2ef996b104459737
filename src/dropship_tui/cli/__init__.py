"""``dropship-tui`` on the command line: ``main`` parses and dispatches; each command group
lives in a module of its own, imported only when one of its commands runs."""

from dropship_tui.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
