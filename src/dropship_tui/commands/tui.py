"""``dropship-tui`` with no command (and ``dropship-tui --demo``): the full-screen app.

HOOK for the TUI: replace the body of ``run`` with launching the Textual app on the store
``open_store(args)`` opens (``args.demo`` asks for the demo store). Until then it prints
the dashboard's list and a hint, so the bare command is never a dead end.
"""

from __future__ import annotations

import argparse

from . import output
from .common import open_store


def run(args: argparse.Namespace) -> int:
    if getattr(args, "demo", False):
        from . import data

        ensure_demo(args, data)
    from .orders import run_orders
    from ..store.base import SortKey

    listing = argparse.Namespace(
        **{
            **vars(args),
            "stage": None,
            "sla": None,
            "search": "",
            "sort": SortKey.PO_NUMBER,
            "desc": False,
            "limit": 20,
        }
    )
    code = run_orders(listing)
    if not args.json:
        output.console().print(
            output.text(
                ("The full-screen app is not available yet. ", "bold"),
                "Use the commands: dropship-tui --help",
            )
        )
    return code


def ensure_demo(args: argparse.Namespace, data: object) -> None:
    """Build the demo store on first use (an empty store), then reuse it."""
    with open_store(args) as store:
        empty = store.counts().total == 0
    if empty:
        quiet = argparse.Namespace(**{**vars(args), "orders": None, "seed": None, "json": True})
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            data.run_demo(quiet)  # type: ignore[attr-defined]
