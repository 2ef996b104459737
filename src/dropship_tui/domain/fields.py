"""The field types and bounds every record is built from: what a number, a date, a code,
a text or an amount may be, checked by the records themselves (``models``), so an order
coming in over the API, from an import file or from any other caller is judged by the
same rules. ``models`` imports all of these; they are used through it."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

CENT = Decimal("0.01")

# --- bounds ---------------------------------------------------------------------------
# Every number and date a record holds has a sane bound, checked by the record itself, so
# an order coming in over the API, from an import file or from any other caller is judged
# by the same rules (and nothing out of range reaches SQLite's 64-bit integers, datetime
# arithmetic or an invoice). ``exports.import_format.plain_message`` words the refusals.

PO_MAX = 2**31 - 1
"""PO numbers are positive 32-bit integers (SPEC "Records": the operator's shipment
number)."""
MAX_SLIPS = 10
"""R6: an order ships in 1 to 10 packing slips."""
QUANTITY_MAX = 1_000_000
"""Units of one line (ordered, accepted, canceled, in a packing slip)."""
LINE_ID_MAX = 1_000_000
"""A line id numbers a line within its order; like a quantity it stays far from SQLite's
64-bit limit (a PO number's 32-bit range is not needed: no order has a million lines)."""
SLA_HOURS_MAX = 87_600
"""An SLA allows at most 10 years (in hours) to acknowledge or to ship."""
SLA_THRESHOLD_MAX = Decimal(10)
"""An SLA threshold is a fraction of the allowed time: at most 10 times it."""
MONEY_MAX = Decimal(10) ** 12
"""Prices (a line's unit prices, a contracted price) are from 0 up to 10^12."""
WEIGHT_KG_MAX = Decimal(100_000)
DATE_MIN = datetime(2000, 1, 1, tzinfo=timezone.utc)
DATE_MAX = datetime(2100, 1, 1, tzinfo=timezone.utc)
"""Every date and time of a record is from 2000-01-01 to 2100-01-01 UTC."""
DATE_RANGE = "from 2000-01-01 to 2100-01-01 (UTC)"


def in_date_range(value: datetime) -> datetime:
    """Refuse a date outside ``DATE_MIN``..``DATE_MAX``, compared before any conversion: an
    aware datetime compares without overflowing, ``astimezone`` of year 1 or 9999 does not."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(f"must be a date {DATE_RANGE}")
    return value


def to_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


_CONTROL = re.compile("[\x00-\x1f\x7f]")
"""A C0 control character or DEL (one regex search: a per-character Python loop was most
of the time it took to read an order, issue 16 item 5)."""


def checked_code(value: str) -> str:
    # Codes (vendor, location, product, SKU, UPC, order number) are identifiers: any C0
    # control character or DEL is refused, not only NUL.
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _required(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def checked_text(value: str) -> str:
    # Names, addresses and free text keep their characters (a control character is shown
    # visibly wherever it is printed) except NUL, which nothing downstream should carry.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_date_range), AfterValidator(to_utc)]
Money = Annotated[Decimal, Field(ge=0, le=MONEY_MAX, max_digits=18, decimal_places=4)]
"""A price or a contracted price."""
Total = Annotated[Decimal, Field(ge=0, decimal_places=4)]
"""An invoice amount: quantities times prices, so up to 10^6 x 10^12 a line."""
Weight = Annotated[Decimal, Field(ge=0, le=WEIGHT_KG_MAX, max_digits=18, decimal_places=4)]
PoNumber = Annotated[int, Field(ge=1, le=PO_MAX)]
LineId = Annotated[int, Field(ge=1, le=LINE_ID_MAX)]
Quantity = Annotated[int, Field(ge=1, le=QUANTITY_MAX)]
Units = Annotated[int, Field(ge=0, le=QUANTITY_MAX)]
Hours = Annotated[int, Field(ge=1, le=SLA_HOURS_MAX)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 code: three uppercase ASCII letters."""
Code = Annotated[str, AfterValidator(checked_code), AfterValidator(_required)]
OptionalCode = Annotated[str, AfterValidator(checked_code)]
Text = Annotated[str, AfterValidator(checked_text)]

RETAILER_PO_MAX = 48
"""A retailer's own PO number (X12 BEG03 is 1-22 characters; other channels are longer)."""


def _printable(value: str) -> str:
    # A retailer PO number is echoed in every document sent back and shown on screen:
    # printable characters only, no surrounding blanks.
    if not value.isprintable() or value != value.strip():
        raise ValueError("must be printable text without leading or trailing blanks")
    return value


RetailerPo = Annotated[str, Field(min_length=1, max_length=RETAILER_PO_MAX), AfterValidator(_printable)]


def po_number_or_none(value: object) -> int | None:
    """``value`` as a PO number (an int, or text such as "82" or "#82"), else None:
    what a search box, a CSV cell or a URL holds is checked the same way everywhere."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().lstrip("#")
        if not (text.isascii() and text.isdigit()) or len(text) > 10:
            return None
        number = int(text)
    return number if 1 <= number <= PO_MAX else None


def money(value: Decimal) -> Decimal:
    """Round to the cent the way an invoice does (half up, never banker's rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value: Decimal) -> str:
    """How every screen and document prints an amount: grouped thousands, at least two
    decimals, more only when the price has them (a contracted 0.125 stays 0.125)."""
    d = Decimal(value)
    exp = d.normalize().as_tuple().exponent
    places = max(2, -exp if isinstance(exp, int) else 2)
    return f"{d:,.{places}f}"
