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
from dropship_tui.tui.step_styles import StyledAtMount
from dropship_tui.tui.widgets.line_grid import CellEditor, EditorSpec, GridColumn, GridHead, LineGrid
from dropship_tui.tui.widgets.note import LONG_ORDER, Note, ReservedNote, same_content, update_in_place
from dropship_tui.tui.widgets.scan_field import ScanField
from dropship_tui.tui.widgets.step_indicator import StepIndicator
from dropship_tui.tui.widgets.key_footer import KeyFooter


WIDE = [
    GridColumn("product", "Product"),
    GridColumn("sku", "SKU", 16),
    GridColumn("vsku", "Vendor SKU", 15, drop=1),
    GridColumn("upc", "UPC", 13, drop=2),
    GridColumn("ordered", "Ordered", 7, right=True, gap=2),
    GridColumn("qty", "Validated", 9, gap=2, field=True),
    GridColumn("problem", "", 22),
]
NARROW = [
    GridColumn("product", "Product"),
    GridColumn("sku", "SKU", 10),
    GridColumn("vsku", "Vendor SKU", 10, drop=1),
    GridColumn("upc", "UPC", 12, drop=2),
    GridColumn("ordered", "Ord", 4, right=True, gap=2),
    GridColumn("qty", "Validated", 9, gap=2, field=True),
    GridColumn("problem", "", 12),
]
"""Step 1's columns: product, SKU, vendor SKU, UPC, ordered, the validated field, its
problem (80 columns: every one stays, as R2 lists them, narrower; below, at 60x20, UPC
and then vendor SKU go rather than the product being cut to a sliver)."""


SHORT_SHOWN = 3
"""The short lines the warning names; past these it counts the rest (their rows say how
many units short, the reason modal lists each): on a 200-line order the list grew a row
every few keys, and each such key laid the screen out again (issue 13 item 9)."""


