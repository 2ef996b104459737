"""Batch acknowledgement (issue 5 item 2): the marked New orders in one review.

``BatchAckScreen(pos, query)`` reads every order in a worker
(``services.batch_acknowledge.read_review``: non-New ones are skipped and said so, each
line's validated quantity prefilled with stock on hand when the store knows it) and shows one ``DataTable`` row per line (Text
cells: 500 orders stay light). The quantity of the line under the cursor is edited in
place: digits type it, ``+``/``-`` nudge, backspace deletes a digit.

``ctrl+s`` collects every short line of every order into one reason modal
(``modals.batch_reason.BatchReasonModal``: apply to all, per-line override, ``other`` with
text), then acknowledges each order in its own transaction, with the version as read, in
a worker (``services.batch_acknowledge.acknowledge_all``). A refusal (changed by someone else, already acknowledged)
is reported and never blocks or undoes the others; navigation then shows the outcome
(``BatchResultScreen``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.widgets.data_table import DuplicateKey, Row, RowKey

from dropship_tui.domain import workflow
from dropship_tui.domain.models import Line, Order, Reason
from dropship_tui.domain.words import plural, terminal_text
from dropship_tui.services.batch_acknowledge import (
    AckJob,
    BatchOutcome,
    BatchReview,
    acknowledge_all,
    read_review,
)
from dropship_tui.store.base import OrderQuery
from dropship_tui.tui.messages import BatchDone
from dropship_tui.tui.modals.batch_reason import BatchReasonModal, BatchReasons
from dropship_tui.tui.modals.confirm import ConfirmModal
from dropship_tui.tui.workers import StoreWorkers
from dropship_tui.tui.widgets.key_footer import KeyFooter


class Cell(Text):
    """A cell of the review's table. Its columns have fixed widths, yet ``DataTable``
    measures every cell it is given, and a ``Text``'s measure asks the terminal its size
    (over a second for the 2,000 lines of 1,000 orders): a cell has no measure, the
    column's width is the width."""

    __rich_measure__ = None  # type: ignore[assignment]


BLANK = Cell("")
"""An empty cell, one for all (a table never changes the cells it is given)."""


