"""R7: recognise carrier tracking numbers and verify their check digits.

Pure functions, no I/O. ``check_tracking_number`` normalises what the user typed (or
scanned), decides which carrier's format it has, and verifies that format's check digit
with the carrier's published algorithm:

========================  ==========================================================
UPS                       ``1Z`` + 6 shipper + 2 service (letters or digits) + 7 digits
                          + check digit. Letters count as ``(ord(c) - 63) % 10``; over
                          characters 3-17 odd positions weigh 1, even positions 2; the
                          check digit brings the sum to a multiple of 10.
FedEx Express             12 digits; weights 3, 1, 7, 3, 1, 7 ... over the first 11,
                          sum mod 11, a remainder of 10 gives check digit 0.
FedEx Ground              15 digits; mod 10 with weights 3, 1, 3, 1 ... from the right
                          over the first 14 digits.
FedEx Ground 96           22 digits starting ``96``; the same mod 10 (3/1 from the
                          right) over the 14 digits before the check digit.
FedEx SmartPost (20)      20 digits checked as IMpb with the implied ``92`` prefix.
USPS IMpb                 22 or 26 digits starting ``91``-``95``; mod 10, weights 3, 1,
                          3, 1 ... from the right over every digit but the check digit.
USPS (20)                 20 digits, the same mod 10 either as typed or with the implied
                          ``91`` application identifier in front (older labels).
USPS barcode              ``420`` + 5- or 9-digit ZIP + one of the USPS numbers above
                          (what a scanner reads off the label); the routing prefix is
                          removed, so ``TrackingCheck.number`` is the number USPS tracks.
DHL Express               10 digits; the first 9 as a number mod 7 is the last digit.
UPU S10                   2 letters + 8 digits + check digit + ISO country; weights
                          8, 6, 4, 2, 3, 5, 9, 7, check = 11 - sum mod 11 (10 -> 0,
                          11 -> 5). Carrier "USPS" when the country is US (USPS issued
                          it and tracks it), otherwise "UPU" with a universal tracker.
========================  ==========================================================

Ambiguity, decided by shape before any check digit is looked at (so a number is only
ever checked against its one family, and a bad check digit names that family):

* starts ``1Z`` -> UPS; 2 letters, 9 digits, 2 letters -> UPU S10;
* ``420`` + ZIP + a USPS number (30, 34, 28 or 32 digits) -> USPS; for 34 digits the
  9-digit ZIP + 22-digit IMpb reading is tried before the 5-digit ZIP + 26-digit one;
* 22 digits starting ``96`` -> FedEx Ground 96; 22 or 26 digits starting ``91``-``95``
  -> USPS (this includes FedEx SmartPost / Ground Economy ``92...`` labels, which USPS
  delivers and tracks; name FedEx to store FedEx instead);
* 20 digits -> USPS as typed, else USPS with the implied ``91``, else FedEx SmartPost
  with the implied ``92`` (the implied prefixes shift the weighted sum by 28 and 29, so
  at most one of the three readings passes; 3 in 10 check digits pass one of them);
* 15 digits -> FedEx Ground; 12 digits -> FedEx Express; 10 digits -> DHL Express.

DHL's ``JJD...`` piece ids, FedEx's 34-digit label barcodes and other carriers are not
recognised: the user names the carrier to save such a number. Such a number keeps the
dashes and spaces it was typed with (``as_typed``: "ABC-LOCAL-1" stays so, as the carrier
prints it), while a recognised format is stored without them. Whether two numbers are the
same package is always asked of ``normalise`` (``same_number``), so "ABC LOCAL 1",
"abc-local-1" and a store's older "ABCLOCAL1" are one number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from dropship_tui.domain.words import REPLACEMENT, terminal_text

UNRECOGNISED = "not a recognised UPS, FedEx, USPS, DHL or UPU S10 number"

_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={}",
    "UPU": "https://t.17track.net/en#nums={}",
}

_CARRIER_NAMES = {
    "ups": "UPS",
    "unitedparcelservice": "UPS",
    "fedex": "FedEx",
    "federalexpress": "FedEx",
    "fedexexpress": "FedEx",
    "fedexground": "FedEx",
    "fedexsmartpost": "FedEx",
    "fedexgroundeconomy": "FedEx",
    "usps": "USPS",
    "uspostalservice": "USPS",
    "unitedstatespostalservice": "USPS",
    "dhl": "DHL",
    "dhlexpress": "DHL",
    "upu": "UPU",
    "s10": "UPU",
    "upus10": "UPU",
}

# Whitespace of any kind, ASCII and typographic dashes, zero-width characters.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200d\ufeff]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\ufeff]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")

_UPS = re.compile(r"1Z[0-9A-Z]{8}[0-9]{8}")
_S10 = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")
_DIGITS = re.compile(r"[0-9]+")
_IMPB = re.compile(r"9[1-5][0-9]*")

# ISO 3166-1 alpha-2 country codes (copied from the tz database's iso3166.tab): the
# last two letters of an S10 number name the issuing post's country.
_COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
    BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX
    CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG
    GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
    IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
    LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE
    NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF
    WS YE YT ZA ZM ZW
    """.split()
)


