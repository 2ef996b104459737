"""``dropship-tui reopen PO --reason CODE[:TEXT]`` (R15): an In progress order without an
invoice goes back to New. One store write; what it undid is in the activity, and printed.
The refusal (New, invoiced, finished) is the domain's, exit 1."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import add_command, open_store
from dropship_tui.cli.values import REASON_CODES, po_number, reason
from dropship_tui.domain import workflow


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "reopen",
        description="Take an In progress order without an invoice back to New: the accepted "
        "quantities, packing slips and tracking numbers are dropped, stock reservations "
        "released and the canceled units restored; the activity records all of it. "
        f"Reason codes: {REASON_CODES} ('other' needs TEXT).",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    p.add_argument("--reason", type=reason, required=True, metavar="CODE[:TEXT]")
    p.set_defaults(func=run_reopen)


def run_reopen(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        before = store.get_order(args.po)
        undone = workflow.reopen_losses(before) if workflow.reopen_problem(before) is None else []
        order = store.reopen(args.po, before.version, args.reason)
        if args.json:
            json_output.print_json(json_output.order_json(order, store.sla_status(order)))
            return 0
    from dropship_tui.cli import output

    output.console().print(output.text(
        f"PO {order.po_number} reopened ({args.reason.describe()}): back to New; undone: " + "; ".join(undone)
    ))
    return 0
