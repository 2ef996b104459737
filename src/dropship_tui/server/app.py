"""The HTTP API: ``create_app(db_path or store_factory)`` builds the FastAPI app that serves
one SQLite store to many vendors and users (``dropship-tui serve``).

- JSON in and out, validated by the domain's own pydantic models; OpenAPI at
  ``/openapi.json``.
- Every error is ``{"error": code, "message": text}``: 401 no/revoked token, 403 the role
  may not, 404 what the caller may not see (another vendor's PO is answered exactly like
  a missing one), 409 a refused workflow action or a stale version, 422 malformed input.
  Bad input never gets a 500.
- Responses are gzip-compressed; every GET carries a weak ETag and answers 304 to a
  matching ``If-None-Match``.
- Stateless: ``serve --workers N`` runs N processes of this app (``worker_app``), and
  several servers may serve one store; what a request needs lives in the store
  (``backend``), so any of them answers any request alike.
"""

from __future__ import annotations

import logging
import sqlite3
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from dropship_tui import __version__
from dropship_tui.domain.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    WorkflowError,
)
from dropship_tui.domain.models import PO_MAX
from dropship_tui.exports.import_format import path_of, plain_message
from dropship_tui.store.base import Clock, StoreBusyError, utc_now
from dropship_tui.server.routes import orders as routes_orders
from dropship_tui.server.routes import platform as routes_platform
from dropship_tui.server.routes import setup as routes_setup
from dropship_tui.server.routes import edi as routes_edi
from dropship_tui.server.routes import catalog as routes_catalog
from dropship_tui.server.routes import reports as routes_reports
from dropship_tui.server.routes import live as routes_live
from dropship_tui.server.auth import ForbiddenError, UnauthorizedError
from dropship_tui.server.backend import ServerStore, open_server_store

log = logging.getLogger("dropship_tui.server")

GZIP_MIN_SIZE = 200
WORKER_STORE_ENV = "DROPSHIP_TUI_SERVE_STORE"
"""The store a ``serve --workers N`` worker serves: set by ``serve`` for the processes
uvicorn starts (they import the app by name, so it cannot be handed over in memory)."""


class ErrorBody(BaseModel):
    """Every error: a stable code for machines and a message for the person."""

    error: str
    message: str
    problems: list[str] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No token, or an unknown or revoked one"},
    403: {"model": ErrorBody, "description": "The user's role may not do this"},
    404: {"model": ErrorBody, "description": "Not found, or not the caller's to see"},
    409: {"model": ErrorBody, "description": "Refused by a workflow rule, or a stale version"},
    422: {"model": ErrorBody, "description": "Malformed input"},
}


def status_of(exc: DomainError) -> int:
    if isinstance(exc, UnauthorizedError):
        return 401
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, (ConflictError, WorkflowError)):
        return 409
    if isinstance(exc, InvalidInputError):
        return 422
    if isinstance(exc, StoreBusyError):
        return 503  # nothing was written; the client retries 503s by itself
    return 400


def error_body(code: str, message: str, problems: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code, "message": message}
    if problems and problems != [message]:
        body["problems"] = problems
    return body


_LIST_BODIES = {"/orders/import": "orders", "/sku-mappings": "sku_mappings"}
"""The name a list body's items are reported under: ``orders[0].lines[0].quantity_ordered``."""
_PLACES = ("body", "query", "path", "header")


def _validation_message(exc: RequestValidationError, route: str = "") -> tuple[str, list[str]]:
    """Each problem named by its field's path, in the words the JSON file import uses
    (``import_format.plain_message``): the API and the file refuse alike."""
    problems = []
    for err in exc.errors()[:10]:
        loc = list(err.get("loc", ()))
        if loc and loc[0] in _PLACES:
            loc = loc[1:]
        if err.get("type") == "json_invalid":
            reason = (err.get("ctx") or {}).get("error", "")
            problems.append(f"not valid JSON at character {loc[0] if loc else 0}: {reason}".rstrip(": "))
            continue
        if loc and isinstance(loc[0], int) and route in _LIST_BODIES:
            loc.insert(0, _LIST_BODIES[route])
        where = path_of(loc) if loc else ""
        if where in ("po_number", "shipmentNumber") and err.get("type") in (
            "greater_than_equal", "less_than_equal", "int_parsing", "int_from_float",
        ):
            problems.append(f"{where} must be a positive 32-bit integer (1 to {PO_MAX})")
            continue
        msg = plain_message(err)
        problems.append(f"{where}: {msg}" if where else msg)
    return "; ".join(problems) or "Malformed request", problems


def worker_app() -> FastAPI:
    """The app of one ``serve --workers N`` process (uvicorn calls this in each worker:
    ``factory=True``): the store ``$DROPSHIP_TUI_SERVE_STORE``, closed when the worker
    stops."""
    return create_app(os.environ[WORKER_STORE_ENV], close_on_shutdown=True)


def create_app(
    store: str | os.PathLike[str] | Callable[[], ServerStore],
    clock: Clock | None = None,
    *,
    close_on_shutdown: bool = False,
) -> FastAPI:
    """``store`` is the store to serve (a SQLite file or a ``postgresql://`` address) or
    a factory returning a ``ServerStore``.
    The store (``app.state.store``) is open from here on; whoever created the app closes
    it (``app.state.store.close()``) once the server has stopped, or the app itself at
    its shutdown with ``close_on_shutdown`` (a worker process, which nobody else sees)."""
    if callable(store):
        backend = store()
    else:
        backend = open_server_store(store, user="server", clock=clock or utc_now)
    backend.prune_idempotency()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if close_on_shutdown:
            app.state.store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="dropship-tui API",
        version=__version__,
        description="Remote mode of dropship-tui: the Store protocol over HTTP, plus the "
        "platform's dropship endpoints. Authenticate with 'Authorization: Bearer TOKEN'.",
    )
    app.state.store = backend
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_SIZE)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, UnauthorizedError) else None
        if isinstance(exc, StoreBusyError):
            log.warning("store busy on %s %s", request.method, request.url.path)
            headers = {"Retry-After": "1"}
        return JSONResponse(
            error_body(exc.code, exc.message, exc.problems), status_code=status_of(exc),
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, problems = _validation_message(exc, request.url.path)
        return JSONResponse(error_body("invalid", message, problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(
            exc.status_code, "error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(sqlite3.OperationalError)
    async def busy(request: Request, exc: sqlite3.OperationalError) -> JSONResponse:
        # The file stayed locked by another process past the busy timeout: nothing was
        # written (the transaction rolled back); the client retries 503s by itself.
        log.warning("store busy on %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(
            error_body("busy", "The store is busy; try again"), status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("internal", "Internal server error"), status_code=500)

    for module in (routes_orders, routes_setup, routes_catalog, routes_reports, routes_platform, routes_edi, routes_live):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    return app