@dataclass(frozen=True)
class TrackingCheck:
    number: str
    """The number to store. In a known carrier's format: normalised (spaces and dashes
    removed, letters upper-cased, a USPS label barcode's ``420`` + ZIP routing prefix
    removed). Otherwise as typed (``as_typed``)."""
    carrier: str | None
    """The recognised carrier ("UPS", "FedEx", "USPS", "DHL", "UPU"), None if unknown."""
    url: str | None
    """The carrier's public tracking URL for this number, when recognised."""
    problem: str | None
    """Why it is not recognised, e.g. "looks like a UPS number but its check digit is wrong"."""
    mistyped_for: frozenset[str] = frozenset()
    """The carriers whose format the number has although it fails that format's check:
    almost surely a typo or a bad scan, never to be saved under one of these carriers."""


def normalise(raw: str) -> str:
    """Spaces, tabs, dashes (also typographic ones) removed; letters upper-cased. Also the
    form two numbers are compared in (``same_number``, the store's tracking index)."""
    return _SEPARATORS.sub("", raw).upper()


def as_typed(raw: str) -> str:
    """A number no carrier format matches, kept as the user typed it: trimmed, letters
    upper-cased, each run of whitespace one space, zero-width characters dropped and
    typographic dashes written ``-`` (carrier sites and EDI take ASCII)."""
    kept = _DASHES.sub("-", _INVISIBLE.sub("", raw))
    return _SPACES.sub(" ", kept).strip().upper()


def same_number(a: str | None, b: str | None) -> bool:
    """R7: are these the same tracking number, however dashed or spaced?"""
    return a is not None and b is not None and normalise(a) == normalise(b)


def unprintable_problem(what: str, value: str) -> str | None:
    """R7: a tracking number and a carrier take printable characters only (a control
    character would reach the packing-slip barcode, a bidi override reorder what a
    person reads). ``what`` names the field ("tracking number", "carrier"); the value
    is quoted with such characters shown as U+FFFD."""
    if value.isprintable():
        return None
    return f"The {what} may have printable characters only: {terminal_text(value)} has a control character (shown as {REPLACEMENT})"


def canonical_carrier(name: str) -> str | None:
    """The carrier a user-typed name means ("fedex", "Fed-Ex", "U.S.P.S." ...), or None."""
    key = re.sub(r"[\s.\-_]+", "", name).lower()
    return _CARRIER_NAMES.get(key)


def tracking_url(carrier: str, number: str) -> str | None:
    """The public tracking URL of a carrier the user named, if we know the carrier."""
    known = canonical_carrier(carrier or "")
    if known is None or not number.strip():
        return None
    return _URLS[known].format(quote(number.strip(), safe=""))


# --- check digits ------------------------------------------------------------------------


