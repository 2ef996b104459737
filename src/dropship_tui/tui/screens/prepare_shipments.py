"""Step 2 — Prepare shipments (R6-R8).

The slip count (1-10) and the allocation grid (lines x slips), prefilled with
``even_allocation`` so the common case is one keystroke (ctrl+s); the package summary
and ``slip_plan_problems`` update as the numbers change. Once saved: print the packing
slips, a tracking number per slip (checked as typed with ``tracking_problem``, saved one
slip at a time with enter — a scanner ends with enter), then generate the invoice.

Packing by scan (f2 focuses the scan field, ctrl+n the next package): ``pack_by_scan``.
The grid's rows and words are ``widgets.slip_grid``, the tracking rows
``widgets.tracking_rows``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.models import MAX_SLIPS, Order, Stage
from dropship_tui.domain.words import plural, terminal_text
from dropship_tui.tui.messages import ShowOrder
from dropship_tui.tui.printing import hand_over, write_packing_slips
from dropship_tui.tui.screens.order_screen import StepScreen, order_title
from dropship_tui.tui.screens.pack_by_scan import PackByScan
from dropship_tui.tui.screens.slip_tracking import SlipTracking, no_slips_hint
from dropship_tui.tui.step_styles import StyledAtMount
from dropship_tui.tui.widgets.key_order import QtyField
from dropship_tui.tui.widgets.note import LONG_ORDER, Note, ReservedNote, error_text, update_in_place
from dropship_tui.tui.widgets.qty_input import QtyInput
from dropship_tui.tui.widgets.scan_field import ScanField
from dropship_tui.tui.widgets.line_grid import CellEditor, EditorSpec, GridHead, LineGrid
from dropship_tui.tui.widgets.slip_grid import (
    PROBLEMS_SHOWN, grid_columns, line_label, placed_text, plan_summary, problems_text,
)
from dropship_tui.tui.widgets.step_indicator import StepIndicator
from dropship_tui.tui.widgets.tracking_rows import TrackingInput
from dropship_tui.tui.widgets.key_footer import KeyFooter


class PrepareShipmentsScreen(SlipTracking, PackByScan, StyledAtMount, StepScreen):
    BINDINGS = [
        Binding("ctrl+s", "save_slips", "Save slips", id="ship.save_slips", tooltip="Save the packing slips as allocated"),
        # once invoiced ``save_slips`` is off (not offered in the footer); the key still says why
        Binding("ctrl+s", "save_slips('fixed')", "Save slips", show=False),
        Binding("ctrl+o", "print_slips", "Print slips", id="ship.print",
                tooltip="Write the packing slips PDF (and print it)"),
        Binding("ctrl+g", "generate_invoice", "Invoice", id="ship.invoice",
                tooltip="Generate the invoice once every slip is tracked (once generated: open it)"),
        Binding("f2,ctrl+b", "focus_scan", "Scan", priority=True, id="ship.scan",
                tooltip="Focus the scan field: each scan packs one unit into the current package"),
        Binding("ctrl+n", "next_package", "Next package", show=False, id="ship.next_package",
                tooltip="Scan into the next package (after the last one: a new package)"),
    ]
    CSS_PATH = "../styles/fulfillment.tcss"
    AUTO_FOCUS = "#slip-count"
    """As it opens (``on_mount`` gives later resumes Textual's own pick back): Textual's
    pick, the scrolled body, restyled every widget in it twice (the focus in, then out)."""

    def __init__(self, po_number: int, order: Order | None = None) -> None:
        super().__init__(po_number, order)
        self.count = 1
        self.cells: dict[tuple[int, int], str] = {}
        self.typed_tracking: dict[int, tuple[str, str]] = {}
        self.confirm_drop = False
        self.built = False
        self.footer_invoiced = False
        """Whether the footer's keys were last worked out for an invoiced order."""
        self._lines: list = []
        """The lines the grid shows (those with accepted units), row by row."""
        self._handed_version: int | None = None  # the order shown at mount, until re-read

    def compose(self) -> ComposeResult:
        with Vertical(id="step-top"):
            yield Static(Text(f"PO {self.po_number}  ·  loading…"), id="title")
            yield StepIndicator(2, done=1, id="steps")
        with VerticalScroll(id="ship-body"):
            yield Static(Text("Packing slips", style="bold"), classes="section-title")
            with Horizontal(id="count-row"):
                yield Static(Text(f"Number of packing slips (1–{MAX_SLIPS}):"), classes="label")
                yield QtyField("1", minimum=1, maximum=MAX_SLIPS, id="slip-count")
                yield Static("", id="count-note")
            grid = LineGrid(self.cell, self.editor, edited=self.cell_edited, id="grid")
            yield GridHead(grid, id="grid-head")
            yield grid
            with Horizontal(id="scan-row"):
                yield Static(Text("Scan"), classes="scan-label")
                yield ScanField(id="ship-scan", on_scan=self.scanned)
                yield Static(self.package_text(), id="scan-mode")
            yield Note("", id="scan-note")
            yield Note("", id="summary")
            yield ReservedNote("", id="plan-problems")
            yield Note("", id="status")
            with Horizontal(classes="actions"):
                yield Button("Save slips  ctrl+s", variant="primary", id="save-slips", compact=True)
                yield Button("Print packing slips  ctrl+o", id="print-slips", compact=True)
            yield Static(Text("Tracking numbers", style="bold"), classes="section-title")
            with Vertical(id="tracking-section"):
                yield no_slips_hint()
            yield Static("", id="invoice-note")
            with Horizontal(classes="actions"):
                yield Button("Generate invoice  ctrl+g", variant="success", id="generate-invoice", compact=True)
                yield Button("Cancel order  ctrl+x", variant="error", id="ship-cancel", compact=True)
        yield KeyFooter()

    # --- loading ------------------------------------------------------------------------

    async def on_mount(self) -> None:
        """The order handed over (navigation reads it first) is shown before the first layout:
        shown once the mount's read came back, it took two layouts and paints, 160 ms and more
        for 200 lines (issue 13 item 9). ``OrderScreen.on_mount`` then reads it again."""
        self.AUTO_FOCUS = None
        order = self.order
        if order is None or order.stage is not Stage.IN_PROGRESS:
            return
        self.set_class(self.app.size.width < self.NARROW, "-narrow")  # the grid's columns
        self._handed_version = order.version
        await self.show_order(order)
        self._focus_first()  # now, so that the first frame has it (not one frame later)

    def reload(self) -> None:
        """The mount's read of an order shown already waits for the first frame (its thread
        took the interpreter from the first layout). Newer than the one handed over, it
        is shown as a first read would show it (``loaded``; nothing typed yet to keep)."""
        if self._handed_version is not None:
            self.call_after_refresh(super().reload)
        else:
            super().reload()

    async def loaded(self, result: Any) -> None:
        order: Order = result
        handed, self._handed_version = self._handed_version, None
        if handed == order.version and order.stage is Stage.IN_PROGRESS:
            return  # the mount's read: what is on screen already
        if handed is not None:
            self.built, self.typed_tracking = False, {}
        self.order = order
        if order.stage is not Stage.IN_PROGRESS:
            self.notify(f"PO {order.po_number} is {order.stage.label}; showing where it is now")
            self.post_message(ShowOrder(order))
            return
        await self.show_order(order)

    async def show_order(self, order: Order) -> None:
        update_in_place(self.query_one("#title", Static), order_title(order, "Step 2 of 2"))
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
        self.show_invoiced()
        self.call_after_refresh(self._focus_first)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Saving slips is not offered once the invoice fixed them: the footer's binding is
        hidden, and the hidden twin (same key) explains the refusal."""
        if action == "save_slips" and parameters == () and self.invoiced:
            return False
        return True

    @property
    def invoiced(self) -> bool:
        """The invoice exists: the slips are fixed, the tracking numbers are still
        editable until Done (R7)."""
        return self.order is not None and self.order.invoice is not None

    def show_invoiced(self) -> None:
        """Back from the invoice: the slip fields read-only, ctrl+g opens the invoice."""
        invoiced = self.invoiced
        if invoiced != self.footer_invoiced:  # the footer drops "Save slips" (a recompose)
            self.footer_invoiced = invoiced
            self.refresh_bindings()
        for field in self.query(QtyInput):
            if field.id == "slip-count" or isinstance(field, CellEditor):
                field.disabled = invoiced
        self.query_one("#save-slips", Button).display = not invoiced
        button = self.query_one("#generate-invoice", Button)
        button.label = "Open the invoice  ctrl+g" if invoiced else "Generate invoice  ctrl+g"
        if invoiced:
            assert self.order is not None and self.order.invoice is not None
            self.query_one("#count-note", Static).update(
                Text(f"fixed by invoice {terminal_text(self.order.invoice.invoice_number)}", style="dim")
            )

    def _focus_first(self) -> None:
        if isinstance(self.focused, ScanField) and not self.scan_wanted:
            pass  # focused only as the first field of the screen: move on as usual
        elif isinstance(self.focused, Input) and self.focused is not self.query_one("#slip-count"):
            return
        order = self.order
        if order is not None and order.slips:
            untracked = [s for s in order.slips if not s.tracking_number]
            if untracked or self.invoiced:
                first = (untracked or order.slips)[0].number
                self.query_one(f"#track-{first}", TrackingInput).focus()
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

    @property
    def grid(self) -> LineGrid:
        return self.query_one("#grid", LineGrid)

    async def build_grid(self) -> None:
        """The grid for the current slip count (the editor stays where it was)."""
        self._lines = self.lines()
        await self.grid.show(grid_columns(self.count, self.has_class("-narrow")), len(self._lines))
        self.refresh_plan()

    def on_resize(self) -> None:
        super().on_resize()
        if self.built and self.grid.columns != grid_columns(self.count, self.has_class("-narrow")):
            self.run_worker(self.build_grid())

    def cell(self, row: int, key: str) -> tuple[Text, str | None]:
        """What the grid draws in ``row``'s column ``key`` (``slipN``: a quantity)."""
        line = self._lines[row]
        accepted = line.quantity_accepted or 0
        if key.startswith("slip"):
            return Text(self.cells.get((line.line_id, int(key.removeprefix("slip"))), "0")), "field"
        if key == "placed":
            placed = sum(self.number(line.line_id, n) for n in range(1, self.count + 1))
            return placed_text(placed, accepted, self.has_class("-narrow")), None
        if key == "accepted":
            return Text(str(accepted)), None
        return line_label(line), None

    def number(self, line_id: int, slip: int) -> int:
        raw = self.cells.get((line_id, slip), "0")
        return int(raw) if raw.isdigit() else 0

    def cell_of(self, field: CellEditor) -> tuple[int, int]:
        """(line id, slip number) of the cell the grid's field is over."""
        return self._lines[field.row].line_id, int(field.key.removeprefix("slip"))

    def editor(self, row: int, key: str) -> EditorSpec:
        """The field over ``row``'s quantity in slip N (the grid's one ``#line-editor``)."""
        line = self._lines[row]
        slip = int(key.removeprefix("slip"))
        return EditorSpec(self.cells.get((line.line_id, slip), "0"), line.quantity_accepted, disabled=self.invoiced)

    def refresh_plan(self, *line_ids: int) -> None:
        """The placed column of ``line_ids`` (none: every line), the summary, the problems."""
        order = self.order
        if order is None:
            return
        plan = self.plan()
        rows = {line.line_id: i for i, line in enumerate(self._lines)}
        self.grid.redraw(*(rows[lid] for lid in line_ids if lid in rows))
        problems = workflow.slip_plan_problems(order, plan)
        # Most keys change neither (a relayout each would be most of a key's time).
        self.query_one("#summary", Note).update(plan_summary(order, plan, self.saved_plan()))
        notes = self.query_one("#plan-problems", ReservedNote)
        if len(self._lines) >= LONG_ORDER:
            # A long order's problems get their rows up front (the few listed and the count
            # line): they came a row at a time, each a relayout of the whole body under a
            # 200-row grid (issue 13 item 9). A short order's take a row each as they come.
            notes.reserve(PROBLEMS_SHOWN + 1)
        notes.update(problems_text(problems) if problems else "")

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
        elif widget_id.startswith("track-") or widget_id.startswith("carrier-"):
            event.stop()
            number = int(widget_id.rsplit("-", 1)[1])
            self.refresh_tracking(number)

    def cell_edited(self, field: CellEditor) -> None:
        """A key changed the grid's field: its line's Placed, the summary, the problems."""
        line_id, slip = self.cell_of(field)
        self.cells[(line_id, slip)] = field.value
        self.confirm_drop = False
        self.clear_status()
        self.refresh_plan(line_id)

    async def count_changed(self, raw: str) -> None:
        """The slip count as typed or set: its note changes in place (the opening's empty
        note again was a second layout of the whole screen under a 200-row grid)."""
        note = self.query_one("#count-note", Static)
        order = self.order
        if order is None:
            return
        count = int(raw) if raw.isdigit() else 0
        problem = workflow.slip_count_problem(count)
        if problem:
            update_in_place(note, Text(f"✗ {problem[0].lower()}{problem[1:]}", style="bold red"))
            return
        dropped = workflow.tracking_dropped_by(order, count)
        if dropped:
            removed = ", ".join(f"slip {s.number} and its tracking {terminal_text(s.tracking_number)}" for s in dropped)
            update_in_place(note, Text(f"⚠ saving removes {removed}", style="bold yellow"))
        elif count != self.count:
            update_in_place(note, Text("the units are spread evenly; type over any number", style="dim"))
        else:
            update_in_place(note, "")
        if count != self.count:
            self.confirm_drop = False
            if self.packing:
                self.resize(count)
            else:
                self.seed(count)
            await self.build_grid()
            self.show_package()

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

    def count_problem(self) -> str | None:
        """Why the typed slip count cannot be saved (the grid shows the last good one)."""
        raw = self.query_one("#slip-count", QtyInput).value.strip()
        return workflow.slip_count_problem(int(raw) if raw.isdigit() else 0)

    def action_save_slips(self, why: str = "") -> None:
        order = self.order
        if order is None:
            return
        if order.invoice is not None:
            self.show_error(DomainError(
                f"The packing slips are fixed by invoice {order.invoice.invoice_number}; "
                "only the tracking numbers can still change"
            ))
            return
        problem = self.count_problem()
        if problem:
            # refused at the field: saving now would save the grid of the last good count
            said = f"✗ {problem[0].lower()}{problem[1:]}: nothing saved"
            self.query_one("#count-note", Static).update(Text(said, style="bold red"))
            self.query_one("#slip-count", QtyInput).focus()
            return
        plan = self.plan()
        problems = workflow.slip_plan_problems(order, plan)
        if problems:
            self.show_error(DomainError("The packing slips cannot be saved: " + "; ".join(problems), problems))
            return
        dropped = workflow.tracking_dropped_by(order, len(plan))
        if dropped and not self.confirm_drop:
            self.confirm_drop = True
            listed = ", ".join(f"slip {s.number} (tracking {terminal_text(s.tracking_number)})" for s in dropped)
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
            Text(f"✓ {plural(len(order.slips), 'packing slip')} saved", style="green")
        )
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
        self.query_one("#status", Static).update(Text("Writing the packing slips PDF…", style="dim"))
        config = self.app.config
        web = self.app.is_web
        self.call_store(lambda store: write_packing_slips(store, order, config, web), self._printed)

    def _printed(self, result: Any) -> None:
        written, printed = result
        path = hand_over(self.app, written)  # in a browser: its download
        text = Text("✓ Packing slips written to ", style="green")
        text.append(path, style="bold")
        if printed:
            text.append(f" and {printed}", style="green")
        self.query_one("#status", Static).update(text)
        self.notify(f"Packing slips: {path}")

    # --- invoice -------------------------------------------------------------------------------

    def action_generate_invoice(self) -> None:
        order = self.order
        if order is None:
            return
        if order.invoice is not None:
            self.post_message(ShowOrder(order))  # the invoice, with the tracking as saved
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
        self.notify(f"Invoice {order.invoice.invoice_number} generated", timeout=2)
        self.post_message(ShowOrder(order))  # the invoice

