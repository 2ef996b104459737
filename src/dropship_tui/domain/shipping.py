"""R6 (packing slips) and R7 (tracking numbers): step 2."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dropship_tui.domain import activity, tracking
from dropship_tui.domain.change import Change, Ctx, commit, entry, invoiced_problem, require, step2_problem
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import MAX_SLIPS, Order, PackingSlip
from dropship_tui.domain.words import units

SlipPlan = Sequence[Mapping[int, int]]
"""Slip n (1-based position) -> {line_id: units}. Lines with 0 units may be left out."""


# --- R6: packing slips ----------------------------------------------------------------


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


def slip_count_problem(count: int) -> str | None:
    if not 1 <= count <= MAX_SLIPS:
        return f"The number of packing slips must be from 1 to {MAX_SLIPS}"
    return None


def slip_plan_problems(order: Order, plan: SlipPlan) -> list[str]:
    """Everything wrong with a plan, in words that name the line and the units off."""
    problem = slip_count_problem(len(plan))
    if problem:
        return [problem]
    problems = []
    known = {line.line_id for line in order.lines}
    for number, slip in enumerate(plan, start=1):
        for line_id, count in slip.items():
            if line_id not in known:
                problems.append(f"Slip {number}: PO {order.po_number} has no line {line_id}")
            elif count < 0:
                problems.append(f"Slip {number}: units of line {line_id} cannot be negative")
    if problems:
        return problems
    for line in order.lines:
        accepted = line.quantity_accepted or 0
        placed = sum(slip.get(line.line_id, 0) for slip in plan)
        if placed < accepted:
            gap = accepted - placed
            verb = "is" if gap == 1 else "are"
            problems.append(f"{units(gap)} of {line.sku} {verb} not on any slip")
        elif placed > accepted:
            over = placed - accepted
            problems.append(
                f"{units(over)} too many of {line.sku} on the slips ({placed} placed, {accepted} accepted)"
            )
    for number, slip in enumerate(plan, start=1):
        if sum(slip.values()) == 0:
            problems.append(f"Slip {number} is empty")
    return problems


def tracking_dropped_by(order: Order, new_count: int) -> list[PackingSlip]:
    """The tracked slips a new slip count would remove (to warn before saving)."""
    return [s for s in order.slips if s.number > new_count and s.tracking_number]


def save_slips(order: Order, plan: SlipPlan, ctx: Ctx) -> Change:
    """Slips can be changed until the invoice exists; a slip that disappears takes its
    tracking number with it (the UI warns first: ``tracking_dropped_by``)."""
    require(step2_problem(order, "get packing slips"), invoiced_problem(order, "change its packing slips"))
    problems = slip_plan_problems(order, plan)
    if problems:
        raise WorkflowError("; ".join(problems), problems)

    old = {s.number: s for s in order.slips}
    slips = []
    for number, content in enumerate(plan, start=1):
        lines = {lid: n for lid, n in sorted(content.items()) if n > 0}
        previous = old.get(number)
        slips.append(previous.model_copy(update={"lines": lines}) if previous else PackingSlip(number=number, lines=lines))
    if tuple(slips) == order.slips:
        raise WorkflowError("The packing slips are unchanged")
    action = activity.SLIPS_CHANGED if order.slips else activity.SLIPS_SAVED
    entries = [entry(ctx, action, activity.slips([s.units for s in slips]))]
    for slip in tracking_dropped_by(order, len(plan)):
        entries.append(entry(ctx, activity.TRACKING_REMOVED, activity.tracking_removed(slip.number, slip.tracking_number or "")))
    return commit(order, entries, slips=tuple(slips))


# --- R7: tracking ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrackingToSave:
    """What saving a typed number stores: the normalised number, the carrier (the one
    named, spelled canonically, else the recognised one) and the tracking URL."""

    number: str
    carrier: str | None
    url: str | None


def _or(names: frozenset[str]) -> str:
    ordered = sorted(names)
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " or " + ordered[-1]


def tracking_problem(
    order: Order, slip_number: int, raw_number: str, carrier: str | None = None
) -> str | TrackingToSave:
    """The inline message for a typed tracking number, or what saving it would store.
    A carrier left blank for the number the slip already has keeps the saved carrier.
    The number (as ``tracking.check_tracking_number`` keeps it; compared with the other
    slips' by ``tracking.same_number``) and the carrier take printable characters only."""
    check = tracking.check_tracking_number(raw_number)
    if not check.number:
        return "Enter a tracking number"
    named = (carrier or "").strip()
    unprintable = tracking.unprintable_problem("tracking number", check.number) or tracking.unprintable_problem(
        "carrier", named
    )
    if unprintable:
        return unprintable
    saved = next((s for s in order.slips if s.number == slip_number), None)
    if not named and saved is not None and tracking.same_number(saved.tracking_number, check.number) and saved.carrier:
        named = saved.carrier
    canonical = tracking.canonical_carrier(named) or named  # "fed-ex" is stored as "FedEx"
    why = check.problem or tracking.UNRECOGNISED
    if check.carrier is None and canonical in check.mistyped_for:
        return f"{check.number}: {why}; check the number"  # naming its own carrier cannot help
    if check.mistyped_for and not named:
        return f"{check.number}: {why}; check the number, or name the carrier if it is not {_or(check.mistyped_for)}"
    if check.carrier is None and not named:
        return f"{check.number}: {why}; name the carrier to save it anyway"
    for other in order.slips:
        if other.number != slip_number and tracking.same_number(other.tracking_number, check.number):
            return f"{check.number} is already on slip {other.number}"
    final = canonical or check.carrier
    url = check.url if not canonical or canonical == check.carrier else None
    return TrackingToSave(check.number, final, url or tracking.tracking_url(final or "", check.number))


def tracking_unchanged(order: Order, slip_number: int, raw_number: str, carrier: str | None = None) -> bool:
    """Would saving this number on the slip change nothing (the number and carrier it
    would store are the slip's already)?"""
    save = tracking_problem(order, slip_number, raw_number, carrier)
    if isinstance(save, str):
        return False
    slip = next((s for s in order.slips if s.number == slip_number), None)
    return slip is not None and (slip.tracking_number, slip.carrier) == (save.number, save.carrier)


def tracking_taken(number: str, po_number: int, slip_number: int, same_vendor: bool) -> str:
    """R7 across orders: the refusal for a number already on another order's slip. The
    same vendor's order is named (it helps find the mix-up); another vendor's never is."""
    if same_vendor:
        return f"{number} is already on PO {po_number} slip {slip_number}"
    return f"{number} is already used on another shipment"


def save_tracking(
    order: Order, slip_number: int, raw_number: str, ctx: Ctx, carrier: str | None = None
) -> Change:
    require(step2_problem(order, "get tracking numbers"))
    if not order.slips:
        raise WorkflowError(f"PO {order.po_number} needs its packing slips saved before tracking numbers")
    try:
        slip = order.slip(slip_number)
    except KeyError:
        raise WorkflowError(
            f"PO {order.po_number} has no slip {slip_number} (it has {len(order.slips)})"
        ) from None
    save = tracking_problem(order, slip_number, raw_number, carrier)
    if isinstance(save, str):
        raise WorkflowError(save)
    if slip.tracking_number == save.number and slip.carrier == save.carrier:
        raise WorkflowError(f"Slip {slip_number} already has tracking number {save.number}")
    if slip.tracking_number:
        details = activity.tracking_changed(slip_number, slip.tracking_number, save.carrier, save.number)
        new_entry = entry(ctx, activity.TRACKING_CHANGED, details)
    else:
        new_entry = entry(ctx, activity.TRACKING_SAVED, activity.tracking_saved(slip_number, save.carrier, save.number))
    new_slip = slip.model_copy(
        update={"tracking_number": save.number, "carrier": save.carrier, "tracking_url": save.url, "tracked_at": ctx.now}
    )
    if not tracking.same_number(slip.tracking_number, save.number):  # R16: a new number is a new package, shipped
        new_slip = new_slip.model_copy(update={"package_status": None, "package_at": None})
    return commit(order, [new_entry], slips=tuple(new_slip if s.number == slip_number else s for s in order.slips))
