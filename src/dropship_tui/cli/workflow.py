"""The workflow from the command line: ``ack``, ``slips``, ``track``, ``invoice``,
``complete``, ``cancel``, ``address``. Each is one store write (one transaction); the rules
and their refusals are the domain's (``domain/workflow.py``), never re-checked here.

``invoice --pdf/--print`` also writes (and prints) the invoice PDF: that is
``documents.run_invoice_pdf``, which imports the PDF library only then."""

from __future__ import annotations

import argparse
from typing import Any

from dropship_tui.cli import json_output
from dropship_tui.cli.common import UsageError, add_command, open_store
from dropship_tui.cli.documents import add_print_options, run_invoice_pdf
from dropship_tui.cli.values import (
    REASON_CODES,
    line_qty,
    line_reason,
    po_number,
    positive,
    reason,
    slip_put,
)
from dropship_tui.domain import workflow
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import MAX_SLIPS, Order, Reason, Stage
from dropship_tui.domain.words import plural, units
from dropship_tui.store.base import OrderQuery, Store

ADDRESS_FIELDS = {
    # option dest -> (ShipTo field, Address field)
    "first_name": ("first_name", None),
    "last_name": ("last_name", None),
    "company": ("company", None),
    "email": ("email", None),
    "phone": ("phone", None),
    "line1": (None, "line1"),
    "line2": (None, "line2"),
    "city": (None, "city"),
    "state": (None, "state"),
    "postal_code": (None, "postal_code"),
    "country_code": (None, "country_code"),
}


