"""Step 2 — Prepare shipments (R6-R8).

The slip count (1-10) and the allocation grid (lines x slips), prefilled with
``even_allocation`` so the common case is one keystroke (ctrl+s); the package summary
and ``slip_plan_problems`` update as the numbers change. Once saved: print the packing
slips, a tracking number per slip (checked as typed with ``tracking_problem``, saved one
slip at a time with enter — a scanner ends with enter), then generate the invoice.

Packing by scan (f2 focuses the scan field): each scan of a line's UPC, vendor SKU or
SKU puts one unit into the current package ("Packing slip 2 of 3 ▸"); ctrl+n moves to
the next package (after the last one it adds a package). The first scan empties the
prefilled packages — the packer fills them as the units go in. A code not on the order,
or a unit beyond the line's accepted quantity (across every package), beeps and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Static

from dropship_tui.domain import scan, workflow
from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.models import Order, Stage
from dropship_tui.domain.tracking import TrackingCheck
from dropship_tui.tui.widgets.key_order import InOrderInput, QtyField
from dropship_tui.tui.keymap import bind
from dropship_tui.tui.widgets.qty_input import QtyInput
from dropship_tui.tui.widgets.scan_field import ScanField, key_of
from dropship_tui.tui.widgets.step_indicator import StepIndicator
from dropship_tui.tui.screens.order_screen import (
    Note,
    SHIP_BINDINGS,
    SHIP_TRACKING,
    STEP_BINDINGS,
    OrderScreen,
    error_text,
    current_screen_for,
    local_time,
    order_title,
    plain,
    units,
)


class TrackingInput(InOrderInput):
    """A slip's tracking number: enter (a scanner's last key) saves it."""

    BINDINGS = [SHIP_TRACKING]

    def __init__(self, slip_number: int, value: str) -> None:
        super().__init__(
            value,
            placeholder="Scan or type the tracking number",
            id=f"track-{slip_number}",
            classes="t-number",
            compact=True,
            max_length=40,
        )
        self.slip_number = slip_number

    def action_save_tracking(self) -> None:
        screen = self.screen
        if isinstance(screen, PrepareShipmentsScreen):
            screen.save_tracking(self.slip_number)


class PrepareShipmentsScreen(OrderScreen):
    BINDINGS = [*STEP_BINDINGS, *SHIP_BINDINGS, bind("ship.scan"), bind("ship.next_package")]
    CSS_PATH = "../styles/fulfillment.tcss"

    def __init__(self, po_number: int, order: Order | None = None) -> None:
        super().__init__(po_number, order)
        self.count = 1
        self.cells: dict[tuple[int, int], str] = {}
        self.typed_tracking: dict[int, tuple[str, str]] = {}
        self.confirm_drop = False
        self.built = False
        self.packing = False
        """True from the first scan: the packages are filled one scanned unit at a time."""
        self.package = 1
        """The package (packing slip) the next scan goes into."""
        self.scan_wanted = False
        """The user went to the scan field (a reload leaves the focus there)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="step-top"):
            yield Static(Text(f"PO {self.po_number}  ·  loading…"), id="title")
            yield StepIndicator(2, done=1, id="steps")
        with VerticalScroll(id="ship-body"):
            yield Static(Text("Packing slips", style="bold"), classes="section-title")
            with Horizontal(id="count-row"):
                yield Static(Text("Number of packing slips (1–10):"), classes="label")
                yield QtyField("1", minimum=1, maximum=10, id="slip-count")
                yield Static("", id="count-note")
            yield Vertical(id="grid")
            with Horizontal(id="scan-row"):
                yield Static(Text("Scan"), classes="scan-label")
                yield ScanField(id="ship-scan", on_scan=self.scanned)
                yield Static(self.package_text(), id="scan-mode")
            yield Note("", id="scan-note")
            yield Static("", id="summary")
            yield Note("", id="plan-problems")
            yield Note("", id="status")
            with Horizontal(classes="actions"):
                yield Button("Save slips  ctrl+s", variant="primary", id="save-slips", compact=True)
                yield Button("Print packing slips  ctrl+o", id="print-slips", compact=True)
            yield Static(Text("Tracking numbers", style="bold"), classes="section-title")
            yield Vertical(id="tracking-section")
            yield Static("", id="invoice-note")
            with Horizontal(classes="actions"):
                yield Button("Generate invoice  ctrl+g", variant="success", id="generate-invoice", compact=True)
                yield Button("Cancel order  ctrl+x", variant="error", id="ship-cancel", compact=True)
        yield Footer()

    # --- loading ------------------------------------------------------------------------

    async def loaded(self, result: Any) -> None:
        order: Order = result
        self.order = order
        if order.stage is not Stage.IN_PROGRESS or order.invoice is not None:
            self.notify(f"PO {order.po_number} is {order.stage.label}; showing where it is now")
            self.app.switch_screen(current_screen_for(order))
            return
        await self.show_order(order)

    async def show_order(self, order: Order) -> None:
        self.query_one("#title", Static).update(order_title(order, "Step 2 of 2"))
        if not self.built:
            # First load: the saved slips, else one slip with everything (one keystroke).
            if order.slips:
                self.count = len(order.slips)
                for slip in order.slips:
                    for line in self.lines():
                        self.cells[(line.line_id, slip.number)] = str(slip.lines.get(line.line_id, 0))
            else:
                self.seed(1)
            self.query_one("#slip-count", QtyInput).value = str(self.count)
            self.built = True
        await self.build_grid()
        await self.build_tracking()
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        if isinstance(self.focused, ScanField) and not self.scan_wanted:
            pass  # focused only as the first field of the screen: move on as usual
        elif isinstance(self.focused, Input) and self.focused is not self.query_one("#slip-count"):
            return
        order = self.order
        if order is not None and order.slips:
            untracked = [s for s in order.slips if not s.tracking_number]
            if untracked:
                self.query_one(f"#track-{untracked[0].number}", TrackingInput).focus()
                return
            if workflow.invoice_problem(order) is None:
                self.query_one("#generate-invoice", Button).focus()
                return
        self.query_one("#slip-count", QtyInput).focus()

    def lines(self):  # type: ignore[no-untyped-def]
        assert self.order is not None
        return [line for line in self.order.lines if (line.quantity_accepted or 0) > 0]

    # --- the allocation grid --------------------------------------------------------------

    def seed(self, count: int) -> None:
        assert self.order is not None
        self.count = count
        plan = workflow.even_allocation(self.order, count)
        self.cells = {
            (line.line_id, n): str(plan[n - 1].get(line.line_id, 0))
            for line in self.lines()
            for n in range(1, count + 1)
        }

    def plan(self) -> list[dict[int, int]]:
        plan: list[dict[int, int]] = []
        for n in range(1, self.count + 1):
            slip = {}
            for line in self.lines():
                raw = self.cells.get((line.line_id, n), "0")
                slip[line.line_id] = int(raw) if raw.isdigit() else 0
            plan.append(slip)
        return plan

    async def build_grid(self) -> None:
        grid = self.query_one("#grid", Vertical)
        focused_id = self.focused.id if self.focused is not None else None
        await grid.remove_children()
        rows = [
            Horizontal(
                Static(Text("Line"), classes="g-product"),
                Static(Text("Accepted", justify="right"), classes="g-num"),
                *(
                    Static(
                        Text(f"Slip {n}" if self.count <= 6 else f"#{n}"),
                        classes="g-cell g-head-cell" + (" -current" if self.showing_package and n == self.package else ""),
                        id=f"head-{n}",
                    )
                    for n in range(1, self.count + 1)
                ),
                Static(Text("Placed"), classes="g-placed"),
                classes="grid-row grid-head",
            )
        ]
        for line in self.lines():
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(plain(line.sku), style="bold")
            label.append("  " + plain(line.description))
            rows.append(
                Horizontal(
                    Static(label, classes="g-product"),
                    Static(Text(str(line.quantity_accepted), justify="right"), classes="g-num"),
                    *(
                        QtyField(
                            self.cells.get((line.line_id, n), "0"),
                            maximum=line.quantity_accepted,
                            id=f"cell-{line.line_id}-{n}",
                            classes="g-cell",
                            column=f"slip{n}",
                        )
                        for n in range(1, self.count + 1)
                    ),
                    Static("", id=f"placed-{line.line_id}", classes="g-placed"),
                    classes="grid-row",
                )
            )
        grid.set_class(self.count > 6, "-dense")
        await grid.mount_all(rows)
        self.refresh_plan()
        if focused_id and focused_id.startswith("cell-"):
            try:
                self.query_one(f"#{focused_id}").focus()
            except Exception:
                pass

    def refresh_plan(self) -> None:
        order = self.order
        if order is None:
            return
        plan = self.plan()
        # Per line: placed of accepted.
        for line in self.lines():
            placed = sum(slip.get(line.line_id, 0) for slip in plan)
            accepted = line.quantity_accepted or 0
            try:
                label = self.query_one(f"#placed-{line.line_id}", Static)
            except Exception:
                continue
            short = self.has_class("-narrow")
            if placed == accepted:
                label.update(Text(f"{placed}/{accepted} ✓" if short else f"{placed} of {accepted} ✓", style="green"))
            elif placed < accepted:
                gap = accepted - placed
                label.update(
                    Text(f"{placed}/{accepted} −{gap}" if short else f"{placed} of {accepted}: {gap} unplaced", style="bold yellow")
                )
            else:
                over = placed - accepted
                label.update(
                    Text(f"{placed}/{accepted} +{over}" if short else f"{placed} of {accepted}: {over} too many", style="bold red")
                )
        # The package summary.
        summary = Text()
        for n, slip in enumerate(plan, start=1):
            total = sum(slip.values())
            if n > 1:
                summary.append("\n")
            summary.append(f"Packing slip {n}: ", style="bold")
            summary.append(units(total))
            contents = [f"{plain(order.line(lid).sku)} ×{q}" for lid, q in slip.items() if q]
            if contents:
                summary.append("  (" + ", ".join(contents) + ")", style="dim")
        saved = self.saved_plan()
        if saved is not None:
            same = saved == [{k: v for k, v in s.items() if v} for s in plan]
            summary.append(
                "\nSaved ✓" if same else "\nChanged — not saved yet (ctrl+s)",
                style="bold green" if same else "bold yellow",
            )
        else:
            summary.append("\nNot saved yet (ctrl+s)", style="bold yellow")
        self.query_one("#summary", Static).update(summary)
        problems = workflow.slip_plan_problems(order, plan)
        self.query_one("#plan-problems", Static).update(
            Text("\n".join(f"✗ {p}" for p in problems), style="bold red") if problems else ""
        )

    def unsaved_changes(self) -> str | None:
        """What quitting now would lose, for the app's quit guard (None: nothing)."""
        if self.order is None or self.order.invoice is not None:
            return None
        try:
            plan = [{k: v for k, v in s.items() if v} for s in self.plan()]
        except Exception:  # a field mid-edit: treat as changed
            return f"the packing slips of PO {self.order.po_number} you have not saved"
        if plan != (self.saved_plan() or workflow.even_allocation(self.order, 1)):
            return f"the packing slips of PO {self.order.po_number} you have not saved"
        return None

    def saved_plan(self) -> list[dict[int, int]] | None:
        if self.order is None or not self.order.slips:
            return None
        return [{k: v for k, v in s.lines.items() if v} for s in self.order.slips]

    async def on_input_changed(self, event: Input.Changed) -> None:
        widget_id = event.input.id or ""
        if widget_id == "slip-count":
            event.stop()
            await self.count_changed(event.value)
        elif widget_id.startswith("cell-"):
            event.stop()
            _, line_id, slip = widget_id.split("-")
            self.cells[(int(line_id), int(slip))] = event.input.value
            self.confirm_drop = False
            self.clear_status()
            self.refresh_plan()
        elif widget_id.startswith("track-") or widget_id.startswith("carrier-"):
            event.stop()
            number = int(widget_id.rsplit("-", 1)[1])
            self.refresh_tracking(number)

    async def count_changed(self, raw: str) -> None:
        note = self.query_one("#count-note", Static)
        order = self.order
        if order is None:
            return
        if not raw.isdigit() or not 1 <= int(raw) <= workflow.MAX_SLIPS:
            note.update(Text(f"✗ the number of packing slips must be from 1 to {workflow.MAX_SLIPS}", style="bold red"))
            return
        count = int(raw)
        dropped = workflow.tracking_dropped_by(order, count)
        if dropped:
            note.update(
                Text(
                    "⚠ saving removes "
                    + ", ".join(f"slip {s.number} and its tracking {plain(s.tracking_number)}" for s in dropped),
                    style="bold yellow",
                )
            )
        elif count != self.count:
            note.update(Text("the units are spread evenly; type over any number", style="dim"))
        else:
            note.update("")
        if count != self.count:
            self.confirm_drop = False
            if self.packing:
                self.resize(count)
            else:
                self.seed(count)
            await self.build_grid()
            self.show_package()

    def resize(self, count: int) -> None:
        """Packing by scan: keep what is packed; new packages start empty."""
        self.count = count
        self.cells = {
            (line.line_id, n): self.cells.get((line.line_id, n), "0")
            for line in self.lines()
            for n in range(1, count + 1)
        }
        self.package = min(self.package, count)

    # --- packing by scan -------------------------------------------------------------------

    @property
    def showing_package(self) -> bool:
        """Packing by scan, or a package chosen with ctrl+n: show which one is current."""
        return self.packing or self.package > 1

    def package_text(self) -> Text:
        if not self.showing_package:
            return Text(f"{key_of(self.app, 'ship.scan')}: scan to pack (starts empty)", style="dim")
        text = Text(f"Packing slip {self.package} of {self.count} ▸", style="bold cyan")
        text.append(f"  {key_of(self.app, 'ship.next_package')} next package", style="dim")
        return text

    def show_package(self) -> None:
        self.query_one("#scan-mode", Static).update(self.package_text())
        for n in range(1, self.count + 1):
            try:
                head = self.query_one(f"#head-{n}", Static)
            except Exception:
                continue
            head.set_class(self.showing_package and n == self.package, "-current")

    def action_focus_scan(self) -> None:
        self.scan_wanted = True
        # At once (a priority binding, focus set now rather than later): a scan that
        # follows the key straight away lands in the field.
        self.set_focus(self.query_one("#ship-scan", ScanField))

    async def action_next_package(self) -> None:
        if self.order is None:
            return
        note = self.query_one("#scan-note", Note)
        if self.package < self.count:
            self.package += 1
        elif self.count < workflow.MAX_SLIPS:
            count = self.count + 1
            if self.packing:
                self.resize(count)
            else:
                self.seed(count)
            self.package = count
            field = self.query_one("#slip-count", QtyInput)
            with field.prevent(Input.Changed):
                field.value = str(count)
            self.query_one("#count-note", Static).update("")
            self.confirm_drop = False
            await self.build_grid()
        else:
            self.app.bell()
            note.update(Text(f"✗ {workflow.MAX_SLIPS} packing slips at most", style="bold red"))
            return
        note.update("")
        self.show_package()

    def scanned(self, code: str) -> None:
        """One scan (the scan field calls this in typing order)."""
        self.scan_wanted = True
        order = self.order
        note = self.query_one("#scan-note", Note)
        if order is None or not self.built:
            self.app.bell()
            note.update(Text("✗ the order is still loading", style="bold red"))
            return
        plan = self.plan() if self.packing else []
        packed = {line.line_id: sum(slip.get(line.line_id, 0) for slip in plan) for line in self.lines()}
        limits = {line.line_id: line.quantity_accepted or 0 for line in self.lines()}
        problem = scan.scan_problem(order, code, packed, limits, limit_name="accepted", done="packed")
        line = scan.scan_line(order, code, packed, limits)
        if problem or line is None:
            self.app.bell()
            note.update(Text(f"✗ {problem}", style="bold red"))
            return
        if not self.packing:
            self.packing = True
            self.cells = {key: "0" for key in self.cells}
        key = (line.line_id, self.package)
        raw = self.cells.get(key, "0")
        self.cells[key] = str((int(raw) if raw.isdigit() else 0) + 1)
        for (line_id, n), value in self.cells.items():
            try:
                cell = self.query_one(f"#cell-{line_id}-{n}", QtyInput)
            except Exception:
                continue
            if cell.value != value:
                with cell.prevent(Input.Changed):
                    cell.value = value
        self.confirm_drop = False
        self.clear_status()
        self.refresh_plan()
        self.show_package()
        in_package = int(self.cells[key])
        note.update(
            Text(
                f"✓ {plain(line.sku)} ×{in_package} in slip {self.package} "
                f"({packed.get(line.line_id, 0) + 1} of {limits[line.line_id]} packed)",
                style="green",
            )
        )

    # --- actions -------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "save-slips": self.action_save_slips,
            "print-slips": self.action_print_slips,
            "generate-invoice": self.action_generate_invoice,
            "ship-cancel": self.action_cancel_order,
        }
        action = actions.get(event.button.id or "")
        if action:
            action()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        widget_id = event.input.id or ""
        event.stop()
        if widget_id.startswith("carrier-"):
            self.save_tracking(int(widget_id.removeprefix("carrier-")))
        elif widget_id == "slip-count" or widget_id.startswith("cell-"):
            self.action_save_slips()

    def action_save_slips(self) -> None:
        order = self.order
        if order is None:
            return
        plan = self.plan()
        problems = workflow.slip_plan_problems(order, plan)
        if problems:
            self.show_error(DomainError("The packing slips cannot be saved: " + "; ".join(problems), problems))
            return
        dropped = workflow.tracking_dropped_by(order, len(plan))
        if dropped and not self.confirm_drop:
            self.confirm_drop = True
            listed = ", ".join(f"slip {s.number} (tracking {plain(s.tracking_number)})" for s in dropped)
            self.query_one("#status", Static).update(
                Text(
                    f"⚠ Saving removes {listed} and its tracking number. "
                    "Press ctrl+s again to save anyway, or change the count back.",
                    style="bold yellow",
                )
            )
            return
        self.confirm_drop = False
        self.query_one("#status", Static).update(Text("Saving…", style="dim"))
        self.call_store(
            lambda store: store.save_slips(order.po_number, order.version, plan),
            self._slips_saved,
            write=True,
        )

    async def _slips_saved(self, order: Order) -> None:
        self.order = order
        self.query_one("#status", Static).update(
            Text(f"✓ {len(order.slips)} packing slip{'s' if len(order.slips) > 1 else ''} saved", style="green")
        )
        self.notify(f"PO {order.po_number}: {len(order.slips)} packing slip(s) saved")
        self.query_one("#count-note", Static).update("")
        self.refresh_plan()
        await self.build_tracking()
        untracked = [s for s in order.slips if not s.tracking_number]
        if untracked:
            self.call_after_refresh(lambda: self.query_one(f"#track-{untracked[0].number}", TrackingInput).focus())

    def action_print_slips(self) -> None:
        order = self.order
        if order is None or not order.slips:
            self.show_error(DomainError("Save the packing slips first (ctrl+s); then they can be printed"))
            return
        from dropship_tui.tui.screens.invoice import write_packing_slips

        self.query_one("#status", Static).update(Text("Writing the packing slips PDF…", style="dim"))
        config = getattr(self.app, "config", None)
        self.call_store(lambda store: write_packing_slips(store, order, config), self._printed)

    def _printed(self, result: Any) -> None:
        path, printed = result
        text = Text("✓ Packing slips written to ", style="green")
        text.append(str(path), style="bold")
        if printed:
            text.append(f" and {printed}", style="green")
        self.query_one("#status", Static).update(text)
        self.notify(f"Packing slips: {path}")

    # --- tracking ------------------------------------------------------------------------------

    async def build_tracking(self) -> None:
        section = self.query_one("#tracking-section", Vertical)
        order = self.order
        await section.remove_children()
        if order is None or not order.slips:
            await section.mount(
                Static(Text("Save the packing slips first; then each slip gets its tracking number.", style="dim"), classes="hint")
            )
            self.refresh_invoice_note()
            return
        rows = []
        for slip in order.slips:
            typed = self.typed_tracking.get(slip.number)
            number = typed[0] if typed else (slip.tracking_number or "")
            carrier = typed[1] if typed else ""
            rows.append(
                Vertical(
                    Horizontal(
                        Static(Text(f"Slip {slip.number} of {len(order.slips)} · {units(slip.units)}"), classes="t-slip"),
                        TrackingInput(slip.number, number),
                        InOrderInput(
                            carrier,
                            placeholder="Carrier (if not recognised)",
                            id=f"carrier-{slip.number}",
                            classes="t-carrier",
                            compact=True,
                            max_length=40,
                        ),
                        classes="track-inputs",
                    ),
                    Static("", id=f"track-state-{slip.number}", classes="t-state"),
                    classes="track-row",
                )
            )
        await section.mount_all(rows)
        for slip in order.slips:
            self.refresh_tracking(slip.number)
        self.refresh_invoice_note()

    def _tracking_fields(self, number: int) -> tuple[TrackingInput, Input, Static] | None:
        try:
            return (
                self.query_one(f"#track-{number}", TrackingInput),
                self.query_one(f"#carrier-{number}", Input),
                self.query_one(f"#track-state-{number}", Static),
            )
        except Exception:
            return None

    def refresh_tracking(self, number: int) -> None:
        order = self.order
        fields = self._tracking_fields(number)
        if order is None or fields is None:
            return
        field, carrier_field, state = fields
        raw, carrier = field.value, carrier_field.value
        self.typed_tracking[number] = (raw, carrier)
        try:
            slip = order.slip(number)
        except KeyError:
            return
        if not raw.strip():
            state.update(Text("scan or type it, then enter", style="dim"))
            return
        check = workflow.tracking_problem(order, number, raw, carrier or None)
        if isinstance(check, str):
            state.update(Text(f"✗ {check}", style="bold red"))
            return
        if slip.tracking_number == check.number and (not carrier.strip() or carrier.strip() == slip.carrier):
            text = Text(f"✓ saved: {plain(slip.carrier) or 'carrier?'} ", style="green")
            text.append(f"· {local_time(slip.tracked_at)}", style="dim")
            state.update(text)
            return
        who = carrier.strip() or check.carrier or "?"
        state.update(Text(f"{plain(who)} number ✓ — press enter to save", style="yellow"))

    def save_tracking(self, number: int) -> None:
        order = self.order
        fields = self._tracking_fields(number)
        if order is None or fields is None:
            return
        field, carrier_field, state = fields
        raw, carrier = field.value, carrier_field.value.strip() or None
        check = workflow.tracking_problem(order, number, raw, carrier)
        if isinstance(check, str):
            state.update(Text(f"✗ {check}", style="bold red"))
            self.notify(check, severity="error")
            return
        state.update(Text("saving…", style="dim"))

        def failed(error: DomainError) -> None:
            state.update(error_text(error))
            self.notify(error.message, severity="error")

        self.call_store(
            lambda store: store.save_tracking(order.po_number, order.version, number, raw, carrier),
            lambda new: self._tracking_saved(new, number),
            failed,
            write=True,
        )

    def _tracking_saved(self, order: Order, number: int) -> None:
        self.order = order
        slip = order.slip(number)
        self.typed_tracking.pop(number, None)
        self.notify(f"Slip {number}: tracking {slip.tracking_number} saved ({slip.carrier})")
        for other in order.slips:
            self.refresh_tracking(other.number)
        self.refresh_invoice_note()
        self.refresh_plan()
        untracked = [s for s in order.slips if not s.tracking_number]
        if untracked:
            later = [s for s in untracked if s.number > number] or untracked
            self.query_one(f"#track-{later[0].number}", TrackingInput).focus()
        else:
            self.query_one("#generate-invoice", Button).focus()

    # --- invoice -------------------------------------------------------------------------------

    def refresh_invoice_note(self) -> None:
        order = self.order
        if order is None:
            return
        problem = workflow.invoice_problem(order)
        note = self.query_one("#invoice-note", Static)
        if problem:
            note.update(Text(f"Invoice: {problem}", style="dim"))
        else:
            note.update(Text("Every slip is tracked: ctrl+g generates the invoice", style="bold green"))

    def action_generate_invoice(self) -> None:
        order = self.order
        if order is None:
            return
        problem = workflow.invoice_problem(order)
        if problem:
            self.query_one("#invoice-note", Static).update(Text(f"✗ {problem}", style="bold red"))
            self.notify(problem, severity="error")
            return
        self.query_one("#invoice-note", Static).update(Text("Generating the invoice…", style="dim"))

        def failed(error: DomainError) -> None:
            self.query_one("#invoice-note", Static).update(error_text(error))
            self.notify(error.message, severity="error")

        self.call_store(
            lambda store: store.generate_invoice(order.po_number, order.version),
            self._invoiced,
            failed,
            write=True,
        )

    def _invoiced(self, order: Order) -> None:
        self.order = order
        assert order.invoice is not None
        self.notify(f"Invoice {order.invoice.invoice_number} generated")
        from dropship_tui.tui.screens.invoice import InvoiceScreen

        self.app.switch_screen(InvoiceScreen(order.po_number, order))

