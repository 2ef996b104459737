"""Setup over the API (who may do what: ``domain.setup``): the operator adds vendors and
sets location groups, SLA policies and anyone's SKU mappings; a vendor admin keeps its
own vendor's details, locations and SKU mappings and imports its own orders. Every
change lands in the setup log with the acting user (``GET /setup-log``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain import setup as setup_rules
from dropship_tui.domain.models import Location, LocationGroup, Order, SkuMapping, SlaPolicy, Vendor
from dropship_tui.server.auth import ForbiddenError, Principal
from dropship_tui.server.backend import ServerStore
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


def _put(request: Request, store: ServerStore, caller: Principal, key: str | None, body: Any,
         change: Callable[[], Any], answer: bytes = OK) -> Response:
    def act(keyed):
        if keyed is not None:
            keyed.body = answer
        change()
        return Ok()

    return write(store, caller, key, act, fingerprint(request, body))


@router.put("/vendors", response_model=Ok)
def put_vendor(request: Request, store: StoreDep, caller: Caller, body: Vendor, key: IdempotencyKey = None) -> Response:
    """Add a vendor (the operator) or change a vendor's details (the operator, or that
    vendor's admin)."""
    caller.require_setup(body.code, "change the vendor's details")
    return _put(request, store, caller, key, body, lambda: store.add_vendor(body))


@router.put("/location-groups", response_model=Ok)
def put_location_group(
    request: Request, store: StoreDep, caller: Caller, body: LocationGroup, key: IdempotencyKey = None
) -> Response:
    """Add or change a location group and its SLA policy: the operator only (groups are
    shared by vendors)."""
    caller.require_operator("change location groups")
    return _put(request, store, caller, key, body, lambda: store.add_location_group(body))


@router.put("/locations", response_model=Ok)
def put_location(request: Request, store: StoreDep, caller: Caller, body: Location, key: IdempotencyKey = None) -> Response:
    """Add or change a location. A vendor admin changes its own locations but keeps the
    SLA policy and group the operator set (``domain.setup``). A code another vendor
    holds is refused by the store in the write's own transaction
    (``catalog.location_in_use``), a 422 like any other invalid value, naming no one."""
    caller.require_setup(body.vendor_code, "change locations")

    def change() -> None:
        # The check reads the location in the write's own transaction: an operator's
        # policy committed meanwhile (another worker) is seen, never overwritten.
        if not caller.is_operator:
            _keeps_operator_policy(store, body)
        store.add_location(body)

    return _put(request, store, caller, key, body, lambda: store.run_unit(change))


def _keeps_operator_policy(store: ServerStore, location: Location) -> None:
    """A vendor admin's location must keep the SLA policy and group the operator set
    (none, for a new one): ``domain.setup``. 403 otherwise."""
    try:
        existing = store.location(location.code)
    except NotFoundError:
        existing = None
    if existing is not None and existing.vendor_code != location.vendor_code:
        existing = None  # the store refuses the code; the policy check must not tell
    problem = setup_rules.vendor_admin_location_problem(location, existing)
    if problem:
        raise ForbiddenError(problem)


class SlaSetting(BaseModel):
    sla_policy: SlaPolicy | None = None
    group_code: str | None = Field(default=None, max_length=100)


@router.put("/locations/{code}/sla", response_model=Ok)
def put_location_sla(
    request: Request, store: StoreDep, caller: Caller, code: Annotated[str, Path(max_length=100)],
    body: SlaSetting, key: IdempotencyKey = None,
) -> Response:
    """The operator sets a location's own SLA policy and its group (None: none); the
    marks of its open orders are recomputed."""
    caller.require_operator("set SLA policies")
    store.location(code)  # 404 before anything is written

    def change() -> None:  # the rest of the location as it is now, in the write
        changed = store.location(code).model_copy(
            update={"sla_policy": body.sla_policy, "group_code": body.group_code})
        store.add_location(Location.model_validate(changed.model_dump()))

    return _put(request, store, caller, key, body, lambda: store.run_unit(change))


@router.put("/sku-mappings", response_model=Ok)
def put_sku_mappings(
    request: Request, store: StoreDep, caller: Caller,
    body: Annotated[list[SkuMapping], Field(max_length=100_000)],
    key: IdempotencyKey = None,
) -> Response:
    """Add or change SKU mappings (the operator, or the mappings' vendor's admin)."""
    for vendor_code in sorted({m.vendor_code for m in body}):
        caller.require_setup(vendor_code, "change SKU mappings")
    if not body:
        caller.require_setup(caller.vendor_code or "", "change SKU mappings")
    return _put(request, store, caller, key, body, lambda: store.add_sku_mappings(body))


class Removed(BaseModel):
    removed: int


@router.put("/vendors/{code}/sku-mappings", response_model=Removed)
def replace_sku_mappings(
    request: Request, store: StoreDep, caller: Caller, code: Annotated[str, Path(max_length=100)],
    body: Annotated[list[SkuMapping], Field(max_length=100_000)],
    key: IdempotencyKey = None,
) -> Response:
    """The vendor's whole set of SKU mappings becomes ``body``: those it lacks are removed,
    all in one transaction."""
    caller.require_setup(code, "change SKU mappings")

    def act(keyed):
        # One unit, so the answer is stored under the key with the write (a retry is
        # answered from the key, never applied again); run again whole after a deadlock.
        def unit() -> Removed:
            removed = Removed(removed=store.replace_sku_mappings(code, body))
            if keyed is not None:
                keyed.body = removed.model_dump_json()
            return removed

        return store.run_unit(unit)

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
    for location in body.locations:  # the SLA policy stays the operator's, here too
        _keeps_operator_policy(store, location)

    def act(keyed):
        if keyed is not None:
            keyed.body = Imported(imported=len(body.orders)).model_dump_json()
        return Imported(imported=store.import_records(
            body.vendors, body.locations, body.sku_mappings, body.orders,
        ))

    return write(store, caller, key, act, fingerprint(request, body))


class Pushed(BaseModel):
    imported: int
    po_numbers: list[int]


@router.post("/orders", response_model=Pushed, tags=["orders"], openapi_extra={
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
})
async def push_orders(request: Request, store: StoreDep, caller: Caller, key: IdempotencyKey = None) -> Response:
    """The operator (the retailer) sends orders to its vendors: the body is an import
    document (docs/import-format.md), held to exactly the rules of ``dropship-tui
    import`` (``exports.import_format``: money read as decimals, every field checked,
    every problem named), written with its setup records in one transaction. The orders
    show on the vendors' dashboards at once."""
    caller.require_operator("push orders")
    text = (await request.body()).decode("utf-8", errors="replace")
    return await run_in_threadpool(_push, request, store, caller, key, text)


def _push(request: Request, store: ServerStore, caller: Principal, key: str | None, text: str) -> Response:
    from dropship_tui.exports.import_format import load
    from dropship_tui.services.json_import import StoreCatalog, apply_plan

    def act(keyed):
        # One unit: a retry under the same key is answered from the key before the
        # document is checked again (its POs would be "already in the store" by then).
        # Run again whole (the document checked again) after a deadlock on PostgreSQL.
        def unit() -> Pushed:
            plan = load(text, StoreCatalog(store), "the request")
            answer = Pushed(imported=len(plan.orders), po_numbers=[o.po_number for o in plan.orders])
            if keyed is not None:
                keyed.body = answer.model_dump_json()
            apply_plan(store, plan)
            return answer

        return store.run_unit(unit)

    return write(store, caller, key, act, fingerprint(request, text))
