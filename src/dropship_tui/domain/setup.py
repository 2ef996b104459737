"""The setup records' rules: what a change to a vendor, location, location group or SKU
mapping changed (the setup log shows it as "field: old → new"), and who may set what.

Who may change setup (seed 000: "SLA Status is set by the Operator"): the operator
(the retailer) sets SLA policies and location groups and adds vendors; a vendor admin
edits its own vendor profile, its locations (but not their SLA policy or group) and its
SKU mappings; staff edit nothing. On a local store the one user may do all of it. The
roles themselves are the server's (``server.auth``); these are the questions it asks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from dropship_tui.domain.models import Location, Record, UtcDatetime


class SetupChange(Record):
    """One entry of the setup log: a vendor, location, location group or SKU mapping
    added, changed or removed, by whom and when, with the record before and after (as
    JSON; None before an addition or after a removal). Written in the change's own
    transaction; never changed afterwards."""

    at: UtcDatetime
    user: str
    kind: Literal["vendor", "location", "location_group", "sku_mapping"]
    code: str
    """The record's code (a SKU mapping's: its catalog product code)."""
    vendor_code: str | None = None
    """The vendor the record belongs to (None for a location group, shared by vendors)."""
    before: str | None = None
    after: str | None = None


SLA_BY_OPERATOR = "SLA policies and location groups are set by the operator (the retailer)"


def flat_fields(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """A record's JSON as (dotted path, value) pairs: ``address.city``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flat_fields(inner, f"{prefix}{key}.")
    else:
        yield prefix.rstrip("."), value


def changed_fields(change: SetupChange) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every field the change set differently, by dotted path
    (``address.city``); a record added has old None for each of its fields, one removed
    new None."""
    before = dict(flat_fields(json.loads(change.before))) if change.before else {}
    after = dict(flat_fields(json.loads(change.after))) if change.after else {}
    fields = list(dict.fromkeys([*before, *after]))
    return [(f, before.get(f), after.get(f)) for f in fields if before.get(f) != after.get(f)]


def _shown(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def change_summary(change: SetupChange) -> str:
    """One line: "added", "removed" or "name: Old → New; address.city: A → B"."""
    if change.before is None:
        return "added"
    if change.after is None:
        return "removed"
    parts = [f"{f}: {_shown(old)} → {_shown(new)}" for f, old, new in changed_fields(change)]
    return "; ".join(parts) or "no change"


def vendor_admin_location_problem(wanted: Location, existing: Location | None) -> str | None:
    """Why a vendor admin may not save ``wanted`` (its SLA policy or group differs from
    what the operator set: ``existing``'s, or none for a new location), else None."""
    policy = existing.sla_policy if existing else None
    group = existing.group_code if existing else None
    if wanted.sla_policy != policy or wanted.group_code != group:
        return SLA_BY_OPERATOR
    return None
