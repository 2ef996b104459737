"""The HTTP side of ``RemoteStore``: which URLs may carry a token, the errors a server's
answer becomes, and ``Http``, the client made for slow, unreliable links:

- bounded timeouts (connect 5 s, read 15 s) and at most 3 tries with exponential backoff
  and jitter, only for connection errors, timeouts and 502/503/504; then
  ``UnreachableError`` ("Cannot reach https://host: connection refused") when nothing
  reached the server, ``UnknownOutcomeError`` when a write was sent and no answer came
  (it may have been applied: every try carried the same Idempotency-Key, so at most once);
- gzip-compressed responses, and GETs revalidated with ``If-None-Match`` against a small
  cache of ETag -> body, so an unchanged refresh carries a 304 only.

TLS certificates are verified; plain ``http://`` is accepted only for a loopback address.
"""

from __future__ import annotations

import ipaddress
import random
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from dropship_tui.domain.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    UnknownOutcomeError,
    WorkflowError,
)

RETRY_STATUSES = frozenset({502, 503, 504})
_PO_PATH = re.compile(r"^/orders/(\d+)(?:/|$)")
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class UnreachableError(DomainError):
    """The server could not be reached after the bounded retries: nothing was sent (or
    only a read); nothing local is lost."""

    code = "unreachable"


class NotAuthorizedError(DomainError):
    """The server refused the token (missing, unknown or revoked): log in again."""

    code = "unauthorized"


class ForbiddenError(DomainError):
    """The user's role may not do this (staff cancelling, an operator writing)."""

    code = "forbidden"


ERRORS: dict[str, type[DomainError]] = {
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "refused": WorkflowError,
    "invalid": InvalidInputError,
    "unauthorized": NotAuthorizedError,
    "forbidden": ForbiddenError,
}


def normalize_url(url: str) -> str:
    """``scheme://host[:port][/path]`` without a trailing slash; refuses what would send a
    token in clear over the network."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInputError(f"Not an API URL: {url!r} (expected https://host[:port])")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidInputError("The API URL must not carry credentials, a query or a fragment")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise InvalidInputError(
            f"Refusing plain http:// to {parts.hostname}: use https:// (http only for localhost)"
        )
    try:
        port = parts.port
    except ValueError:
        raise InvalidInputError(f"Not an API URL: {url!r} (bad port)") from None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{port}" if port else "")
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if isinstance(exc, httpx.ConnectError):
        if "name" in text or "resolve" in text or "getaddrinfo" in text:
            return "host not found"
        if "certificate" in text or "ssl" in text:
            return "the server's TLS certificate was not accepted"
        return "cannot connect"
    return "connection lost"


class Http:
    """One server's HTTP client: the token on every request, the bounded retries, the
    ETag cache (guarded by the store's ``lock``)."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        lock: threading.RLock,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        tries: int = 3,
        backoff: float = 0.25,
        transport: httpx.BaseTransport | None = None,
        cache_size: int = 256,
    ) -> None:
        self.url = url
        self.tries = max(1, tries)
        self.backoff = backoff
        self._lock = lock
        self._cache: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._cache_size = cache_size
        self.client = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
            timeout=timeout,
            transport=transport,
            verify=True,
            follow_redirects=False,
        )

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        key: str | None = None,
    ) -> bytes:
        cache_key = None
        cached: tuple[str, bytes] | None = None
        headers: dict[str, str] = {}
        if method == "GET":
            cache_key = str(self.client.build_request("GET", path, params=params).url)
            with self._lock:
                cached = self._cache.get(cache_key)
            if cached is not None:
                headers["If-None-Match"] = cached[0]
        if key is not None:
            headers["Idempotency-Key"] = key
        reason = "no answer"
        response = None
        maybe_sent = False
        for attempt in range(self.tries):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random()))
            try:
                response = self.client.request(
                    method, path, params=params, json=body, headers=headers
                )
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                reason, response = describe(exc), None
                # a connection never made sent nothing; anything later may have arrived
                maybe_sent |= not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                continue
            if response.status_code in RETRY_STATUSES:
                reason = f"the server answered {response.status_code}"
                response = None
                maybe_sent = True
                continue
            break
        if response is None:
            if maybe_sent and method != "GET":
                found = _PO_PATH.match(path)
                raise UnknownOutcomeError(
                    f"No answer from {origin(self.url)} ({reason}): the change may or may not "
                    f"have been applied (each of the {self.tries} tries carried the same "
                    "Idempotency-Key, so it was applied at most once)",
                    int(found.group(1)) if found else None,
                )
            raise UnreachableError(f"Cannot reach {origin(self.url)}: {reason}")
        if response.status_code == 304 and cache_key is not None and cached is not None:
            with self._lock:
                self._cache.move_to_end(cache_key)
            return cached[1]
        if response.status_code >= 400:
            raise self._error(response)
        content = response.content
        etag = response.headers.get("etag")
        if cache_key is not None and etag:
            with self._lock:
                self._cache[cache_key] = (etag, content)
                self._cache.move_to_end(cache_key)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return content

    def _error(self, response: httpx.Response) -> DomainError:
        try:
            data = response.json()
            code, message = str(data["error"]), str(data["message"])
            problems = data.get("problems")
        except Exception:
            return DomainError(f"The server answered {response.status_code} {response.reason_phrase}")
        cls = ERRORS.get(code)
        if cls is None:
            return DomainError(f"The server failed ({response.status_code}): {message}")
        return cls(message, problems if isinstance(problems, list) else None)
