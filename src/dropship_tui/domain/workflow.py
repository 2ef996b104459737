"""The workflow rules R1-R14, each written once.

Every action is a pure function ``action(order, ..., ctx) -> Change``: it either raises
``WorkflowError`` (nothing changed) or returns the new order (version bumped) and the
activity entries to append. Stores call these inside one transaction; the CLI, server and
TUI reach them only through a store, and use the ``*_problems`` helpers to explain what is
wrong while the user is still typing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from dropship_tui.domain import sla, tracking
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import (
    DEFAULT_SLA_POLICY,
    REASON_TEXT_MAX,
    ActivityEntry,
    CanceledItem,
    Invoice,
    InvoiceRow,
    Line,
    Order,
    PackingSlip,
    Reason,
    ReasonCode,
    ShipTo,
    SlaPolicy,
    SlaThresholds,
    Stage,
    Vendor,
    money,
)

MAX_SLIPS = 10


@dataclass(frozen=True)
class Ctx:
    """Who acts and when; the SLA policy lets finishing actions freeze the SLA status."""

    user: str
    now: datetime
    sla_policy: SlaPolicy = DEFAULT_SLA_POLICY
    thresholds: SlaThresholds = field(default_factory=SlaThresholds)


@dataclass(frozen=True)
class Change:
    order: Order
    activity: tuple[ActivityEntry, ...]


def _entry(ctx: Ctx, action: str, details: str = "") -> ActivityEntry:
    return ActivityEntry(at=ctx.now, user=ctx.user, action=action, details=details)


def _commit(order: Order, ctx: Ctx, entries: list[ActivityEntry], **changes: object) -> Change:
    new = order.model_copy(update={**changes, "version": order.version + 1})
    # Round-trip through validation so a rule can never produce an invalid record.
    return Change(Order.model_validate(new.model_dump()), tuple(entries))


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


# --- R1: what has to happen first ---------------------------------------------------


def _require_open(order: Order, action: str) -> None:
    if order.stage is Stage.COMPLETED:
        raise WorkflowError(f"PO {order.po_number} is completed; it can no longer {action}")
    if order.stage is Stage.CANCELED:
        raise WorkflowError(f"PO {order.po_number} is canceled; it can no longer {action}")


def _require_step2(order: Order, action: str) -> None:
    _require_open(order, action)
    if order.stage is Stage.NEW:
        raise WorkflowError(
            f"PO {order.po_number} must be acknowledged (step 1) before it can {action}"
        )


def _require_no_invoice(order: Order, action: str) -> None:
    if order.invoice is not None:
        raise WorkflowError(
            f"PO {order.po_number} is already invoiced ({order.invoice.invoice_number}); "
            f"it can no longer {action}"
        )


# --- R2/R3: acknowledgement inputs ----------------------------------------------------


def prefill_quantities(order: Order, stock: Mapping[str, int] | None = None) -> dict[int, int]:
    """R2: validated quantity prefilled with the ordered quantity, or with stock on hand
    (keyed by vendor SKU) when that is lower and known."""
    result = {}
    for line in order.lines:
        qty = line.quantity_ordered
        if stock is not None and line.vendor_sku in stock:
            qty = max(0, min(qty, stock[line.vendor_sku]))
        result[line.line_id] = qty
    return result


def quantity_problem(line: Line, value: int | str | None) -> str | None:
    """Why a typed validated quantity is not acceptable, or None."""
    try:
        qty = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        qty = None
    if qty is None or isinstance(value, bool) or qty < 0 or qty > line.quantity_ordered:
        return f"must be a whole number from 0 to {line.quantity_ordered}"
    return None


def short_lines(order: Order, validated: Mapping[int, int]) -> list[Line]:
    """R3: the lines validated below the quantity ordered (drives the warning banner)."""
    return [
        line
        for line in order.lines
        if validated.get(line.line_id, line.quantity_ordered) < line.quantity_ordered
    ]


def reason_problem(reason: Reason | None) -> str | None:
    if reason is None:
        return "needs a reason"
    if reason.code is ReasonCode.OTHER and not reason.text.strip():
        return "'other' needs a text saying why"
    if len(reason.text) > REASON_TEXT_MAX:
        return f"the reason text is longer than {REASON_TEXT_MAX} characters"
    return None


def effective_reasons(
    order: Order,
    validated: Mapping[int, int],
    reasons: Mapping[int, Reason],
    reason_all: Reason | None = None,
) -> dict[int, Reason | None]:
    """Each short line's reason: its own, else the "apply to all" one."""
    return {
        line.line_id: reasons.get(line.line_id) or reason_all
        for line in short_lines(order, validated)
    }


