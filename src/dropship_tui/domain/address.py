"""R14: the ship-to address, what a carrier label needs of it, and its correction."""

from __future__ import annotations

from enum import StrEnum

from dropship_tui.domain import activity
from dropship_tui.domain.change import Change, Ctx, commit, entry, open_problem
from dropship_tui.domain.errors import WorkflowError
from dropship_tui.domain.models import Order, ShipTo


class AddressGap(StrEnum):
    """A part of a ship-to that a carrier label cannot do without (or that is wrong)."""

    NAME = "name"
    LINE1 = "line1"
    CITY = "city"
    COUNTRY = "country"
    EMAIL = "email"


def address_gaps(ship_to: ShipTo) -> list[AddressGap]:
    """What the ship-to lacks: a name or company, a street, a city and a two-letter
    country code (ISO 3166-1 alpha-2); an email, when given, must look like one."""
    gaps = []
    if not (ship_to.full_name.strip() or ship_to.company.strip()):
        gaps.append(AddressGap.NAME)
    address = ship_to.address
    if not address.line1.strip():
        gaps.append(AddressGap.LINE1)
    if not address.city.strip():
        gaps.append(AddressGap.CITY)
    code = address.country_code.strip()
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        gaps.append(AddressGap.COUNTRY)
    email = ship_to.email.strip()
    if email and ("@" not in email or email.startswith("@") or email.endswith("@") or " " in email):
        gaps.append(AddressGap.EMAIL)
    return gaps


_WORDS = {
    AddressGap.NAME: "A name or company is required",
    AddressGap.LINE1: "Address line 1 is required",
    AddressGap.CITY: "City is required",
    AddressGap.COUNTRY: "Country code must be two letters, like US or DE",
}


def address_problems(ship_to: ShipTo) -> list[str]:
    """``address_gaps`` in words for the person correcting the address."""
    return [
        f"{ship_to.email.strip()!r} is not an email address" if gap is AddressGap.EMAIL else _WORDS[gap]
        for gap in address_gaps(ship_to)
    ]


def describe_ship_to(ship_to: ShipTo) -> str:
    parts = [ship_to.full_name, ship_to.company, *ship_to.address.lines(), ship_to.phone, ship_to.email]
    return ", ".join(p for p in parts if p)


def address_correction_problem(order: Order) -> str | None:
    """Why the address of ``order`` cannot be corrected now, or None (R14: only before
    the packing slips are saved, and only while the order is open)."""
    problem = open_problem(order, "have its address corrected")
    if problem is None and order.slips:
        problem = (
            f"PO {order.po_number} already has packing slips; the address can only be "
            "corrected before they are saved"
        )
    return problem


def address_change_problems(order: Order, ship_to: ShipTo) -> list[str]:
    """Why ``order`` cannot take ``ship_to`` as its corrected address now, or []: the
    correction must be allowed (``address_correction_problem``), change something, and
    leave an address a carrier label can use (``address_problems``)."""
    problem = address_correction_problem(order)
    if problem:
        return [problem]
    if ship_to == order.ship_to:
        return ["The address is unchanged"]
    return address_problems(ship_to)


def correct_address(order: Order, ship_to: ShipTo, ctx: Ctx) -> Change:
    problems = address_change_problems(order, ship_to)
    if problems:
        raise WorkflowError("; ".join(problems), problems)
    details = activity.address_corrected(describe_ship_to(order.ship_to), describe_ship_to(ship_to))
    return commit(order, [entry(ctx, activity.ADDRESS_CORRECTED, details)], ship_to=ship_to)
