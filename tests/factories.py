"""Plain builders of domain records for tests: fixed times, the seed walkthrough's order."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from dropship_tui.domain.models import (
    Address,
    Contact,
    Line,
    Location,
    Order,
    ShipTo,
    SlaPolicy,
    Vendor,
)
from dropship_tui.domain.workflow import Ctx

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=timezone.utc)
HOSTILE_NAMES = ["[bold]Ann[/]", "[0]", "<b>&amp;", "Ωμέγα 北京", "[link=http://e]x[/]"]


def vendor(code: str = "MYSTIC") -> Vendor:
    return Vendor(
        code=code,
        name="Mystic Sports" if code == "MYSTIC" else f"Vendor {code}",
        contact=Contact(name="Jordan Romero", phone="+1 512 555 0100", email="jordan@mystic.example"),
        billing_email="billing@mystic.example",
        address=Address(line1="400 Congress Ave", city="Austin", state="TX", postal_code="78701", country_code="US"),
    )


def location(code: str = "MYSTIC-WH1", vendor_code: str = "MYSTIC") -> Location:
    return Location(
        code=code,
        vendor_code=vendor_code,
        name="Mystic Sports Warehouse",
        address=Address(line1="1 Dock Rd", city="Round Rock", state="TX", postal_code="78664", country_code="US"),
        sla_policy=SlaPolicy(hours_to_acknowledge=24, hours_to_ship=72),
    )


def line(line_id: int = 1, qty: int = 5, sku: str = "SKU-123", contracted: str | None = "19.99", retail: str = "29.99") -> Line:
    return Line(
        line_id=line_id,
        product_code=f"P-{sku}",
        sku=sku,
        vendor_sku=f"V-{sku}",
        upc=f"0000000{line_id:05d}",
        description=f"Trail shoe {sku}",
        quantity_ordered=qty,
        retail_price=Decimal(retail),
        contracted_price=Decimal(contracted) if contracted is not None else None,
    )


def order(po: int = 82, lines: list[Line] | None = None, first_name: str = "Ann", last_name: str = "Lee", hours_old: float = 2, vendor_code: str = "MYSTIC", location_code: str = "MYSTIC-WH1") -> Order:
    """The seed walkthrough's order 82: one line of 5 units, operator order 119."""
    return Order(
        po_number=po,
        order_number=str(po + 37),
        vendor_code=vendor_code,
        location_code=location_code,
        ship_to=ShipTo(
            first_name=first_name,
            last_name=last_name,
            email="ann@example.com",
            phone="+1 555 0100",
            address=Address(line1="12 Elm St", city="Springfield", state="IL", postal_code="62701", country_code="US"),
        ),
        order_date=NOW - timedelta(hours=hours_old),
        shipping_method="Ground",
        lines=lines or [line()],
    )


def ctx(user: str = "jordan", now: datetime = NOW) -> Ctx:
    return Ctx(user=user, now=now)