def lines_missing_reason(
    order: Order,
    validated: Mapping[int, int],
    reasons: Mapping[int, Reason],
    reason_all: Reason | None = None,
) -> dict[int, str]:
    """line_id -> what is missing, for every short line without a complete reason."""
    out = {}
    for line_id, reason in effective_reasons(order, validated, reasons, reason_all).items():
        problem = reason_problem(reason)
        if problem:
            out[line_id] = problem
    return out


def reason_message(reason: Reason | None) -> str | None:
    """The whole sentence for a reason that cannot be used (cancel dialog, CLI), or None."""
    if reason is None:
        return "Choose a reason"
    problem = reason_problem(reason)
    if problem is None:
        return None
    return f"The reason {problem}"


def check_reason(reason: Reason) -> Reason:
    message = reason_message(reason)
    if message:
        raise WorkflowError(message)
    return reason


# --- R2-R5: acknowledge -------------------------------------------------------------


def acknowledge(
    order: Order,
    validated: Mapping[int, int],
    reasons: Mapping[int, Reason],
    ctx: Ctx,
    reason_all: Reason | None = None,
) -> Change:
    """Step 1. Lines missing from ``validated`` are taken in full. Every line short needs
    a reason (its own or ``reason_all``). All lines at 0 cancels the order instead (R4)."""
    if order.stage is Stage.IN_PROGRESS:
        raise WorkflowError(f"PO {order.po_number} is already acknowledged")
    _require_open(order, "be acknowledged")

    known = {line.line_id for line in order.lines}
    unknown = sorted(set(validated) - known)
    if unknown:
        raise WorkflowError(
            f"PO {order.po_number} has no line {', '.join(map(str, unknown))}"
        )
    problems = []
    for line in order.lines:
        problem = quantity_problem(line, validated.get(line.line_id, line.quantity_ordered))
        if problem:
            problems.append(f"Line {line.line_id} ({line.sku}): validated quantity {problem}")
    if problems:
        raise WorkflowError("; ".join(problems), problems)

    missing = lines_missing_reason(order, validated, reasons, reason_all)
    if missing:
        problems = [
            f"Line {lid} ({order.line(lid).sku}) {what}" for lid, what in missing.items()
        ]
        raise WorkflowError(
            f"{_count_lines(len(missing))} still {'needs' if len(missing) == 1 else 'need'} a reason: " + "; ".join(problems),
            problems,
        )

    chosen = effective_reasons(order, validated, reasons, reason_all)
    qty = {line.line_id: validated.get(line.line_id, line.quantity_ordered) for line in order.lines}

    if all(q == 0 for q in qty.values()):
        return _cancel_all(order, ctx, {lid: r for lid, r in chosen.items() if r}, "R4")

    entries = []
    canceled = list(order.canceled_items)
    for line in order.lines:
        short = line.quantity_ordered - qty[line.line_id]
        if short:
            reason = chosen[line.line_id]
            assert reason is not None
            canceled.append(_canceled(line.line_id, short, reason, ctx))
            entries.append(
                _entry(
                    ctx,
                    "Line short",
                    f"Line {line.line_id} ({line.sku}): {_units(short)} not fulfilled — "
                    f"{reason.describe()}",
                )
            )
    accepted = sum(qty.values())
    entries.insert(
        0,
        _entry(
            ctx,
            "Order acknowledged",
            f"{accepted} of {_units(order.units_ordered)} accepted",
        ),
    )
    lines = tuple(line.model_copy(update={"quantity_accepted": qty[line.line_id]}) for line in order.lines)
    return _commit(
        order,
        ctx,
        entries,
        lines=lines,
        canceled_items=tuple(canceled),
        stage=Stage.IN_PROGRESS,
        acknowledged_at=ctx.now,
    )


