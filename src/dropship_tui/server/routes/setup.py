"""Setup over the API: a vendor admin keeps its own vendor's details, locations and SKU
mappings and imports its own orders. Location groups (shared by vendors) and other
vendors are managed on the server itself (``dropship-tui --db PATH ...``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import Location, LocationGroup, Order, SkuMapping, Vendor
from dropship_tui.server.auth import ForbiddenError, Principal
from dropship_tui.server.deps import Caller, IdempotencyKey, StoreDep, fingerprint, write

router = APIRouter(tags=["setup"])

OK = b'{"ok":true}'


class Imported(BaseModel):
    imported: int


class Ok(BaseModel):
    ok: bool = True


def _own(caller: Principal, vendor_code: str, what: str) -> None:
    caller.require_admin(what)
    if vendor_code != caller.vendor_code:
        # Another vendor is answered like one that does not exist.
        raise NotFoundError(f"Vendor {vendor_code} is not in the store")


@router.put("/vendors", response_model=Ok)
def put_vendor(request: Request, store: StoreDep, caller: Caller, body: Vendor, key: IdempotencyKey = None) -> Response:
    _own(caller, body.code, "change the vendor's details")

    def act(keyed):
        if keyed is not None:
            keyed.body = OK
        store.add_vendor(body)
        return Ok()

    return write(store, caller, key, act, fingerprint(request, body))


@router.put("/location-groups", response_model=Ok)
def put_location_group(caller: Caller, body: LocationGroup) -> Response:
    caller.require_write("change location groups")
    raise ForbiddenError("Location groups are shared by every vendor: they are managed on the server")


@router.put("/locations", response_model=Ok)
def put_location(request: Request, store: StoreDep, caller: Caller, body: Location, key: IdempotencyKey = None) -> Response:
    """Add or change one of the caller's locations. A code another vendor holds is refused
    by the store in the write's own transaction (``catalog.location_in_use``), a 422 like
    any other invalid value, naming no one."""
    _own(caller, body.vendor_code, "change locations")

    def act(keyed):
        if keyed is not None:
            keyed.body = OK
        store.add_location(body)
        return Ok()

    return write(store, caller, key, act, fingerprint(request, body))


@router.put("/sku-mappings", response_model=Ok)
def put_sku_mappings(
    request: Request, store: StoreDep, caller: Caller,
    body: Annotated[list[SkuMapping], Field(max_length=100_000)],
    key: IdempotencyKey = None,
) -> Response:
    for mapping in body:
        _own(caller, mapping.vendor_code, "change SKU mappings")
    if not body:
        caller.require_admin("change SKU mappings")

    def act(keyed):
        if keyed is not None:
            keyed.body = OK
        store.add_sku_mappings(body)
        return Ok()

    return write(store, caller, key, act, fingerprint(request, body))


@router.post("/orders/import", response_model=Imported, tags=["orders"])
def import_orders(
    request: Request, store: StoreDep, caller: Caller,
    body: Annotated[list[Order], Field(max_length=100_000)],
    key: IdempotencyKey = None,
) -> Response:
    """Import new orders, all or nothing. Each order is held to the records' own rules
    (``domain.models``: bounds on quantities, line ids, prices and dates, currency codes,
    no control characters in codes, no NUL in text), the very types the JSON file import
    (``exports.import_format``) is built from: both refuse the same orders, naming the
    field (``orders[0].lines[0].quantity_ordered: ...``, 422)."""
    caller.require_admin("import orders")
    for order in body:
        _own(caller, order.vendor_code, "import orders")

    def act(keyed):
        if keyed is not None:
            keyed.body = Imported(imported=len(body)).model_dump_json()
        return Imported(imported=store.import_orders(body))

    return write(store, caller, key, act, fingerprint(request, body))


class ImportBody(BaseModel):
    """An import with its setup records: ``dropship-tui --api import FILE`` sends the whole
    resolved file as one of these, so the server writes it in one transaction."""

    vendors: Annotated[list[Vendor], Field(max_length=1_000)] = []
    locations: Annotated[list[Location], Field(max_length=10_000)] = []
    sku_mappings: Annotated[list[SkuMapping], Field(max_length=100_000)] = []
    orders: Annotated[list[Order], Field(max_length=100_000)] = []


@router.post("/imports", response_model=Imported, tags=["orders"])
def import_records(
    request: Request, store: StoreDep, caller: Caller, body: ImportBody,
    key: IdempotencyKey = None,
) -> Response:
    """Import orders with the vendor details, locations and SKU mappings they need, all
    or nothing, in one transaction: a refusal anywhere leaves none of it behind. Every
    record must be the caller's vendor's (another vendor's is answered like a missing
    one); each is held to the same rules as on its own route."""
    caller.require_admin("import orders")
    for vendor in body.vendors:
        _own(caller, vendor.code, "import orders")
    for record in (*body.locations, *body.sku_mappings, *body.orders):
        _own(caller, record.vendor_code, "import orders")

    def act(keyed):
        if keyed is not None:
            keyed.body = Imported(imported=len(body.orders)).model_dump_json()
        return Imported(imported=store.import_records(
            body.vendors, body.locations, body.sku_mappings, body.orders,
        ))

    return write(store, caller, key, act, fingerprint(request, body))
