"""Reading the setup records over the API: vendors, locations, location groups, SKU
mappings and the setup log. A vendor user sees its own vendor's; the operator sees all.
Location groups are shared by vendors, so every user reads them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import Location, LocationGroup, SkuMapping, Vendor
from dropship_tui.domain.setup import SetupChange
from dropship_tui.server.deps import Caller, StoreDep, read

router = APIRouter(tags=["setup"])

Code = Annotated[str, Path(max_length=100)]


@router.get("/vendors", response_model=list[Vendor])
def vendors(request: Request, store: StoreDep, caller: Caller) -> Response:
    return read(request, [v for v in store.vendors() if caller.can_see(v.code)])


@router.get("/locations", response_model=list[Location])
def locations(
    request: Request, store: StoreDep, caller: Caller,
    vendor_code: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    if vendor_code is not None and not caller.can_see(vendor_code):
        return read(request, [])  # as empty as a vendor with no locations
    if vendor_code is None and not caller.is_operator:
        vendor_code = caller.vendor_code
    return read(request, store.locations(vendor_code))


@router.get("/location-groups", response_model=list[LocationGroup])
def location_groups(request: Request, store: StoreDep, caller: Caller) -> Response:
    return read(request, store.location_groups())


@router.get("/location-groups/{code}", response_model=LocationGroup)
def location_group(request: Request, store: StoreDep, caller: Caller, code: Code) -> Response:
    return read(request, store.location_group(code))


@router.get("/vendors/{code}/sku-mappings", response_model=list[SkuMapping])
def sku_mappings(request: Request, store: StoreDep, caller: Caller, code: Code) -> Response:
    if not caller.can_see(code):
        raise NotFoundError(f"Vendor {code} is not in the store")
    return read(request, store.sku_mappings(code))


@router.get("/setup-log", response_model=list[SetupChange])
def setup_log(
    request: Request, store: StoreDep, caller: Caller,
    vendor_code: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> Response:
    """Newest first. A vendor user reads its own vendor's entries only."""
    if not caller.is_operator:
        if vendor_code is not None and vendor_code != caller.vendor_code:
            return read(request, [])
        vendor_code = caller.vendor_code
    return read(request, store.setup_log(vendor_code, limit))
