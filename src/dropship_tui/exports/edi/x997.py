"""997 functional acknowledgement: one per received functional group.

``group_ack(group, rejected)`` judges a group the reader returned: a set is accepted
(AK5*A) unless its envelope was wrong (the reader's AK5 codes: 3 control numbers, 4
segment count) or the caller refused it (``rejected``: ST02 -> why; AK5*R*5, "one or
more segments in error", e.g. an 850 with a PO1 without quantity). The group is accepted
(AK9*A), partly accepted (P) or rejected (R, with the reader's AK9 codes for the group's
own problems). AK1 carries GS01 and GS06 (and GS08 from 005010 on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dropship_tui.exports.edi.reader import Group
from dropship_tui.exports.edi.writer import Control, PartnerProfile, SetBody, write_interchange

SEGMENTS_IN_ERROR = "5"


@dataclass(frozen=True)
class SetAck:
    set_id: str
    control: str
    errors: tuple[str, ...] = ()
    """AK5 codes; empty: accepted."""

    @property
    def accepted(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class GroupAck:
    functional_id: str
    control: str
    version: str
    sets: tuple[SetAck, ...]
    errors: tuple[str, ...] = ()
    """AK9 codes of the group's own problems."""

    @property
    def status(self) -> str:
        accepted = sum(1 for s in self.sets if s.accepted)
        if self.errors or not accepted:
            return "R"
        return "A" if accepted == len(self.sets) else "P"


def group_ack(group: Group, rejected: Mapping[str, str] | None = None) -> GroupAck:
    sets = []
    for ts in group.sets:
        codes = tuple(ts.errors) or ((SEGMENTS_IN_ERROR,) if ts.control in (rejected or {}) else ())
        sets.append(SetAck(ts.set_id, ts.control, codes))
    return GroupAck(group.functional_id, group.control, group.version, tuple(sets), tuple(dict.fromkeys(group.errors)))


def build_997(ack: GroupAck, version: str) -> SetBody:
    body = SetBody("997")
    body.add("AK1", ack.functional_id, ack.control, *((ack.version,) if version >= "005010" else ()))
    for s in ack.sets:
        body.add("AK2", s.set_id, s.control)
        body.add("AK5", "A" if s.accepted else "R", *s.errors[:5])
    received = len(ack.sets)
    accepted = sum(1 for s in ack.sets if s.accepted)
    body.add("AK9", ack.status, str(received), str(received), str(accepted), *ack.errors[:5])
    return body


def write_997(acks: Sequence[GroupAck], profile: PartnerProfile, control: Control) -> str:
    """One 997 per acknowledged group, in one interchange."""
    return write_interchange(profile, control, [build_997(a, profile.version) for a in acks])
