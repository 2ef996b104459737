"""``migrate --from STORE --to STORE``: copy a whole store into a new, empty one (a SQLite
file into PostgreSQL, issue 11 item 5), verified table by table, in one transaction on
the target (``store.transfer``). See docs/cli.md "migrate" and docs/deploy.md."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_command, missing_store


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "migrate",
        description="Copy every vendor, location, mapping, order (with its slips, tracking "
        "and invoice), the activity (entries, times and hash chain unchanged), the API "
        "users (token hashes), stock, settings, EDI records and the setup log from one "
        "store into an empty one: a SQLite file or a postgresql:// address on either "
        "side. Each table's row count and checksum are compared before the target "
        "commits; it is one transaction there, so a failure leaves the target empty. "
        "Run it as the database owner (docs/deploy.md), with the servers stopped.",
    )
    p.add_argument("--from", dest="source", metavar="STORE", required=True,
                   help="the store to copy: a SQLite file or postgresql://user@host/db")
    p.add_argument("--to", dest="target", metavar="STORE", required=True,
                   help="the empty store to copy into (created if it does not exist)")
    p.set_defaults(func=run_migrate)


def _open(address: str, *, create: bool) -> Any:
    from pathlib import Path

    from dropship_tui.store.opening import open_store_address
    from dropship_tui.store.postgres.address import is_postgres

    if not is_postgres(address):
        path = Path(address).expanduser()
        if not create and not path.is_file():
            raise missing_store(path)
        address = str(path)
    return open_store_address(address, user="migrate")


def run_migrate(args: argparse.Namespace) -> int:
    from dropship_tui.store import transfer
    from dropship_tui.store.postgres.address import describe, is_postgres

    if getattr(args, "api", None):
        raise UsageError("migrate copies between stores you can open directly, not with --api")
    source_name, target_name = args.source.strip(), args.target.strip()
    if source_name == target_name:
        raise UsageError("--from and --to name the same store")
    source = _open(source_name, create=False)
    try:
        target = _open(target_name, create=True)
        try:
            after = None
            if is_postgres(target_name):
                from dropship_tui.store.postgres.schema import sync_sequences

                after = sync_sequences
            with transfer.connection_of(source) as src, transfer.connection_of(target) as dst:
                report = transfer.copy_store(src, dst, where=describe(target_name), after_copy=after)
        finally:
            target.close()
    finally:
        source.close()
    if args.json:
        json_output.print_json({
            "from": describe(source_name), "to": describe(target_name),
            "rows": report.rows, "seconds": round(report.seconds, 3),
            "rows_per_second": round(report.rate),
            "tables": [{"name": t.name, "rows": t.rows, "sha256": t.checksum} for t in report.tables],
        })
        return 0
    for table in report.tables:
        print(f"{table.name:<20} {table.rows:>10} rows  sha256 {table.checksum[:16]}")
    print(f"Copied {report.rows} rows of {len(report.tables)} tables from {describe(source_name)} to "
          f"{describe(target_name)} in {report.seconds:.1f} s ({report.rate:,.0f} rows/s); every "
          "table's count and checksum agree.", file=sys.stderr)
    return 0
