"""R7: recognise carrier tracking numbers and verify their check digits.

PLACEHOLDER interface: a helper replaces the body with the real carrier algorithms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrackingCheck:
    number: str
    """The number normalised: spaces and dashes removed, letters upper-cased."""
    carrier: str | None
    """The recognised carrier ("UPS", "FedEx", "USPS", "DHL", "UPU"), None if unknown."""
    url: str | None
    """The carrier's public tracking URL for this number, when recognised."""
    problem: str | None
    """Why it is not recognised, e.g. "looks like a UPS number but its check digit is wrong"."""


def normalise(raw: str) -> str:
    return "".join(ch for ch in raw if ch not in " -\t").upper()


def check_tracking_number(raw: str) -> TrackingCheck:
    number = normalise(raw)
    return TrackingCheck(number, None, None, "not a recognised tracking number")


def tracking_url(carrier: str, number: str) -> str | None:
    """The public tracking URL of a carrier the user named, if we know the carrier."""
    return None