def _or(names: frozenset[str]) -> str:
    ordered = sorted(names)
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " or " + ordered[-1]


def _count_lines(n: int) -> str:
    return "1 line" if n == 1 else f"{n} lines"


def _canceled(line_id: int, quantity: int, reason: Reason, ctx: Ctx) -> CanceledItem:
    return CanceledItem(
        line_id=line_id,
        quantity=quantity,
        reason_code=reason.code,
        reason_text=reason.text.strip(),
        at=ctx.now,
        by=ctx.user,
    )


# --- R10: cancel ----------------------------------------------------------------------


def cancel(order: Order, reason: Reason, ctx: Ctx) -> Change:
    """Every unit not yet canceled becomes a canceled item. Refused once invoiced: the
    retailer has been billed for the units."""
    _require_open(order, "be canceled")
    _require_no_invoice(order, "be canceled")
    check_reason(reason)
    return _cancel_all(order, ctx, {line.line_id: reason for line in order.lines}, "R10")


def _cancel_all(order: Order, ctx: Ctx, reasons: Mapping[int, Reason], rule: str) -> Change:
    canceled = list(order.canceled_items)
    entries = []
    for line in order.lines:
        remaining = line.quantity_ordered - order.canceled_quantity(line.line_id)
        if remaining > 0:
            reason = reasons[line.line_id]
            canceled.append(_canceled(line.line_id, remaining, reason, ctx))
            entries.append(
                _entry(
                    ctx,
                    "Line canceled",
                    f"Line {line.line_id} ({line.sku}): {_units(remaining)} — {reason.describe()}",
                )
            )
    dropped = [s for s in order.slips if s.tracking_number]
    detail = "every line validated to 0" if rule == "R4" else ""
    if dropped:
        numbers = ", ".join(f"slip {s.number} {s.tracking_number}" for s in dropped)
        detail = (detail + "; " if detail else "") + f"tracking dropped: {numbers}"
    entries.insert(0, _entry(ctx, "Order canceled", detail))
    final = sla.sla_status(order, ctx.sla_policy, ctx.now, ctx.thresholds)
    lines = tuple(line.model_copy(update={"quantity_accepted": 0}) for line in order.lines)
    return _commit(
        order,
        ctx,
        entries,
        lines=lines,
        canceled_items=tuple(canceled),
        slips=(),
        stage=Stage.CANCELED,
        canceled_at=ctx.now,
        final_sla_status=final,
    )


# --- R6: packing slips ----------------------------------------------------------------

SlipPlan = Sequence[Mapping[int, int]]
"""Slip n (1-based position) -> {line_id: units}. Lines with 0 units may be left out."""


def even_allocation(order: Order, count: int) -> list[dict[int, int]]:
    """The default plan: accepted units dealt round-robin so slips are as even as can be
    (the common case is then a single keystroke). Slips stay empty only when there are
    fewer units than slips."""
    count = max(1, min(MAX_SLIPS, count))
    plan: list[dict[int, int]] = [{} for _ in range(count)]
    slot = 0
    for line in order.lines:
        for _ in range(line.quantity_accepted or 0):
            plan[slot][line.line_id] = plan[slot].get(line.line_id, 0) + 1
            slot = (slot + 1) % count
    return plan


