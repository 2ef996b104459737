"""Write X12 envelopes (ISA/GS/ST...SE/GE/IEA) around transaction-set bodies.

The partner profile says who we are to the retailer (ISA qualifier and id, GS id), the
version and the delimiters; the control numbers (ISA13, GS06, ST02) and the time are
passed in by the caller, which owns their allocation (strictly increasing, never reused),
so this module stays pure and every document is reproducible.

X12 has no escape character, so data that contains a delimiter cannot be written as is.
The choice (docs/edi.md): free text (names, addresses, descriptions, reason text) has
every delimiter and control character replaced by a space and is cut to the element's
maximum length; an identifier (PO numbers, SKUs, UPCs, tracking numbers, invoice
numbers) is never altered, since a changed id would match nothing at the retailer: it is
refused with a message naming the field, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.domain.models import ReasonCode

VERSIONS = ("004010", "005010")
CONTROL_MAX = 999_999_999
ISA_ID_MAX = 15


class Free(str):
    """Free text: delimiters become spaces, cut to ``limit`` characters."""

    limit: int

    def __new__(cls, value: str, limit: int = 80) -> "Free":
        obj = super().__new__(cls, value)
        obj.limit = limit
        return obj


class Id(str):
    """An identifier from our data, refused (not altered) when it holds a delimiter;
    ``what`` names it in the refusal ("PO 82 line 1 vendor SKU")."""

    what: str

    def __new__(cls, value: str, what: str) -> "Id":
        obj = super().__new__(cls, value)
        obj.what = what
        return obj


Element = str
SegmentSpec = Sequence[Element]


@dataclass(frozen=True)
class PartnerProfile:
    """One trading partner as the writer needs it (stored by the caller)."""

    our_qualifier: str
    our_id: str
    their_qualifier: str
    their_id: str
    our_gs_id: str = ""
    their_gs_id: str = ""
    version: str = "004010"
    """GS08: 004010 or 005010, optionally with an industry suffix (004010VICS)."""
    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str = "^"
    """Written in ISA11 from 00501 on; in 00401 ISA11 is the standards id "U"."""
    line_break: bool = False
    """A newline after each segment terminator (readable files; readers skip it)."""
    usage: str = "P"
    gs1_prefix: str = ""
    """The GS1 company prefix (6-12 digits) for SSCC-18 pack labels; blank: MAN*CP."""
    tracking_qualifier: str = "CN"
    """REF01 for a pack's tracking number: CN (carrier reference) or BM (bill of lading)."""
    reason_codes: Mapping[str, str] = field(default_factory=dict, hash=False)
    """Our reason code (``ReasonCode`` value) -> the partner's 855 REF02 code, for the
    reasons it names differently; the others get ``x855.REASON_CODES``."""
    inventory_report_type: str = "DD"
    """846 BIA02 (report type code): DD distributor inventory report unless the partner
    asks for another (MB, MM, SI...)."""

    def __post_init__(self) -> None:
        problems = profile_problems(self)
        if problems:
            raise InvalidInputError("partner profile: " + "; ".join(problems), problems)

    @property
    def gs_sender(self) -> str:
        return self.our_gs_id or self.our_id

    @property
    def gs_receiver(self) -> str:
        return self.their_gs_id or self.their_id

    @property
    def delimiters(self) -> tuple[str, ...]:
        reps = (self.repetition,) if self.isa_version >= "00402" else ()
        return (self.element, self.component, self.segment, *reps)

    @property
    def isa_version(self) -> str:
        return self.version[:5]


_REASONS = tuple(c.value for c in ReasonCode)


def profile_problems(p: PartnerProfile) -> list[str]:
    problems = []
    for name in ("our_qualifier", "their_qualifier"):
        value = getattr(p, name)
        if not (len(value) == 2 and value.isalnum()):
            problems.append(f"{name}: must be a 2-character ISA qualifier like ZZ or 01")
    for name in ("our_id", "their_id"):
        value = getattr(p, name)
        if not value.strip() or len(value) > ISA_ID_MAX or not value.isprintable():
            problems.append(f"{name}: must be 1 to {ISA_ID_MAX} printable characters")
    for name in ("our_gs_id", "their_gs_id"):
        value = getattr(p, name)
        if len(value) > ISA_ID_MAX or not value.isprintable():
            problems.append(f"{name}: must be at most {ISA_ID_MAX} printable characters")
    if p.version[:6] not in VERSIONS:
        problems.append("version: must be 004010 or 005010 (an industry suffix such as 004010VICS may follow)")
    names = ("element", "component", "segment", "repetition")
    chars = [getattr(p, n) for n in names]
    for name, char in zip(names, chars):
        if len(char) != 1 or char.isalnum() or char == " ":
            problems.append(f"{name}: must be one character that is not a letter, digit or space")
    if len(set(chars)) != len(chars):
        problems.append("element, component, segment and repetition separators must all differ")
    if p.usage not in ("P", "T"):
        problems.append("usage: must be P (production) or T (test)")
    if p.gs1_prefix and not (p.gs1_prefix.isdigit() and 6 <= len(p.gs1_prefix) <= 12):
        problems.append("gs1_prefix: must be a GS1 company prefix of 6 to 12 digits")
    if p.tracking_qualifier not in ("CN", "BM"):
        problems.append("tracking_qualifier: must be CN or BM")
    if not (len(p.inventory_report_type) == 2 and p.inventory_report_type.isalnum()
            and p.inventory_report_type.isascii() and p.inventory_report_type == p.inventory_report_type.upper()):
        problems.append("inventory_report_type: must be a 2-character BIA02 code like DD or MB")
    for ours, theirs in p.reason_codes.items():
        if ours not in _REASONS:
            problems.append(f"reason_codes: {ours!r} is not one of our reasons ({', '.join(_REASONS)})")
        elif not (1 <= len(theirs) <= 30 and theirs.isprintable() and theirs.strip() == theirs):
            problems.append(f"reason_codes.{ours}: must be 1 to 30 printable characters without spaces around")
        elif any(c in theirs for c in chars):
            problems.append(f"reason_codes.{ours}: must not contain a delimiter of this profile")
    for name in ("our_id", "their_id", "our_gs_id", "their_gs_id"):
        if any(c in getattr(p, name) for c in chars):
            problems.append(f"{name}: must not contain a delimiter of this profile")
    return problems


