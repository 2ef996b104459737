"""Cancellation requests (``domain.cancel_request``): the retailer asks, the vendor
answers. ``cancel-request PO --reason CODE[:TEXT]`` (the operator, over ``--api``; anyone
on a local store) and ``cancel-answer PO --accept`` / ``--reject --reason CODE[:TEXT]``.
One store write each; a refusal is the domain's, exit 1."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_command, open_store
from dropship_tui.cli.values import REASON_CODES, po_number, reason


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers, "cancel-request",
        description="The retailer asks the vendor to cancel an order; the vendor then accepts "
        f"or rejects it (cancel-answer). Reason codes: {REASON_CODES} ('other' needs TEXT).",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    p.add_argument("--reason", type=reason, required=True, metavar="CODE[:TEXT]")
    p.set_defaults(func=run_request)
    p = add_command(
        subparsers, "cancel-answer",
        description="Accept the retailer's cancellation request (the order is canceled with its "
        "reason; an admin's call) or reject it, saying why.",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--accept", action="store_true")
    which.add_argument("--reject", action="store_true")
    p.add_argument("--reason", type=reason, default=None, metavar="CODE[:TEXT]", help="why it is rejected")
    p.set_defaults(func=run_answer)


def _print(args: argparse.Namespace, store: Any, order: Any, message: str) -> int:
    if args.json:
        json_output.print_json(json_output.order_json(order, store.sla_status(order)))
        return 0
    from dropship_tui.cli import output

    output.console().print(output.plain(message))
    return 0


def run_request(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        order = store.request_cancellation(args.po, None, args.reason)
        return _print(args, store, order, f"PO {order.po_number}: cancellation requested ({args.reason.describe()}); "
                      "waiting for the vendor's answer")


def run_answer(args: argparse.Namespace) -> int:
    if args.reject and args.reason is None:
        raise UsageError("--reject needs --reason CODE[:TEXT]: say why the order cannot be canceled")
    if args.accept and args.reason is not None:
        raise UsageError("--accept takes the request's own reason; leave out --reason")
    with open_store(args) as store:
        order = store.answer_cancellation(args.po, None, args.accept, args.reason)
        if args.accept:
            message = f"PO {order.po_number}: cancellation accepted; the order is canceled"
        else:
            message = f"PO {order.po_number}: cancellation rejected ({args.reason.describe()})"
        return _print(args, store, order, message)
