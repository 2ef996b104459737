"""R16: package status per packing slip.

A slip's package is *pending* until its tracking number is saved, then *shipped*; after
that a person (``dropship-tui package``, the app) or a carrier events file reports it in
transit, delivered, in exception or returned, with the time of the event. The status may
change after completion (a package is delivered days after Done); each change is one
activity entry with its time, its source and the note. A new tracking number on the slip
makes it shipped again (``shipping.save_tracking`` clears the reported status).
"""

from __future__ import annotations

from datetime import datetime

from dropship_tui.domain.change import Change, Ctx, commit, entry, require
from dropship_tui.domain.models import DATE_MAX, DATE_MIN, DATE_RANGE, Order, PackingSlip, Stage
from dropship_tui.domain.package_status import PACKAGE_NOTE_MAX, REPORTED, PackageStatus

PACKAGE_STATUS = "Package status"
STATUS_WORDS = ", ".join(s.value.replace("_", "-") for s in REPORTED)
"""How the statuses one may report are written on a command line or in a file."""


def parse_status(text: str) -> PackageStatus | None:
    """A reported status as typed: "delivered", "in-transit", "In transit"...; None for
    anything else (pending and shipped are never reported: they follow from the slip)."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    return next((s for s in REPORTED if s.value == key), None)


def package_status(slip: PackingSlip) -> tuple[PackageStatus, datetime | None]:
    """The slip's package status and since when (None: pending, nothing happened yet)."""
    if not slip.tracking_number:
        return PackageStatus.PENDING, None
    if slip.package_status is not None:
        return slip.package_status, slip.package_at
    return PackageStatus.SHIPPED, slip.tracked_at


def package_problem(order: Order, slip_number: int, status: PackageStatus, at: datetime) -> str | None:
    """Why this status cannot be recorded for the slip, or None."""
    if order.stage not in (Stage.IN_PROGRESS, Stage.COMPLETED):
        return f"PO {order.po_number} is {order.stage.label.lower()}: it has no packages to follow"
    slip = next((s for s in order.slips if s.number == slip_number), None)
    if slip is None:
        return f"PO {order.po_number} has no slip {slip_number} (it has {len(order.slips)})"
    if not slip.tracking_number:
        return f"PO {order.po_number} slip {slip_number} has no tracking number yet: its package is still pending"
    if status not in REPORTED:
        return f"A package status is one of {STATUS_WORDS}"
    if at.tzinfo is None or not DATE_MIN <= at <= DATE_MAX:
        return f"The time of a package status must be a date {DATE_RANGE}"
    return None


def package_unchanged(order: Order, slip_number: int, status: PackageStatus, at: datetime) -> bool:
    """Would recording this change nothing (the slip already has this status at that time)?"""
    slip = next((s for s in order.slips if s.number == slip_number), None)
    return slip is not None and (slip.package_status, slip.package_at) == (status, at)


def describe_change(slip: PackingSlip, status: PackageStatus, at: datetime, source: str, note: str) -> str:
    """The activity's details: "Slip 1 (1Z...): shipped → delivered at 2024-05-01 10:00 UTC (import x.csv) — left at door"."""
    before = package_status(slip)[0]
    text = f"Slip {slip.number} ({slip.tracking_number}): {before.label} → {status.label} at {at:%Y-%m-%d %H:%M} UTC"
    if source.strip():
        text += f" ({source.strip()})"
    if note.strip():
        text += f" — {note.strip()}"
    return text


def set_package_status(
    order: Order, slip_number: int, status: PackageStatus, at: datetime, ctx: Ctx, *, note: str = "", source: str = ""
) -> Change:
    """R16: record a reported status of one slip's package (one activity entry)."""
    require(package_problem(order, slip_number, status, at))
    if len(note) > PACKAGE_NOTE_MAX:
        require(f"The note is longer than {PACKAGE_NOTE_MAX} characters")
    if package_unchanged(order, slip_number, status, at):
        require(f"PO {order.po_number} slip {slip_number} is already {status.label.lower()} at that time")
    slip = order.slip(slip_number)
    new_slip = slip.model_copy(update={"package_status": status, "package_at": at})
    return commit(
        order,
        [entry(ctx, PACKAGE_STATUS, describe_change(slip, status, at, source, note))],
        slips=tuple(new_slip if s.number == slip_number else s for s in order.slips),
    )

