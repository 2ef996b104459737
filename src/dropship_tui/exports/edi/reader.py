"""Read X12 text into interchanges, groups and transaction sets, checking the envelopes.

Nothing is assumed about the delimiters: each interchange's ISA segment names its own
(element separator = the 4th character, component separator = ISA16, segment
terminator = the character after ISA16, repetition separator = ISA11 from version
00402 on; in 00401 ISA11 is the standards id "U"). Between segments any blank space
(CR/LF, indentation, blank lines) is skipped, and a UTF-8 BOM before the first ISA too,
so a file written with ``~`` and one with a newline terminator read the same.

Segments are numbered from 1 across the whole file (the first ISA is segment 1), so a
message's "segment 19" is the 19th segment a person counts in the file.

An interchange whose envelope is wrong (SE01 count, SE02/ST02, GE01/GE02, IEA01/IEA02,
a missing SE/GE/IEA, a segment outside a set) is refused whole: the result lists it
under ``refused`` with the reasons and it contributes no set. Each interchange of a file
is judged on its own. Pure: str in, records out.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

ISA_ELEMENTS = 16
MIN_VERSION = "004010"


class Segment(tuple):
    """One segment: ``seg[0]`` is its id, ``seg[1]`` its first element (so ``beg[3]`` is
    BEG03, as guides write it). ``number`` is its 1-based position in the file."""

    number: int

    def __new__(cls, elements: list[str], number: int) -> "Segment":
        seg = super().__new__(cls, elements)
        seg.number = number
        return seg

    @property
    def id(self) -> str:
        return self[0]

    def get(self, index: int) -> str:
        """Element ``index`` (1-based, as BEG03 is ``get(3)``), "" when absent."""
        return self[index] if index < len(self) else ""

    def where(self, index: int | None = None) -> str:
        """How a message names it: "segment 7 (PO1)" or "segment 7 (PO1): PO102"."""
        head = f"segment {self.number} ({self.id})"
        return head if index is None else f"{head}: {self.id}{index:02d}"


@dataclass(frozen=True)
class Delimiters:
    element: str
    component: str
    segment: str
    repetition: str | None = None

    def components(self, value: str) -> list[str]:
        return value.split(self.component)


@dataclass
class TransactionSet:
    set_id: str
    control: str
    segments: list[Segment]
    """ST to SE inclusive."""
    delimiters: Delimiters
    version: str
    """The group's GS08 (e.g. 004010VICS), which the set's ST03 may override."""
    errors: list[str] = field(default_factory=list)
    """AK5 codes of its envelope problems (4 count, 3 control numbers); empty when sound."""

    @property
    def body(self) -> list[Segment]:
        """The segments between ST and SE."""
        return self.segments[1:-1]

    def position(self, segment: Segment) -> int:
        """The segment's position in the set, ST being 1 (AK3's count)."""
        return segment.number - self.segments[0].number + 1


@dataclass
class Group:
    functional_id: str
    sender: str
    receiver: str
    control: str
    version: str
    sets: list[TransactionSet] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Envelope problems of this group or its sets (non-empty only in a refused
    interchange), so a 997 can reject what was refused."""
    errors: list[str] = field(default_factory=list)
    """AK9 codes of the group's own problems (2 version, 3 no GE, 4 control, 5 count)."""


@dataclass
class Interchange:
    index: int
    """1-based position in the file."""
    control: str
    sender_qualifier: str
    sender: str
    receiver_qualifier: str
    receiver: str
    version: str
    usage: str
    """ISA15: P production, T test."""
    delimiters: Delimiters
    first_segment: int
    groups: list[Group] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"interchange {self.index} (ISA13 {self.control or '?'})"

    def sets(self) -> list[TransactionSet]:
        return [s for g in self.groups for s in g.sets]


@dataclass
class Refusal:
    interchange: Interchange
    problems: list[str]

    @property
    def message(self) -> str:
        return f"{self.interchange.name} refused, nothing taken from it: " + "; ".join(self.problems)


@dataclass
class ReadResult:
    interchanges: list[Interchange] = field(default_factory=list)
    """The interchanges taken (their envelopes are sound)."""
    refused: list[Refusal] = field(default_factory=list)

    def sets(self) -> list[TransactionSet]:
        return [s for i in self.interchanges for s in i.sets()]

    def summary(self) -> str:
        """One line a person reads: which interchanges were taken and which refused, why."""
        parts = [f"{i.name} taken ({_count(len(i.sets()), 'set')})" for i in self.interchanges]
        parts += [r.message for r in self.refused]
        return "; ".join(parts) if parts else "no interchange in the file"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_BLANK = " \t\r\n\f\v"


