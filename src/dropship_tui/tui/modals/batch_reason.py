"""The reasons of a batch acknowledgement: every short line of every order in one modal.

One ``DataTable`` row per short line (PO, SKU, ordered, fulfilling, unfulfilled, reason);
"Apply a reason to all lines" at the top; the editor row under the table overrides the
reason of the line under the cursor (``other`` needs its text, typed in a bordered field
that comes next after its reason in the Tab order). A live count says how many
lines still need a reason; confirming is refused until none does. Dismisses with a
``BatchReasons``: what was chosen (the per-line overrides and the reason for all, for the
screen to keep for next time, on esc too) and, when confirmed, the reason of every line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Select, Static

from dropship_tui.domain import workflow
from dropship_tui.domain.models import REASON_TEXT_MAX, Line, Order, Reason, ReasonCode
from dropship_tui.domain.words import plural, terminal_text
from dropship_tui.tui.widgets.reason_select import ReasonSelect
from dropship_tui.tui.widgets.key_footer import KeyFooter

Key = tuple[int, int]
"""(PO, line_id)."""


@dataclass(frozen=True)
class BatchReasons:
    """What the modal dismisses with."""

    own: dict[Key, Reason]
    """The per-line overrides chosen."""
    reason_all: Reason | None
    """The reason for all lines chosen."""
    confirmed: dict[Key, Reason] | None
    """Every short line's reason when confirmed; None on esc (nothing to write)."""


