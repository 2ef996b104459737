"""Trading partner profiles: the stored record (``domain.edi.TradingPartner``) checked
and turned into the writer's ``PartnerProfile`` (which validates qualifiers, ids,
version and delimiters), and the profile a store with one vendor uses when an
interchange comes from a partner nobody set up."""

from __future__ import annotations

import re

from pydantic import ValidationError

from dropship_tui.domain.edi import TradingPartner
from dropship_tui.domain.errors import InvalidInputError
from dropship_tui.exports.edi.reader import Interchange
from dropship_tui.exports.edi.writer import PartnerProfile
from dropship_tui.exports.import_format import path_of, plain_message
from dropship_tui.store.sqlite.store import SqliteStore


def profile_of(partner: TradingPartner) -> PartnerProfile:
    """What the writer needs; ``InvalidInputError`` naming each bad field."""
    return PartnerProfile(
        our_qualifier=partner.our_qualifier, our_id=partner.our_id,
        their_qualifier=partner.their_qualifier, their_id=partner.their_id,
        our_gs_id=partner.our_gs_id, their_gs_id=partner.their_gs_id, version=partner.version,
        element=partner.element, component=partner.component, segment=partner.segment,
        repetition=partner.repetition, usage=partner.usage, gs1_prefix=partner.gs1_prefix,
        tracking_qualifier=partner.tracking_qualifier, line_break=True,
        reason_codes={code.value: theirs for code, theirs in partner.reason_codes.items()},
        inventory_report_type=partner.inventory_report_type,
    )


def make_partner(**fields: object) -> TradingPartner:
    """A partner from user input, every problem named (the record's and the writer's)."""
    try:
        partner = TradingPartner.model_validate(fields)
    except ValidationError as exc:
        problems = [f"{path_of(e['loc'])}: {plain_message(e)}" for e in exc.errors()]
        raise InvalidInputError("partner profile: " + "; ".join(problems), problems) from None
    profile_of(partner)
    return partner


def add_partner(store: SqliteStore, partner: TradingPartner) -> None:
    profile_of(partner)
    store.add_partner(partner)


def default_partner(store: SqliteStore, ic: Interchange, our_gs_id: str) -> tuple[TradingPartner | None, str]:
    """For an interchange from no known partner: with one vendor in the store, a profile
    for that vendor answering the sender with its own ids and delimiters (stored, so the
    outbound documents have one), and the sentence that says so; else (None, why)."""
    vendors = store.vendors()
    who = f"{ic.sender_qualifier}/{ic.sender} -> {ic.receiver_qualifier}/{ic.receiver}"
    if len(vendors) != 1:
        return None, (
            f"{ic.name} refused, nothing taken from it: unknown trading partner {who}; "
            "add it with 'dropship-tui edi partner add'"
        )
    vendor = vendors[0]
    locations = store.locations(vendor.code)
    d = ic.delimiters
    partner_id = re.sub(r"[^A-Za-z0-9]+", "-", ic.sender.strip()).strip("-").upper() or "PARTNER"
    if any(p.partner_id == partner_id for p in store.partners()):
        partner_id = f"{partner_id}-{ic.receiver.strip()}"
    partner = make_partner(
        partner_id=partner_id, our_qualifier=ic.receiver_qualifier, our_id=ic.receiver.strip(),
        their_qualifier=ic.sender_qualifier, their_id=ic.sender.strip(), our_gs_id=our_gs_id,
        version=ic.groups[0].version if ic.groups else "004010", element=d.element,
        component=d.component, segment=d.segment,
        repetition=d.repetition or next(c for c in "^|!`" if c not in (d.element, d.component, d.segment)),
        vendor_code=vendor.code, location_code=locations[0].code if len(locations) == 1 else "",
    )
    add_partner(store, partner)
    return partner, (
        f"no trading partner profile for {who}: the store's one vendor {vendor.code} is used "
        f"(profile {partner.partner_id} added)"
    )