def read_interchanges(text: str) -> ReadResult:
    """Every interchange of ``text``, each taken or refused on its own.

    The cyclic garbage collector is paused while reading: a large file makes hundreds of
    thousands of segments, none of them in a cycle, and full collections over them grow
    with the file (half the time of a 10,000-order file); it is resumed as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(text)
    finally:
        if enabled:
            gc.enable()


def _read(text: str) -> ReadResult:
    result = ReadResult()
    pos = 0
    number = 0  # segments seen so far in the file
    index = 0
    text = text.removeprefix("\ufeff")
    end = len(text)
    while True:
        while pos < end and text[pos] in _BLANK:
            pos += 1
        if pos >= end:
            break
        index += 1
        if not text.startswith("ISA", pos):
            stub = _stub(index, number + 1)
            result.refused.append(
                Refusal(stub, [f"segment {number + 1}: expected an ISA segment, found {text[pos:pos + 20]!r}"])
            )
            break
        reader = _InterchangeReader(text, pos, number, index)
        pos, number = reader.run()
        if reader.problems:
            result.refused.append(Refusal(reader.interchange, reader.problems))
        else:
            result.interchanges.append(reader.interchange)
        if reader.fatal:
            break
    return result


def _stub(index: int, first: int) -> Interchange:
    return Interchange(index, "", "", "", "", "", "", "", Delimiters("*", ">", "~"), first)


def _isa_delimiters(text: str, pos: int) -> tuple[Delimiters, int] | None:
    """The delimiters an ISA at ``pos`` names and the position after its terminator."""
    if pos + 4 > len(text):
        return None
    sep = text[pos + 3]
    at = pos + 3
    for _ in range(ISA_ELEMENTS - 1):
        at = text.find(sep, at + 1)
        if at < 0:
            return None
    component_at = at + 1
    if component_at + 1 >= len(text):
        return None
    component, terminator = text[component_at], text[component_at + 1]
    if len({sep, component, terminator}) < 3 or terminator.isalnum() or sep.isalnum():
        return None
    return Delimiters(sep, component, terminator), component_at + 2


class _InterchangeReader:
    """Reads one interchange from ``start``; collects envelope problems as it goes."""

    def __init__(self, text: str, start: int, number: int, index: int) -> None:
        self.text = text
        self.start = start
        self.number = number
        self.problems: list[str] = []
        self.fatal = False
        self.interchange = _stub(index, number + 1)

    def problem(self, number: int, why: str, group: Group | None = None, code: str = "") -> None:
        """Record a problem; ``code`` is the group's AK9 code for it (997)."""
        message = f"segment {number}: {why}"
        self.problems.append(message)
        if group is not None:
            group.problems.append(message)
            if code:
                group.errors.append(code)

    def run(self) -> tuple[int, int]:
        text = self.text
        found = _isa_delimiters(text, self.start)
        self.number += 1
        isa_number = self.number
        if found is None:
            self.problem(isa_number, "the ISA segment is incomplete (it needs 16 elements, a component separator and a segment terminator)")
            self.fatal = True
            return len(text), self.number
        delims, pos = found
        isa = Segment(text[self.start:pos - 1].split(delims.element), isa_number)
        self._header(isa, delims)
        return self._body(pos, delims)

    def _header(self, isa: Segment, delims: Delimiters) -> None:
        version = isa.get(12)
        repetition = isa.get(11)
        if version >= "00402" and len(repetition) == 1 and not repetition.isalnum():
            delims = Delimiters(delims.element, delims.component, delims.segment, repetition)
        ic = self.interchange
        ic.control = isa.get(13).strip()
        ic.sender_qualifier, ic.sender = isa.get(5).strip(), isa.get(6).strip()
        ic.receiver_qualifier, ic.receiver = isa.get(7).strip(), isa.get(8).strip()
        ic.version, ic.usage, ic.delimiters = version, isa.get(15), delims
        if len(isa) != ISA_ELEMENTS + 1:
            self.problem(isa.number, f"ISA has {len(isa) - 1} elements, it needs {ISA_ELEMENTS}")
        if not (ic.control.isdigit() and len(ic.control) == 9):
            self.problem(isa.number, f"ISA13 control number {ic.control!r} must be 9 digits")

    def _body(self, pos: int, delims: Delimiters) -> tuple[int, int]:
        text, term, sep = self.text, delims.segment, delims.element
        strip = "".join(c for c in _BLANK if c not in (sep, delims.component, term))
        end = len(text)
        group: Group | None = None
        gs: Segment | None = None
        current: list[Segment] | None = None
        started = 0  # STs seen in the open group: GE01 counts them, sound or not
        ic = self.interchange
        while True:
            while pos < end and text[pos] in strip:
                pos += 1
            if pos >= end:
                self._close_set(current, group, self.number, "the end of the file")
                self._close_group(group, gs, self.number, "the end of the file")
                self.problem(self.number, f"the interchange has no IEA (ISA13 {ic.control})")
                return end, self.number
            if text.startswith("ISA", pos) and pos + 3 < end and not text[pos + 3].isalnum():
                self._close_set(current, group, self.number + 1, "the next ISA")
                self._close_group(group, gs, self.number + 1, "the next ISA")
                self.problem(self.number + 1, f"the interchange has no IEA before the next ISA (ISA13 {ic.control})")
                return pos, self.number
            stop = text.find(term, pos)
            if stop < 0:
                stop = end
            raw = text[pos:stop].strip(strip)
            pos = stop + 1
            if not raw:
                continue
            self.number += 1
            seg = Segment(raw.split(sep), self.number)
            sid = seg[0]
            if current is not None and sid not in ("SE", "GE", "IEA", "ST", "GS"):
                current.append(seg)
            elif sid == "ST":
                self._close_set(current, group, seg.number, "the next ST")
                if group is None:
                    self.problem(seg.number, "ST outside a functional group (no GS before it)")
                current = [seg]
                started += 1
            elif sid == "SE":
                if current is None:
                    self.problem(seg.number, "SE without its ST")
                else:
                    current.append(seg)
                    self._check_set(current, group, gs)
                current = None
            elif sid == "GS":
                self._close_set(current, group, seg.number, "the next GS")
                current = None
                self._close_group(group, gs, seg.number, "the next GS")
                group, gs, started = self._open_group(seg), seg, 0
            elif sid == "GE":
                self._close_set(current, group, seg.number, "GE")
                current = None
                if group is None or gs is None:
                    self.problem(seg.number, "GE without its GS")
                else:
                    self._check_group(group, gs, seg, started)
                group = gs = None
            elif sid == "IEA":
                self._close_set(current, group, seg.number, "IEA")
                self._close_group(group, gs, seg.number, "IEA")
                self._check_iea(seg)
                return pos, self.number
            else:
                self.problem(seg.number, f"{sid} is outside a transaction set (no ST before it)")

    def _open_group(self, gs: Segment) -> Group:
        version = gs.get(8)
        group = Group(gs.get(1), gs.get(2), gs.get(3), gs.get(6), version)
        self.interchange.groups.append(group)
        if not (len(version) >= 6 and version[:6].isdigit() and version[:6] >= MIN_VERSION):
            self.problem(gs.number, f"GS08 version {version!r} is not supported (004010 or later)", group, "2")
        if not group.control.isdigit():
            self.problem(gs.number, f"GS06 group control number {group.control!r} must be digits", group)
        return group

    def _close_set(self, current: list[Segment] | None, group: Group | None, number: int, before: str) -> None:
        if current is not None:
            st = current[0]
            self.problem(number, f"the set ST02 {st.get(2)} (segment {st.number}) has no SE before {before}", group)

    def _close_group(self, group: Group | None, gs: Segment | None, number: int, before: str) -> None:
        if group is not None and gs is not None:
            self.problem(number, f"the group GS06 {group.control} (segment {gs.number}) has no GE before {before}", group, "3")

    def _check_set(self, segments: list[Segment], group: Group | None, gs: Segment | None) -> None:
        st, se = segments[0], segments[-1]
        count = len(segments)
        said = se.get(1)
        ts = TransactionSet(st.get(1), st.get(2), segments, self.interchange.delimiters, st.get(3) or (group.version if group else ""))
        if not (said.isdigit() and int(said) == count):
            self.problem(se.number, f"SE01 says {said or 'nothing'} segments, the set has {count}", group)
            ts.errors.append("4")
        if se.get(2) != st.get(2):
            self.problem(se.number, f"SE02 {se.get(2)!r} does not match ST02 {st.get(2)!r}", group)
            ts.errors.append("3")
        if group is not None and gs is not None:
            group.sets.append(ts)

    def _check_group(self, group: Group, gs: Segment, ge: Segment, count: int) -> None:
        said = ge.get(1)
        if not (said.isdigit() and int(said) == count):
            self.problem(ge.number, f"GE01 says {said or 'nothing'} sets, the group has {count}", group, "5")
        if ge.get(2) != gs.get(6):
            self.problem(ge.number, f"GE02 {ge.get(2)!r} does not match GS06 {gs.get(6)!r}", group, "4")

    def _check_iea(self, iea: Segment) -> None:
        ic = self.interchange
        said = iea.get(1)
        count = len(ic.groups)
        if not (said.isdigit() and int(said) == count):
            self.problem(iea.number, f"IEA01 says {said or 'nothing'} groups, the interchange has {count}")
        if iea.get(2).strip() != ic.control:
            self.problem(iea.number, f"IEA02 {iea.get(2)!r} does not match ISA13 {ic.control!r}")
