"""R16's statuses, in a module of their own so the records (``models.PackingSlip``) and
the rules (``packages``) share them without an import cycle."""

from __future__ import annotations

from enum import StrEnum


class PackageStatus(StrEnum):
    """Where a slip's package is. ``pending`` (no tracking yet) and ``shipped`` (tracking
    saved) follow from the slip itself; the others are carrier events someone reports."""

    PENDING = "pending"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


PACKAGE_NOTE_MAX = 500
"""A reported status's note (the activity keeps it)."""
REPORTED = (PackageStatus.IN_TRANSIT, PackageStatus.DELIVERED, PackageStatus.EXCEPTION, PackageStatus.RETURNED)
"""The statuses a person or a carrier file reports (the others follow from the slip)."""
