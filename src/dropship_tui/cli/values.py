"""Value parsers for the command line (argparse ``type=`` functions): a bad value is a
usage error (exit 2) naming what was expected. The ranges are the records' own
(``PO_MAX``, ``MAX_SLIPS``, R3's reason codes)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from enum import Enum
from typing import TypeVar

from dropship_tui.domain.models import MAX_SLIPS, PO_MAX, Reason, ReasonCode, SlaStatus, Stage, po_number_or_none

E = TypeVar("E", bound=Enum)

REASON_CODES = ", ".join(code.value for code in ReasonCode)


def po_number(text: str) -> int:
    """A PO number as everywhere else reads one (``po_number_or_none``: "82" or "#82")."""
    value = po_number_or_none(text)
    if value is None:
        digits = text.strip().lstrip("#")
        if digits.isascii() and digits.isdigit():
            raise argparse.ArgumentTypeError(f"PO number must be from 1 to {PO_MAX}, not {text!r}")
        raise argparse.ArgumentTypeError(f"PO number must be a whole number, not {text!r}")
    return value


def _whole(text: str, what: str, minimum: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise argparse.ArgumentTypeError(f"{what} must be a whole number from {minimum}, not {text!r}")
    return value


def positive(text: str) -> int:
    return _whole(text, "the value", 1)


def non_negative(text: str) -> int:
    return _whole(text, "the value", 0)


def option_names(members: type[E]) -> dict[str, E]:
    """An enum's members by the name a command line spells them (``in-progress``)."""
    return {member.value.replace("_", "-"): member for member in members}


def choice(names: Mapping[str, E], what: str) -> Callable[[str], E]:
    """A parser of one of ``names`` (any case; ``_`` or a space for ``-``)."""

    def parse(text: str) -> E:
        key = text.strip().lower().replace("_", "-").replace(" ", "-")
        if key not in names:
            raise argparse.ArgumentTypeError(f"unknown {what} {text!r}; use one of {', '.join(names)}")
        return names[key]

    parse.__name__ = what
    return parse


STAGES = option_names(Stage)
SLAS = option_names(SlaStatus)
stage = choice(STAGES, "stage")
sla_status = choice(SLAS, "SLA status")


def paper(text: str) -> str:
    key = text.strip().lower()
    if key not in ("letter", "a4"):
        raise argparse.ArgumentTypeError(f'paper must be "letter" or "a4", not {text!r}')
    return key


def reason(text: str) -> Reason:
    """``CODE[:TEXT]``. The code must be one of R3's; whether ``other`` has its text is
    the domain's call (a refused action, exit 1)."""
    code, _, free = text.partition(":")
    code = code.strip().lower().replace("-", "_")
    try:
        reason_code = ReasonCode(code)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown reason {code or text!r}; use one of {REASON_CODES} (as CODE or CODE:TEXT)"
        ) from None
    return Reason(code=reason_code, text=free.strip())


def line_qty(text: str) -> tuple[int, int]:
    """``LINE=N`` (``--qty 1=4``)."""
    line, sep, qty = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return int(line.strip()), _whole(qty, "qty", 0)
    except (ValueError, argparse.ArgumentTypeError):
        raise argparse.ArgumentTypeError(
            f"expected LINE=N with whole numbers (like 1=4), not {text!r}"
        ) from None


def line_reason(text: str) -> tuple[int, Reason]:
    """``LINE=CODE[:TEXT]`` (``--reason 1=out_of_stock``)."""
    line, sep, rest = text.partition("=")
    try:
        if not sep:
            raise ValueError
        line_id = int(line.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LINE=CODE[:TEXT] (like 1=out_of_stock), not {text!r}"
        ) from None
    return line_id, reason(rest)


def slip_put(text: str) -> tuple[int, int, int]:
    """``LINE:SLIP=QTY`` (``--put 1:2=3``: 3 units of line 1 in slip 2)."""
    try:
        target, sep, qty = text.partition("=")
        line, sep2, slip = target.partition(":")
        if not (sep and sep2):
            raise ValueError
        line_id, slip_no, units = int(line), int(slip), int(qty)
        if line_id < 1 or not 1 <= slip_no <= MAX_SLIPS or units < 0:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LINE:SLIP=QTY (like 1:2=3, slip 1-{MAX_SLIPS}), not {text!r}"
        ) from None
    return line_id, slip_no, units
