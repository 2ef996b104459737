"""``dropship-tui package PO SLIP --status S [--at TIME] [--note TEXT]`` and ``package
--import FILE.csv`` (R16): a package's reported status, one store write a row. An unknown
status or a time outside the records' range is a usage error (exit 2); what the rules
refuse (a slip without tracking...) exits 1."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_command, open_store
from dropship_tui.cli.values import po_number, positive
from dropship_tui.domain import workflow
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import DATE_RANGE
from dropship_tui.domain.package_status import PackageStatus
from dropship_tui.domain.words import plural


def status(text: str) -> PackageStatus:
    found = workflow.parse_status(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"unknown status {text!r}; use one of {workflow.STATUS_WORDS}")
    return found


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "package",
        description="Record where a slip's package is (R16): pending and shipped follow from "
        f"the tracking number; report {workflow.STATUS_WORDS} with the time of the event "
        "(ISO 8601, default now; no zone means UTC). Or import carrier events from a CSV "
        "with columns tracking_number, status, time and optionally note (package --import "
        "FILE.csv): each row on its own, a row already recorded is unchanged.",
    )
    p.add_argument("po", type=po_number, nargs="?", metavar="PO")
    p.add_argument("slip", type=positive, nargs="?", metavar="SLIP")
    p.add_argument("--status", type=status, metavar="STATUS", help=workflow.STATUS_WORDS)
    p.add_argument("--at", metavar="TIME", help="when it happened, e.g. 2026-11-25T10:00Z")
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--import", dest="import_file", metavar="FILE.csv", help="record every row of a CSV file")
    p.set_defaults(func=run_package)


def run_package(args: argparse.Namespace) -> int:
    from dropship_tui.services import package_import

    if args.import_file is not None:
        if args.po is not None or args.slip is not None or args.status or args.at or args.note:
            raise UsageError("package --import FILE.csv takes no PO, SLIP, --status, --at or --note")
        return _import(args)
    if args.po is None or args.slip is None or args.status is None:
        raise UsageError("package needs PO SLIP --status STATUS (or --import FILE.csv)")
    at = None
    if args.at is not None:
        at = package_import.parse_time(args.at)
        if at is None:
            raise UsageError(f"--at {args.at!r} is not an ISO 8601 time {DATE_RANGE}")
    with open_store(args) as store:
        order = store.set_package_status(
            args.po, None, args.slip, args.status, at or store.clock(), note=args.note, source="command line"
        )
        if args.json:
            json_output.print_json(json_output.order_json(order, store.sla_status(order)))
            return 0
    from dropship_tui.cli import output

    slip = order.slip(args.slip)
    output.console().print(output.text(f"PO {order.po_number} slip {slip.number} ({slip.tracking_number}): {args.status.label.lower()}"))
    return 0


def _import(args: argparse.Namespace) -> int:
    from dropship_tui.services import package_import

    with open_store(args) as store:
        report = package_import.import_packages(store, args.import_file)
    refused = report.count(package_import.REFUSED)
    if args.json:
        json_output.print_json(report.to_json())
    else:
        from dropship_tui.cli import output

        out = output.console()
        for row in report.rows:
            where = f"PO {row.po_number} slip {row.slip_number}" if row.po_number else row.tracking_number
            out.print(output.text(f"{row.status:<9} line {row.line}: {where}: {row.message}"))
        out.print(output.text(
            f"{report.count(package_import.APPLIED)} applied, {report.count(package_import.UNCHANGED)} "
            f"unchanged, {refused} refused ({plural(len(report.rows), 'row')})"
        ))
    if refused:
        raise WorkflowError(f"{refused} of {plural(len(report.rows), 'package row')} refused")
    return 0
