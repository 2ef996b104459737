"""``RemoteStore``: the ``Store`` protocol over HTTP (``dropship-tui --api URL``).

Every screen and command works unchanged against it; the rules run on the server
(``server/``), which answers refusals with the same messages the local store gives.

Made for slow, unreliable links:

- bounded timeouts (connect 5 s, read 15 s) and at most 3 tries with exponential backoff
  and jitter, only for connection errors, timeouts and 502/503/504; then
  ``UnreachableError`` ("Cannot reach https://host: connection refused; your changes are
  kept — press r to retry");
- every write carries an ``Idempotency-Key`` (a uuid4 per call = per user action, the
  same on each retry), so a retry after a lost response is never applied twice; and the
  version the caller read, so a stale write comes back as ``ConflictError``;
- lists are paged, responses gzip-compressed, and GETs revalidated with ``If-None-Match``
  against a small cache of ETag -> body, so an unchanged refresh carries a 304 only.

The API token lives in the system keyring (``save_token`` / ``load_token``), never in a
file, a log line or an error message. TLS certificates are verified; plain ``http://`` is
accepted only for a loopback address.
"""

from __future__ import annotations

import ipaddress
import json
import random
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from pydantic import TypeAdapter
from pydantic_core import to_jsonable_python

from dropship_tui.domain import sla
from dropship_tui.domain.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    WorkflowError,
)
from dropship_tui.domain.models import (
    ActivityEntry,
    Location,
    LocationGroup,
    Order,
    OrderSummary,
    Reason,
    ShipTo,
    SkuMapping,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
    Vendor,
)
from dropship_tui.store.base import BatchResult, Clock, OrderQuery, StageCounts, utc_now

KEYRING_SERVICE = "dropship-tui"
MAX_PO = 2**31 - 1
PAGE_MAX = 500
BATCH_MAX = 5000
RETRY_STATUSES = frozenset({502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)


class UnreachableError(DomainError):
    """The server could not be reached after the bounded retries; nothing local is lost."""

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

_SUMMARIES = TypeAdapter(list[OrderSummary])
_ACTIVITY = TypeAdapter(list[ActivityEntry])


# --- URLs and the keyring ---------------------------------------------------------------


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


def save_token(url: str, token: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, normalize_url(url), token)


def load_token(url: str) -> str | None:
    import keyring

    return keyring.get_password(KEYRING_SERVICE, normalize_url(url))


def forget_token(url: str) -> bool:
    import keyring
    from keyring.errors import PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, normalize_url(url))
    except PasswordDeleteError:
        return False
    return True


# --- the store --------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return to_jsonable_python(value)


def _int_keys(mapping: Mapping[int, Any]) -> dict[str, Any]:
    return {str(int(k)): _json(v) for k, v in mapping.items()}


def _query_params(query: OrderQuery) -> dict[str, str]:
    params = {"sort": query.sort.value, "descending": "true" if query.descending else "false"}
    if query.stage is not None:
        params["stage"] = query.stage.value
    if query.sla is not None:
        params["sla"] = query.sla.value
    if query.search:
        params["search"] = query.search
    if query.vendor_code is not None:
        params["vendor_code"] = query.vendor_code
    return params


def _describe(exc: Exception) -> str:
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


