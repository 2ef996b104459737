"""EDI records and the one rule of the outbox: which workflow change makes which X12
document due.

A trading partner says who we are to a retailer (ISA qualifier and id, GS id) and who
it is, the version and delimiters we write to it, and which vendor and location its 850s
are for. The store keeps the partners, the control numbers and a log of every document
exchanged (received, sent, waiting); the X12 text itself is written by
``exports.edi`` (the store never imports it: the layers are independent).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from dropship_tui.domain.models import Code, OptionalCode, Order, ReasonCode, Record

ACKNOWLEDGEMENT, SHIP_NOTICE, INVOICE, INVENTORY, FUNCTIONAL_ACK, PURCHASE_ORDER = (
    "855", "856", "810", "846", "997", "850",
)
ORDER_SETS = (ACKNOWLEDGEMENT, SHIP_NOTICE, INVOICE)
"""The outbound sets written for one order (on their workflow step, or on demand)."""


class EdiStatus(StrEnum):
    RECEIVED = "received"
    WAITING = "waiting"
    """Due (recorded with the workflow action) and not delivered yet."""
    SENT = "sent"


class TradingPartner(Record):
    """One retailer relationship as stored: the envelope ids and format we write, and
    the vendor and default location its 850s are imported for."""

    partner_id: Code
    our_qualifier: str = Field(min_length=2, max_length=2)
    our_id: str = Field(min_length=1, max_length=15)
    their_qualifier: str = Field(min_length=2, max_length=2)
    their_id: str = Field(min_length=1, max_length=15)
    our_gs_id: str = Field(default="", max_length=15)
    their_gs_id: str = Field(default="", max_length=15)
    version: str = "004010"
    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str = "^"
    vendor_code: Code
    location_code: OptionalCode = ""
    """The default location of its orders; blank: the vendor's only location."""
    gs1_prefix: str = ""
    """GS1 company prefix for SSCC-18 pack labels (856 MAN*GM); blank: MAN*CP."""
    usage: str = "P"
    tracking_qualifier: str = "CN"
    reason_codes: dict[ReasonCode, Annotated[str, Field(min_length=1, max_length=30)]] = {}
    """The partner's code (855 REF02) for each of our reasons it names differently; a
    reason not listed gets our default code (``exports.edi.x855.REASON_CODES``)."""
    inventory_report_type: str = Field(default="DD", pattern=r"^[A-Z0-9]{2}$")
    """846 BIA02, the report type code the partner expects (DD: distributor inventory)."""

    @property
    def gs_receiver_for_us(self) -> str:
        """GS03 of an inbound group addressed to us."""
        return self.our_gs_id or self.our_id


class EdiDocument(Record):
    """One entry of the EDI log: a document received or sent (or due) for an order, or
    a 997 / 846 for a partner (``po_number`` None)."""

    id: int
    partner_id: str | None
    po_number: int | None
    set_id: str
    direction: str
    """"in" or "out"."""
    status: EdiStatus
    control_number: str = ""
    """ISA13 of its interchange; blank while waiting."""
    set_control: str = ""
    created_at: datetime
    sent_at: datetime | None = None
    error: str = ""
    """Why a waiting document could not be written yet (e.g. a SKU with a delimiter)."""


def documents_due(old: Order, new: Order) -> list[str]:
    """The outbound sets one workflow change of an EDI order makes due: 855 when it is
    acknowledged, 856 when its last packing slip gets tracked, 810 when it is invoiced.
    Each fires on the transition only, so no document is due twice."""
    due = []
    if old.acknowledged_at is None and new.acknowledged_at is not None:
        due.append(ACKNOWLEDGEMENT)
    if not old.all_slips_tracked and new.all_slips_tracked:
        due.append(SHIP_NOTICE)
    if old.invoice is None and new.invoice is not None:
        due.append(INVOICE)
    return due
