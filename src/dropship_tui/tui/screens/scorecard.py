"""The vendor scorecard (issue 14 item 3; figures defined in docs/reports.md and computed
by ``domain.scorecard`` through ``Store.scorecards``).

A vendor user's store answers with its own vendor only: the screen shows that one card.
The operator (or a local store holding several vendors) gets every vendor side by side in
a table, one row each with a sparkline of its orders per week, sortable by any column
(``o`` the next column, ``O`` reverse); the card of the vendor under the cursor sits
below it, with the stages and the canceled units by reason.

The period is the last 30 days up to now at first; ``[`` and ``]`` move it back and forth
by its own length (never past now), ``d`` switches 7, 30 and 90 days. The figures load in
a worker while the title says "loading…"; a result that arrives after the period changed
again is dropped, so the screen always shows the period its title names.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from dropship_tui.domain.errors import DomainError
from dropship_tui.domain.scorecard import DEFAULT_DAYS, Scorecard
from dropship_tui.domain.words import plural, terminal_text
from dropship_tui.tui.widgets.key_footer import KeyFooter
from dropship_tui.tui.widgets.scorecard_cells import COLUMNS, card_table, cells, header, sorted_cards
from dropship_tui.tui.workers import StoreWorkers

DAYS = (7, 30, 90)
"""The period lengths ``d`` switches between."""


class ScorecardScreen(StoreWorkers, Screen):
    CSS_PATH = "../styles/scorecard.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="scorecard.back", tooltip="Back to the dashboard"),
        Binding("left_square_bracket", "move_period(-1)", "Earlier", id="scorecard.earlier",
                tooltip="The period before this one (as long)"),
        Binding("right_square_bracket", "move_period(1)", "Later", id="scorecard.later",
                tooltip="The period after this one (never past now)"),
        Binding("d", "cycle_days", "Days", id="scorecard.days", tooltip="Period length: 7, 30 or 90 days"),
        Binding("o", "cycle_sort", "Sort", id="scorecard.sort", tooltip="Sort the vendors by the next column"),
        Binding("O", "reverse_sort", "Reverse", id="scorecard.reverse", tooltip="Reverse the vendors' order"),
        Binding("r", "reload", "Refresh", id="scorecard.refresh", tooltip="Compute the figures again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.now: datetime | None = None
        self.end: datetime | None = None
        self.days = DEFAULT_DAYS
        self.cards: list[Scorecard] | None = None
        """The figures of the period in the title; None while they load."""
        self._ordered: list[Scorecard] = []
        """The table's rows, top to bottom."""
        self.sort_key = COLUMNS[0].key
        self.reverse = False
        self._generation = 0
        self._error: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="title", markup=False)
        yield DataTable(id="vendors", cursor_type="row", zebra_stripes=True, header_height=2, fixed_columns=1)
        yield Static(id="card", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.now = self.end = self.app.store.clock()
        self.table.display = False
        self.load()

    @property
    def table(self) -> DataTable:
        return self.query_one("#vendors", DataTable)

    @property
    def start(self) -> datetime:
        assert self.end is not None
        return self.end - timedelta(days=self.days)

    @property
    def side_by_side(self) -> bool:
        return self.cards is not None and len(self.cards) > 1

    # --- loading ---------------------------------------------------------------------

    def load(self) -> None:
        """The figures of the current period, in a worker (an older load's answer is
        dropped when it comes)."""
        self._generation += 1
        generation, start, end = self._generation, self.start, self.end
        self.cards, self._error = None, None
        self._show_title()
        self.call_store(
            lambda store: store.scorecards(start, end),
            lambda cards: self._loaded(generation, cards),
            lambda error: self._failed(generation, error),
            group="scorecard",
        )

    def _loaded(self, generation: int, cards: list[Scorecard]) -> None:
        if generation != self._generation:
            return
        self.cards = cards
        self._show_title()
        self._fill()
        self.refresh_bindings()

    def _failed(self, generation: int, error: DomainError) -> None:
        if generation != self._generation:
            return
        self._error = error.message
        self._show_title()
        self.notify(error.message, severity="error")

    # --- showing ---------------------------------------------------------------------

    def _show_title(self) -> None:
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(" Vendor scorecard ", style="bold reverse")
        start, end = self.start.astimezone(), self.end.astimezone()  # type: ignore[union-attr]
        title.append(f"  {start:%Y-%m-%d %H:%M} → {end:%Y-%m-%d %H:%M}  ({self.days} days)")
        if self._error is not None:
            title.append(f"  ✗ {terminal_text(self._error)}", style="bold red")
        elif self.cards is None:
            title.append("  · loading…", style="italic")
        elif self.side_by_side:
            title.append(f"  · {plural(len(self.cards), 'vendor')}")
        self.query_one("#title", Static).update(title)

    def _fill(self) -> None:
        cards = self.cards or []
        table = self.table
        table.display = self.side_by_side
        if not self.side_by_side:
            self._show_card(cards[0] if cards else None)
            return
        current = self._current_code()
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(header(column, self.sort_key, self.reverse), key=column.key)
        ordered = sorted_cards(cards, self.sort_key, self.reverse)
        for index, card in enumerate(ordered):
            table.add_row(*cells(card), key=str(index))
        self._ordered = ordered
        row = next((i for i, c in enumerate(ordered) if c.vendor_code == current), 0)
        table.move_cursor(row=row)
        self._show_card(ordered[row])
        table.focus()

    def _current_code(self) -> str | None:
        ordered = self._ordered
        if not ordered or not self.table.row_count:
            return None
        return ordered[min(self.table.cursor_row, len(ordered) - 1)].vendor_code

    def _show_card(self, card: Scorecard | None) -> None:
        shown = self.query_one("#card", Static)
        if card is None:
            shown.update(Text("No vendors in this store yet.", style="italic"))
            return
        name = Text(f" {terminal_text(card.vendor_code)} ", style="bold reverse")
        shown.update(Group(name, Text(""), card_table(card)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        ordered = self._ordered
        if ordered and 0 <= event.cursor_row < len(ordered):
            self._show_card(ordered[event.cursor_row])

    # --- keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Sorting needs vendors side by side; "later" stops at now (shown greyed)."""
        if action in ("cycle_sort", "reverse_sort"):
            return self.side_by_side
        if action == "move_period" and parameters and parameters[0] == 1:
            return None if self.end is None or self.end >= self.now else True  # type: ignore[operator]
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_move_period(self, step: int) -> None:
        assert self.end is not None and self.now is not None
        end = self.end + step * timedelta(days=self.days)
        self.end = min(end, self.now)
        self.refresh_bindings()
        self.load()

    def action_cycle_days(self) -> None:
        self.days = DAYS[(DAYS.index(self.days) + 1) % len(DAYS)] if self.days in DAYS else DAYS[0]
        self.load()

    def action_cycle_sort(self) -> None:
        keys = [c.key for c in COLUMNS]
        self.sort_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]
        self.reverse = False
        self._fill()

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse
        self._fill()

    def action_reload(self) -> None:
        self.load()