class BatchReasonModal(ModalScreen[BatchReasons]):
    CSS_PATH = "../styles/batch.tcss"
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm", id="batch_reason.confirm", tooltip="Acknowledge with these reasons"),
        Binding("escape", "back", "Back", id="batch_reason.back", tooltip="Back to the review"),
    ]

    def __init__(self, items: Sequence[tuple[Order, Line, int]], reasons: Mapping[Key, Reason] | None = None,
                 reason_all: Reason | None = None) -> None:
        """``items``: (order, short line, validated) each; ``reasons`` and ``reason_all``:
        what was chosen the last time (overrides of lines no longer short are dropped)."""
        super().__init__(classes="dim-modal")
        self.items = list(items)
        self.keys: list[Key] = [(o.po_number, ln.line_id) for o, ln, _ in self.items]
        self.own: dict[Key, Reason] = {k: r for k, r in (reasons or {}).items() if k in set(self.keys)}
        self.reason_all = reason_all
        self._editing: Key | None = None

    def compose(self) -> ComposeResult:
        orders = len({k[0] for k in self.keys})
        with Vertical(id="breason-box"):
            yield Static(
                Text(f"{plural(len(self.keys), 'short line', grouped=True)} in "
                     f"{plural(orders, 'order', grouped=True)} cannot be fulfilled in full", style="bold"),
                classes="title",
            )
            with Horizontal(classes="breason-row"):
                yield Static(Text("Apply a reason to all lines:"), classes="breason-label")
                yield ReasonSelect(prompt="Choose…", id="breason-all", compact=True,
                             value=self.reason_all.code if self.reason_all else Select.NULL)
                yield Input(self.reason_all.text if self.reason_all else "", placeholder="Why? (for Other)",
                            max_length=REASON_TEXT_MAX, id="breason-all-text")
            yield DataTable(id="breason-lines", cursor_type="row")
            with Horizontal(classes="breason-row"):
                yield Static("", id="breason-editing", classes="breason-label")
                yield ReasonSelect(prompt="(the reason for all)", id="breason-one", compact=True)
                yield Input(placeholder="Why is this line short? (for Other)", max_length=REASON_TEXT_MAX,
                            id="breason-one-text")
            yield Static("", id="breason-count")
        yield KeyFooter()

    def on_mount(self) -> None:
        t = self.query_one("#breason-lines", DataTable)
        t.add_column("PO", key="po", width=8)
        t.add_column("SKU", key="sku", width=16)
        t.add_column(Text("Ordered", justify="right"), key="ordered", width=7)
        t.add_column(Text("Fulfilling", justify="right"), key="fulfilling", width=10)
        t.add_column(Text("Unfulfilled", justify="right"), key="unfulfilled", width=11)
        t.add_column("Reason", key="reason", width=40)
        for (order, line, value), key in zip(self.items, self.keys):
            t.add_row(
                Text(str(order.po_number), style="bold"),
                Text(terminal_text(line.sku), no_wrap=True, overflow="ellipsis"),
                Text(str(line.quantity_ordered), justify="right"),
                Text(str(value), justify="right"),
                Text(str(workflow.shortfall(line, {line.line_id: value})), justify="right", style="bold yellow"),
                self._reason_cell(key),
                key=f"{key[0]}:{key[1]}",
            )
        self._load_editor(self.keys[0] if self.keys else None)
        self.refresh_count()
        self.query_one("#breason-all", Select).focus()

    # --- state ---------------------------------------------------------------------

    def effective(self, key: Key) -> Reason | None:
        return self.own.get(key) or self.reason_all

    def missing(self) -> dict[Key, str]:
        out = {}
        for key in self.keys:
            problem = workflow.reason_problem(self.effective(key))
            if problem:
                out[key] = problem
        return out

    def _reason_cell(self, key: Key) -> Text:
        reason = self.effective(key)
        problem = workflow.reason_problem(reason)
        if reason is None:
            return Text("✗ needs a reason", style="bold red")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(terminal_text(reason.describe()))
        text.append("  (own)" if key in self.own else "  (all)", style="dim")
        if problem:
            text = Text(f"✗ {terminal_text(reason.code.label)}: {problem}", style="bold red", no_wrap=True, overflow="ellipsis")
        return text

    def _refresh_cells(self, keys=None) -> None:
        t = self.query_one("#breason-lines", DataTable)
        for key in keys or self.keys:
            t.update_cell(f"{key[0]}:{key[1]}", "reason", self._reason_cell(key))
        self.refresh_count()

    def refresh_count(self) -> None:
        missing = self.missing()
        label = self.query_one("#breason-count", Static)
        if missing:
            label.update(Text(f"{workflow.still_need_reason(len(missing))}  ·  ctrl+s confirm, esc back",
                              style="bold yellow"))
        else:
            label.update(Text("All reasons provided ✓  ·  ctrl+s acknowledges every order", style="bold green"))

    def _load_editor(self, key: Key | None) -> None:
        self._editing = key
        label = self.query_one("#breason-editing", Static)
        select = self.query_one("#breason-one", Select)
        field = self.query_one("#breason-one-text", Input)
        own = self.own.get(key) if key else None
        with select.prevent(Select.Changed), field.prevent(Input.Changed):
            select.value = own.code if own else Select.NULL
            field.value = own.text if own else ""
        field.set_class(bool(own and own.code is ReasonCode.OTHER), "shown")
        if key is not None:
            line = next(ln for (o, ln, _), k in zip(self.items, self.keys) if k == key)
            label.update(Text(f"This line (PO {key[0]} {terminal_text(line.sku)}):", no_wrap=True, overflow="ellipsis"))

    # --- events --------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        po, line_id = (int(x) for x in str(event.row_key.value).split(":"))
        self._load_editor((po, line_id))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value if isinstance(event.value, ReasonCode) else None
        if event.select.id == "breason-all":
            text_field = self.query_one("#breason-all-text", Input)
            text_field.set_class(value is ReasonCode.OTHER, "shown")
            self.reason_all = Reason(code=value, text=text_field.value if value is ReasonCode.OTHER else "") if value else None
            if value is ReasonCode.OTHER and event.select.has_focus:
                text_field.focus()
            self._refresh_cells()
        elif event.select.id == "breason-one" and self._editing is not None:
            text_field = self.query_one("#breason-one-text", Input)
            text_field.set_class(value is ReasonCode.OTHER, "shown")
            if value is None:
                self.own.pop(self._editing, None)
            else:
                self.own[self._editing] = Reason(code=value, text=text_field.value if value is ReasonCode.OTHER else "")
            if value is ReasonCode.OTHER and event.select.has_focus:
                text_field.focus()
            self._refresh_cells([self._editing])

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "breason-all-text" and self.reason_all is not None:
            if self.reason_all.code is ReasonCode.OTHER:
                self.reason_all = Reason(code=ReasonCode.OTHER, text=event.value)
                self._refresh_cells()
        elif event.input.id == "breason-one-text" and self._editing is not None:
            own = self.own.get(self._editing)
            if own is not None and own.code is ReasonCode.OTHER:
                self.own[self._editing] = Reason(code=ReasonCode.OTHER, text=event.value)
                self._refresh_cells([self._editing])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        missing = self.missing()
        if missing:
            first = next(iter(missing))
            t = self.query_one("#breason-lines", DataTable)
            t.move_cursor(row=self.keys.index(first))
            t.focus()
            self.refresh_count()
            self.notify(f"{workflow.still_need_reason(len(missing))}, e.g. PO {first[0]}: {missing[first]}",
                        severity="warning")
            return
        confirmed = {}
        for key in self.keys:
            reason = self.effective(key)
            assert reason is not None  # nothing is missing
            confirmed[key] = reason
        self.dismiss(BatchReasons(dict(self.own), self.reason_all, confirmed))

    def action_back(self) -> None:
        self.dismiss(BatchReasons(dict(self.own), self.reason_all, None))
