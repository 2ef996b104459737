"""Import tracking numbers from a CSV file (the TUI side of ``track --import FILE.csv``).

The path typed in the field is read by ``tracking_import.import_tracking`` in a store worker
(``workers``): each row is saved on its own (R7), so the report lists what
was applied, what was already there and what was refused (line number and reason). The
dashboard underneath reloads when the modal closes after applied rows. In a served session
the path is taken inside the user's documents folder (``served_files.typed_path``).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from dropship_tui.domain.errors import DomainError, InvalidInputError
from dropship_tui.domain.words import terminal_text
from dropship_tui.services import served_files, tracking_import
from dropship_tui.store.base import Store
from dropship_tui.tui.widgets.note import Note
from dropship_tui.tui.workers import StoreWorkers
from dropship_tui.tui.widgets.key_footer import KeyFooter


def report_text(report: tracking_import.TrackingImportReport) -> Text:
    """The counts, then one line per refused row (user data as plain text)."""
    text = Text()
    text.append(f"✓ {report.applied:,} applied", style="bold green")
    text.append(f"  ·  {report.unchanged:,} unchanged")
    text.append(f"  ·  ✗ {report.refused:,} refused", style="bold red" if report.refused else "")
    for row in report.rows:
        if row.status != tracking_import.REFUSED:
            continue
        text.append("\n")
        where = f"line {row.line}"
        if row.po_number is not None and row.slip_number is not None:
            where += f" (PO {row.po_number}, package {row.slip_number})"
        text.append(where + ": ", style="bold")
        text.append(terminal_text(row.message))
    return text


def _import(store: Store, path: Path) -> tracking_import.TrackingImportReport:
    """The rows one by one, each its own transaction (a file that cannot be read is a
    refusal that names it)."""
    try:
        return tracking_import.import_tracking(store, path)
    except OSError as exc:
        raise DomainError(f"Could not read {path}: {exc.strerror or exc}") from exc


class TrackingImportModal(StoreWorkers, ModalScreen[int]):
    """Dismisses with the number of applied rows (0 when nothing changed)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="tracking_import.close", tooltip="Close the tracking import"),
    ]
    DEFAULT_CSS = """
    TrackingImportModal { align: center middle; }
    TrackingImportModal > Vertical {
        width: 80; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    TrackingImportModal .title { text-style: bold; margin-bottom: 1; }
    TrackingImportModal #import-problem { color: $error; height: auto; }
    TrackingImportModal #import-report-box { height: auto; max-height: 20; margin-top: 1; }
    TrackingImportModal #import-report { height: auto; }
    TrackingImportModal .hint { color: $text-muted; margin-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.applied = 0
        self.busy = False
        self.report: tracking_import.TrackingImportReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Import tracking numbers"), classes="title")
            yield Static(
                Text(
                    "A CSV file with the columns po, package_number, tracking_number and "
                    "optionally carrier: each row is saved on its own."
                )
            )
            yield Label("CSV file")
            yield Input(placeholder="path/to/tracking.csv", id="import-path")
            yield Note("", id="import-problem")
            with VerticalScroll(id="import-report-box"):
                yield Static("", id="import-report")
            yield Static(Text("enter: import  ·  esc: close"), classes="hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#import-problem", Note).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        raw = event.value.strip()
        problem = self.query_one("#import-problem", Note)
        if not raw:
            problem.update(Text("Type the path of a CSV file."))
            return
        try:
            path = served_files.typed_path(raw)
        except InvalidInputError as exc:
            problem.update(Text(exc.message))
            return
        if not path.is_file():
            problem.update(Text(f"No such file: {terminal_text(path)}"))
            return
        problem.update("")
        self.busy = True
        self.query_one("#import-report", Static).update(Text("Importing…", style="bold"))
        self.call_store(lambda store: _import(store, path), self._show, self._failed,
                        group="tracking-import", exclusive=True)

    def _failed(self, error: DomainError) -> None:
        self.busy = False
        self.query_one("#import-report", Static).update("")
        self.query_one("#import-problem", Note).update(Text(terminal_text(error.message)))

    def _show(self, report: tracking_import.TrackingImportReport) -> None:
        self.busy = False
        self.report = report
        self.applied += report.applied
        self.query_one("#import-report", Static).update(report_text(report))

    def action_close(self) -> None:
        if self.busy:
            self.notify("Still importing…", timeout=2)
            return
        self.dismiss(self.applied)
