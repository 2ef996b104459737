"""850s written by hand from the X12 004010 / VICS 850 implementation guides (dropship
orders: BEG*00*DS), an independent envelope checker, and an order taken through the
workflow for the outbound sets."""

from __future__ import annotations

from datetime import timedelta

import factories
from dropship_tui.domain import workflow
from dropship_tui.domain.models import Order, Reason, ReasonCode

ISA_RETAILER = "ISA*00*          *00*          *ZZ*BIGRETAILER    *ZZ*MYSTICSPORTS   *261124*1502*U*00401*{control}*0*P*>~"

SET_850 = """ST*850*{st}~
BEG*00*DS*{po}**20261124~
CUR*BY*USD~
REF*CO*119~
REF*IA*VEND-7788*Vendor number~
PER*BD*Buyer Desk*TE*8005550100~
DTM*010*20261126~
DTM*002*20261130~
TD5*****UPS Ground~
N1*ST*{name}~
N2*{company}~
N3*12 Elm St*Apt 4~
N4*Springfield*IL*62701*US~
PER*IC*Ann*TE*5550100*EM*ann@example.com~
PO1*001*5*EA*19.99**VN*V-SKU-123*UP*000000000017*SK*SKU-123~
PID*F****Trail shoe {desc}~
PO1*002*2*EA*7.5**SK*SKU-9*VN*V-SKU-9~
PID*F****Laces~
CTT*2*7~
SE*20*{st}~"""


def interchange(*sets: str, control: str = "000000905", group: str = "905") -> str:
    body = "\n".join(sets)
    return (
        ISA_RETAILER.format(control=control)
        + "\nGS*PO*BIGRETAILER*MYSTICSPORTS*20261124*1502*" + group + "*X*004010VICS~\n"
        + body
        + f"\nGE*{len(sets)}*{group}~\nIEA*1*{control}~\n"
    )


def set_850(st: str = "0001", po: str = "4500012345678", name: str = "Ann Lee", company: str = "Lee Outdoors", desc: str = "blue") -> str:
    return SET_850.format(st=st, po=po, name=name, company=company, desc=desc)


def independent_check(text: str, term: str = "~", sep: str = "*") -> list[list[str]]:
    """Split and check every envelope count by hand, not with the writer's counters."""
    segments = [s.strip().split(sep) for s in text.split(term) if s.strip()]
    assert segments[0][0] == "ISA" and len(segments[0]) == 17 and segments[0][12] in ("00401", "00501")
    assert text.index(term) == 105  # the ISA is fixed width: 106 characters with its terminator
    iea = segments[-1]
    groups = [s for s in segments if s[0] == "GS"]
    assert iea[0] == "IEA" and int(iea[1]) == len(groups) and iea[2] == segments[0][13]
    i = 0
    while i < len(segments):
        if segments[i][0] == "GS":
            gs, sets = segments[i], 0
            j = i + 1
            while segments[j][0] != "GE":
                if segments[j][0] == "ST":
                    k = j
                    while segments[k][0] != "SE":
                        k += 1
                    assert int(segments[k][1]) == k - j + 1, f"SE01 {segments[k][1]} vs {k - j + 1}"
                    assert segments[k][2] == segments[j][2]
                    sets += 1
                    j = k
                j += 1
            assert int(segments[j][1]) == sets and segments[j][2] == gs[6]
            i = j
        i += 1
    return segments


def lifecycle_order() -> Order:
    """Two lines, line 2 short by 1 (out of stock, "only 2 left"), two slips tracked
    (UPS), invoiced: what 855, 856 and 810 are written from."""
    ctx = factories.ctx()
    order = factories.order(
        po=82,
        lines=[factories.line(1, qty=5), factories.line(2, qty=3, sku="SKU-9", contracted="0.125")],
    ).model_copy(update={"retailer_po_number": "4500012345678"})
    reason = Reason(code=ReasonCode.OUT_OF_STOCK, text="only 2 left")
    order = workflow.acknowledge(order, {1: 5, 2: 2}, {2: reason}, ctx).order
    order = workflow.save_slips(order, [{1: 3, 2: 2}, {1: 2}], ctx).order
    later = factories.ctx(now=factories.NOW + timedelta(hours=5))
    order = workflow.save_tracking(order, 1, "1Z5R89390357567127", later).order
    order = workflow.save_tracking(order, 2, "1Z410E7W0392751591", later).order
    vendor = factories.vendor()
    return workflow.generate_invoice(order, vendor, "INV-82", later).order
