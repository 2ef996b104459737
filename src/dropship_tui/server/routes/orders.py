"""Orders: the dashboard reads (scoped to the caller's vendor) and the workflow writes.

Every write names the version the client read (``null``: the current one) and may carry
an ``Idempotency-Key``; the domain rules run server-side inside the store's transaction.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from dropship_tui.domain.actions import ACTIONS, Acknowledge, Action, Cancel
from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import (
    PO_MAX,
    ActivityEntry,
    Location,
    Order,
    OrderSummary,
    Retailer,
    SlaPolicy,
    SlaStatus,
    Stage,
    Vendor,
)
from dropship_tui.store.base import BatchResult, OrderQuery, SortKey, StageCounts
from dropship_tui.server.auth import Principal
from dropship_tui.server.deps import Caller, IdempotencyKey, StoreDep, fingerprint, read, visible_po, write
from dropship_tui.server.backend import ServerStore

router = APIRouter()

MAX_PAGE = 500
PoPath = Annotated[int, Path(ge=1, le=PO_MAX, description="PO number (positive 32-bit integer)")]
# Quantities, line and slip numbers are checked by the domain rules (so the refusal reads
# the same as with a local store), not by the schema: the bodies are the domain's action
# records (``domain.actions``) plus the version.
Version = int | None


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WhoAmI(BaseModel):
    name: str
    role: str
    vendor_code: str | None
    at_risk: str
    overdue: str
    retailer: Retailer | None = None
    """The store's retailer (invoices' Bill to), None when unset."""


class Count(BaseModel):
    count: int


class OnHand(BaseModel):
    """``GET /stock``: units on hand of one vendor SKU at one location (None: unknown)."""

    on_hand: int | None


class AcknowledgeAllBody(Body):
    po_numbers: list[Annotated[int, Field(ge=1, le=PO_MAX)]] = Field(max_length=5000)


# --- reads ----------------------------------------------------------------------------


def scoped_query(caller: Principal, query: OrderQuery) -> OrderQuery | None:
    """The caller's view of a query; None when it asks for another vendor's orders."""
    if caller.is_operator:
        return query
    if query.vendor_code is not None and query.vendor_code != caller.vendor_code:
        return None
    return query.model_copy(update={"vendor_code": caller.vendor_code})


def order_query(
    stage: Stage | None = None,
    sla: SlaStatus | None = None,
    search: Annotated[str, Query(max_length=200)] = "",
    sort: SortKey = SortKey.PO_NUMBER,
    descending: bool = False,
    vendor_code: Annotated[str | None, Query(max_length=100)] = None,
    location_code: Annotated[str | None, Query(max_length=100)] = None,
    package_exception: bool = False,
) -> OrderQuery:
    # a location of another vendor reads like one with no orders (scoped_query keeps the
    # caller's vendor): nothing tells them apart
    return OrderQuery(
        stage=stage, sla=sla, search=search, sort=sort, descending=descending,
        vendor_code=vendor_code, location_code=location_code, package_exception=package_exception,
    )


QueryDep = Annotated[OrderQuery, Depends(order_query)]


@router.get("/me", response_model=WhoAmI, tags=["session"])
def me(request: Request, store: StoreDep, caller: Caller) -> Response:
    thresholds = store.current_thresholds()
    return read(
        request,
        WhoAmI(
            name=caller.name, role=caller.role.value, vendor_code=caller.vendor_code,
            at_risk=str(thresholds.at_risk), overdue=str(thresholds.overdue), retailer=store.retailer(),
        ),
    )


@router.get("/counts", response_model=StageCounts, tags=["orders"])
def counts(
    request: Request, store: StoreDep, caller: Caller,
    vendor_code: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    if not caller.is_operator:
        if vendor_code is not None and vendor_code != caller.vendor_code:
            return read(request, StageCounts())
        vendor_code = caller.vendor_code
    return read(request, store.counts(vendor_code))


@router.get("/orders", response_model=list[OrderSummary], tags=["orders"])
def list_orders(
    request: Request, store: StoreDep, caller: Caller, query: QueryDep,
    offset: Annotated[int, Query(ge=0, le=PO_MAX)] = 0,
    limit: Annotated[int, Query(ge=0, le=MAX_PAGE)] = 50,
) -> Response:
    scoped = scoped_query(caller, query)
    rows = [] if scoped is None else store.list_orders(scoped, offset=offset, limit=limit)
    return read(request, rows)


@router.get("/orders/count", response_model=Count, tags=["orders"])
def count_orders(request: Request, store: StoreDep, caller: Caller, query: QueryDep) -> Response:
    scoped = scoped_query(caller, query)
    return read(request, Count(count=0 if scoped is None else store.count_orders(scoped)))


@router.get("/orders/{po_number}", response_model=Order, tags=["orders"])
def get_order(request: Request, store: StoreDep, caller: Caller, po_number: PoPath) -> Response:
    visible_po(store, caller, po_number)
    return read(request, store.get_order(po_number))


@router.get("/orders/{po_number}/activity", response_model=list[ActivityEntry], tags=["orders"])
def activity(request: Request, store: StoreDep, caller: Caller, po_number: PoPath) -> Response:
    visible_po(store, caller, po_number)
    return read(request, store.activity(po_number))


@router.get("/vendors/{code}", response_model=Vendor, tags=["setup"])
def vendor(request: Request, store: StoreDep, caller: Caller, code: Annotated[str, Path(max_length=100)]) -> Response:
    if not caller.can_see(code):
        raise NotFoundError(f"Vendor {code} is not in the store")
    return read(request, store.vendor(code))


def visible_location(store: ServerStore, caller: Principal, code: str) -> Location:
    try:
        location = store.location(code)
    except NotFoundError:
        location = None
    if location is None or not caller.can_see(location.vendor_code):
        raise NotFoundError(f"Location {code} is not in the store")
    return location


@router.get("/locations/{code}", response_model=Location, tags=["setup"])
def location(request: Request, store: StoreDep, caller: Caller, code: Annotated[str, Path(max_length=100)]) -> Response:
    return read(request, visible_location(store, caller, code))


@router.get("/locations/{code}/sla-policy", response_model=SlaPolicy, tags=["setup"])
def sla_policy(request: Request, store: StoreDep, caller: Caller, code: Annotated[str, Path(max_length=100)]) -> Response:
    visible_location(store, caller, code)
    return read(request, store.policy_for_location(code))


@router.get("/stock", response_model=OnHand, tags=["setup"])
def stock(
    request: Request, store: StoreDep, caller: Caller,
    vendor_sku: Annotated[str, Query(max_length=200)],
    location_code: Annotated[str, Query(max_length=100)],
) -> Response:
    try:
        visible_location(store, caller, location_code)
    except NotFoundError:
        return read(request, OnHand(on_hand=None))  # as unknown as a missing location
    return read(request, OnHand(on_hand=store.stock(vendor_sku, location_code)))


@router.get("/orders/{po_number}/stock", response_model=dict[str, int], tags=["orders"])
def order_stock(request: Request, store: StoreDep, caller: Caller, po_number: PoPath) -> Response:
    """Stock on hand of the order's vendor SKUs at its location (known ones only): the
    acknowledgement screen's prefill (R2) in one round trip."""
    visible_po(store, caller, po_number)
    return read(request, store.stock_for(store.get_order(po_number)))