def ups_check_digit(body: str) -> int:
    """UPS: ``body`` is the 15 characters after ``1Z`` and before the check digit."""
    total = 0
    for position, ch in enumerate(body, start=1):
        value = int(ch) if ch.isdigit() else (ord(ch) - 63) % 10
        total += value * (2 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def mod10_31_check_digit(body: str) -> int:
    """USPS IMpb / FedEx Ground: weights 3, 1, 3, 1 ... from the rightmost digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def fedex_express_check_digit(body: str) -> int:
    """FedEx Express: ``body`` is the first 11 of the 12 digits."""
    weights = (3, 1, 7)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(body))
    return total % 11 % 10


def dhl_check_digit(body: str) -> int:
    """DHL Express: ``body`` is the first 9 of the 10 digits."""
    return int(body) % 7


def s10_check_digit(serial: str) -> int:
    """UPU S10: ``serial`` is the 8 digits before the check digit."""
    total = sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7)))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


# --- recognition --------------------------------------------------------------------------


def _ok(number: str, carrier: str) -> TrackingCheck:
    return TrackingCheck(number, carrier, tracking_url(carrier, number), None)


_FAMILY_CARRIERS = {
    "UPS": frozenset({"UPS"}),
    "UPU S10": frozenset({"UPU", "USPS"}),
    "FedEx": frozenset({"FedEx"}),
    "USPS": frozenset({"USPS"}),
    "DHL Express": frozenset({"DHL"}),
    "USPS or FedEx": frozenset({"USPS", "FedEx"}),
}


def _bad_check(number: str, family: str) -> TrackingCheck:
    return TrackingCheck(
        number,
        None,
        None,
        f"looks like a {family} number but its check digit is wrong",
        _FAMILY_CARRIERS.get(family, frozenset()),
    )


def _last_digit_ok(number: str, check: int) -> bool:
    return int(number[-1]) == check


def _usps_valid(number: str) -> bool:
    """A USPS number without routing prefix: 22/26-digit IMpb or a 20-digit number."""
    body = number[:-1]
    if len(number) in (22, 26) and _IMPB.fullmatch(number):
        return _last_digit_ok(number, mod10_31_check_digit(body))
    if len(number) == 20:
        return _last_digit_ok(number, mod10_31_check_digit(body)) or _last_digit_ok(
            number, mod10_31_check_digit("91" + body)
        )
    return False


def _check_routed_usps(number: str) -> TrackingCheck | None:
    """``420`` + 5- or 9-digit ZIP + a USPS number, as scanned from a label."""
    if not number.startswith("420"):
        return None
    readings = []
    for zip_length in (9, 5):  # 9-digit ZIP + 22-digit IMpb first (see module docs)
        rest = number[3 + zip_length :]
        if (len(rest) in (22, 26) and _IMPB.fullmatch(rest)) or len(rest) == 20:
            readings.append(rest)
    if not readings:
        return None
    for rest in readings:
        if _usps_valid(rest):
            return _ok(rest, "USPS")
    return _bad_check(number, "USPS")


def _check_digits(number: str) -> TrackingCheck:
    routed = _check_routed_usps(number)
    if routed is not None:
        return routed
    body, length = number[:-1], len(number)
    if length in (22, 26) and _IMPB.fullmatch(number):
        return _ok(number, "USPS") if _usps_valid(number) else _bad_check(number, "USPS")
    if length == 22 and number.startswith("96"):
        valid = _last_digit_ok(number, mod10_31_check_digit(number[7:21]))
        return _ok(number, "FedEx") if valid else _bad_check(number, "FedEx")
    if length == 20:
        if _usps_valid(number):
            return _ok(number, "USPS")
        if _last_digit_ok(number, mod10_31_check_digit("92" + body)):
            return _ok(number, "FedEx")
        return _bad_check(number, "USPS or FedEx")
    if length == 15:
        valid = _last_digit_ok(number, mod10_31_check_digit(body))
        return _ok(number, "FedEx") if valid else _bad_check(number, "FedEx")
    if length == 12:
        valid = _last_digit_ok(number, fedex_express_check_digit(body))
        return _ok(number, "FedEx") if valid else _bad_check(number, "FedEx")
    if length == 10:
        valid = _last_digit_ok(number, dhl_check_digit(body))
        return _ok(number, "DHL") if valid else _bad_check(number, "DHL Express")
    return TrackingCheck(number, None, None, UNRECOGNISED)


def check_tracking_number(raw: str) -> TrackingCheck:
    """Recognise ``raw`` (see the module docstring for the formats and their order)."""
    number = normalise(raw)
    if not number:
        return TrackingCheck("", None, None, "Enter a tracking number")
    if number.startswith("1Z"):
        if len(number) != 18:
            return TrackingCheck(
                number,
                None,
                None,
                f"looks like a UPS number but has {len(number)} characters, not 18",
            )
        if not _UPS.fullmatch(number):
            return TrackingCheck(
                number,
                None,
                None,
                "looks like a UPS number but its last 8 characters must be digits",
            )
        if not _last_digit_ok(number, ups_check_digit(number[2:17])):
            return _bad_check(number, "UPS")
        return _ok(number, "UPS")
    if _S10.fullmatch(number):
        if number[-2:] not in _COUNTRIES:
            return TrackingCheck(
                number,
                None,
                None,
                f"looks like a UPU S10 number but {number[-2:]} is not a country code",
            )
        if not _last_digit_ok(number[:11], s10_check_digit(number[2:10])):
            return _bad_check(number, "UPU S10")
        return _ok(number, "USPS" if number.endswith("US") else "UPU")
    check = _check_digits(number) if _DIGITS.fullmatch(number) else TrackingCheck(number, None, None, UNRECOGNISED)
    if check.problem == UNRECOGNISED:  # no carrier's format: keep its dashes and spaces
        return TrackingCheck(as_typed(raw), None, None, UNRECOGNISED)
    return check
