"""The platform's dropship read endpoints (seed 004), scoped like every order read: a
shipment of another vendor is answered exactly like a missing one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import PO_MAX, Order, Vendor
from dropship_tui.exports import platform
from dropship_tui.server.backend import ServerStore
from dropship_tui.server.auth import Principal
from dropship_tui.server.deps import Caller, StoreDep, read

router = APIRouter(prefix="/commerce/dropship", tags=["dropship"])

ShipmentNumber = Annotated[
    int,
    Path(
        alias="shipmentNumber",
        ge=1,
        le=PO_MAX,
        description="The shipment number (= PO number): a positive 32-bit integer",
    ),
]


def _shipment(store: ServerStore, caller: Principal, number: int) -> tuple[Order, Vendor]:
    if not caller.can_see(store.vendor_of(number)):
        raise platform.shipment_not_found(number)
    try:
        order = store.get_order(number)
    except NotFoundError:
        raise platform.shipment_not_found(number) from None
    # The vendor is resolved from the fulfillment location, as the platform does.
    try:
        location = store.location(order.location_code)
        vendor = store.vendor(location.vendor_code)
    except NotFoundError:
        raise platform.vendor_not_found(order.location_code) from None
    return order, vendor


@router.get("/translate/{shipmentNumber}", response_model=dict[str, Any])
def translate(request: Request, store: StoreDep, caller: Caller, number: ShipmentNumber) -> Response:
    order, _ = _shipment(store, caller, number)
    return read(request, platform.translate(order))


@router.get("/purchaseorder/{shipmentNumber}", response_model=dict[str, Any])
def purchase_order(request: Request, store: StoreDep, caller: Caller, number: ShipmentNumber) -> Response:
    order, vendor = _shipment(store, caller, number)
    return read(request, platform.purchase_order(order, vendor))
