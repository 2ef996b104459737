"""What every route shares: the store and the caller, JSON bodies with weak ETags (304 for
an unchanged GET), and running a write under its idempotency key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic_core import to_json

from dropship_tui.domain.errors import InvalidInputError, NotFoundError
from dropship_tui.server.auth import Principal, authenticate, bearer
from dropship_tui.server.backend import KeyedWrite, Replay, ServerStore

JSON = "application/json"
MAX_KEY = 200


def get_store(request: Request) -> ServerStore:
    return request.app.state.store


_BEARER = HTTPBearer(auto_error=False, description="The API token from 'dropship-tui users add'")


def get_principal(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)] = None,
) -> Principal:
    store: ServerStore = request.app.state.store
    token = bearer(request.headers.get("authorization"))
    with store.reading() as conn:
        return authenticate(conn, token)


StoreDep = Annotated[ServerStore, Depends(get_store)]
Caller = Annotated[Principal, Depends(get_principal)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=MAX_KEY,
        description="A uuid4 per user action, reused on retries: the write is applied once.",
    ),
]


def etag_of(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def encode(payload: Any) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return to_json(payload)


def read(request: Request, payload: Any) -> Response:
    """A GET answer with a weak ETag from a hash of the body; 304 when it matches."""
    body = encode(payload)
    etag = etag_of(body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=JSON, headers=headers)


def fingerprint(request: Request, body: Any) -> str:
    """The request an idempotency key is bound to: method, path and the parsed body."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(encode(body))
    return digest.hexdigest()[:32]


def write(
    store: ServerStore,
    caller: Principal,
    key: str | None,
    action: Callable[[KeyedWrite | None], Any],
    request_fingerprint: str = "",
) -> Response:
    """Run ``action`` as the caller, under its idempotency key when given. The action
    returns what to answer; a replay answers the stored response. The key is stored
    with the request's fingerprint, so only the very same request is ever replayed: a key
    reused (by mistake) for another action does that action, it never gets the first
    action's answer."""
    if key is not None and not key.strip():
        raise InvalidInputError("Idempotency-Key must not be blank")
    keyed = KeyedWrite(caller.name, f"{request_fingerprint}:{key.strip()}") if key else None
    try:
        with store.acting(caller.name, keyed):
            result = action(keyed)
    except Replay as replay:
        return Response(
            replay.body, status_code=replay.status, media_type=JSON,
            headers={"Idempotent-Replayed": "true"},
        )
    body = keyed.body if keyed is not None and keyed.body is not None else encode(result)
    return Response(body, media_type=JSON)


def not_found_po(po_number: int) -> NotFoundError:
    # The very message the SQLite store gives for a PO it does not have.
    return NotFoundError(f"PO {po_number} is not in the store")


def visible_po(store: ServerStore, caller: Principal, po_number: int) -> None:
    """404 (the same as a missing PO) for another vendor's PO."""
    if not caller.can_see(store.vendor_of(po_number)):
        raise not_found_po(po_number)