class AcknowledgeScreen(StyledAtMount, StepScreen):
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
        self.fields: dict[int, str] = {}
        """line_id -> the text of its validated field (every line; the grid draws them)."""
        self.values: dict[int, int] = {}
        self.problems: dict[int, str] = {}
        self._warning: Text | str = ""
        """What ``#short-warning`` shows."""
        """The valid quantities and line_id -> why its field is refused, as last checked."""

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
        grid = LineGrid(self.cell, self.editor, moved=self.show_line_problem, edited=self.cell_edited, id="ack-grid")
        yield GridHead(grid, classes="ack-head")
        with VerticalScroll(id="ack-lines"):
            yield grid
        yield ReservedNote("", id="line-problem")
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
        update_in_place(self.query_one("#title", Static), order_title(order, "Step 1 of 2"))
        self.fields = {
            line.line_id: self.typed.get(line.line_id, str(self.prefill[line.line_id])) for line in order.lines
        }
        self.problems = {}
        await self.grid.show(self.columns(), len(order.lines))
        self.fit_lines(len(order.lines))
        if len(order.lines) >= LONG_ORDER:
            self.query_one("#line-problem", ReservedNote).reserve(1)
            self.query_one("#short-warning", Static).add_class("reserved")
        self.call_after_refresh(self._after_rows)

    @property
    def grid(self) -> LineGrid:
        return self.query_one("#ack-grid", LineGrid)

    def columns(self) -> list[GridColumn]:
        return NARROW if self.has_class("-narrow") else WIDE

    def on_resize(self) -> None:
        super().on_resize()
        if self.fields and self.grid.columns is not self.columns():
            self.run_worker(self.grid.show(self.columns(), len(self.order.lines)))

    def fit_lines(self, rows: int) -> None:
        """The rows take what the rest of the screen leaves (``height: 1fr``), at most
        their own height (a short order leaves no gap), at least 3 rows. Textual's own layout
        keeps this true when a note below appears or grows, in the same frame: worked out
        after each layout instead, a note took two layouts and two frames, and the screen's
        scrollbar came and went in between (a re-render of every row)."""
        box = self.query_one("#ack-lines", VerticalScroll)
        box.styles.max_height = rows
        box.styles.min_height = min(3, rows)

    def cell(self, row: int, key: str) -> tuple[Text, str | None]:
        """What the grid draws in ``row``'s column ``key``."""
        assert self.order is not None
        line = self.order.lines[row]
        if key == "qty":
            return Text(self.fields[line.line_id]), "invalid" if line.line_id in self.problems else "field"
        if key == "problem":
            return self.problem_text(line.line_id), None
        if key == "ordered":
            return Text(str(line.quantity_ordered)), None
        if key == "product":
            return Text(terminal_text(line.description) or terminal_text(line.product_code)), None
        return Text(terminal_text({"sku": line.sku, "vsku": line.vendor_sku, "upc": line.upc}[key])), None

    def line_of(self, field: CellEditor) -> int:
        """The line id of the row the grid's field is over."""
        assert self.order is not None
        return self.order.lines[field.row].line_id

    def editor(self, row: int, key: str) -> EditorSpec:
        """The field over ``row``'s validated quantity (the grid's one ``#line-editor``)."""
        assert self.order is not None
        line = self.order.lines[row]
        return EditorSpec(self.fields[line.line_id], line.quantity_ordered, invalid=line.line_id in self.problems)

    def _after_rows(self) -> None:
        self.refresh_feedback()
        if isinstance(self.focused, ScanField) and self.scan_wanted:
            return
        field = self.grid.field
        if field is not None and not field.has_focus:
            field.focus()

    # --- live feedback ---------------------------------------------------------------

    def unsaved_changes(self) -> str | None:
        """What quitting now would lose, for the app's quit guard (None: nothing)."""
        if self.order is None or self.order.stage is not Stage.NEW:
            return None
        if self.counting:
            return f"the units you scanned for PO {self.order.po_number}"
        for line in self.order.lines:
            value = self.fields.get(line.line_id)
            if value is not None and value.strip() != str(self.prefill[line.line_id]):
                return f"the quantities you typed for PO {self.order.po_number}"
        return None

    def validated(self) -> tuple[dict[int, int], dict[int, str]]:
        """(valid quantities, line_id -> problem) from the fields as typed."""
        assert self.order is not None
        values: dict[int, int] = {}
        problems: dict[int, str] = {}
        for line in self.order.lines:
            raw = self.fields.get(line.line_id)
            if raw is None:
                continue
            problem = workflow.quantity_problem(line, raw)
            if problem:
                problems[line.line_id] = problem
            else:
                values[line.line_id] = int(raw)
        return values, problems

    def problem_text(self, line_id: int) -> Text:
        """A line's problem column: why its field is refused, or how many units short."""
        assert self.order is not None
        problem = self.problems.get(line_id)
        if problem:
            return Text(f"✗ {problem}", style="bold red")
        line = self.order.line(line_id)
        if (short := workflow.shortfall(line, self.values)) > 0:
            return Text(f"{units(short)} short", style="yellow")
        return Text("")

    def _check(self, line_id: int) -> None:
        """Check one line's field again (a key changes one field: the other 199 stand)."""
        assert self.order is not None
        self.values.pop(line_id, None)
        self.problems.pop(line_id, None)
        raw = self.fields.get(line_id)
        if raw is None:
            return
        problem = workflow.quantity_problem(self.order.line(line_id), raw)
        if problem:
            self.problems[line_id] = problem
        else:
            self.values[line_id] = int(raw)

    def refresh_feedback(self, *line_ids: int) -> None:
        """Check the fields of ``line_ids`` again (none: every field) and redraw their rows."""
        if self.order is None or not self.fields:
            return
        if line_ids:
            for line_id in line_ids:
                self._check(line_id)
        else:
            self.values, self.problems = self.validated()
        field = self.grid.field
        if field is not None:
            field.set_class(self.line_of(field) in self.problems, "-invalid-qty")
        rows = {line.line_id: i for i, line in enumerate(self.order.lines)}
        self.grid.redraw(*(rows[lid] for lid in line_ids))
        values = self.values
        short = workflow.short_lines(self.order, values)
        warning = self.query_one("#short-warning", Static)
        text: Text | str = ""
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
                    for line in short[:SHORT_SHOWN]
                )
            )
            if count > SHORT_SHOWN:
                text.append(f" … and {count - SHORT_SHOWN} more (each row says how many units short)")
        self.show_line_problem()
        if not same_content(text, self._warning):  # unchanged (most keys): no relayout
            self._warning = text
            if warning.has_class("shown") == bool(short) or warning.has_class("reserved"):
                warning.set_class(bool(short), "shown")  # its rows stay: a repaint
                update_in_place(warning, text)  # as many rows as before (most keys): no relayout
            else:
                warning.set_class(bool(short), "shown")
                warning.update(text)

    def show_line_problem(self) -> None:
        """The cursor line's refusal in full, wrapped (its column has room for a few words)."""
        if self.order is None or not self.fields:
            return
        line = self.order.lines[self.grid.cursor[0]]
        problem = self.problems.get(line.line_id)
        self.query_one("#line-problem", ReservedNote).update(
            Text(f"✗ Line {line.line_id} ({terminal_text(line.sku)}): validated quantity {problem}", style="bold red")
            if problem else ""
        )

    def cell_edited(self, field: CellEditor) -> None:
        """A key changed the grid's field: its line checked again, its row redrawn."""
        line_id = self.line_of(field)
        self.typed[line_id] = self.fields[line_id] = field.value
        self.clear_status()
        self.refresh_feedback(line_id)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter in a quantity moves to the next line; on the last one it acknowledges.
        event.stop()
        if isinstance(event.input, CellEditor) and event.input.row + 1 < self.grid.rows:
            await self.grid.move_to(event.input.row + 1, "qty")
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
        return {lid: int(raw) if raw.isdigit() else 0 for lid, raw in self.fields.items()}

    def scanned(self, code: str) -> None:
        """One scan (the scan field calls this in typing order)."""
        self.scan_wanted = True
        order = self.order
        note = self.query_one("#scan-note", Note)
        if order is None or not self.fields:
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
        first = not self.counting
        if first:
            self.counting = True
            self.query_one("#scan-mode", Static).update(self.mode_text())
        value = counted.get(line.line_id, 0) + 1
        for line_id in self.fields:
            new = str(value if line_id == line.line_id else counted.get(line_id, 0))
            self.typed[line_id] = self.fields[line_id] = new
        field = self.grid.field
        if field is not None and field.value != (new := self.fields[self.line_of(field)]):
            with field.prevent(Input.Changed):
                field.value = new
        self.clear_status()
        if first:
            self.refresh_feedback()  # every line went to 0
        else:
            self.refresh_feedback(line.line_id)
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
            self.call_later(self.grid.focus_row, [line.line_id for line in order.lines].index(first))
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
            self.post_message(BackToDashboard(order))  # landed on: its row says Canceled
            return
        self.notify(  # short: step 2's title says so too, and a toast covers its rows
            f"PO {order.po_number} acknowledged: {order.units_accepted} of "
            f"{units(order.units_ordered)} accepted",
            timeout=2,
        )
        self.post_message(ShowOrder(order))  # step 2