# --- writes ---------------------------------------------------------------------------


def _order_write(store: ServerStore, caller: Principal, po_number: int) -> None:
    visible_po(store, caller, po_number)
    caller.require_write()


ADMIN_ONLY = {
    Acknowledge.name: "cancel an order (every line validated to 0 cancels it)",  # R4
    Cancel.name: "cancel an order",
    "cancel_answer": "accept a cancellation request (it cancels the order)",
}
"""Why an admin is needed, for the actions that may cancel the order (staff may not)."""


def _action_route(action: type[Action]) -> None:
    """``POST /orders/{po}/{action.name}``: the body is the action's fields and the
    version read (``null``: the current one); an Idempotency-Key makes it apply once."""
    body_model = create_model(
        f"{action.__name__}Body", __base__=action, version=(Version, None),
        __doc__=f"{action.__doc__ or action.__name__} Plus the order version the client read.",
    )

    def endpoint(request: Request, store: StoreDep, caller: Caller, po_number: PoPath, body: Any,
                 key: IdempotencyKey = None) -> Response:
        if action.by_retailer:
            visible_po(store, caller, po_number)
            caller.require_operator(f"ask for this ({action.name.replace('_', ' ')})")
        else:
            _order_write(store, caller, po_number)
        if action.may_cancel and body.cancels(store.get_order(po_number)):
            caller.require_admin(ADMIN_ONLY.get(action.name, "cancel an order"))
        return write(store, caller, key, lambda _: store.act(po_number, body.version, body),
                     fingerprint(request, body))

    endpoint.__annotations__["body"] = body_model
    endpoint.__name__ = action.name
    endpoint.__doc__ = action.__doc__
    router.post(f"/orders/{{po_number}}/{action.name}", response_model=Order, tags=["workflow"],
                operation_id=f"{action.name}_order")(endpoint)


for _action in ACTIONS.values():
    _action_route(_action)


@router.post("/orders/acknowledge-all", response_model=BatchResult, tags=["workflow"])
def acknowledge_all(
    request: Request, store: StoreDep, caller: Caller, body: AcknowledgeAllBody,
    key: IdempotencyKey = None,
) -> Response:
    caller.require_write()
    result = store.acknowledge_all_keyed(
        body.po_numbers, caller.name,
        f"{fingerprint(request, body)}:{key.strip()}" if key and key.strip() else None,
        lambda po: caller.can_see(store.vendor_of(po)),
    )
    return write(store, caller, None, lambda _: result)