def register(subparsers: Any) -> None:
    p = add_command(
        subparsers,
        "ack",
        description="Acknowledge an order: every line is accepted in full unless --qty "
        "says otherwise; each short line needs a reason (--reason LINE=CODE[:TEXT] or "
        f"--reason-all CODE[:TEXT]). Reason codes: {REASON_CODES} ('other' needs TEXT). "
        "Every line at 0 cancels the order instead.",
    )
    p.add_argument("po", type=po_number, nargs="?", metavar="PO")
    p.add_argument(
        "--qty",
        type=line_qty,
        action="append",
        default=[],
        metavar="LINE=N",
        help="validated quantity of a line (repeatable), e.g. --qty 1=4",
    )
    p.add_argument(
        "--reason",
        type=line_reason,
        action="append",
        default=[],
        metavar="LINE=CODE[:TEXT]",
        help="reason for a short line (repeatable), e.g. --reason 1=out_of_stock",
    )
    p.add_argument(
        "--reason-all",
        type=reason,
        metavar="CODE[:TEXT]",
        help="reason for every short line without its own",
    )
    p.add_argument(
        "--all-new",
        action="store_true",
        help="acknowledge every New order (matching --search) in full, each on its own",
    )
    p.add_argument("--search", default="", metavar="TEXT", help="with --all-new: only matching orders")
    p.set_defaults(func=run_ack)

    p = add_command(
        subparsers,
        "slips",
        description=f"Save packing slips: --count N slips (1-{MAX_SLIPS}) with the accepted units "
        "dealt evenly, or --put LINE:SLIP=QTY for each line and slip. Every line's units "
        "must add up to its accepted quantity and no slip may be empty.",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    p.add_argument("--count", type=positive, metavar="N", help=f"number of slips, 1-{MAX_SLIPS} (default: 1, or the highest --put slip)")
    p.add_argument(
        "--put",
        type=slip_put,
        action="append",
        default=[],
        metavar="LINE:SLIP=QTY",
        help="units of a line in a slip (repeatable), e.g. --put 1:2=3",
    )
    p.set_defaults(func=run_slips)

    p = add_command(
        subparsers,
        "track",
        description="Save one slip's tracking number (track PO SLIP NUMBER), or import "
        "them from a CSV file with columns po, package_number, tracking_number and "
        "optionally carrier (track --import FILE.csv): each row is saved on its own, a row "
        "already saved is reported unchanged, any refused row makes the exit status 1.",
    )
    p.add_argument("po", type=po_number, nargs="?", metavar="PO")
    p.add_argument("slip", type=positive, nargs="?", metavar="SLIP")
    p.add_argument("number", nargs="?", metavar="NUMBER")
    p.add_argument("--import", dest="import_file", metavar="FILE.csv", help="save every row of a CSV file")
    p.add_argument(
        "--carrier",
        metavar="NAME",
        help="the carrier (needed for a number no known format recognises)",
    )
    p.set_defaults(func=run_track)

    p = add_command(subparsers, "invoice")
    p.add_argument("po", type=po_number, metavar="PO")
    p.add_argument(
        "--pdf",
        nargs="?",
        const="",
        default=None,
        metavar="FILE.pdf",
        help="also write the invoice PDF (no FILE: <Documents>/dropship-tui/PO-N-invoice.pdf); "
        "an order already invoiced is just rendered",
    )
    add_print_options(p)
    p.set_defaults(func=run_invoice)

    p = add_command(subparsers, "complete")
    p.add_argument("po", type=po_number, metavar="PO")
    p.set_defaults(func=run_complete)

    p = add_command(
        subparsers,
        "cancel",
        description=f"Cancel a New or In progress order. Reason codes: {REASON_CODES} "
        "('other' needs TEXT).",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    p.add_argument("--reason", type=reason, required=True, metavar="CODE[:TEXT]")
    p.set_defaults(func=run_cancel)

    p = add_command(
        subparsers,
        "address",
        description="Correct the ship-to contact and address; fields not given keep their value.",
    )
    p.add_argument("po", type=po_number, metavar="PO")
    for dest in ADDRESS_FIELDS:
        p.add_argument("--" + dest.replace("_", "-"), dest=dest, metavar="VALUE")
    p.set_defaults(func=run_address)


def _report(args: argparse.Namespace, store: Store, order: Order, message: str) -> int:
    if args.json:
        json_output.print_json(json_output.order_json(order, store.sla_status(order)))
    else:
        from dropship_tui.cli import output

        output.console().print(output.text(message))
    return 0


# --- ack --------------------------------------------------------------------------------


def _pairs(items: list[tuple[int, Any]], option: str) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for line_id, value in items:
        if line_id in out:
            raise UsageError(f"{option} names line {line_id} twice")
        out[line_id] = value
    return out


def run_ack(args: argparse.Namespace) -> int:
    if args.all_new:
        if args.po is not None or args.qty or args.reason or args.reason_all:
            raise UsageError("ack --all-new acknowledges in full: give no PO, --qty or --reason")
        return _ack_all(args)
    if args.po is None:
        raise UsageError("ack needs a PO number (or --all-new)")
    if args.search:
        raise UsageError("--search only goes with --all-new")
    validated = _pairs(args.qty, "--qty")
    reasons: dict[int, Reason] = _pairs(args.reason, "--reason")
    with open_store(args) as store:
        before = store.get_order(args.po)
        order = store.acknowledge(args.po, None, validated, reasons, args.reason_all)
        return _report(args, store, order, ack_message(before, order))


def ack_message(before: Order, order: Order) -> str:
    if order.stage is Stage.CANCELED:
        return f"PO {order.po_number} canceled: every line validated to 0"
    message = (
        f"PO {order.po_number} acknowledged: {order.units_accepted} of "
        f"{units(order.units_ordered)}"
    )
    new_items = order.canceled_items[len(before.canceled_items):]
    if new_items:
        short = sum(item.quantity for item in new_items)
        why = ", ".join(dict.fromkeys(item.reason.describe() for item in new_items))
        message += f"; {units(short)} canceled ({why})"
    return message


def _ack_all(args: argparse.Namespace) -> int:
    query = OrderQuery(stage=Stage.NEW, search=args.search.strip())
    with open_store(args) as store:
        pos: list[int] = []
        while True:
            page = store.list_orders(query, offset=len(pos), limit=5000)
            if not page:
                break
            pos.extend(row.po_number for row in page)
        result = store.acknowledge_all(pos) if pos else None
    succeeded = result.succeeded if result else []
    failed = result.failed if result else {}
    if args.json:
        json_output.print_json(
            {
                "succeeded": succeeded,
                "failed": [{"po_number": po, "error": why} for po, why in failed.items()],
            }
        )
    else:
        from dropship_tui.cli import output

        out = output.console()
        if not pos:
            out.print(output.text("No New orders to acknowledge" + (" match." if args.search else ".")))
        else:
            out.print(
                output.text(f"Acknowledged {plural(len(succeeded), 'order')} of {len(pos)}")
            )
            for po, why in failed.items():
                out.print(output.text(("failed", "bold red"), f" PO {po}: {why}"))
    if failed:
        # Exit 1 like any refusal, with its one line on stderr.
        raise WorkflowError(f"{len(failed)} of {len(pos)} New orders not acknowledged")
    return 0


# --- slips and tracking -------------------------------------------------------------------


def _check_count(count: int) -> None:
    problem = workflow.slip_count_problem(count)
    if problem:
        raise UsageError(f"{problem} (--count {count})")


def run_slips(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        order = store.get_order(args.po)
        if args.put:
            highest = max(slip for _, slip, _ in args.put)
            count = args.count or highest
            if highest > count:
                raise UsageError(f"--put names slip {highest} but --count is {count}")
            _check_count(count)
            plan: list[dict[int, int]] = [{} for _ in range(count)]
            for line_id, slip, qty in args.put:
                if line_id in plan[slip - 1]:
                    raise UsageError(f"--put names line {line_id} in slip {slip} twice")
                plan[slip - 1][line_id] = qty
        else:
            count = args.count or 1
            _check_count(count)
            plan = workflow.even_allocation(order, count)
        dropped = workflow.tracking_dropped_by(order, len(plan))
        saved = store.save_slips(args.po, order.version, plan)
        summary = ", ".join(f"#{s.number}: {units(s.units)}" for s in saved.slips)
        message = f"PO {saved.po_number}: {plural(len(saved.slips), 'packing slip')} saved ({summary})"
        if dropped:
            message += "; tracking removed from " + ", ".join(
                f"slip {s.number} ({s.tracking_number})" for s in dropped
            )
        return _report(args, store, saved, message)


def run_track(args: argparse.Namespace) -> int:
    given = [v for v in (args.po, args.slip, args.number) if v is not None]
    if args.import_file is not None:
        if given or args.carrier:
            raise UsageError("track --import FILE.csv takes no PO, SLIP, NUMBER or --carrier")
        return _track_import(args)
    if len(given) < 3:
        raise UsageError("track needs PO SLIP NUMBER (or --import FILE.csv)")
    with open_store(args) as store:
        order = store.save_tracking(args.po, None, args.slip, args.number, args.carrier)
        slip = order.slip(args.slip)
        carrier = f"{slip.carrier} " if slip.carrier else ""
        message = f"PO {order.po_number} slip {slip.number}: {carrier}{slip.tracking_number}"
        if slip.tracking_url:
            message += f"  {slip.tracking_url}"
        left = [s.number for s in order.slips if not s.tracking_number]
        if left:
            message += f" ({plural(len(left), 'slip')} still without tracking: {', '.join(map(str, left))})"
        return _report(args, store, order, message)


def _track_import(args: argparse.Namespace) -> int:
    from dropship_tui.services import tracking_import

    with open_store(args) as store:
        report = tracking_import.import_tracking(store, args.import_file)
    if args.json:
        json_output.print_json(report.to_json())
    else:
        from dropship_tui.cli import output

        out = output.console()
        styles = {"applied": "green", "unchanged": "dim", "refused": "bold red"}
        for row in report.rows:
            where = f"PO {row.po_number if row.po_number is not None else '?'}"
            where += f" slip {row.slip_number if row.slip_number is not None else '?'}"
            out.print(
                output.text(
                    (f"{row.status:<9}", styles[row.status]),
                    f" line {row.line}: {where}: {row.message}",
                )
            )
        out.print(
            output.text(
                f"{report.applied} applied, {report.unchanged} unchanged, "
                f"{report.refused} refused ({plural(len(report.rows), 'row')})"
            )
        )
    if report.refused:
        raise WorkflowError(
            f"{report.refused} of {plural(len(report.rows), 'tracking row')} refused"
        )
    return 0


# --- invoice, completion, cancellation, address ------------------------------------------------


def run_invoice(args: argparse.Namespace) -> int:
    if args.pdf is not None or args.print_:
        return run_invoice_pdf(args)
    with open_store(args) as store:
        order = store.generate_invoice(args.po, None)
        inv = order.invoice
        assert inv is not None
        message = (
            f"PO {order.po_number} invoiced: {inv.invoice_number}, "
            f"{units(order.units_accepted)}, total {inv.total} {inv.currency}"
        )
        return _report(args, store, order, message)


def run_complete(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        order = store.complete(args.po, None)
        status = store.sla_status(order)
        return _report(args, store, order, f"PO {order.po_number} completed (SLA {status.label})")


def run_cancel(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        before = store.get_order(args.po)
        order = store.cancel(args.po, before.version, args.reason)
        new_items = order.canceled_items[len(before.canceled_items):]
        canceled = sum(item.quantity for item in new_items)
        return _report(
            args,
            store,
            order,
            f"PO {order.po_number} canceled: {units(canceled)} ({args.reason.describe()})",
        )


def run_address(args: argparse.Namespace) -> int:
    given = {dest: getattr(args, dest) for dest in ADDRESS_FIELDS if getattr(args, dest) is not None}
    if not given:
        options = ", ".join("--" + d.replace("_", "-") for d in ADDRESS_FIELDS)
        raise UsageError(f"address needs at least one field to change ({options})")
    with open_store(args) as store:
        order = store.get_order(args.po)
        contact = {ADDRESS_FIELDS[d][0]: v.strip() for d, v in given.items() if ADDRESS_FIELDS[d][0]}
        address = {ADDRESS_FIELDS[d][1]: v.strip() for d, v in given.items() if ADDRESS_FIELDS[d][1]}
        ship_to = order.ship_to.model_copy(
            update={**contact, "address": order.ship_to.address.model_copy(update=address)}
        )
        saved = store.correct_address(args.po, order.version, ship_to)
        return _report(
            args,
            store,
            saved,
            f"PO {saved.po_number} ship-to corrected: {workflow.describe_ship_to(saved.ship_to)}",
        )

