"""Reports over the API: ``GET /reports/scorecard`` (``domain.scorecard``). A vendor user
gets its own vendor's scorecard; the operator every vendor's, side by side, or one with
``vendor_code``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.scorecard import Scorecard, period
from dropship_tui.server.deps import Caller, StoreDep, read

router = APIRouter(tags=["reports"])

@router.get("/reports/scorecard", response_model=list[Scorecard])
def scorecard(
    request: Request, store: StoreDep, caller: Caller,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    vendor_code: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    if not caller.is_operator:
        if vendor_code is not None and vendor_code != caller.vendor_code:
            raise NotFoundError(f"Vendor {vendor_code} is not in the store")
        vendor_code = caller.vendor_code
    start, end = period(start, end, store.clock())
    return read(request, store.scorecards(start, end, vendor_code))
