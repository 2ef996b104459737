"""``RemoteStore``: the ``Store`` protocol over HTTP (``dropship-tui --api URL``).

Every screen and command works unchanged against it; the rules run on the server
(``server/``), which answers refusals with the same messages the local store gives. What
the server has no route for (stock levels and import, SLA thresholds, the setup
listings) raises ``NotAvailableRemotely``: it works where the store file is.

Every write carries an ``Idempotency-Key`` (a uuid4 per call = per user action, the same
on each retry), so a retry after a lost response is never applied twice; and the version
the caller read, so a stale write comes back as ``ConflictError``. Lists are paged; the
transport (retries, ETag revalidation) is ``http.Http``.

The API token comes from ``tokens.load_token`` (the environment, the keyring, or a file
readable by its owner only); it is never put in a log line or an error message.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NoReturn
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter
from pydantic_core import to_jsonable_python

from dropship_tui.domain import order_csv, sla
from dropship_tui.domain.actions import Action
from dropship_tui.domain.edi import EdiDocument
from dropship_tui.domain.errors import NotFoundError
from dropship_tui.domain.models import (
    ActivityEntry,
    Retailer,
    Location,
    LocationGroup,
    Order,
    OrderSummary,
    SkuMapping,
    SlaPolicy,
    SlaStatus,
    SlaThresholds,
    Stage,
    Vendor,
    po_number_or_none,
)
from dropship_tui.domain.scorecard import Scorecard
from dropship_tui.domain.setup import SetupChange
from dropship_tui.store.actions import NamedActions
from dropship_tui.store.base import (
    BatchResult,
    Clock,
    NotAvailableRemotely,
    OrderQuery,
    SortKey,
    StageCounts,
    StockImportResult,
    StockLevel,
    StockRowLike,
    StoreChanges,
    utc_now,
)
from dropship_tui.store.remote.http import DEFAULT_TIMEOUT, Http, NotAuthorizedError, normalize_url
from dropship_tui.store.remote.tokens import load_token

PAGE_MAX = 500
BATCH_MAX = 5000

_SUMMARIES = TypeAdapter(list[OrderSummary])
_ACTIVITY = TypeAdapter(list[ActivityEntry])
_EDI_LOG = TypeAdapter(list[EdiDocument])
_VENDORS = TypeAdapter(list[Vendor])
_LOCATIONS = TypeAdapter(list[Location])
_GROUPS = TypeAdapter(list[LocationGroup])
_MAPPINGS = TypeAdapter(list[SkuMapping])
_SETUP_LOG = TypeAdapter(list[SetupChange])
_SCORECARDS = TypeAdapter(list[Scorecard])


# --- the keyring ------------------------------------------------------------------------


# --- the store --------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return to_jsonable_python(value)


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
    if query.location_code is not None:
        params["location_code"] = query.location_code
    if query.package_exception:
        params["package_exception"] = "true"
    return params


def _local_only(what: str) -> NoReturn:
    raise NotAvailableRemotely(
        f"{what} works on a local store only; run it where the store file is, with --db PATH"
    )


class RemoteStore(NamedActions):
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
        self.lock = threading.RLock()
        self._http = Http(
            self.url, token, lock=self.lock, timeout=timeout, tries=tries, backoff=backoff,
            transport=transport, cache_size=cache_size,
        )
        self._policies: dict[str, SlaPolicy] = {}
        try:
            me = self._get_json("/me")
        except BaseException:
            self._http.close()
            raise
        self.user: str = me["name"]
        self.role: str = me["role"]
        self.vendor_code: str | None = me["vendor_code"]
        self.thresholds = SlaThresholds(at_risk=Decimal(me["at_risk"]), overdue=Decimal(me["overdue"]))
        self._retailer = Retailer.model_validate(me["retailer"]) if me.get("retailer") else None

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
        self._http.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _client(self) -> httpx.Client:
        """The httpx client (tests hook its events)."""
        return self._http.client

    def _get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return json.loads(self._http.request("GET", path, params=params))

    def _write_order(self, path: str, body: dict[str, Any]) -> Order:
        content = self._http.request("POST", path, body=body, key=str(uuid.uuid4()))
        return Order.model_validate_json(content)

    @staticmethod
    @staticmethod
    def _po_path(po_number: int, suffix: str = "") -> str:
        po = po_number_or_none(po_number)
        if po is None:
            raise NotFoundError(f"PO {po_number} is not in the store")
        return f"/orders/{po}{suffix}"

    # --- reads ------------------------------------------------------------------------

    def counts(self, vendor_code: str | None = None) -> StageCounts:
        params = {"vendor_code": vendor_code} if vendor_code is not None else None
        return StageCounts.model_validate_json(self._http.request("GET", "/counts", params=params))

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
                self._http.request(
                    "GET", "/orders",
                    params={**params, "offset": str(offset), "limit": str(page)},
                )
            )
            rows.extend(got)
            if len(got) < page:
                break
            offset, limit = offset + page, limit - page
        return rows

    def order_rows(self, query: OrderQuery, limit: int | None = None) -> Iterator[order_csv.Row]:
        """Page by page over ``GET /orders`` (the server's pages are the rows)."""
        return (order_csv.row(r) for r in self._summaries(query, limit))

    def _summaries(self, query: OrderQuery, limit: int | None = None) -> Iterator[OrderSummary]:
        offset, left = 0, limit or None
        while left is None or left > 0:
            page = self.list_orders(query, offset=offset, limit=min(PAGE_MAX, left or PAGE_MAX))
            yield from page
            if len(page) < min(PAGE_MAX, left or PAGE_MAX):
                return
            offset += len(page)
            left = None if left is None else left - len(page)

    def sla_report_rows(self, vendor_code: str | None = None) -> Iterator[tuple]:
        """The list's at-risk and overdue open orders, each read for its SLA marks."""
        for status in (SlaStatus.OVERDUE, SlaStatus.AT_RISK):
            for stage in (Stage.NEW, Stage.IN_PROGRESS):
                for summary in self._summaries(OrderQuery(stage=stage, sla=status, vendor_code=vendor_code)):
                    order = self.get_order(summary.po_number)
                    policy = self.policy_for_location(order.location_code)
                    yield order_csv.sla_row(order, status, sla.sla_marks(order, policy, self.thresholds))

    def canceled_item_rows(self, start: datetime, end: datetime, vendor_code: str | None = None) -> Iterator[tuple]:
        """The orders by date, each in the period read for its canceled items."""
        for summary in self._summaries(OrderQuery(vendor_code=vendor_code, sort=SortKey.ORDER_DATE)):
            if start <= summary.order_date < end:
                yield from order_csv.canceled_rows(self.get_order(summary.po_number))

    def get_order(self, po_number: int) -> Order:
        return Order.model_validate_json(self._http.request("GET", self._po_path(po_number)))

    def activity(self, po_number: int) -> list[ActivityEntry]:
        return _ACTIVITY.validate_json(self._http.request("GET", self._po_path(po_number, "/activity")))

    def changes_since(self, token: int | None) -> StoreChanges:
        """The poll is a GET revalidated by its ETag: a 304 while nothing changed."""
        params = {"since": str(token)} if token is not None else None
        return StoreChanges.model_validate_json(self._http.request("GET", "/changes", params=params))

    def package_exceptions(self, vendor_code: str | None = None) -> list[int]:
        pos = [int(po) for po in self._get_json("/packages/exceptions")]
        return pos if vendor_code is None else [po for po in pos if self.get_order(po).vendor_code == vendor_code]

    def find_tracking(self, number: str) -> tuple[int, int] | None:
        try:
            found = self._get_json("/tracking/" + quote(number, safe=""))
        except NotFoundError:
            return None
        return int(found["po_number"]), int(found["slip_number"])

    def edi_documents(self, po_number: int) -> list[EdiDocument]:
        """The order's EDI log (``GET /orders/{po}/edi``)."""
        return _EDI_LOG.validate_json(self._http.request("GET", self._po_path(po_number, "/edi")))

    def post_edi(self, text: str) -> dict[str, Any]:
        """Import X12 on the server (``POST /edi/inbound``): its import report."""
        return json.loads(self._http.request("POST", "/edi/inbound", body={"text": text}))

    def vendor(self, code: str) -> Vendor:
        return Vendor.model_validate_json(self._http.request("GET", f"/vendors/{quote(code, safe='')}"))

    def vendors(self) -> list[Vendor]:
        return _VENDORS.validate_json(self._http.request("GET", "/vendors"))

    def location(self, code: str) -> Location:
        return Location.model_validate_json(
            self._http.request("GET", f"/locations/{quote(code, safe='')}")
        )

    def locations(self, vendor_code: str | None = None) -> list[Location]:
        params = {"vendor_code": vendor_code} if vendor_code is not None else None
        return _LOCATIONS.validate_json(self._http.request("GET", "/locations", params=params))

    def location_group(self, code: str) -> LocationGroup:
        return LocationGroup.model_validate_json(
            self._http.request("GET", f"/location-groups/{quote(code, safe='')}")
        )

    def location_groups(self) -> list[LocationGroup]:
        return _GROUPS.validate_json(self._http.request("GET", "/location-groups"))

    def scorecards(self, start: datetime, end: datetime, vendor_code: str | None = None) -> list[Scorecard]:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        if vendor_code is not None:
            params["vendor_code"] = vendor_code
        return _SCORECARDS.validate_json(self._http.request("GET", "/reports/scorecard", params=params))

    def setup_log(self, vendor_code: str | None = None, limit: int = 100) -> list[SetupChange]:
        params = {"limit": str(max(1, min(limit, 10_000)))}
        if vendor_code is not None:
            params["vendor_code"] = vendor_code
        return _SETUP_LOG.validate_json(self._http.request("GET", "/setup-log", params=params))

    def sku_mappings(self, vendor_code: str) -> list[SkuMapping]:
        return _MAPPINGS.validate_json(
            self._http.request("GET", f"/vendors/{quote(vendor_code, safe='')}/sku-mappings")
        )

    def replace_sku_mappings(self, vendor_code: str, mappings: Sequence[SkuMapping]) -> int:
        content = self._put(f"/vendors/{quote(vendor_code, safe='')}/sku-mappings", _json(list(mappings)))
        return int(json.loads(content)["removed"])

    def policy_for_location(self, location_code: str) -> SlaPolicy:
        cached = self._policies.get(location_code)
        if cached is None:
            cached = SlaPolicy.model_validate_json(
                self._http.request("GET", f"/locations/{quote(location_code, safe='')}/sla-policy")
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
        """Stock available of the order's vendor SKUs at its location (known ones only), in
        one round trip."""
        data = self._get_json(self._po_path(order.po_number, "/stock"))
        return {str(k): int(v) for k, v in data.items()}

    def stock_for_orders(self, orders: Sequence[Order]) -> dict[int, dict[str, int]]:
        """``stock_for`` of each order: one round trip each (the API has no batch read)."""
        return {order.po_number: self.stock_for(order) for order in orders}

    def stock_levels(self, search: str = "", location_code: str | None = None) -> list[StockLevel]:
        _local_only("Listing stock levels")

    def reservations(self, po_number: int) -> dict[str, int]:
        _local_only("Listing stock reservations")

    def set_stock(self, vendor_sku: str, location_code: str, on_hand: int | None) -> None:
        _local_only("Setting stock")

    def stock_problems(self, rows: Sequence[StockRowLike]) -> list[tuple[int, str]]:
        _local_only("Stock import")

    def import_stock(
        self, rows: Sequence[StockRowLike], *, full: bool = False
    ) -> StockImportResult:
        _local_only("Stock import")

    # --- writes -----------------------------------------------------------------------

    def act(self, po_number: int, version: int | None, action: Action) -> Order:
        """Post the action to ``/orders/{po}/{action.name}``: its fields and the version
        read. The named writes (``acknowledge`` ...) come from ``NamedActions``."""
        fields = {name: getattr(action, name) for name in type(action).model_fields}
        return self._write_order(self._po_path(po_number, "/" + action.name), {"version": version, **_json(fields)})

    def acknowledge_all(self, po_numbers: Sequence[int]) -> BatchResult:
        result = BatchResult()
        pos = list(po_numbers)
        for start in range(0, len(pos), BATCH_MAX):
            chunk = pos[start : start + BATCH_MAX]
            valid = [po for po in chunk if isinstance(po, int) and po_number_or_none(po) is not None]
            for po in chunk:
                if po not in valid:
                    result.failed[po] = f"PO {po} is not in the store"
            if not valid:
                continue
            got = BatchResult.model_validate_json(
                self._http.request(
                    "POST", "/orders/acknowledge-all", body={"po_numbers": valid},
                    key=str(uuid.uuid4()),
                )
            )
            result.succeeded.extend(got.succeeded)
            result.failed.update(got.failed)
        return result

    # --- setup and import -------------------------------------------------------------

    def _put(self, path: str, body: Any) -> bytes:
        content = self._http.request("PUT", path, body=body, key=str(uuid.uuid4()))
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
        content = self._http.request(
            "POST", "/orders/import", body=_json(list(orders)), key=str(uuid.uuid4())
        )
        return int(json.loads(content)["imported"])

    def import_records(
        self,
        vendors: Sequence[Vendor],
        locations: Sequence[Location],
        sku_mappings: Sequence[SkuMapping],
        orders: Sequence[Order],
    ) -> int:
        """One request (``POST /imports``), one transaction on the server, applied once
        under its idempotency key."""
        body = _json({
            "vendors": list(vendors), "locations": list(locations),
            "sku_mappings": list(sku_mappings), "orders": list(orders),
        })
        content = self._http.request("POST", "/imports", body=body, key=str(uuid.uuid4()))
        return int(json.loads(content)["imported"])

    def set_sla_thresholds(self, thresholds: SlaThresholds) -> int:
        _local_only("Setting the SLA thresholds")

    def retailer(self) -> Retailer | None:
        """The server store's retailer, as ``GET /me`` said when this store was opened."""
        return self._retailer

    def set_retailer(self, retailer: Retailer | None) -> None:
        _local_only("Setting the retailer")
