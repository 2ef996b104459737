"""Order detail: summary, customer, vendor and location, and the tabs Items, Canceled
items (only when any), Shipping, Activity (newest first), Invoice (once generated) and
EDI (the X12 documents exchanged: received, sent, waiting).

Actions: start/continue fulfillment (f), cancel the order (x), correct the address
(a, R14), answer the retailer's cancellation request (c, while one waits), save the
invoice PDF (p), reload (r).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from dropship_tui.domain import billing, sla, workflow
from dropship_tui.domain.cancel_request import pending
from dropship_tui.domain.edi import EdiDocument
from dropship_tui.domain.errors import DomainError, WorkflowError
from dropship_tui.domain.models import ActivityEntry, Location, Order, Retailer, SlaStatus, Stage, Vendor, money_text
from dropship_tui.domain.words import DASH, local_time, terminal_text, units
from dropship_tui.store.base import Store
from dropship_tui.tui.messages import Fulfil
from dropship_tui.tui.modals.address import AddressModal
from dropship_tui.tui.modals.cancel_answer import Answer, CancelAnswerModal
from dropship_tui.tui.printing import write_invoice_pdf
from dropship_tui.tui.screens.order_screen import OrderScreen, order_title
from dropship_tui.tui.widgets.cancel_request import request_cell
from dropship_tui.tui.widgets.edi_log import edi_log, edi_tab_title
from dropship_tui.tui.widgets.invoice_view import invoice_head, invoice_table, invoice_totals
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.widgets.package_cell import package_cell
from dropship_tui.tui.widgets.progress import progress_bar
from dropship_tui.tui.widgets.tracking_links import tracking_links
from dropship_tui.tui.widgets.key_footer import KeyFooter

SLA_STYLE = {
    SlaStatus.ON_TIME: "bold green",
    SlaStatus.AT_RISK: "bold yellow",
    SlaStatus.OVERDUE: "bold red",
}
STAGE_STYLE = {
    Stage.NEW: "bold cyan",
    Stage.IN_PROGRESS: "bold yellow",
    Stage.COMPLETED: "bold green",
    Stage.CANCELED: "bold red",
}


@dataclass(frozen=True)
class Detail:
    order: Order
    vendor: Vendor | None
    location: Location | None
    activity: list[ActivityEntry]
    sla: SlaStatus
    edi: list[EdiDocument] = field(default_factory=list)
    retailer: Retailer | None = None
    """The store's retailer (the invoice's Bill to)."""


def progress(percent: int, width: int) -> Text:
    full, empty = progress_bar(percent, width)
    text = Text()
    text.append(full, style="green")
    text.append(empty, style="dim")
    text.append(f" {percent} %", style="bold")
    return text


def _kv(rows: list[tuple[str, Text | str]], title: str) -> Text:
    text = Text()
    text.append(title + "\n", style="bold underline")
    for i, (label, value) in enumerate(rows):
        if i:
            text.append("\n")
        text.append(f"{label:<14}", style="dim")
        text.append(value if isinstance(value, Text) else Text(terminal_text(value)))
    return text


def _lines(title: str, values: list[str]) -> Text:
    text = Text()
    text.append(title + "\n", style="bold underline")
    text.append("\n".join(terminal_text(v) for v in values if v) or "—")
    return text


class OrderDetailScreen(OrderScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="order.back", tooltip="Back to the previous screen"),
        Binding("f", "fulfil", "Fulfil", id="order.fulfil", tooltip="Start or continue fulfillment of this order"),
        Binding("x", "cancel_order", "Cancel order", id="order.cancel", tooltip="Cancel the order with a reason"),
        Binding("a", "correct_address", "Correct address", id="order.address",
                tooltip="Correct the ship-to address (until packing slips are saved)"),
        Binding("u", "reopen", "Reopen", id="order.reopen",
                tooltip="Undo the acknowledgement: back to New (warns first; not once invoiced)"),
        Binding("c", "answer_request", "Answer cancel request", id="order.answer_request",
                tooltip="Accept or reject the retailer's cancellation request (while one waits)"),
        Binding("p", "save_invoice", "Save invoice PDF", id="order.save_invoice", tooltip="Write the invoice as a PDF file"),
        Binding("r,ctrl+r", "reload", "Reload", id="order.reload", tooltip="Read the order again from the store"),
        Binding("right_square_bracket", "next_tab", "Next tab", show=False, id="order.next_tab", tooltip="Next tab"),
        Binding("left_square_bracket", "prev_tab", "Previous tab", show=False, id="order.prev_tab",
                tooltip="Previous tab"),
    ]
    CSS_PATH = "../styles/detail.tcss"

    def __init__(self, po_number: int) -> None:
        super().__init__(po_number)
        self.detail: Detail | None = None
        self.active_tab: str | None = None
        self._shown_layout: tuple[bool, bool] | None = None
        self._rebuilding = asyncio.Lock()
        """Held while the screen rebuilds (``_rebuild``): one rebuild at a time, and
        ``settled`` waits for it. A screen left mid-rebuild (a read ending just as a
        reopen went back to the dashboard) kept tabs whose panes were gone, and Textual
        raised "No Tab with id" when the app quit."""

    def compose(self) -> ComposeResult:
        detail = self.detail
        if detail is None:
            yield Static(Text(f"PO {self.po_number}  ·  loading…"), id="title")
            yield Note("", id="status")
            yield KeyFooter()
            return
        order = detail.order
        yield Static(order_title(order), id="title")
        narrow, short = self._layout()
        self._shown_layout = (narrow, short)
        with Horizontal(id="summary"):
            yield Static(self._status_block(detail, with_total=narrow), id="summary-status")
            yield Static(self._dates_block(order), id="summary-dates")
            if not narrow:
                yield Static(self._totals_block(order), id="summary-totals")
        narrow, short = self._layout()
        if not short:
            with Horizontal(id="parties"):
                yield from self._parties(detail)
        yield Note("", id="status")
        available = {"tab-items", "tab-shipping", "tab-activity", "tab-edi"}
        available |= {"tab-parties"} if short else set()
        available |= {"tab-canceled"} if order.canceled_items else set()
        available |= {"tab-invoice"} if order.invoice is not None else set()
        initial = self.active_tab if self.active_tab in available else "tab-items"
        with TabbedContent(id="tabs", initial=initial):
            if short:
                with TabPane("Ship to & vendor", id="tab-parties"):
                    with Horizontal(classes="parties-tab"):
                        yield from self._parties(detail)
            with TabPane("Items", id="tab-items"):
                yield self._items_table(order)
                yield Static(self._items_total(order), classes="table-total")
            if order.canceled_items:
                with TabPane(f"Canceled items ({sum(c.quantity for c in order.canceled_items)})", id="tab-canceled"):
                    yield self._canceled_table(order)
            with TabPane("Shipping", id="tab-shipping"):
                yield self._shipping_table(order)
                yield Static(tracking_links(order), id="tracking-links")
            with TabPane(f"Activity ({len(detail.activity)})", id="tab-activity"):
                yield self._activity_table(detail.activity)
            if order.invoice is not None:
                with TabPane("Invoice", id="tab-invoice"), VerticalScroll(id="invoice-tab"):
                    yield from self._invoice(order)  # scrolls: at 80x24 the totals are below
            with TabPane(edi_tab_title(detail.edi), id="tab-edi"):
                yield edi_log(detail.edi)
        yield KeyFooter()

    def _parties(self, detail: Detail) -> ComposeResult:
        order = detail.order
        ship = order.ship_to
        yield Static(
            _lines("Customer (ship to)", [ship.full_name, ship.company, *ship.address.lines(), ship.phone, ship.email]),
            id="customer",
        )
        vendor = detail.vendor
        yield Static(
            _lines(
                "Vendor",
                [vendor.name, f"{vendor.code}", vendor.contact.name, vendor.contact.phone, vendor.contact.email]
                if vendor
                else [order.vendor_code],
            ),
            id="vendor",
        )
        location = detail.location
        yield Static(
            _lines(
                "Location",
                [location.name, location.code, *location.address.lines()] if location else [order.location_code],
            ),
            id="location",
        )

    def _layout(self) -> tuple[bool, bool]:
        """(narrow, short): below 100 columns the totals move into the summary; below
        30 rows customer, vendor and location move into their own tab."""
        size = self.app.size
        return size.width < 100, size.height < 30

    def on_resize(self) -> None:
        super().on_resize()
        if self.detail is not None and self._layout() != self._shown_layout:
            self.call_later(self._relayout)

    async def _relayout(self) -> None:
        try:
            self.active_tab = self.query_one("#tabs", TabbedContent).active or self.active_tab
        except Exception:
            pass
        await self._rebuild()

    # --- blocks --------------------------------------------------------------------------

    def _status_block(self, detail: Detail, with_total: bool = False) -> Text:
        order = detail.order
        rows: list[tuple[str, Text | str]] = [
            ("Status", Text(order.stage.label, style=STAGE_STYLE[order.stage])),
            ("SLA", Text(detail.sla.label, style=SLA_STYLE[detail.sla])),
            ("Progress", progress(sla.progress(order), 8 if with_total else 12)),
            ("Shipping", order.shipping_method or "—"),
        ]
        if order.cancel_request is not None:
            rows.append(("Cancel asked", request_cell(order.cancel_request)))
        if with_total:
            _, total = workflow.order_total(order)
            rows.append(("Total", Text(f"{money_text(total)} {terminal_text(order.currency)}", style="bold")))
        return _kv(rows, "Summary")

    def _dates_block(self, order: Order) -> Text:
        rows: list[tuple[str, Text | str]] = [
            ("Ordered", local_time(order.order_date, missing=DASH)),
            ("Ship by", local_time(order.requested_ship_date, missing=DASH)),
            ("Acknowledged", local_time(order.acknowledged_at, missing=DASH)),
        ]
        if order.completed_at:
            rows.append(("Completed", local_time(order.completed_at, missing=DASH)))
        if order.canceled_at:
            rows.append(("Canceled", local_time(order.canceled_at, missing=DASH)))
        return _kv(rows, "Dates")

    def _totals_block(self, order: Order) -> Text:
        canceled = sum(c.quantity for c in order.canceled_items)
        _, total = workflow.order_total(order)
        rows: list[tuple[str, Text | str]] = [
            ("Ordered", units(order.units_ordered)),
            ("Accepted", units(order.units_accepted) if order.acknowledged else "—"),
            ("Canceled", units(canceled) if canceled else "—"),
            ("Total", Text(f"{money_text(total)} {terminal_text(order.currency)}", style="bold")),
        ]
        return _kv(rows, "Totals (contracted)")

    def _table(self, id: str, *columns: str) -> DataTable:
        table: DataTable = DataTable(id=id, cursor_type="row", zebra_stripes=True)
        table.add_columns(*columns)
        return table

    def _items_table(self, order: Order) -> DataTable:
        table = self._table(
            "items", "Line", "SKU", "Vendor SKU", "UPC", "Description", "Ordered", "Accepted", "Unit price", "Amount"
        )
        for line in order.lines:
            accepted = line.quantity_accepted if order.acknowledged else None
            table.add_row(
                Text(str(line.line_id)),
                Text(terminal_text(line.sku)),
                Text(terminal_text(line.vendor_sku)),
                Text(terminal_text(line.upc)),
                Text(terminal_text(line.description)),
                Text(str(line.quantity_ordered), justify="right"),
                Text("—" if accepted is None else str(accepted), justify="right"),
                Text(f"{money_text(line.billing_price)}", justify="right"),
                Text(f"{money_text(workflow.line_amount(line, workflow.billable_quantity(order, line)))}", justify="right"),
            )
        return table

    def _items_total(self, order: Order) -> Text:
        qty, total = workflow.order_total(order)
        what = "accepted" if order.acknowledged else "ordered"
        return Text(f"{units(qty)} {what} · total {money_text(total)} {terminal_text(order.currency)} at contracted prices", justify="right")

    def _canceled_table(self, order: Order) -> DataTable:
        table = self._table("canceled", "Line", "SKU", "Quantity", "Reason", "When", "By")
        for item in order.canceled_items:
            try:
                sku = order.line(item.line_id).sku
            except KeyError:
                sku = "?"
            table.add_row(
                Text(str(item.line_id)),
                Text(terminal_text(sku)),
                Text(str(item.quantity), justify="right"),
                Text(terminal_text(item.reason.describe())),
                Text(local_time(item.at, missing=DASH)),
                Text(terminal_text(item.by)),
            )
        return table

    def _shipping_table(self, order: Order) -> DataTable:
        table = self._table("shipping", "Slip", "Units", "Contents", "Tracking number", "Carrier", "Package")
        for slip in order.slips:
            contents = ", ".join(
                f"{terminal_text(order.line(lid).sku)} ×{q}" for lid, q in slip.lines.items() if q
            )
            table.add_row(
                Text(f"{slip.number} of {len(order.slips)}"),
                Text(str(slip.units), justify="right"),
                Text(contents),
                Text(terminal_text(slip.tracking_number) or "— not yet"),
                Text(terminal_text(slip.carrier) or "—"),
                package_cell(slip),
            )
        if not order.slips:
            table.add_row(Text("—"), Text(""), Text("No packing slips saved yet"), *(Text("") for _ in range(3)))
        return table

    def _activity_table(self, activity: list[ActivityEntry]) -> DataTable:
        table = self._table("activity", "When", "User", "Action", "Details")
        for entry in activity:
            table.add_row(
                Text(local_time(entry.at, missing=DASH)),
                Text(terminal_text(entry.user)),
                Text(terminal_text(entry.action)),
                Text(terminal_text(entry.details)),
            )
        return table

    def _invoice(self, order: Order) -> ComposeResult:
        assert order.invoice is not None
        bill_to = billing.bill_to(self.detail.retailer if self.detail else None, self.app.config.bill_to_name)
        sender, ship_to, meta = invoice_head(order.invoice, bill_to)
        with Horizontal(classes="invoice-head"):
            yield Static(sender)
            yield Static(ship_to)
            yield Static(meta)
        yield Static(invoice_table(order.invoice))
        yield Static(invoice_totals(order.invoice))
        yield Static(Text("p saves the invoice PDF", style="dim"))

    # --- loading -------------------------------------------------------------------------

    def fetch(self, store: Store) -> Any:
        order = store.get_order(self.po_number)
        vendor = location = None
        try:
            vendor = store.vendor(order.vendor_code)
        except DomainError:
            pass
        try:
            location = store.location(order.location_code)
        except DomainError:
            pass
        edi = store.edi_documents(self.po_number)
        return Detail(order, vendor, location, list(store.activity(self.po_number)), store.sla_status(order), edi,
                      store.retailer())

    async def loaded(self, result: Any) -> None:
        self.detail = result
        self.order = result.order
        if self.is_mounted:
            try:
                self.active_tab = self.query_one("#tabs", TabbedContent).active or self.active_tab
            except Exception:
                pass
        await self._rebuild()
        try:
            self.query_one("#tabs", TabbedContent).query_one("Tabs").focus()
        except Exception:
            pass

    def show_order(self, order: Order) -> None:  # pragma: no cover - loaded() recomposes
        pass

    COMPLETED_ACTIONS = frozenset({"cancel_order", "correct_address"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A completed order can no longer be canceled or get its address corrected: those
        keys leave its footer (``f`` stays: it opens the invoice, read-only)."""
        order = self.order
        if action in self.COMPLETED_ACTIONS and order is not None and order.stage is Stage.COMPLETED:
            return False
        if action == "reopen" and (order is None or order.stage is not Stage.IN_PROGRESS):
            return False  # R15: offered while In progress (invoiced: pressing it says why not)
        if action == "answer_request" and (order is None or pending(order) is None):
            return False  # only while a request waits for the vendor's answer
        return True

    async def _rebuild(self) -> None:
        async with self._rebuilding:
            if self.is_current:  # not once left: nobody would see it
                await self.recompose()

    async def settled(self) -> None:
        async with self._rebuilding:
            pass

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.reload()

    # --- actions -------------------------------------------------------------------------

    def _switch_tab(self, delta: int) -> None:
        try:
            tabs = self.query_one("#tabs", TabbedContent)
        except Exception:
            return
        panes = [p.id for p in tabs.query(TabPane) if p.id]
        if not panes:
            return
        index = panes.index(tabs.active) if tabs.active in panes else 0
        tabs.active = panes[(index + delta) % len(panes)]

    def action_next_tab(self) -> None:
        self._switch_tab(1)

    def action_prev_tab(self) -> None:
        self._switch_tab(-1)

    def action_fulfil(self) -> None:
        order = self.order
        if order is None:
            return
        if workflow.fulfillment_step(order) is None:
            self.show_error(WorkflowError(workflow.nothing_to_fulfil(order)))
            return
        self.post_message(Fulfil(order))

    def order_canceled(self, order: Order) -> None:
        self.notify(f"PO {order.po_number} canceled")
        self.reload()

    def action_correct_address(self) -> None:
        order = self.order
        if order is None:
            return
        problem = workflow.address_correction_problem(order)
        if problem:
            self.show_error(WorkflowError(problem))
            return

        def chosen(ship_to: Any) -> None:
            if ship_to is None:
                return
            self.call_store(
                lambda store: store.correct_address(order.po_number, order.version, ship_to),
                self._address_saved,
                write=True,
            )

        self.app.push_screen(AddressModal(order), chosen)

    def action_answer_request(self) -> None:
        order = self.order
        if order is None:
            return
        problem = workflow.answer_problem(order, False)  # nothing waits
        if problem:
            self.show_error(WorkflowError(problem))
            return

        def chosen(answer: Answer | None) -> None:
            if answer is not None:
                self.call_store(
                    lambda store: store.answer_cancellation(order.po_number, order.version, answer.accept, answer.reason),
                    self._answered, write=True,
                )

        self.app.push_screen(CancelAnswerModal(order), chosen)

    def _answered(self, order: Order) -> None:
        said = "accepted: the order is canceled" if order.stage is Stage.CANCELED else "rejected"
        self.notify(f"PO {order.po_number}: cancellation request {said}")
        self.reload()

    def _address_saved(self, order: Order) -> None:
        self.notify(f"PO {order.po_number}: address corrected")
        self.reload()

    def action_save_invoice(self) -> None:
        order = self.order
        if order is None:
            return
        if order.invoice is None:
            self.show_error(WorkflowError(f"PO {order.po_number} has no invoice yet; generate it in step 2 first"))
            return
        config = self.app.config
        web = self.app.is_web
        self.call_store(lambda store: write_invoice_pdf(store, order, config, web), self.show_invoice_saved)