class ReviewTable(DataTable):
    """The review's table: its rows are all added at once (``add_rows_at_once``), and
    not measured. It leans on ``DataTable``'s internals (Textual 8);
    tests/test_tui_review_table.py holds it to what a plain ``DataTable`` shows."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """``DataTable`` measures each cell of each new row, for the width of an
        auto-width column, a row label or an auto height: with fixed widths, one-line
        rows and no labels (all this table has) that decides nothing, and took ~40 % of
        showing 2,170 lines. Only the size is then computed."""
        fixed = not any(column.auto_width for column in self.columns.values())
        rows = [self.rows[key] for key in new_rows if key in self.rows]
        plain = all(row.label is None and not row.auto_height for row in rows)
        super()._update_dimensions(() if fixed and plain else new_rows)

    def add_rows_at_once(self, rows: Sequence[tuple[Sequence[Text], str]]) -> None:
        """``add_row`` for each of ``rows`` (cells, key), with the table's bookkeeping
        done once, not once a row: ``add_row`` re-sets the cursor (a reactive with
        watchers) and re-sorts the columns on every call, ~60 % of showing 2,170 lines
        (issue 16 item 4). Keys must be new, cells one a column, rows one line high."""
        columns = [column.key for column in self.ordered_columns]
        first = self.row_count == 0
        keys = [RowKey(key) for _, key in rows]
        taken = [key for key in keys if key in self._row_locations]
        if taken or len(set(keys)) < len(keys):  # before anything is added
            raise DuplicateKey(f"The row key {(taken or keys)[0]!r} already exists.")
        for (cells, _), row_key in zip(rows, keys):
            self._row_locations[row_key] = len(self._row_locations)
            self._data[row_key] = dict(zip(columns, cells, strict=True))
            self.rows[row_key] = Row(row_key, 1)
            self._new_rows.add(row_key)
        if not rows:
            return
        self._require_update_dimensions = True
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate
        if first and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self.check_idle()


class BatchAckScreen(StoreWorkers, Screen):
    CSS_PATH = "../styles/batch.tcss"
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Acknowledge all", id="batch.confirm",
                tooltip="Acknowledge every order of the review (asks for the reasons of short lines)"),
        Binding("escape", "back", "Back", id="batch.back", tooltip="Back to the dashboard; nothing is written"),
        Binding("plus,equals_sign", "nudge(1)", "+1", show=False, id="batch.more",
                tooltip="One more on the line under the cursor"),
        Binding("minus", "nudge(-1)", "-1", show=False, id="batch.less", tooltip="One fewer on the line under the cursor"),
    ]

    def __init__(self, pos: Sequence[int], query: OrderQuery | None = None, *, marked: bool = True) -> None:
        super().__init__()
        self.pos = list(pos)
        self.query_state = query or OrderQuery()
        self.marked = marked
        self.orders: list[Order] = []
        self.values: dict[tuple[int, int], int] = {}
        self.skipped: dict[int, str] = {}
        self.hidden = 0
        self.reasons: dict[tuple[int, int], Reason] = {}
        self.reason_all: Reason | None = None
        self.loaded = False
        self._typed: tuple[tuple[int, int] | None, str] = (None, "")

    def compose(self) -> ComposeResult:
        yield Static(Text("Batch acknowledgement  ·  reading the orders…", style="bold"), id="batch-title")
        yield Static("", id="batch-skipped")
        yield Static(
            Text(
                "Validated quantities are prefilled (ordered, or stock on hand when lower). "
                "On a line: type a number, +/- to nudge. Short lines ask for a reason; ctrl+s acknowledges all.",
                style="dim",
            ),
            id="batch-hint",
        )
        table = ReviewTable(id="batch-lines", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static("", id="batch-summary")
        yield KeyFooter()

    @property
    def table(self) -> ReviewTable:
        return self.query_one("#batch-lines", ReviewTable)

    def on_mount(self) -> None:
        t = self.table
        t.add_column("PO", key="po", width=8)
        t.add_column("Customer", key="customer", width=18)
        t.add_column("SKU", key="sku", width=14)
        t.add_column("Product", key="product", width=28)
        t.add_column(Text("Ordered", justify="right"), key="ordered", width=7)
        t.add_column(Text("Validated", justify="right"), key="validated", width=9)
        t.add_column("", key="short", width=20)
        t.focus()
        self._load()

    # --- loading -------------------------------------------------------------------

    def _load(self) -> None:
        query = self.query_state if self.marked else None
        self.call_store(
            lambda store: read_review(store, self.pos, query),
            self._show,
            lambda error: self.notify(f"Could not read the orders: {error.message}", severity="error"),
            group="batch-load",
            exclusive=True,
            per_step=True,
        )

    def _show(self, review: BatchReview) -> None:
        self.orders, self.skipped = review.orders, review.skipped
        self.hidden = review.hidden
        """How many of the orders to acknowledge the dashboard's filter or search hides."""
        rows = []
        for order in review.orders:
            prefill = review.prefill[order.po_number]
            for line in order.lines:
                self.values[(order.po_number, line.line_id)] = prefill[line.line_id]
            validated = self.validated_of(order)  # once per order, not once per line
            cancels = workflow.would_cancel(order, validated)
            for i, line in enumerate(order.lines):
                key = (order.po_number, line.line_id)
                rows.append(
                    (
                        [
                            Cell(str(order.po_number), style="bold") if i == 0 else BLANK,
                            Cell(terminal_text(order.customer_name), no_wrap=True, overflow="ellipsis") if i == 0 else BLANK,
                            Cell(terminal_text(line.sku), no_wrap=True, overflow="ellipsis"),
                            Cell(terminal_text(line.description) or terminal_text(line.product_code), no_wrap=True, overflow="ellipsis"),
                            Cell(str(line.quantity_ordered), justify="right"),
                            self._validated_cell(key, line),
                            self._short_cell(order, line, validated, cancels),
                        ],
                        f"{order.po_number}:{line.line_id}",
                    )
                )
        self.table.add_rows_at_once(rows)
        self.loaded = True
        self._show_title()
        self._show_summary()

    def zero_orders(self) -> list[int]:
        """The POs validated to 0 on every line: confirming cancels them (R4)."""
        return [o.po_number for o in self.orders if workflow.would_cancel(o, self.validated_of(o))]

    def _show_title(self) -> None:
        n = len(self.orders)
        title = Text(no_wrap=True, overflow="ellipsis")
        zero = self.zero_orders()
        if zero:  # first, so no width cuts it off
            title.append(f" ⚠ {plural(len(zero), 'order')} will be CANCELED ", style="bold white on red")
            title.append(" ")
        title.append(" Batch acknowledgement ", style="bold reverse")
        what = "marked order" if self.marked else "order"
        if self.loaded and not n:
            title.append(f"  Nothing to acknowledge: no {what} is New", style="bold")
        else:
            title.append(f"  Acknowledge {plural(n, what)}", style="bold")
            if self.hidden:
                title.append(f" ({self.hidden:,} hidden by the filter)")
            title.append("?")
        self.query_one("#batch-title", Static).update(title)
        skipped = self.query_one("#batch-skipped", Static)
        if self.skipped:
            text = Text(style="yellow")
            text.append(f"⚠ {plural(len(self.skipped), 'marked order')} skipped (only New orders are acknowledged): ", style="bold")
            listed = [f"{po} ({why})" for po, why in list(self.skipped.items())[:12]]
            text.append(", ".join(listed) + (" …" if len(self.skipped) > 12 else ""))
            skipped.update(text)
            skipped.display = True
        else:
            skipped.display = False

    # --- quantities ----------------------------------------------------------------

    def _order(self, po: int) -> Order:
        return next(o for o in self.orders if o.po_number == po)

    def _validated_cell(self, key: tuple[int, int], line: Line) -> Text:
        value = self.values[key]
        style = "bold yellow" if value < line.quantity_ordered else "bold"
        return Cell(str(value), justify="right", style=style)

    def _short_cell(
        self, order: Order, line: Line, validated: dict[int, int] | None = None, cancels: bool | None = None
    ) -> Text:
        """``validated`` / ``cancels``: the order's, when the caller has them (once per
        order for a review of thousands of lines)."""
        validated = validated if validated is not None else self.validated_of(order)
        if cancels if cancels is not None else workflow.would_cancel(order, validated):
            return Cell("all 0: cancels order", style="bold red")
        short = workflow.shortfall(line, validated)
        if short > 0:
            return Cell(f"⚠ {short} short", style="yellow")
        return BLANK

    def validated_of(self, order: Order) -> dict[int, int]:
        """line_id -> the validated quantity of each line of ``order``, as typed."""
        return {line.line_id: self.values[(order.po_number, line.line_id)] for line in order.lines}

    def short_items(self) -> list[tuple[Order, Line, int]]:
        items = []
        for order in self.orders:
            validated = self.validated_of(order)
            items.extend((order, line, validated[line.line_id]) for line in workflow.short_lines(order, validated))
        return items

    def _show_summary(self) -> None:
        short = self.short_items()
        text = Text()
        lines = sum(len(o.lines) for o in self.orders)
        text.append(f"{plural(len(self.orders), 'order')}, {plural(lines, 'line')}", style="bold")
        if short:
            orders = len({o.po_number for o, _, _ in short})
            text.append(f"  ·  ⚠ {plural(len(short), 'short line')} in {plural(orders, 'order')}: each needs a reason",
                        style="bold yellow")
        zero = self.zero_orders()
        if zero:
            text.append(f"  ·  {plural(len(zero), 'order')} validated to 0 will be CANCELED", style="bold red")
        text.append("  ·  ctrl+s acknowledge all, esc back", style="dim")
        self.query_one("#batch-summary", Static).update(text)

    def _cursor_key(self) -> tuple[int, int] | None:
        table = self.table
        if not self.loaded or table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        po, line_id = (int(x) for x in str(row_key.value).split(":"))
        return po, line_id

    def set_value(self, key: tuple[int, int], value: int) -> bool:
        order = self._order(key[0])
        line = order.line(key[1])
        if workflow.quantity_problem(line, value):
            self.app.bell()
            self.notify(f"PO {key[0]} {terminal_text(line.sku)}: {workflow.quantity_problem(line, value)}", severity="warning", timeout=3)
            return False
        self.values[key] = value
        table = self.table
        for ln in order.lines:  # the "all 0" note may change on every line
            row = f"{order.po_number}:{ln.line_id}"
            table.update_cell(row, "validated", self._validated_cell((order.po_number, ln.line_id), ln))
            table.update_cell(row, "short", self._short_cell(order, ln))
        self._show_title()
        self._show_summary()
        return True

    def action_nudge(self, step: int) -> None:
        key = self._cursor_key()
        if key is None:
            return
        self._typed = (None, "")
        self.set_value(key, self.values[key] + step)

    def on_key(self, event: events.Key) -> None:
        if self.focused is not self.table:
            return
        key = self._cursor_key()
        if key is None:
            return
        typed_key, buffer = self._typed
        if event.character and event.character.isdigit():
            buffer = (buffer if typed_key == key else "") + event.character
        elif event.key == "backspace":
            buffer = (buffer if typed_key == key else str(self.values[key]))[:-1]
        else:
            return
        event.stop()
        event.prevent_default()
        if self.set_value(key, int(buffer or "0")):
            self._typed = (key, buffer)
        else:
            self._typed = (None, "")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._typed = (None, "")

    # --- confirm -------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_confirm(self) -> None:
        if not self.loaded or self.busy:
            return
        if not self.orders:
            self.notify("No New order to acknowledge.", severity="warning")
            return
        short = self.short_items()
        if not short:
            self._write({})
            return
        def chosen(result: BatchReasons) -> None:
            self.reasons, self.reason_all = result.own, result.reason_all  # kept for next time
            if result.confirmed is not None:
                self._confirm_cancels(result.confirmed)

        self.app.push_screen(BatchReasonModal(short, self.reasons, self.reason_all), chosen)

    def _confirm_cancels(self, reasons: dict[tuple[int, int], Reason]) -> None:
        """Orders validated to 0 are canceled, not acknowledged (R4): a question of its own,
        naming them, before anything is written."""
        zero = self.zero_orders()
        if not zero:
            self._write(reasons)
            return
        listed = ", ".join(str(po) for po in zero[:20]) + (" …" if len(zero) > 20 else "")
        rest = len(self.orders) - len(zero)
        question = (
            f"{plural(len(zero), 'order is', 'orders are')} validated to 0 and will be CANCELED, "
            f"not acknowledged: PO {listed}.\n\nCancel {'it' if len(zero) == 1 else 'them'}"
            + (f" and acknowledge the other {plural(rest, 'order')}?" if rest else "?")
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(reasons)

        self.app.push_screen(ConfirmModal(question), answered)

    def _write(self, reasons: dict[tuple[int, int], Reason]) -> None:
        per_order: dict[int, dict[int, Reason]] = {}
        for (po, line_id), reason in reasons.items():
            per_order.setdefault(po, {})[line_id] = reason
        jobs = [AckJob(o.po_number, o.version, self.validated_of(o), per_order.get(o.po_number, {})) for o in self.orders]
        skipped = dict(self.skipped)
        n = len(self.orders)
        self.query_one("#batch-summary", Static).update(Text(f"Acknowledging {plural(n, 'order')}…", style="bold"))
        self.call_store(
            lambda store: acknowledge_all(store, jobs, skipped),
            self._done,
            lambda error: self.notify(f"Could not acknowledge the orders: {error.message}", severity="error"),
            write=True,
            group="batch-write",
            exclusive=True,
            per_step=True,
        )

    def _done(self, outcome: BatchOutcome) -> None:
        self.post_message(BatchDone(outcome))
