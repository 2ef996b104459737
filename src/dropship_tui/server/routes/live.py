"""Following the store while others write to it: ``GET /changes`` (the live dashboard's
poll, answered 304 by its ETag while nothing changed) and ``GET /packages/exceptions``
(R16's "3 exceptions") and ``GET /tracking/{number}``. A vendor user is named only its own vendor's orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from dropship_tui.domain.errors import NotFoundError
from dropship_tui.server.deps import Caller, StoreDep, read
from dropship_tui.store.base import StoreChanges

router = APIRouter(tags=["orders"])


@router.get("/changes", response_model=StoreChanges)
def changes(
    request: Request, store: StoreDep, caller: Caller,
    since: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> Response:
    vendor = None if caller.is_operator else caller.vendor_code
    return read(request, store.changes_since(since, vendor_code=vendor))


@router.get("/packages/exceptions", response_model=list[int])
def package_exceptions(request: Request, store: StoreDep, caller: Caller) -> Response:
    vendor = None if caller.is_operator else caller.vendor_code
    return read(request, store.package_exceptions(vendor))


class SlipAt(BaseModel):
    po_number: int
    slip_number: int


@router.get("/tracking/{number}", response_model=SlipAt)
def find_tracking(
    request: Request, store: StoreDep, caller: Caller, number: Annotated[str, Path(max_length=200)],
) -> Response:
    """The slip holding a tracking number (R16's carrier events file names packages by it)."""
    vendor = None if caller.is_operator else caller.vendor_code
    found = store.find_tracking(number, vendor_code=vendor)
    if found is None:
        raise NotFoundError(f"No slip has tracking number {number}")
    return read(request, SlipAt(po_number=found[0], slip_number=found[1]))
