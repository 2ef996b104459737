"""``verify``: check a local store (the activity chains, the append-only triggers,
``integrity_check``, the order invariants; ``store.sqlite.verify``), or a PostgreSQL store
(the same but ``integrity_check``; ``store.postgres.verify``). Exit 0 with a one-line
summary when all holds; else one line per PO found wrong (and per problem of the file
itself) on stdout, then the summary on stderr, exit 1. See docs/cli.md "verify"."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_command, db_path, missing_store


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "verify",
        description="Check that the store is what dropship-tui wrote: every order's "
        "activity chain (a changed, inserted or removed entry breaks it), the triggers "
        "that keep the log append-only, SQLite's integrity_check, and for every "
        "acknowledged or canceled order: ordered = accepted + canceled on each line, and "
        "the packing slips hold exactly the accepted units. Local stores and PostgreSQL "
        "stores (--db postgresql://…: no integrity_check there), not --api.",
    )
    p.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    if getattr(args, "api", None):
        raise UsageError(
            "verify checks a local store file only (not with --api); run it where the "
            "store is, with --db PATH"
        )
    import sqlite3

    from dropship_tui.domain.errors import InvalidInputError
    from dropship_tui.store.sqlite.verify import VerifyFailedError, verify_file

    from dropship_tui.store.paths import resolve_store_address

    address = resolve_store_address(getattr(args, "db", None))
    if isinstance(address, str):  # a PostgreSQL address (issue 11)
        report = _verify_postgres(args)
    else:
        path = db_path(args)
        if not path.is_file():
            raise missing_store(path)
        try:
            report = verify_file(path)
        except sqlite3.DatabaseError as exc:  # not a store, or too damaged to read
            raise InvalidInputError(f"cannot verify the store {path}: {exc}") from exc
    lines = [f"store: {p}" for p in report.store_problems] + [
        f"PO {po}: {'; '.join(problems)}" for po, problems in report.order_problems.items()
    ]
    if args.json:
        json_output.print_json({
            "ok": report.ok,
            "orders": report.orders,
            "activity_entries": report.entries,
            "store_problems": report.store_problems,
            "orders_wrong": [
                {"po_number": po, "problems": problems}
                for po, problems in report.order_problems.items()
            ],
        })
    else:
        from dropship_tui.cli import output

        out = output.console()
        for line in lines if lines else [report.summary()]:
            out.print(output.text(line), soft_wrap=True)
    if not report.ok:
        raise VerifyFailedError(report.summary())
    return 0


def _verify_postgres(args: argparse.Namespace) -> Any:
    """The PostgreSQL store's report (``store.postgres.verify``), opened as every command
    opens it (an unreachable server or a foreign database: one line)."""
    from dropship_tui.cli.common import open_store
    from dropship_tui.store.postgres.verify import verify_store

    with open_store(args) as store:
        return verify_store(store)
