"""EDI over the API: ``POST /edi/inbound`` (X12 text: the raw body, or JSON
``{"text": ...}``) imports 850s with the rules of ``edi import``; ``GET
/orders/{po}/edi`` is the order's EDI log; ``GET /orders/{po}/edi/{855|856|810}`` the
order's latest document of that set (written now, under new control numbers, when none
was written yet).

Vendor-scoped: a vendor admin may import only interchanges whose trading partner is its
own vendor's; an operator any. Another vendor's PO is a 404, as on every route.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dropship_tui.domain.edi import ORDER_SETS, EdiDocument
from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.exports.edi.reader import read_interchanges
from dropship_tui.server.auth import ForbiddenError, Principal
from dropship_tui.server.backend import ServerStore
from dropship_tui.server.deps import Caller, StoreDep, encode, read, visible_po
from dropship_tui.server.routes.orders import PoPath
from dropship_tui.services.edi_import import import_edi
from dropship_tui.services.edi_outbox import latest_document, written_document

router = APIRouter()
MAX_BODY = 50 * 1024 * 1024


def _check_scope(store: ServerStore, caller: Principal, text: str) -> None:
    """403 unless every interchange's partner (or the one vendor) is the caller's."""
    if caller.is_operator:
        return
    result = read_interchanges(text)
    vendors = None
    for ic in [*result.interchanges, *(r.interchange for r in result.refused)]:
        gs03 = ic.groups[0].receiver if ic.groups else ""
        partner = store.partner_for(ic.sender_qualifier, ic.sender, ic.receiver_qualifier, ic.receiver, gs03)
        if partner is not None:
            owner = partner.vendor_code
        else:
            vendors = vendors if vendors is not None else [v.code for v in store.vendors()]
            owner = vendors[0] if len(vendors) == 1 else None
        if owner is not None and owner != caller.vendor_code:
            raise ForbiddenError(f"{ic.name} is for a trading partner that is not {caller.vendor_code}'s; nothing imported")


@router.post("/edi/inbound", tags=["edi"])
async def post_inbound(request: Request, store: StoreDep, caller: Caller) -> Response:
    """Import X12 (raw, or ``{"text": ...}``). The body is read up to ``MAX_BODY`` and
    the parse and the writes run in the thread pool, never on the event loop the API,
    SSH and web sessions share."""
    if not caller.is_operator:
        caller.require_admin("import EDI documents")
    too_big = InvalidInputError(f"body: at most {MAX_BODY:,} bytes of X12")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise too_big
        chunks.append(chunk)
    return await run_in_threadpool(_inbound, request, store, caller, b"".join(chunks))


def _inbound(request: Request, store: ServerStore, caller: Principal, raw: bytes) -> Response:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError("body: X12 text must be UTF-8") from None
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(text)
            text = body["text"]
        except (ValueError, KeyError, TypeError):
            raise InvalidInputError('body: a JSON body must be {"text": "ISA..."}') from None
        if not isinstance(text, str):
            raise InvalidInputError("text: must be the X12 text")
    _check_scope(store, caller, text)
    with store.acting(caller.name):
        report = import_edi(store, text)
    if report.refused and not report.imported and not report.duplicates:
        raise InvalidInputError(report.message, report.refused)
    return Response(encode(report.to_json()), media_type="application/json")


def _log(doc: EdiDocument) -> dict[str, Any]:
    return doc.model_dump(mode="json")


@router.get("/orders/{po}/edi", tags=["edi"])
def get_log(po: PoPath, request: Request, store: StoreDep, caller: Caller) -> Response:
    visible_po(store, caller, po)
    store.get_order(po)
    return read(request, [_log(d) for d in store.edi_documents(po)])


SetId = Annotated[str, Path(pattern="^(855|856|810)$")]


@router.get("/orders/{po}/edi/{set_id}", tags=["edi"])
def get_document(po: PoPath, set_id: SetId, store: StoreDep, caller: Caller) -> Response:
    """The order's latest 855 / 856 / 810 as written. Reading writes nothing: one still
    waiting in the outbox (or never due) is a 404 saying so; ``POST`` writes it now."""
    visible_po(store, caller, po)
    store.get_order(po)
    assert set_id in ORDER_SETS
    text = written_document(store, po, set_id)
    if text is None:
        raise NotFoundError(f"No {set_id} has been written for PO {po} yet; POST to this address writes one now")
    return Response(text, media_type="text/plain; charset=utf-8")


@router.post("/orders/{po}/edi/{set_id}", tags=["edi"])
def write_document(po: PoPath, set_id: SetId, store: StoreDep, caller: Caller) -> Response:
    """Write the order's 855 / 856 / 810 now (the waiting one, under the control numbers
    its delivery keeps, else one on demand): a vendor user's write."""
    visible_po(store, caller, po)
    caller.require_write("write EDI documents")
    store.get_order(po)
    with store.acting(caller.name):
        text = latest_document(store, po, set_id)
    return Response(text, media_type="text/plain; charset=utf-8")
