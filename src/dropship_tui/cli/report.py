"""Reports: ``report scorecard [--vendor CODE] [--from DATE] [--to DATE] [--json|--csv]``,
``report sla`` and ``report canceled-items`` (CSV).

The scorecard's figures and their definitions are ``domain.scorecard``'s (docs/reports.md).
On a local store every vendor's; against the server (``--api``) a vendor user gets its
own and the operator every vendor's, side by side."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime, timezone
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import add_action, add_command, open_store

COLUMNS = (
    "vendor_code", "orders", "fill_rate", "on_time_acknowledgement_rate", "on_time_ship_rate",
    "cancel_rate", "hours_to_acknowledge_median", "hours_to_acknowledge_p90",
    "hours_to_ship_median", "hours_to_ship_p90",
)


def instant(text: str) -> datetime:
    """A date (``2026-11-01``, midnight UTC) or an ISO time (UTC unless it says)."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-01 or a time like 2026-11-01T08:00Z, not {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "report", description="Reports computed from the orders and their activity (docs/reports.md).")
    sub = p.add_subparsers(dest="report_command", metavar="REPORT")
    sub.required = True
    q = add_action(
        sub, "scorecard", "each vendor's fill rate, on-time rates, cancellations and times",
        description="For the orders dated in [--from, --to) (default: the last 30 days): fill "
        "rate, on-time acknowledgement and shipping against each order's SLA policy, cancel "
        "rate and canceled units by reason, median and 90th percentile hours to acknowledge "
        "and to ship, orders per stage. Definitions: docs/reports.md.",
    )
    q.add_argument("--vendor", default=None, metavar="CODE")
    q.add_argument("--from", dest="start", type=instant, default=None, metavar="DATE")
    q.add_argument("--to", dest="end", type=instant, default=None, metavar="DATE")
    q.add_argument("--csv", action="store_true", help="one CSV row per vendor")
    q.set_defaults(func=run_scorecard)

    q = add_action(
        sub, "sla", "open orders at risk or overdue, with their deadlines (CSV)",
        description="Every New or In progress order that is At risk or Overdue now: PO, order "
        "number, vendor, location, stage, status, when it turned (turns) At risk and Overdue. "
        "CSV on standard output.",
    )
    q.add_argument("--vendor", default=None, metavar="CODE")
    q.set_defaults(func=run_sla)

    q = add_action(
        sub, "canceled-items", "every canceled line: quantity, reason, text, when, who (CSV)",
        description="The canceled items of the orders dated in [--from, --to) (default: the last "
        "30 days), short lines at acknowledgement and whole cancellations alike. CSV on "
        "standard output.",
    )
    q.add_argument("--vendor", default=None, metavar="CODE")
    q.add_argument("--from", dest="start", type=instant, default=None, metavar="DATE")
    q.add_argument("--to", dest="end", type=instant, default=None, metavar="DATE")
    q.set_defaults(func=run_canceled_items)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:g} h"


def run_scorecard(args: argparse.Namespace) -> int:
    from dropship_tui.domain.scorecard import period

    with open_store(args) as store:
        start, end = period(args.start, args.end, store.clock())
        cards = store.scorecards(start, end, args.vendor)
    if args.json:
        json_output.print_json([c.to_json() for c in cards])
        return 0
    if args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        stages = list(cards[0].orders_by_stage) if cards else []
        writer.writerow([*COLUMNS, *(f"orders_{s}" for s in stages), "canceled_units_by_reason"])
        for c in cards:
            reasons = ";".join(f"{code}={n}" for code, n in c.canceled_units_by_reason.items())
            writer.writerow([*("" if getattr(c, col) is None else getattr(c, col) for col in COLUMNS),
                             *(c.orders_by_stage[s] for s in stages), reasons])
        return 0
    from dropship_tui.cli import output

    out = output.console()
    out.print(output.plain(f"Scorecard for orders dated {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC", style="bold"))
    t = output.table("Vendor", ("Orders", "right"), ("Fill", "right"), ("Ack on time", "right"),
                     ("Ship on time", "right"), ("Canceled", "right"), ("Ack median / p90", "right"),
                     ("Ship median / p90", "right"))
    for c in cards:
        t.add_row(*(output.plain(v) for v in (
            c.vendor_code, f"{c.orders:,}", _percent(c.fill_rate), _percent(c.on_time_acknowledgement_rate),
            _percent(c.on_time_ship_rate), _percent(c.cancel_rate),
            f"{_hours(c.hours_to_acknowledge_median)} / {_hours(c.hours_to_acknowledge_p90)}",
            f"{_hours(c.hours_to_ship_median)} / {_hours(c.hours_to_ship_p90)}",
        )))
    out.print(t)
    for c in cards:
        if c.canceled_units_by_reason:
            reasons = ", ".join(f"{code.replace('_', ' ')} {n}" for code, n in c.canceled_units_by_reason.items())
            out.print(output.plain(f"{c.vendor_code}: canceled units by reason: {reasons}", style="dim"))
    return 0


def run_sla(args: argparse.Namespace) -> int:
    from dropship_tui.cli.csv_export import write_rows
    from dropship_tui.domain.order_csv import SLA_COLUMNS

    with open_store(args) as store:
        write_rows(SLA_COLUMNS, store.sla_report_rows(args.vendor))
    return 0


def run_canceled_items(args: argparse.Namespace) -> int:
    from dropship_tui.cli.csv_export import write_rows
    from dropship_tui.domain.order_csv import CANCELED_COLUMNS
    from dropship_tui.domain.scorecard import period

    with open_store(args) as store:
        start, end = period(args.start, args.end, store.clock())
        write_rows(CANCELED_COLUMNS, store.canceled_item_rows(start, end, args.vendor))
    return 0
