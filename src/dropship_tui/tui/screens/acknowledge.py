"""Step 1 — Order acknowledgement (R2-R5).

Every line with its validated quantity (prefilled per R2), checked as it is typed with
``quantity_problem``; a warning as soon as a line is short; "Acknowledge order" goes
straight to step 2 when nothing is short, else through the reason modal.

Scanning (f2 focuses the scan field): each scan of a line's UPC, vendor SKU or SKU counts
one unit. The first scan switches the screen from the prefilled quantities to *counting*:
every line starts at 0 — the user counts what is physically on the shelf, so scanning 4
of 5 units leaves 4 (short, with a reason), never "5 prefilled + 4". A code not on the
order, or a unit beyond the ordered quantity, beeps and changes nothing.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from dropship_tui.domain import scan, workflow
from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.models import Order, Reason, Stage
from dropship_tui.domain.words import plural, terminal_text, units
from dropship_tui.services.prefill import prefill
from dropship_tui.store.base import Store
from dropship_tui.tui.keymap import key_of
from dropship_tui.tui.messages import BackToDashboard, ShowOrder
from dropship_tui.tui.modals.reason import ReasonModal
from dropship_tui.tui.screens.order_screen import StepScreen, order_title
from dropship_tui.tui.widgets.key_order import QtyField
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.widgets.qty_input import QtyInput
from dropship_tui.tui.widgets.scan_field import ScanField
from dropship_tui.tui.widgets.step_indicator import StepIndicator
from dropship_tui.tui.widgets.key_footer import KeyFooter


class LineRow(Horizontal):
    """One line: product, SKU, vendor SKU, UPC, ordered, the validated field, its problem."""

    def __init__(self, order: Order, line_id: int, value: str) -> None:
        super().__init__(classes="ack-row")
        self.line = order.line(line_id)
        self.value = value

    def compose(self) -> ComposeResult:
        line = self.line
        yield Static(Text(terminal_text(line.description) or terminal_text(line.product_code), no_wrap=True, overflow="ellipsis"), classes="c-product")
        yield Static(Text(terminal_text(line.sku), no_wrap=True, overflow="ellipsis"), classes="c-sku")
        yield Static(Text(terminal_text(line.vendor_sku), no_wrap=True, overflow="ellipsis"), classes="c-vsku")
        yield Static(Text(terminal_text(line.upc), no_wrap=True, overflow="ellipsis"), classes="c-upc")
        yield Static(Text(str(line.quantity_ordered), justify="right"), classes="c-num")
        yield QtyField(self.value, maximum=line.quantity_ordered, id=f"qty-{line.line_id}", classes="c-qty", column="ack")
        yield Static("", id=f"qty-problem-{line.line_id}", classes="c-problem")


class AcknowledgeScreen(StepScreen):
    BINDINGS = [
        Binding("ctrl+s", "acknowledge", "Acknowledge order", id="ack.confirm",
                tooltip="Acknowledge with the validated quantities (asks for reasons when short)"),
        Binding("f2,ctrl+b", "focus_scan", "Scan", priority=True, id="ack.scan",
                tooltip="Focus the scan field: each scan counts one unit (the first scan starts every line at 0)"),
    ]
    CSS_PATH = "../styles/fulfillment.tcss"

    def __init__(self, po_number: int, order: Order | None = None) -> None:
        super().__init__(po_number, order)
        self.prefill: dict[int, int] = {}
        """line_id -> the validated quantity R2 starts it at (with the stock on hand)."""
        self.typed: dict[int, str] = {}
        self.reasons: dict[int, Reason] = {}
        self.counting = False
        """True from the first scan: the quantities are counted from 0, one per scan."""
        self.scan_wanted = False
        """The user went to the scan field (a reload leaves the focus there)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="step-top"):
            yield Static(Text(f"PO {self.po_number}  ·  loading…"), id="title")
            yield StepIndicator(1, done=0, id="steps")
        yield Static(
            Text(
                "Validate the items in stock: type the quantity you can ship for each line "
                "(+/- to nudge). Lines below the ordered quantity need a reason."
            ),
            classes="hint",
        )
        with Horizontal(classes="ack-row ack-head"):
            for label, cls in (
                ("Product", "c-product"),
                ("SKU", "c-sku"),
                ("Vendor SKU", "c-vsku"),
                ("UPC", "c-upc"),
                ("Ordered", "c-num wide-only"),
                ("Ord", "c-num narrow-only"),
                ("Validated", "c-qty"),
                ("", "c-problem"),
            ):
                yield Static(Text(label, justify="right" if cls.startswith("c-num") else "left"), classes=cls)
        yield VerticalScroll(id="ack-lines")
        with Horizontal(id="scan-row"):
            yield Static(Text("Scan"), classes="scan-label")
            yield ScanField(id="ack-scan", on_scan=self.scanned)
            yield Static(self.mode_text(), id="scan-mode")
        yield Note("", id="scan-note")
        yield Static("", id="short-warning")
        yield Note("", id="status")
        with Horizontal(classes="actions"):
            yield Button("Acknowledge order  ctrl+s", variant="primary", id="ack-confirm", compact=True)
            yield Button("Cancel order  ctrl+x", variant="error", id="ack-cancel", compact=True)
        yield KeyFooter()

    # --- loading -------------------------------------------------------------------

    def fetch(self, store: Store) -> Any:
        order = store.get_order(self.po_number)
        return order, prefill(store, order)

    async def loaded(self, result: Any) -> None:
        order, quantities = result
        self.order, self.prefill = order, quantities
        if order.stage is not Stage.NEW:
            # Someone else moved it on (or it was reloaded after a conflict).
            self.notify(f"PO {order.po_number} is {order.stage.label}; showing where it is now")
            self.post_message(ShowOrder(order))
            return
        await self.show_order(order)

    async def show_order(self, order: Order) -> None:
        self.query_one("#title", Static).update(order_title(order, "Step 1 of 2"))
        rows = self.query_one("#ack-lines", VerticalScroll)
        await rows.remove_children()
        await rows.mount_all(
            LineRow(order, line.line_id, self.typed.get(line.line_id, str(self.prefill[line.line_id])))
            for line in order.lines
        )
        self.call_after_refresh(self._after_rows)

    def _after_rows(self) -> None:
        self.refresh_feedback()
        fields = list(self.query(QtyInput))
        if isinstance(self.focused, ScanField) and self.scan_wanted:
            return
        if fields and not any(f.has_focus for f in fields):
            fields[0].focus()

    # --- live feedback ---------------------------------------------------------------

    def unsaved_changes(self) -> str | None:
        """What quitting now would lose, for the app's quit guard (None: nothing)."""
        if self.order is None or self.order.stage is not Stage.NEW:
            return None
        if self.counting:
            return f"the units you scanned for PO {self.order.po_number}"
        for line in self.order.lines:
            try:
                value = self.query_one(f"#qty-{line.line_id}", QtyInput).value
            except Exception:
                continue
            if value.strip() != str(self.prefill[line.line_id]):
                return f"the quantities you typed for PO {self.order.po_number}"
        return None

    def validated(self) -> tuple[dict[int, int], dict[int, str]]:
        """(valid quantities, line_id -> problem) from the fields as typed."""
        assert self.order is not None
        values: dict[int, int] = {}
        problems: dict[int, str] = {}
        for line in self.order.lines:
            try:
                field = self.query_one(f"#qty-{line.line_id}", QtyInput)
            except Exception:
                continue
            problem = workflow.quantity_problem(line, field.value)
            if problem:
                problems[line.line_id] = problem
            else:
                values[line.line_id] = int(field.value)
        return values, problems

    def refresh_feedback(self) -> None:
        if self.order is None:
            return
        values, problems = self.validated()
        for line in self.order.lines:
            try:
                field = self.query_one(f"#qty-{line.line_id}", QtyInput)
                label = self.query_one(f"#qty-problem-{line.line_id}", Static)
            except Exception:
                continue
            problem = problems.get(line.line_id)
            field.set_class(problem is not None, "-invalid-qty")
            if problem:
                label.update(Text(f"✗ {problem}", style="bold red"))
            elif (short := workflow.shortfall(line, values)) > 0:
                label.update(Text(f"{units(short)} short", style="yellow"))
            else:
                label.update("")
        short = workflow.short_lines(self.order, values)
        warning = self.query_one("#short-warning", Static)
        warning.set_class(bool(short), "shown")
        if short:
            text = Text("⚠ ", style="bold")
            count = len(short)
            text.append(
                f"{plural(count, 'line is', 'lines are')} short — "
                "acknowledging will ask for a reason: ",
                style="bold",
            )
            text.append(
                ", ".join(
                    f"{terminal_text(line.sku)} {values[line.line_id]} of {line.quantity_ordered}"
                    for line in short
                )
            )
            warning.update(text)
        else:
            warning.update("")

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, QtyInput) and event.input.id and event.input.id.startswith("qty-"):
            self.typed[int(event.input.id.removeprefix("qty-"))] = event.value
            self.clear_status()
            self.refresh_feedback()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter in a quantity moves to the next line; on the last one it acknowledges.
        event.stop()
        fields = list(self.query(QtyInput))
        if event.input in fields:
            index = fields.index(event.input)
            if index + 1 < len(fields):
                fields[index + 1].focus()
                return
        self.query_one("#ack-confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ack-confirm":
            self.action_acknowledge()
        elif event.button.id == "ack-cancel":
            self.action_cancel_order()

    # --- scanning ----------------------------------------------------------------------

    def mode_text(self) -> Text:
        key = key_of(self.app, "ack.scan")
        if self.counting:
            return Text("● counting: each scan adds 1", style="bold cyan")
        return Text(f"{key}: scan to count from 0", style="dim")

    def action_focus_scan(self) -> None:
        self.scan_wanted = True
        # At once (a priority binding, focus set now rather than later): a scan that
        # follows the key straight away lands in the field.
        self.set_focus(self.query_one("#ack-scan", ScanField))

    def counted(self) -> dict[int, int]:
        """line_id -> the number in its field (a blank or invalid field counts 0)."""
        counts = {}
        for field in self.query(QtyInput):
            if field.id and field.id.startswith("qty-"):
                counts[int(field.id.removeprefix("qty-"))] = field.number or 0
        return counts

    def scanned(self, code: str) -> None:
        """One scan (the scan field calls this in typing order)."""
        self.scan_wanted = True
        order = self.order
        note = self.query_one("#scan-note", Note)
        if order is None or not self.query(QtyInput):
            self.app.bell()
            note.update(Text("✗ the order is still loading", style="bold red"))
            return
        counted = self.counted() if self.counting else {}
        limits = {line.line_id: line.quantity_ordered for line in order.lines}
        problem = scan.scan_problem(order, code, counted, limits)
        line = scan.scan_line(order, code, counted, limits)
        if problem or line is None:
            self.app.bell()
            note.update(Text(f"✗ {problem}", style="bold red"))
            return
        if not self.counting:
            self.counting = True
            self.query_one("#scan-mode", Static).update(self.mode_text())
        value = counted.get(line.line_id, 0) + 1
        for field in self.query(QtyInput):
            if not (field.id and field.id.startswith("qty-")):
                continue
            line_id = int(field.id.removeprefix("qty-"))
            new = str(value if line_id == line.line_id else counted.get(line_id, 0))
            self.typed[line_id] = new
            if field.value != new:
                with field.prevent(Input.Changed):
                    field.value = new
        self.clear_status()
        self.refresh_feedback()
        note.update(Text(f"✓ {terminal_text(line.sku)}: {value} of {line.quantity_ordered}", style="green"))

    # --- acknowledge -------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        order = self.order
        if order is None:
            return
        values, problems = self.validated()
        if problems:
            first = next(iter(problems))
            listed = [
                f"Line {lid} ({terminal_text(order.line(lid).sku)}): validated quantity {what}" for lid, what in problems.items()
            ]
            self.show_error(DomainError("Fix the validated quantities first", listed))
            self.query_one(f"#qty-{first}", QtyInput).focus()
            return
        if not workflow.short_lines(order, values):
            self._write(order, values, {})
            return
        def chosen(reasons: dict[int, Reason] | None) -> None:
            if reasons is None:
                return
            self.reasons = dict(reasons)
            self._write(order, values, reasons)

        self.app.push_screen(ReasonModal(order, values, self.reasons), chosen)

    def _write(self, order: Order, values: dict[int, int], reasons: dict[int, Reason]) -> None:
        self.query_one("#status", Static).update(Text("Saving…", style="dim"))
        self.call_store(
            lambda store: store.acknowledge(order.po_number, order.version, values, reasons),
            self._acknowledged,
            write=True,
        )

    def _acknowledged(self, order: Order) -> None:
        self.order = order
        if order.stage is Stage.CANCELED:
            self.notify(f"PO {order.po_number} canceled: every line was validated to 0")
            self.post_message(BackToDashboard())
            return
        self.notify(  # short: step 2's title says so too, and a toast covers its rows
            f"PO {order.po_number} acknowledged: {order.units_accepted} of "
            f"{units(order.units_ordered)} accepted",
            timeout=2,
        )
        self.post_message(ShowOrder(order))  # step 2
