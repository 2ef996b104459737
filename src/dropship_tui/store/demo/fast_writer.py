"""The demo's fast path: the very rows the domain path writes, built without any model.

JSON bodies are assembled from pre-serialised fragments in the models' field order, the
SLA marks and progress come from the same arithmetic as ``rows.order_row``, and the
activity texts from ``domain.activity`` (the functions the rules use), so a million
orders take ~80 s on 2 cores and ``tests/test_demo.py`` can require identical tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from dropship_tui.domain import activity
from dropship_tui.domain.models import Reason, SlaStatus, Vendor
from dropship_tui.store.demo.plans import HOUR, IMPORT_USER, ORDER_NUMBER_OFFSET, Plan, moment
from dropship_tui.store.demo.world import Product, policies
from dropship_tui.store.sqlite.rows import FINAL_MARKS

_US = timedelta(microseconds=1)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


_DAYS: dict[int, str] = {}
_TIMES_OF_DAY: list[str] = []


def _split(seconds: int) -> tuple[str, str]:
    """(YYYY-MM-DD, HH:MM:SS) of an epoch second, from caches (formatting a million
    datetimes would cost more than the whole database write)."""
    if not _TIMES_OF_DAY:
        _TIMES_OF_DAY.extend(
            f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        )
    day, rest = divmod(seconds, 86400)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = moment(day * 86400).date().isoformat()
    return date, _TIMES_OF_DAY[rest]


def _zulu(seconds: int) -> str:
    """A time as pydantic serialises a UTC datetime."""
    date, time = _split(seconds)
    return f"{date}T{time}Z"


def _iso(seconds: int) -> str:
    """A time as ``datetime.isoformat()`` (the activity table's ``at``)."""
    date, time = _split(seconds)
    return f"{date}T{time}+00:00"


_JS: dict[str, str] = {}


def _js(text: str) -> str:
    """A JSON string literal as pydantic writes it (UTF-8, not ASCII-escaped)."""
    out = _JS.get(text)
    if out is None:
        out = json.dumps(text, ensure_ascii=False)
        if len(_JS) < 100_000:
            _JS[text] = out
    return out


@dataclass
class _Frag:
    """Pre-serialised JSON of a product's line, minus the per-order numbers."""

    head: str  # up to and including "quantity_ordered":
    tail: str  # from ,"retail_price": to the end


def _line_frags(product: Product) -> _Frag:
    head = (
        '"product_code":' + _js(product.product_code)
        + ',"variation_product_code":' + _js(product.variation_product_code)
        + ',"sku":' + _js(product.sku)
        + ',"vendor_sku":' + _js(product.vendor_sku)
        + ',"upc":' + _js(product.upc)
        + ',"description":' + _js(product.description)
        + ',"quantity_ordered":'
    )
    tail = (
        ',"retail_price":"' + _money(product.retail_cents) + '"'
        + ',"contracted_price":"' + _money(product.contracted_cents) + '"'
        + ',"weight_kg":"' + product.weight_kg + '"'
        + ',"dimensions_cm":' + _js(product.dimensions_cm) + "}"
    )
    return _Frag(head, tail)


class FastWriter:
    """Builds exactly the rows the domain path writes, without building any model."""

    def __init__(self, thresholds, vendors: dict[str, Vendor], now_s: int) -> None:
        self.now_s = now_s
        self.policies = policies()
        self.vendor_json = {code: v.model_dump_json() for code, v in vendors.items()}
        self.frags: dict[str, _Frag] = {}
        self.offsets: dict[tuple[str, int], tuple[int, int]] = {}
        for code, policy in self.policies.items():
            for window in (policy.hours_to_acknowledge, policy.hours_to_ship):
                allowed = timedelta(hours=window)
                self.offsets[(code, window)] = (
                    (allowed * float(thresholds.at_risk)) // _US,
                    (allowed * float(thresholds.overdue)) // _US,
                )

    def frag(self, product: Product) -> _Frag:
        f = self.frags.get(product.sku)
        if f is None:
            f = self.frags[product.sku] = _line_frags(product)
        return f

    def status(self, code: str, window_hours: int, elapsed_s: int) -> SlaStatus:
        at_risk, overdue = self.offsets[(code, window_hours)]
        elapsed = elapsed_s * 1_000_000
        if elapsed >= overdue:
            return SlaStatus.OVERDUE
        if elapsed >= at_risk:
            return SlaStatus.AT_RISK
        return SlaStatus.ON_TIME

    def rows(self, plan: Plan):
        """(order row, line rows, tracking rows, invoice row or None, activity rows)."""
        po = plan.po
        policy = self.policies[plan.location_code]
        user = plan.user
        n = len(plan.products)
        qty = plan.quantities
        accepted = [plan.accepted.get(i + 1, q) for i, q in enumerate(qty)]
        times = iter(plan.times)
        log: list[tuple] = []
        canceled: list[str] = []  # JSON objects
        version = 1
        stage = "new"
        ack_at = completed_at = canceled_at = None
        final: SlaStatus | None = None
        quantity_accepted: list[int | None] = [None] * n
        slips: list[dict[int, int]] = []
        slip_tracking: list[tuple[str, int] | None] = []
        invoice_json = "null"
        invoice_row = None
        currency = plan.products[0].currency

        def entry(t: int, action: str, details: str) -> None:
            log.append((po, _iso(t), user, action, details))

        log.append(
            (po, _iso(self.now_s), IMPORT_USER, activity.RECEIVED, activity.received(n, sum(qty)))
        )

        def cancel_item(line_id: int, quantity: int, reason: Reason, t: int) -> str:
            return (
                f'{{"line_id":{line_id},"quantity":{quantity},"reason_code":"{reason.code.value}"'
                f',"reason_text":{_js(reason.text.strip())},"at":"{_zulu(t)}","by":{_js(user)}}}'
            )

        def cancel_all(reasons: dict[int, Reason], t: int, all_zero: bool) -> None:
            nonlocal stage, canceled_at, final, version, slips, slip_tracking
            entries = []
            for lid in range(1, n + 1):
                already = qty[lid - 1] - accepted[lid - 1] if ack_at is not None else 0
                remaining = qty[lid - 1] - already
                if remaining > 0:
                    reason = reasons[lid]
                    canceled.append(cancel_item(lid, remaining, reason, t))
                    entries.append(
                        (po, _iso(t), user, activity.LINE_CANCELED, activity.line_canceled(
                            lid, plan.products[lid - 1].sku, remaining, reason))
                    )
            dropped = [(i + 1, tr[0]) for i, tr in enumerate(slip_tracking) if tr]
            detail = activity.canceled(all_zero, dropped)
            log.append((po, _iso(t), user, activity.CANCELED, detail))
            log.extend(entries)
            window = policy.hours_to_ship if stage == "in_progress" else policy.hours_to_acknowledge
            final = self.status(plan.location_code, window, t - plan.order_date)
            for i in range(n):
                quantity_accepted[i] = 0
            slips, slip_tracking = [], []
            stage = "canceled"
            canceled_at = t
            version += 1

        if plan.outcome == "cancel_r4":
            t = next(times)
            reason = plan.reason_all
            assert reason is not None
            cancel_all({lid: reason for lid in range(1, n + 1)}, t, all_zero=True)  # R4
        elif plan.outcome != "new" and plan.outcome != "cancel_new":
            t = next(times)
            ack_at = t
            entries = [(po, _iso(t), user, activity.ACKNOWLEDGED,
                        activity.acknowledged(sum(accepted), sum(qty)))]
            for lid in range(1, n + 1):
                short = qty[lid - 1] - accepted[lid - 1]
                if short:
                    reason = plan.reasons.get(lid) or plan.reason_all
                    assert reason is not None
                    canceled.append(cancel_item(lid, short, reason, t))
                    entries.append(
                        (po, _iso(t), user, activity.LINE_SHORT, activity.line_short(
                            lid, plan.products[lid - 1].sku, short, reason))
                    )
            log.extend(entries)
            quantity_accepted = list(accepted)
            stage = "in_progress"
            version += 1
        if plan.slip_count:
            t = next(times)
            plan_slips: list[dict[int, int]] = [{} for _ in range(plan.slip_count)]
            slot = 0
            for lid in range(1, n + 1):
                for _ in range(accepted[lid - 1]):
                    plan_slips[slot][lid] = plan_slips[slot].get(lid, 0) + 1
                    slot = (slot + 1) % plan.slip_count
            slips = [dict(sorted(s.items())) for s in plan_slips]
            slip_tracking = [None] * plan.slip_count
            entry(t, activity.SLIPS_SAVED, activity.slips([sum(s.values()) for s in slips]))
            version += 1
        for i, number in enumerate(plan.tracking_numbers):
            t = next(times)
            slip_tracking[i] = (number, t)
            entry(t, activity.TRACKING_SAVED, activity.tracking_saved(i + 1, "UPS", number))
            version += 1
        if plan.invoice:
            t = next(times)
            number = INVOICE_TOKEN  # numbered in PO order across chunks by bulk.bulk_load
            rows_json = []
            subtotal = 0
            for i, p in enumerate(plan.products):
                q = accepted[i]
                if q <= 0:
                    continue
                amount = p.contracted_cents * q
                subtotal += amount
                rows_json.append(
                    f'{{"line_id":{i + 1},"sku":{_js(p.sku)},"vendor_sku":{_js(p.vendor_sku)}'
                    f',"description":{_js(p.description)},"quantity":{q}'
                    f',"unit_price":"{_money(p.contracted_cents)}","amount":"{_money(amount)}"}}'
                )
            total = _money(subtotal)
            invoice_json = (
                f'{{"invoice_number":"{number}","issued_at":"{_zulu(t)}","po_number":{po}'
                f',"order_number":"{po + ORDER_NUMBER_OFFSET}"'
                f',"vendor":{self.vendor_json[plan.vendor_code]}'
                f',"ship_to":{plan.customer.json},"rows":[{",".join(rows_json)}]'
                f',"subtotal":"{total}","total":"{total}","currency":"{currency}"'
                ',"retailer_po_number":null}'
            )
            invoice_row = (number, po)
            entry(t, activity.INVOICED, activity.invoiced(number, total, currency, sum(accepted)))
            version += 1
        if plan.complete:
            t = next(times)
            final = self.status(plan.location_code, policy.hours_to_ship, t - plan.order_date)
            entry(t, activity.COMPLETED, activity.completed(final.label))
            stage = "completed"
            completed_at = t
            version += 1
        if plan.cancel is not None:
            t = next(times)
            cancel_all({lid: plan.cancel for lid in range(1, n + 1)}, t, all_zero=False)  # R10

        tracking_rows = [(tr[0], po, i + 1) for i, tr in enumerate(slip_tracking) if tr]

        # The body, field by field in the model's order.
        lines_json = ",".join(
            f'{{"line_id":{i + 1},{self.frag(p).head}{qty[i]},"quantity_accepted":'
            f'{"null" if quantity_accepted[i] is None else quantity_accepted[i]}{self.frag(p).tail}'
            for i, p in enumerate(plan.products)
        )
        slips_json = ",".join(
            '{"number":%d,"lines":{%s},%s,"package_status":null,"package_at":null}' % (
                i + 1,
                ",".join(f'"{lid}":{u}' for lid, u in s.items()),
                '"tracking_number":null,"carrier":null,"tracking_url":null,"tracked_at":null'
                if slip_tracking[i] is None else
                '"tracking_number":"%s","carrier":"UPS","tracking_url":%s,"tracked_at":"%s"' % (
                    slip_tracking[i][0],
                    _js(_UPS_URL + slip_tracking[i][0]),
                    _zulu(slip_tracking[i][1]),
                ),
            )
            for i, s in enumerate(slips)
        )
        ship_date = _zulu(plan.order_date + 3 * 24 * HOUR)

        def opt(t: int | None) -> str:
            return "null" if t is None else f'"{_zulu(t)}"'

        body = (
            f'{{"po_number":{po},"order_number":"{po + ORDER_NUMBER_OFFSET}"'
            f',"vendor_code":"{plan.vendor_code}","location_code":"{plan.location_code}"'
            f',"ship_to":{plan.customer.json},"order_date":"{_zulu(plan.order_date)}"'
            f',"requested_ship_date":"{ship_date}","currency":"{currency}"'
            f',"shipping_method":{_js(plan.shipping)},"lines":[{lines_json}]'
            f',"stage":"{stage}","version":{version},"acknowledged_at":{opt(ack_at)}'
            f',"canceled_items":[{",".join(canceled)}],"slips":[{slips_json}]'
            f',"invoice":{invoice_json},"completed_at":{opt(completed_at)}'
            f',"canceled_at":{opt(canceled_at)}'
            f',"final_sla_status":{"null" if final is None else chr(34) + final.value + chr(34)}'
            ',"retailer_po_number":null,"references":[],"cancel_request":null}'
        )

        # The indexed columns, as rows.order_row computes them.
        if stage in ("new", "in_progress"):
            window = policy.hours_to_acknowledge if stage == "new" else policy.hours_to_ship
            off_risk, off_over = self.offsets[(plan.location_code, window)]
            start = plan.order_date * 1_000_000
            at_risk, overdue, final_value = start + off_risk, start + off_over, None
        else:
            assert final is not None
            at_risk, overdue = FINAL_MARKS[final]
            final_value = final.value
        if stage == "completed":
            progress = 100
        elif slips and all(slip_tracking):
            progress = 75
        elif slips:
            progress = 50
        elif ack_at is not None:
            progress = 25
        else:
            progress = 0
        customer = plan.customer
        row = (
            po, str(po + ORDER_NUMBER_OFFSET), plan.vendor_code, plan.location_code,
            customer.name, customer.name_key, customer.first_key, customer.last_key,
            plan.order_date * 1_000_000, stage, _RANK[stage], at_risk, overdue, final_value,
            progress, sum(qty), version, body,
        )
        line_rows = [
            (po, i + 1, p.sku, p.vendor_sku, p.upc) for i, p in enumerate(plan.products)
        ]
        return row, line_rows, tracking_rows, invoice_row, log


_UPS_URL = "https://www.ups.com/track?tracknum="
INVOICE_TOKEN = "@@INVOICE@@"
_RANK = {"new": 0, "in_progress": 1, "completed": 2, "canceled": 3}