@dataclass(frozen=True)
class Control:
    """The control numbers of one interchange, given by the caller; sets are numbered
    ``first_set``, ``first_set + 1`` ... ``at`` is written in ISA09/10 and GS04/05."""

    interchange: int
    group: int
    first_set: int
    at: datetime

    def __post_init__(self) -> None:
        for name in ("interchange", "group", "first_set"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= CONTROL_MAX:
                raise InvalidInputError(f"control number {name}: must be a whole number from 1 to {CONTROL_MAX:,}")


@dataclass
class SetBody:
    """A transaction set without its ST/SE, built by a set module."""

    set_id: str
    segments: list[SegmentSpec] = field(default_factory=list)

    def add(self, *elements: Element) -> None:
        self.segments.append(elements)


FUNCTIONAL_IDS = {"855": "PR", "856": "SH", "810": "IN", "846": "IB", "997": "FA", "850": "PO"}


def date8(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y%m%d")


def time4(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%H%M")


def number(value: Decimal | int) -> str:
    """An X12 R (decimal) value: no exponent, no trailing zeros ("19.99", "5", "0.125")."""
    d = Decimal(value)
    text = format(d.normalize(), "f") if d else "0"
    return text


class _Serialiser:
    def __init__(self, profile: PartnerProfile) -> None:
        self.sep = profile.element
        self.delims = profile.delimiters
        self.end = profile.segment + ("\n" if profile.line_break else "")

    def element(self, seg_id: str, index: int, value: str) -> str:
        if isinstance(value, Free):
            text = "".join(" " if (c in self.delims or not c.isprintable()) else c for c in value)
            return " ".join(text.split())[: value.limit].rstrip()
        bad = next((c for c in value if c in self.delims or not c.isprintable()), None)
        if bad is not None:
            what = value.what if isinstance(value, Id) else f"{seg_id}{index:02d}"
            kind = "a control character" if not bad.isprintable() else f"{bad!r}, a delimiter of this partner's X12"
            raise InvalidInputError(f"{what}: {value!r} contains {kind}; X12 cannot carry it, nothing was written")
        return value

    def segment(self, elements: SegmentSpec) -> str:
        seg_id = elements[0]
        values = [seg_id] + [self.element(seg_id, i, v) for i, v in enumerate(elements[1:], 1)]
        while len(values) > 1 and values[-1] == "":
            values.pop()
        return self.sep.join(values) + self.end


def write_interchange(profile: PartnerProfile, control: Control, bodies: Sequence[SetBody]) -> str:
    """One interchange with one functional group holding ``bodies`` (all of one kind)."""
    if not bodies:
        raise InvalidInputError("nothing to write: no transaction set")
    kinds = {b.set_id for b in bodies}
    if len(kinds) != 1:
        raise InvalidInputError("one functional group holds one kind of transaction set")
    out = _Serialiser(profile)
    at = control.at
    isa11 = profile.repetition if profile.isa_version >= "00402" else "U"
    isa = [
        "ISA", "00", " " * 10, "00", " " * 10,
        profile.our_qualifier, profile.our_id.ljust(ISA_ID_MAX),
        profile.their_qualifier, profile.their_id.ljust(ISA_ID_MAX),
        at.astimezone(timezone.utc).strftime("%y%m%d"), time4(at), isa11, profile.isa_version,
        f"{control.interchange:09d}", "0", profile.usage, profile.component,
    ]
    parts = [profile.element.join(isa) + out.end]
    parts.append(out.segment((
        "GS", FUNCTIONAL_IDS[bodies[0].set_id], profile.gs_sender, profile.gs_receiver,
        date8(at), time4(at), str(control.group), "X", profile.version,
    )))
    for n, body in enumerate(bodies):
        st_control = control.first_set + n
        if st_control > CONTROL_MAX:
            raise InvalidInputError(f"control number first_set: {len(bodies)} sets from {control.first_set} pass {CONTROL_MAX:,}")
        st = f"{st_control:04d}"
        parts.append(out.segment(("ST", body.set_id, st)))
        parts.extend(out.segment(s) for s in body.segments)
        parts.append(out.segment(("SE", str(len(body.segments) + 2), st)))
    parts.append(out.segment(("GE", str(len(bodies)), str(control.group))))
    parts.append(out.segment(("IEA", "1", f"{control.interchange:09d}")))
    return "".join(parts)