class RemoteStore:
    """The ``Store`` protocol against ``dropship-tui serve``. ``RemoteStore.open(url)``
    takes the token from the keyring."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        clock: Clock = utc_now,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        tries: int = 3,
        backoff: float = 0.25,
        transport: httpx.BaseTransport | None = None,
        cache_size: int = 256,
    ) -> None:
        self.url = normalize_url(url)
        self.clock = clock
        self.tries = max(1, tries)
        self.backoff = backoff
        self._cache: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._policies: dict[str, SlaPolicy] = {}
        self._client = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
            timeout=timeout,
            transport=transport,
            verify=True,
            follow_redirects=False,
        )
        try:
            me = self._get_json("/me")
        except BaseException:
            self._client.close()
            raise
        self.user: str = me["name"]
        self.role: str = me["role"]
        self.vendor_code: str | None = me["vendor_code"]
        self.thresholds = SlaThresholds(at_risk=Decimal(me["at_risk"]), overdue=Decimal(me["overdue"]))

    @classmethod
    def open(cls, url: str, **kwargs: Any) -> RemoteStore:
        token = load_token(url)
        if not token:
            raise NotAuthorizedError(
                f"Not logged in to {normalize_url(url)}; run 'dropship-tui login {normalize_url(url)}'"
            )
        return cls(url, token, **kwargs)

    def __repr__(self) -> str:  # never the token
        return f"RemoteStore({self.url!r}, user={getattr(self, 'user', '?')!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport --------------------------------------------------------------------

    def _request(
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
            cache_key = str(self._client.build_request("GET", path, params=params).url)
            with self._cache_lock:
                cached = self._cache.get(cache_key)
            if cached is not None:
                headers["If-None-Match"] = cached[0]
        if key is not None:
            headers["Idempotency-Key"] = key
        reason = "no answer"
        response = None
        for attempt in range(self.tries):
            if attempt:
                time.sleep(self.backoff * (2 ** (attempt - 1)) * (0.5 + random.random()))
            try:
                response = self._client.request(
                    method, path, params=params, json=body, headers=headers
                )
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                reason, response = _describe(exc), None
                continue
            if response.status_code in RETRY_STATUSES:
                reason = f"the server answered {response.status_code}"
                response = None
                continue
            break
        if response is None:
            raise UnreachableError(
                f"Cannot reach {origin(self.url)}: {reason}; your changes are kept — "
                "press r to retry"
            )
        if response.status_code == 304 and cache_key is not None and cached is not None:
            with self._cache_lock:
                self._cache.move_to_end(cache_key)
            return cached[1]
        if response.status_code >= 400:
            raise self._error(response)
        content = response.content
        etag = response.headers.get("etag")
        if cache_key is not None and etag:
            with self._cache_lock:
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

    def _get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return json.loads(self._request("GET", path, params=params))

    def _write_order(self, path: str, body: dict[str, Any]) -> Order:
        content = self._request("POST", path, body=body, key=str(uuid.uuid4()))
        return Order.model_validate_json(content)

    @staticmethod
    def _po_path(po_number: int, suffix: str = "") -> str:
        try:
            po = int(po_number)
        except (TypeError, ValueError):
            po = -1
        if not 1 <= po <= MAX_PO:
            raise NotFoundError(f"PO {po_number} is not in the store")
        return f"/orders/{po}{suffix}"

    # --- reads ------------------------------------------------------------------------

    def counts(self, vendor_code: str | None = None) -> StageCounts:
        params = {"vendor_code": vendor_code} if vendor_code is not None else None
        return StageCounts.model_validate_json(self._request("GET", "/counts", params=params))

    def count_orders(self, query: OrderQuery) -> int:
        return int(self._get_json("/orders/count", _query_params(query))["count"])

    def list_orders(
        self, query: OrderQuery, *, offset: int = 0, limit: int = 50
    ) -> list[OrderSummary]:
        offset, limit = max(0, offset), max(0, limit)
        rows: list[OrderSummary] = []
        params = _query_params(query)
        while limit > 0:
            page = min(limit, PAGE_MAX)
            got = _SUMMARIES.validate_json(
                self._request(
                    "GET", "/orders",
                    params={**params, "offset": str(offset), "limit": str(page)},
                )
            )
            rows.extend(got)
            if len(got) < page:
                break
            offset, limit = offset + page, limit - page
        return rows

    def get_order(self, po_number: int) -> Order:
        return Order.model_validate_json(self._request("GET", self._po_path(po_number)))

    def activity(self, po_number: int) -> list[ActivityEntry]:
        return _ACTIVITY.validate_json(self._request("GET", self._po_path(po_number, "/activity")))

    def vendor(self, code: str) -> Vendor:
        return Vendor.model_validate_json(self._request("GET", f"/vendors/{quote(code, safe='')}"))

    def location(self, code: str) -> Location:
        return Location.model_validate_json(
            self._request("GET", f"/locations/{quote(code, safe='')}")
        )

    def policy_for_location(self, location_code: str) -> SlaPolicy:
        cached = self._policies.get(location_code)
        if cached is None:
            cached = SlaPolicy.model_validate_json(
                self._request("GET", f"/locations/{quote(location_code, safe='')}/sla-policy")
            )
            self._policies[location_code] = cached
        return cached

    def sla_policy_for(self, order: Order) -> SlaPolicy:
        return self.policy_for_location(order.location_code)

    def sla_status(self, order: Order) -> SlaStatus:
        return sla.sla_status(order, self.sla_policy_for(order), self.clock(), self.thresholds)

    def stock(self, vendor_sku: str, location_code: str) -> int | None:
        data = self._get_json(
            "/stock", {"vendor_sku": vendor_sku, "location_code": location_code}
        )
        return data["on_hand"]

    def stock_for(self, order: Order) -> dict[str, int]:
        """Stock on hand of the order's vendor SKUs at its location (known ones only), in
        one round trip."""
        data = self._get_json(self._po_path(order.po_number, "/stock"))
        return {str(k): int(v) for k, v in data.items()}

    # --- writes -----------------------------------------------------------------------

    def acknowledge(
        self,
        po_number: int,
        version: int | None,
        validated: Mapping[int, int],
        reasons: Mapping[int, Reason],
        reason_all: Reason | None = None,
    ) -> Order:
        return self._write_order(
            self._po_path(po_number, "/acknowledge"),
            {
                "version": version,
                "validated": _int_keys(validated),
                "reasons": _int_keys(reasons),
                "reason_all": _json(reason_all),
            },
        )

    def acknowledge_all(self, po_numbers: Sequence[int]) -> BatchResult:
        result = BatchResult()
        pos = list(po_numbers)
        for start in range(0, len(pos), BATCH_MAX):
            chunk = pos[start : start + BATCH_MAX]
            valid = [po for po in chunk if isinstance(po, int) and 1 <= po <= MAX_PO]
            for po in chunk:
                if po not in valid:
                    result.failed[po] = f"PO {po} is not in the store"
            if not valid:
                continue
            got = BatchResult.model_validate_json(
                self._request(
                    "POST", "/orders/acknowledge-all", body={"po_numbers": valid},
                    key=str(uuid.uuid4()),
                )
            )
            result.succeeded.extend(got.succeeded)
            result.failed.update(got.failed)
        return result

    def cancel(self, po_number: int, version: int | None, reason: Reason) -> Order:
        return self._write_order(
            self._po_path(po_number, "/cancel"), {"version": version, "reason": _json(reason)}
        )

    def save_slips(
        self, po_number: int, version: int | None, plan: Sequence[Mapping[int, int]]
    ) -> Order:
        return self._write_order(
            self._po_path(po_number, "/slips"),
            {"version": version, "plan": [_int_keys(slip) for slip in plan]},
        )

    def save_tracking(
        self,
        po_number: int,
        version: int | None,
        slip_number: int,
        tracking_number: str,
        carrier: str | None = None,
    ) -> Order:
        return self._write_order(
            self._po_path(po_number, "/tracking"),
            {
                "version": version,
                "slip_number": slip_number,
                "tracking_number": tracking_number,
                "carrier": carrier,
            },
        )

    def generate_invoice(self, po_number: int, version: int | None) -> Order:
        return self._write_order(self._po_path(po_number, "/invoice"), {"version": version})

    def complete(self, po_number: int, version: int | None) -> Order:
        return self._write_order(self._po_path(po_number, "/complete"), {"version": version})

    def correct_address(self, po_number: int, version: int | None, ship_to: ShipTo) -> Order:
        return self._write_order(
            self._po_path(po_number, "/address"), {"version": version, "ship_to": _json(ship_to)}
        )

    # --- setup and import -------------------------------------------------------------

    def _put(self, path: str, body: Any) -> bytes:
        content = self._request("PUT", path, body=body, key=str(uuid.uuid4()))
        self._policies.clear()
        return content

    def add_vendor(self, vendor: Vendor) -> None:
        self._put("/vendors", _json(vendor))

    def add_location_group(self, group: LocationGroup) -> None:
        self._put("/location-groups", _json(group))

    def add_location(self, location: Location) -> None:
        self._put("/locations", _json(location))

    def add_sku_mappings(self, mappings: Sequence[SkuMapping]) -> None:
        self._put("/sku-mappings", _json(list(mappings)))

    def import_orders(self, orders: Sequence[Order]) -> int:
        content = self._request(
            "POST", "/orders/import", body=_json(list(orders)), key=str(uuid.uuid4())
        )
        return int(json.loads(content)["imported"])
