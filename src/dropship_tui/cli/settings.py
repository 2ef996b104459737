"""Store-wide settings: ``settings sla [--at-risk F] [--overdue F]``.

Local stores only. The SLA thresholds (R12) live in the store itself, so everyone who
opens it (the TUI, the CLI, the server) sees the same statuses; setting them recomputes
the SLA marks of every open order in one transaction. See docs/cli.md "Settings"."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_action, add_command, open_store
from dropship_tui.domain.models import SLA_THRESHOLD_MAX, SlaThresholds
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