def slip_plan_problems(order: Order, plan: SlipPlan) -> list[str]:
    """Everything wrong with a plan, in words that name the line and the units off."""
    problems = []
    if not 1 <= len(plan) <= MAX_SLIPS:
        problems.append(f"The number of packing slips must be from 1 to {MAX_SLIPS}")
        return problems
    known = {line.line_id for line in order.lines}
    for number, slip in enumerate(plan, start=1):
        for line_id, units in slip.items():
            if line_id not in known:
                problems.append(f"Slip {number}: PO {order.po_number} has no line {line_id}")
            elif units < 0:
                problems.append(f"Slip {number}: units of line {line_id} cannot be negative")
    if problems:
        return problems
    for line in order.lines:
        accepted = line.quantity_accepted or 0
        placed = sum(slip.get(line.line_id, 0) for slip in plan)
        if placed < accepted:
            gap = accepted - placed
            verb = "is" if gap == 1 else "are"
            problems.append(f"{_units(gap)} of {line.sku} {verb} not on any slip")
        elif placed > accepted:
            over = placed - accepted
            problems.append(
                f"{_units(over)} too many of {line.sku} on the slips "
                f"({placed} placed, {accepted} accepted)"
            )
    for number, slip in enumerate(plan, start=1):
        if sum(slip.values()) == 0:
            problems.append(f"Slip {number} is empty")
    return problems


def save_slips(order: Order, plan: SlipPlan, ctx: Ctx) -> Change:
    """Slips can be changed until the invoice exists; a slip that disappears takes its
    tracking number with it (the UI warns first: ``tracking_dropped_by``)."""
    _require_step2(order, "get packing slips")
    _require_no_invoice(order, "change its packing slips")
    problems = slip_plan_problems(order, plan)
    if problems:
        raise WorkflowError("; ".join(problems), problems)

    old = {s.number: s for s in order.slips}
    slips = []
    for number, content in enumerate(plan, start=1):
        lines = {lid: units for lid, units in sorted(content.items()) if units > 0}
        previous = old.get(number)
        if previous is not None:
            slips.append(previous.model_copy(update={"lines": lines}))
        else:
            slips.append(PackingSlip(number=number, lines=lines))
    action = "Packing slips changed" if order.slips else "Packing slips saved"
    if tuple(slips) == order.slips:
        raise WorkflowError("The packing slips are unchanged")
    entries = [_entry(ctx, action, slips_details([s.units for s in slips]))]
    for slip in tracking_dropped_by(order, len(plan)):
        entries.append(
            _entry(
                ctx,
                "Tracking number removed",
                f"Slip {slip.number} removed with tracking {slip.tracking_number}",
            )
        )
    return _commit(order, ctx, entries, slips=tuple(slips))


def slips_details(units_per_slip: Sequence[int]) -> str:
    """The activity details of a slip plan: "2 slips — #1: 2 units, #2: 2 units"."""
    noun = "slip" if len(units_per_slip) == 1 else "slips"
    summary = ", ".join(f"#{n}: {_units(u)}" for n, u in enumerate(units_per_slip, start=1))
    return f"{len(units_per_slip)} {noun} — {summary}"


def tracking_dropped_by(order: Order, new_count: int) -> list[PackingSlip]:
    """The tracked slips a new slip count would remove (to warn before saving)."""
    return [s for s in order.slips if s.number > new_count and s.tracking_number]


# --- R7: tracking ---------------------------------------------------------------------


