"""Store-wide settings: ``settings sla [--at-risk F] [--overdue F]`` and ``settings
retailer [NAME] [--address LINE ...] [--clear]``.

Set on local stores only. The SLA thresholds (R12) live in the store itself, so everyone
who opens it (the TUI, the CLI, the server) sees the same statuses; setting them
recomputes the SLA marks of every open order in one transaction. The retailer (R8's Bill
to on every invoice) lives there too, for the same reason. See docs/cli.md "Settings"."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_action, add_command, open_store
from dropship_tui.domain import billing
from dropship_tui.domain.models import (
    RETAILER_ADDRESS_LINES, RETAILER_NAME_MAX, SLA_THRESHOLD_MAX, Retailer, SlaThresholds,
)
from dropship_tui.domain.words import plural


def fraction(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"expected a fraction like 0.8, not {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"expected a fraction like 0.8, not {text!r}")
    return value


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "settings",
        description="Settings kept in the store file itself, shared by everyone who opens it.",
    )
    sub = p.add_subparsers(dest="settings_command", metavar="SETTING")
    sub.required = True
    q = add_action(
        sub,
        "sla",
        "show or set the SLA thresholds (fractions of the allowed time)",
        description="An open order turns At risk when this fraction of its allowed time "
        "(to acknowledge, then to ship) has passed, and Overdue at the second fraction. "
        "Default 0.8 and 1.0; 0 < at risk <= overdue. Without options: show them.",
    )
    q.add_argument("--at-risk", type=fraction, default=None, metavar="F", help="e.g. 0.8")
    q.add_argument("--overdue", type=fraction, default=None, metavar="F", help="e.g. 1.0")
    q.set_defaults(func=run_sla)
    r = add_action(
        sub,
        "retailer",
        "show or set the retailer invoices are billed to",
        description="The retailer (the operator that places the purchase orders) printed "
        "under Bill to on every invoice, on screen and in the PDF. Without NAME: show it.",
    )
    r.add_argument("name", nargs="?", default=None, metavar="NAME", help='e.g. "Acme Retail Inc."')
    r.add_argument("--address", action="append", default=[], metavar="LINE",
                   help=f"an address line under the name (repeat, up to {RETAILER_ADDRESS_LINES})")
    r.add_argument("--clear", action="store_true", help="forget the retailer (invoices bill the default)")
    r.set_defaults(func=run_retailer)


def run_sla(args: argparse.Namespace) -> int:
    if getattr(args, "api", None):
        raise UsageError(
            "settings sla is not available remotely (--api); run it where the store file "
            "is, with --db PATH"
        )
    with open_store(args) as store:
        current = store.thresholds
        changing = args.at_risk is not None or args.overdue is not None
        if changing:
            try:
                wanted = SlaThresholds(
                    at_risk=current.at_risk if args.at_risk is None else args.at_risk,
                    overdue=current.overdue if args.overdue is None else args.overdue,
                )
            except ValidationError:
                raise UsageError(
                    f"SLA thresholds need 0 < at risk <= overdue <= {SLA_THRESHOLD_MAX} "
                    "(e.g. --at-risk 0.8 --overdue 1.0)"
                ) from None
            recomputed = store.set_sla_thresholds(wanted)
            current = wanted
    if args.json:
        json_output.print_json({"at_risk": str(current.at_risk), "overdue": str(current.overdue)})
        return 0
    from dropship_tui.cli import output

    message = (
        f"SLA thresholds: at risk at {current.at_risk} and overdue at {current.overdue} "
        "of the allowed time"
    )
    if changing:
        message += f" (saved; {plural(recomputed, 'open order')} recomputed)"
    output.console().print(output.text(message))
    return 0


def _wanted_retailer(args: argparse.Namespace) -> Retailer | None:
    if args.clear:
        if args.name is not None or args.address:
            raise UsageError("settings retailer: --clear takes no NAME or --address")
        return None
    if args.name is None:
        raise UsageError("settings retailer: --address needs the NAME too")
    try:
        return Retailer(name=args.name, address=tuple(args.address))
    except ValidationError as exc:
        where = exc.errors()[0]["loc"]
        field = "NAME" if where[0] == "name" else "--address"
        if where == ("address",):
            raise UsageError(f"settings retailer: at most {RETAILER_ADDRESS_LINES} --address lines") from None
        raise UsageError(
            f"settings retailer: {field} must be one line of 1-{RETAILER_NAME_MAX} printable characters"
        ) from None


def run_retailer(args: argparse.Namespace) -> int:
    changing = args.clear or args.name is not None or bool(args.address)
    wanted = _wanted_retailer(args) if changing else None
    if changing and getattr(args, "api", None):
        raise UsageError(
            "settings retailer cannot be set remotely (--api); run it where the store file "
            "is, with --db PATH"
        )
    with open_store(args) as store:
        if changing:
            store.set_retailer(wanted)
        current = store.retailer()
    if args.json:
        json_output.print_json(None if current is None else current.model_dump(mode="json"))
        return 0
    from dropship_tui.cli import output

    if current is None:
        message = (f'Retailer: not set; invoices bill "{billing.DEFAULT_BILL_TO}" (or the config\'s '
                   'bill_to_name). Set it with: dropship-tui settings retailer "NAME" [--address LINE]')
    else:
        message = "Retailer: " + " · ".join((current.name, *current.address))
    if changing:
        message += " (saved)" if current is not None else " (cleared)"
    output.console().print(output.text(message))
    return 0
