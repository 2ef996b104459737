"""Import tracking numbers from a CSV file (the TUI side of ``track --import FILE.csv``).

The path typed in the field is read by ``csv_imports.import_tracking`` in a worker thread
(under the app's store lock): each row is saved on its own (R7), so the report lists what
was applied, what was already there and what was refused (line number and reason). The
dashboard underneath reloads when the modal closes after applied rows.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from dropship_tui.services import csv_imports
from dropship_tui.domain.errors import DomainError
from dropship_tui.tui.keymap import bindings
from dropship_tui.tui.widgets.safe import plain
from dropship_tui.tui.screens.order_screen import Note


def report_text(report: csv_imports.TrackingImportReport) -> Text:
    """The counts, then one line per refused row (user data as plain text)."""
    text = Text()
    text.append(f"✓ {report.applied:,} applied", style="bold green")
    text.append(f"  ·  {report.unchanged:,} unchanged")
    text.append(f"  ·  ✗ {report.refused:,} refused", style="bold red" if report.refused else "")
    for row in report.rows:
        if row.status != csv_imports.REFUSED:
            continue
        text.append("\n")
        where = f"line {row.line}"
        if row.po_number is not None and row.slip_number is not None:
            where += f" (PO {row.po_number}, package {row.slip_number})"
        text.append(where + ": ", style="bold")
        text.append(plain(row.message))
    return text


class TrackingImportModal(ModalScreen[int]):
    """Dismisses with the number of applied rows (0 when nothing changed)."""

    BINDINGS = bindings("tracking_import.close")
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
        self.report: csv_imports.TrackingImportReport | None = None

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
        yield Footer()

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
        path = Path(raw).expanduser()
        if not path.is_file():
            problem.update(Text(f"No such file: {plain(path)}"))
            return
        problem.update("")
        self.busy = True
        self.query_one("#import-report", Static).update(Text("Importing…", style="bold"))
        self._import(path)

    @work(thread=True, group="tracking-import", exclusive=True, exit_on_error=False)
    def _import(self, path: Path) -> None:
        app = self.app
        try:
            with app.store_lock:  # the rows one by one, each its own transaction
                report = csv_imports.import_tracking(app.store, path)
        except (DomainError, OSError) as exc:
            message = exc.message if isinstance(exc, DomainError) else f"Could not read {path}: {exc.strerror or exc}"
            app.call_from_thread(self._failed, message)
            return
        except Exception as exc:  # an unexpected failure: shown, never a crash
            app.call_from_thread(self._failed, f"unexpected error: {type(exc).__name__}: {exc}")
            return
        app.call_from_thread(self._show, report)

    def _failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#import-report", Static).update("")
        self.query_one("#import-problem", Note).update(Text(plain(message)))

    def _show(self, report: csv_imports.TrackingImportReport) -> None:
        self.busy = False
        self.report = report
        self.applied += report.applied
        self.query_one("#import-report", Static).update(report_text(report))

    def action_close(self) -> None:
        if self.busy:
            self.notify("Still importing…", timeout=2)
            return
        self.dismiss(self.applied)