def save_tracking(
    order: Order, slip_number: int, raw_number: str, ctx: Ctx, carrier: str | None = None
) -> Change:
    _require_step2(order, "get tracking numbers")
    if not order.slips:
        raise WorkflowError(
            f"PO {order.po_number} needs its packing slips saved before tracking numbers"
        )
    try:
        slip = order.slip(slip_number)
    except KeyError:
        raise WorkflowError(
            f"PO {order.po_number} has no slip {slip_number} (it has {len(order.slips)})"
        ) from None
    check = tracking_problem(order, slip_number, raw_number, carrier)
    if isinstance(check, str):
        raise WorkflowError(check)
    named = (carrier or "").strip()
    named = tracking.canonical_carrier(named) or named  # "fed-ex" is stored as "FedEx"
    final_carrier = named or check.carrier
    url = check.url if not named or named == check.carrier else None
    url = url or tracking.tracking_url(final_carrier or "", check.number)
    if slip.tracking_number == check.number and slip.carrier == final_carrier:
        raise WorkflowError(f"Slip {slip_number} already has tracking number {check.number}")
    if slip.tracking_number:
        entry = _entry(
            ctx,
            "Tracking number changed",
            f"Slip {slip_number}: {slip.tracking_number} → {final_carrier} {check.number}",
        )
    else:
        entry = _entry(ctx, "Tracking number saved", f"Slip {slip_number}: {final_carrier} {check.number}")
    new_slip = slip.model_copy(
        update={
            "tracking_number": check.number,
            "carrier": final_carrier,
            "tracking_url": url,
            "tracked_at": ctx.now,
        }
    )
    slips = tuple(new_slip if s.number == slip_number else s for s in order.slips)
    return _commit(order, ctx, [entry], slips=slips)


def tracking_problem(
    order: Order, slip_number: int, raw_number: str, carrier: str | None = None
) -> str | tracking.TrackingCheck:
    """The inline message for a typed tracking number, or its check when acceptable."""
    check = tracking.check_tracking_number(raw_number)
    if not check.number:
        return "Enter a tracking number"
    named = (carrier or "").strip()
    why = check.problem or "not a recognised UPS, FedEx, USPS, DHL or UPU S10 number"
    if check.carrier is None and (tracking.canonical_carrier(named) or named) in check.mistyped_for:
        return f"{check.number}: {why}; check the number"  # naming its own carrier cannot help
    if check.mistyped_for and not named:
        return f"{check.number}: {why}; check the number, or name the carrier if it is not {_or(check.mistyped_for)}"
    if check.carrier is None and not named:
        return f"{check.number}: {why}; name the carrier to save it anyway"
    for other in order.slips:
        if other.number != slip_number and other.tracking_number == check.number:
            return f"{check.number} is already on slip {other.number}"
    return check


# --- R8/R9: invoice and completion ------------------------------------------------------


def build_invoice(order: Order, vendor: Vendor, invoice_number: str, issued_at: datetime) -> Invoice:
    rows = []
    for line in order.lines:
        qty = line.quantity_accepted or 0
        if qty <= 0:
            continue
        price = line.billing_price
        rows.append(
            InvoiceRow(
                line_id=line.line_id,
                sku=line.sku,
                vendor_sku=line.vendor_sku,
                description=line.description,
                quantity=qty,
                unit_price=price,
                amount=money(price * qty),
            )
        )
    subtotal = money(sum((r.amount for r in rows), start=Decimal(0)))
    return Invoice(
        invoice_number=invoice_number,
        issued_at=issued_at,
        po_number=order.po_number,
        order_number=order.order_number,
        vendor=vendor,
        ship_to=order.ship_to,
        rows=tuple(rows),
        subtotal=subtotal,
        total=subtotal,
        currency=order.currency,
    )


def invoice_problem(order: Order) -> str | None:
    """Why the invoice cannot be generated yet (R8), or None."""
    try:
        _require_step2(order, "be invoiced")
        _require_no_invoice(order, "be invoiced again")
    except WorkflowError as exc:
        return exc.message
    if not order.slips:
        return f"PO {order.po_number} needs its packing slips saved before the invoice"
    untracked = [str(s.number) for s in order.slips if not s.tracking_number]
    if untracked:
        which = ", ".join(untracked)
        noun = "slip" if len(untracked) == 1 else "slips"
        return f"PO {order.po_number} needs a tracking number on {noun} {which} before the invoice"
    return None


def generate_invoice(order: Order, vendor: Vendor, invoice_number: str, ctx: Ctx) -> Change:
    problem = invoice_problem(order)
    if problem:
        raise WorkflowError(problem)
    invoice = build_invoice(order, vendor, invoice_number, ctx.now)
    entry = _entry(
        ctx,
        "Invoice generated",
        f"{invoice_number}: {invoice.total} {invoice.currency} for {_units(order.units_accepted)}",
    )
    return _commit(order, ctx, [entry], invoice=invoice)


