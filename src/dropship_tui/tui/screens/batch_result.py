"""What a batch acknowledgement did: the orders acknowledged, refused (and why) and
skipped. ``enter`` goes back to the dashboard, which unmarks the orders done."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from dropship_tui.domain.words import plural, terminal_text
from dropship_tui.services.batch_acknowledge import BatchOutcome
from dropship_tui.tui.messages import BatchAcknowledged
from dropship_tui.tui.widgets.key_footer import KeyFooter


class BatchResultScreen(Screen):
    """What a batch acknowledgement did: acknowledged, refused (and why), skipped."""

    CSS_PATH = "../styles/batch.tcss"
    BINDINGS = [
        Binding("enter,escape", "done", "Done", id="batch_result.done", tooltip="Back to the dashboard"),
    ]

    def __init__(self, outcome: BatchOutcome) -> None:
        super().__init__()
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        o = self.outcome
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(" Batch acknowledgement done ", style="bold reverse")
        if o.canceled:  # first: a cancellation must not be cut off or read as done
            title.append(f"  ✗ {len(o.canceled):,} canceled (validated to 0)  ·", style="bold red")
        acknowledged = len(o.succeeded) - len(o.canceled)
        title.append(f"  ✓ {plural(acknowledged, 'order')} acknowledged", style="bold green")
        if o.failed:
            title.append(f"  ·  ✗ {len(o.failed):,} refused", style="bold red")
        if o.skipped:
            title.append(f"  ·  {len(o.skipped):,} skipped", style="bold yellow")
        yield Static(title, id="result-title")
        table: DataTable = DataTable(id="result-lines", cursor_type="row")
        yield table
        yield Static(Text("enter: back to the orders", style="dim"), id="result-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        t = self.query_one("#result-lines", DataTable)
        t.add_column("PO", key="po", width=8)
        t.add_column("Result", key="result", width=14)
        t.add_column("Details", key="details")
        rows = []
        for po in sorted(self.outcome.canceled):
            rows.append((Text(str(po), style="bold"), Text("✗ canceled", style="bold red"),
                         Text(self.outcome.succeeded[po])))
        for po, why in self.outcome.failed.items():
            rows.append((Text(str(po), style="bold"), Text("✗ refused", style="bold red"), Text(terminal_text(why))))
        for po, why in self.outcome.skipped.items():
            rows.append((Text(str(po), style="bold"), Text("– skipped", style="yellow"), Text(terminal_text(why))))
        for po, what in self.outcome.succeeded.items():
            if po in self.outcome.canceled:
                continue
            rows.append((Text(str(po), style="bold"), Text("✓ acknowledged", style="green"), Text(what)))
        for cells in rows:
            t.add_row(*cells)
        t.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # enter on the table: done
        self.action_done()

    def action_done(self) -> None:
        self.post_message(BatchAcknowledged(self.outcome.succeeded))