def complete(order: Order, ctx: Ctx) -> Change:
    if order.stage is Stage.COMPLETED:
        raise WorkflowError(f"PO {order.po_number} is already completed")
    _require_step2(order, "be completed")
    if order.invoice is None:
        raise WorkflowError(f"PO {order.po_number} needs its invoice generated before it is done")
    final = sla.sla_status(order, ctx.sla_policy, ctx.now, ctx.thresholds)
    entry = _entry(ctx, "Order completed", f"SLA {final.label}")
    return _commit(
        order, ctx, [entry], stage=Stage.COMPLETED, completed_at=ctx.now, final_sla_status=final
    )


# --- R14: address correction ----------------------------------------------------------


def correct_address(order: Order, ship_to: ShipTo, ctx: Ctx) -> Change:
    _require_open(order, "have its address corrected")
    if order.slips:
        raise WorkflowError(
            f"PO {order.po_number} already has packing slips; the address can only be "
            "corrected before they are saved"
        )
    if ship_to == order.ship_to:
        raise WorkflowError("The address is unchanged")
    problems = address_problems(ship_to)
    if problems:
        raise WorkflowError("; ".join(problems), problems)
    entry = _entry(
        ctx,
        "Address corrected",
        f"{describe_ship_to(order.ship_to)} → {describe_ship_to(ship_to)}",
    )
    return _commit(order, ctx, [entry], ship_to=ship_to)


def address_problems(ship_to: ShipTo) -> list[str]:
    """What a carrier label cannot do without: a name, a street, a city and a two-letter
    country code (ISO 3166-1 alpha-2); an email, when given, must look like one."""
    problems = []
    if not (ship_to.full_name or ship_to.company.strip()):
        problems.append("A name or company is required")
    address = ship_to.address
    if not address.line1.strip():
        problems.append("Address line 1 is required")
    if not address.city.strip():
        problems.append("City is required")
    code = address.country_code.strip()
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        problems.append("Country code must be two letters, like US or DE")
    email = ship_to.email.strip()
    if email and ("@" not in email or email.startswith("@") or email.endswith("@") or " " in email):
        problems.append(f"{email!r} is not an email address")
    return problems


def describe_ship_to(ship_to: ShipTo) -> str:
    parts = [ship_to.full_name, ship_to.company, *ship_to.address.lines(), ship_to.phone, ship_to.email]
    return ", ".join(p for p in parts if p)


# --- import: only brand-new orders ----------------------------------------------------


def import_problems(order: Order) -> list[str]:
    """Why ``order`` cannot be imported: an import brings orders in as the operator sends
    them (New, version 1, nothing done yet); any later state comes from the actions."""
    found: list[str] = []
    if order.stage is not Stage.NEW:
        found.append(f"stage is {order.stage.value}, not new")
    if order.version != 1:
        found.append(f"version is {order.version}, not 1")
    if order.acknowledged_at is not None:
        found.append("already acknowledged")
    if any(line.quantity_accepted is not None for line in order.lines):
        found.append("has accepted quantities")
    if order.canceled_items:
        found.append("has canceled items")
    if order.slips:
        found.append("has packing slips")
    if order.invoice is not None:
        found.append("has an invoice")
    if order.completed_at is not None:
        found.append("has a completion time")
    if order.canceled_at is not None:
        found.append("has a cancellation time")
    if order.final_sla_status is not None:
        found.append("has a final SLA status")
    return found


def received_entry(order: Order, ctx: Ctx) -> ActivityEntry:
    """The activity entry an imported order starts with."""
    lines = len(order.lines)
    return _entry(
        ctx,
        "Order received",
        f"imported, {lines} line{'' if lines == 1 else 's'}, {_units(order.units_ordered)}",
    )
